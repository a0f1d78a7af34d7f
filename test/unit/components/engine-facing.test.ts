// What the program writes for the real engine: logical names that do not shift with the app list,
// await annotations where the provider's built-in awaits are wrong or slow.
import { strict as assert } from "assert";
import type { RecordedResource } from "../../../tools/offline";
import { one, ofType, runApps, T } from "../../support/stacks";

const nameOf = (r: RecordedResource) => `${r.props.metadata.namespace}/${r.props.metadata.name}`;

describe("CdAccess: Role and RoleBinding names keyed by app", () => {
  it("names each app's Role and RoleBinding after the app, for any position in rollout:apps", async () => {
    const two = await runApps([{ name: "alpha" }, { name: "beta" }]);
    const three = await runApps([{ name: "gamma" }, { name: "alpha" }, { name: "beta" }]);
    const names = (r: Awaited<ReturnType<typeof runApps>>, type: string) =>
      Object.fromEntries(ofType(r, type).map((x) => [x.name, x.props.metadata.namespace]));
    assert.deepEqual(names(two, T.role), { "local-cd-role-alpha": "local-alpha", "local-cd-role-beta": "local-beta" });
    assert.deepEqual(names(three, T.role), {
      "local-cd-role-gamma": "local-gamma",
      "local-cd-role-alpha": "local-alpha",
      "local-cd-role-beta": "local-beta",
    });
    assert.deepEqual(names(three, T.roleBinding), {
      "local-cd-binding-gamma": "local-gamma",
      "local-cd-binding-alpha": "local-alpha",
      "local-cd-binding-beta": "local-beta",
    });
  });
});

describe("Deployment awaits", () => {
  it("recreate waits for exactly the new revision's pods: all updated, all available, no other pod", async () => {
    const r = await runApps([{ name: "demo", replicas: 3, strategy: { type: "recreate" } }], "staging");
    const d = one(r, T.deployment).props;
    assert.deepEqual(JSON.parse(d.metadata.annotations["pulumi.com/waitFor"]), [
      "jsonpath={.status.updatedReplicas}=3",
      "jsonpath={.status.availableReplicas}=3",
      "jsonpath={.status.replicas}=3",
    ]);
    assert.ok(Number(d.metadata.annotations["pulumi.com/timeoutSeconds"]) > 0, "waitFor is still bounded by the derived timeout");
  });

  it("recreate with one replica counts one; rolling and every blue/green slot are counted too; an idle slot scaled to 0 and an HPA keep the built-in await", async () => {
    const single = one(await runApps([{ name: "demo", replicas: 1, strategy: { type: "recreate" } }], "staging"), T.deployment).props;
    assert.equal(JSON.parse(single.metadata.annotations["pulumi.com/waitFor"])[0], "jsonpath={.status.updatedReplicas}=1");
    const rolling = one(await runApps([{ name: "demo", replicas: 3, strategy: { type: "rolling" } }], "staging"), T.deployment).props;
    assert.deepEqual(JSON.parse(rolling.metadata.annotations["pulumi.com/waitFor"]), [
      "jsonpath={.status.updatedReplicas}=3",
      "jsonpath={.status.availableReplicas}=3",
      "jsonpath={.status.replicas}=3",
    ]);
    const pinned = `registry.example/team/okeydokey@sha256:${"c".repeat(64)}`;
    const bg = await runApps([
      {
        name: "bg",
        replicas: 4,
        strategy: { type: "blueGreen", live: "green", idle: "scaleDown", slots: { blue: { image: pinned }, green: {} } },
      },
    ]);
    const waits = Object.fromEntries(
      ofType(bg, T.deployment).map((d) => [d.props.metadata.name, d.props.metadata.annotations["pulumi.com/waitFor"]]),
    );
    assert.deepEqual(Object.keys(waits).sort(), ["bg-blue", "bg-green"]);
    assert.equal(JSON.parse(waits["bg-green"])[0], "jsonpath={.status.updatedReplicas}=4");
    assert.equal(waits["bg-blue"], undefined, "the idle slot scaled to 0 has no pods to count");
    const hpa = one(
      await runApps([{ name: "demo", replicas: 2, strategy: { type: "recreate" }, hpa: { minReplicas: 2, maxReplicas: 5 } }], "staging"),
      T.deployment,
    ).props;
    assert.equal(hpa.metadata.annotations["pulumi.com/waitFor"], undefined);
  });
});

describe("Service awaits", () => {
  it("blue/green: the live and preview Services, which come after awaited Deployments, skip the provider's 10 s settle", async () => {
    const r = await runApps([
      {
        name: "bg",
        replicas: 2,
        strategy: {
          type: "blueGreen",
          live: "blue",
          slots: { blue: {}, green: { image: `registry.example/team/okeydokey@sha256:${"c".repeat(64)}` } },
        },
      },
    ]);
    const skips = Object.fromEntries(ofType(r, T.service).map((s) => [nameOf(s), s.props.metadata.annotations?.["pulumi.com/skipAwait"]]));
    assert.deepEqual(skips, { "local-bg/bg-preview": "true", "local-bg/bg": "true" });
  });

  it("a rolling app's Service, which depends on nothing, keeps the provider's await", async () => {
    const r = await runApps([{ name: "demo", replicas: 2, strategy: { type: "rolling" } }]);
    assert.equal(one(r, T.service).props.metadata.annotations?.["pulumi.com/skipAwait"], undefined);
  });
});
