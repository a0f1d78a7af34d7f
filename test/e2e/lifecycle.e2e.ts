// What only a real engine shows: the policy pack in a preview, the stack lock, resource identity
// when the app list changes, and config revisions that come back.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectDir } from "../../tools/engine";
import { getJsonSync, KubeJson } from "../../tools/kube";
import { localConfig } from "../../tools/local-stack";
import { e2e } from "./hooks";
import { app, image, step, variant } from "./support";

const kc = e2e.kubeconfig;
const policyDir = path.join(projectDir, "policy");

describe("e2e policy pack on a real preview", () => {
  it("with local enforcement the preview passes and reports advisory findings; with a mandatory rule violated it fails naming the rule", async () => {
    const s = await variant("policy", [app("pol")], image(1));
    const ok = await s.preview({ dir: policyDir, config: path.join(policyDir, "config", "local.json") });
    assert.equal(ok.changes.create! >= 10, true, JSON.stringify(ok.changes));
    assert.match(ok.stdout, /workload-min-ready-seconds/);

    const strict = JSON.parse(fs.readFileSync(path.join(policyDir, "config", "local.json"), "utf8"));
    strict["workload-min-ready-seconds"] = { enforcementLevel: "mandatory" };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-")), "strict.json");
    fs.writeFileSync(file, JSON.stringify(strict));
    await assert.rejects(
      s.preview({ dir: policyDir, config: file }),
      (e: Error) =>
        /mandatory/.test(e.message) && /workload-min-ready-seconds/.test(e.message) && /minReadySeconds is not set \(0\)/.test(e.message),
    );
  });
});

describe("e2e the stack lock", () => {
  it("two concurrent `pulumi up` on one stack: one fails on the lock, the other applies, and nothing is left pending", async function () {
    this.timeout(10 * 60 * 1000);
    const apps = [app("lock", { replicas: 2 })];
    const s = await variant("lock", apps, image(1));
    await s.up();
    await s.setConfig(localConfig(apps, image(2), "e2e-lock"));
    // Two processes, as two CI jobs would be: each runs the runner's `up` on the same stack and backend.
    const run = () =>
      new Promise<{ code: number; out: string }>((resolve) => {
        const p = spawn(
          "npx",
          [
            "ts-node",
            "--transpile-only",
            path.join(projectDir, "scripts/engine.ts"),
            "up",
            "--stack",
            "e2e-lock",
            "--config-from",
            "local",
            "--set",
            `rollout:image=${JSON.stringify({ source: "prebuilt", ref: image(2) })}`,
            "--set",
            `rollout:apps=${JSON.stringify(apps)}`,
            ...Object.entries(localConfig(apps, image(2), "e2e-lock"))
              .filter(([k]) => k === "rollout:cd" || k === "rollout:traffic")
              .flatMap(([k, v]) => ["--set", `${k}=${JSON.stringify(v)}`]),
          ],
          { cwd: projectDir, env: { ...process.env, ROLLOUT_PULUMI_STATE: e2e.stateDir, KUBECONFIG: kc } },
        );
        let out = "";
        p.stdout.on("data", (d) => (out += d));
        p.stderr.on("data", (d) => (out += d));
        p.on("close", (code) => resolve({ code: code ?? -1, out }));
      });
    const results = await Promise.all([run(), run()]);
    const failed = results.filter((r) => r.code !== 0);
    assert.equal(failed.length, 1, results.map((r) => `exit ${r.code}: ${r.out.slice(-600)}`).join("\n---\n"));
    assert.match(failed[0].out, /locked/);
    const state = await s.stack.exportStack();
    assert.deepEqual(state.deployment.pending_operations ?? [], []);
    assert.equal(getJsonSync(kc, ["deployment/lock", "-n", "local-lock"]).spec.template.spec.containers[0].image, image(2));
    const again = await s.up();
    assert.deepEqual(Object.keys(again.changes), ["same"], JSON.stringify(again.changes));
  });
});

/** Resources an update's engine output reports as updated (`~  <type> <name> updated`). */
function updated(stdout: string): string[] {
  return [...new Set([...stdout.matchAll(/^\s*~\s+(\S+) (\S+) updat(?:ed|ing)\b/gm)].map((m) => `${m[1]} ${m[2]}`))];
}

