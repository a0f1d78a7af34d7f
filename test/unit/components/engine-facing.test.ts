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

describe("a failed canary gate puts traffic back on stable", () => {
  const gateType = "pulumi-nodejs:dynamic/rollout-gate:Resource";
  const stable = { image: `registry.example/team/okeydokey@sha256:${"1".repeat(64)}` };
  const prom = { prometheus: { url: "http://prom:9090", query: "errors", max: 0.01 } };

  it("by replicas: the gate of step 30% scales stable back to all 7 pods, then the canary to 0; both Deployments take their replicas back by force", async () => {
    const r = await runApps([{ name: "c", replicas: 7, strategy: { type: "canary", stable, weight: 30, steps: [30, 50], gates: prom } }]);
    const gate = one(r, gateType).props;
    assert.equal(gate.step, "weight 30%");
    assert.deepEqual(gate.revert, {
      scale: [
        { workload: "c", replicas: 7 },
        { workload: "c-canary", replicas: 0 },
      ],
      summary: "stable c (sha256-111111111111) scaled back to 7 pods and the canary to 0: all traffic on stable",
    });
    // 30% of 7 is 2.1: the canary runs 2 pods and stable 5 until the revert.
    assert.equal(one(r, T.deployment, "c-canary").props.spec.replicas, 2);
    assert.equal(one(r, T.deployment, "c").props.spec.replicas, 5);
    for (const d of ofType(r, T.deployment)) assert.equal(d.props.metadata.annotations["pulumi.com/patchForce"], "true", nameOf(d));
  });

  it("by gateway: the gate carries the route's rules with 100% to stable, as the program renders them; the route takes its weights back by force", async () => {
    const gw = { name: "public", namespace: "gateways" };
    const r = await runApps([
      {
        name: "c",
        replicas: 4,
        servicePort: 8080,
        strategy: { type: "canary", traffic: "gateway", gateway: gw, stable, weight: 10, gates: prom },
      },
    ]);
    const gate = one(r, gateType).props;
    assert.equal(gate.step, "weight 10%");
    assert.deepEqual(gate.revert, {
      scale: [],
      route: { name: "c", rules: [{ backendRefs: [{ group: "", kind: "Service", name: "c", port: 8080, weight: 100 }] }] },
      summary: "HTTPRoute c sends 100% to stable sha256-111111111111",
    });
    assert.equal(one(r, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute").props.metadata.annotations["pulumi.com/patchForce"], "true");
  });

  it("promotion is a step of its own: the gate re-runs for it and reverts the same way", async () => {
    const r = await runApps([{ name: "c", replicas: 4, strategy: { type: "canary", stable, weight: 100, promote: true, gates: prom } }]);
    const gate = one(r, gateType).props;
    assert.equal(gate.step, "promote");
    assert.deepEqual(gate.revert.scale, [
      { workload: "c", replicas: 4 },
      { workload: "c-canary", replicas: 0 },
    ]);
  });

  it("blue/green gates revert nothing (the switch waits for them) and rolling workloads are not forced", async () => {
    const bg = await runApps([
      { name: "bg", replicas: 2, strategy: { type: "blueGreen", live: "blue", slots: { blue: stable, green: {} }, gates: prom } },
    ]);
    assert.equal(one(bg, gateType).props.revert, undefined);
    assert.equal(one(bg, gateType).props.step, undefined);
    const rolling = await runApps([{ name: "demo", replicas: 2, strategy: { type: "rolling" } }]);
    assert.equal(one(rolling, T.deployment).props.metadata.annotations["pulumi.com/patchForce"], undefined);
  });
});