describe("e2e resource identity when rollout:apps changes", () => {
  const uid = (kind: string, name: string, ns: string) =>
    (getJsonSync(kc, [`${kind}/${name}`, "-n", ns]).metadata as KubeJson).uid as string;
  const uids = (apps: string[]) =>
    Object.fromEntries(
      apps.flatMap((a) => [
        [`${a}/role`, uid("role", "cd-deployer", `local-${a}`)],
        [`${a}/deploy`, uid("deployment", a, `local-${a}`)],
      ]),
    );
  let stack: Awaited<ReturnType<typeof variant>>;
  let before: Record<string, string>;

  it("inserting an app at the front creates only its resources; the others are untouched (same objects)", async () => {
    stack = await variant("apps", [app("alpha"), app("beta")], image(1));
    await stack.up();
    before = uids(["alpha", "beta"]);
    const r = await step(stack, [app("gamma"), app("alpha"), app("beta")], image(1));
    assert.equal(r.changes.replace, undefined, JSON.stringify(r.changes));
    assert.equal(r.changes.delete, undefined, JSON.stringify(r.changes));
    // The one update: the environment Gateway's listeners now admit routes from the new namespace.
    assert.equal(r.changes.update, 1, JSON.stringify(r.changes));
    assert.deepEqual(updated(r.stdout), ["kubernetes:gateway.networking.k8s.io/v1:Gateway local-gateway-gateway"]);
    assert.ok((r.changes.create ?? 0) >= 6, JSON.stringify(r.changes));
    assert.deepEqual(uids(["alpha", "beta"]), before);
    assert.ok(uid("role", "cd-deployer", "local-gamma"));
  });

  it("reordering and removing an app deletes only that app's resources", async () => {
    const r = await step(stack, [app("beta"), app("alpha")], image(1));
    assert.equal(r.changes.create, undefined, JSON.stringify(r.changes));
    assert.equal(r.changes.replace, undefined, JSON.stringify(r.changes));
    assert.ok((r.changes.delete ?? 0) >= 6, JSON.stringify(r.changes));
    assert.deepEqual(uids(["alpha", "beta"]), before);
  });
});

describe("e2e config revisions", () => {
  it("config A -> B -> A: each `pulumi up` succeeds, pods use the ConfigMap of their content, and B's is retained", async () => {
    const cfg = (greeting: string) => [app("cfg", { replicas: 2, config: { GREETING: greeting } })];
    const s = await variant("cfg", cfg("A"), image(1));
    await s.up();
    const cmOf = () =>
      (getJsonSync(kc, ["deployment/cfg", "-n", "local-cfg"]).spec.template.spec.containers[0].envFrom ?? [])
        .map((e: KubeJson) => e.configMapRef?.name)
        .filter(Boolean)[0] as string;
    const a = cmOf();
    await step(s, cfg("B"), image(1));
    const b = cmOf();
    assert.notEqual(a, b);
    const back = await step(s, cfg("A"), image(1));
    assert.equal(back.result, "succeeded");
    assert.equal(cmOf(), a);
    for (const name of [a, b]) assert.equal(getJsonSync(kc, [`configmap/${name}`, "-n", "local-cfg"]).immutable, true);
    assert.equal(getJsonSync(kc, [`configmap/${a}`, "-n", "local-cfg"]).data.GREETING, "A");
  });

  it("ConfigMaps of revisions beyond revisionHistoryLimit are deleted after a config change; kept revisions keep theirs", async () => {
    const cfg = (greeting: string) => [app("prune", { replicas: 2, revisionHistoryLimit: 1, config: { GREETING: greeting } })];
    const s = await variant("prune", cfg("A"), image(1));
    await s.up();
    const configMaps = () =>
      (getJsonSync(kc, ["configmaps", "-n", "local-prune", "-l", "app.kubernetes.io/name=prune"]).items as KubeJson[])
        .map((c) => c.data.GREETING as string)
        .sort();
    await step(s, cfg("B"), image(1));
    // B runs, A's ReplicaSet is the one kept revision: both ConfigMaps stay.
    assert.deepEqual(configMaps(), ["A", "B"]);
    await step(s, cfg("C"), image(1));
    await step(s, cfg("D"), image(1));
    // D runs, C is the kept revision; A's ReplicaSet went two rollouts ago, so its ConfigMap is gone.
    // (B's goes at D or, if its ReplicaSet was removed a moment after D's await, at the next change.)
    const left = configMaps();
    assert.ok(!left.includes("A") && left.includes("C") && left.includes("D") && left.length <= 3, JSON.stringify(left));
    const rs = (getJsonSync(kc, ["replicasets", "-n", "local-prune"]).items as KubeJson[]).length;
    assert.ok(rs <= 2, `revisionHistoryLimit 1 keeps the current and one old ReplicaSet, found ${rs}`);
  });
});
