// End to end on a real control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok):
// the program's rendered output is applied one step at a time by the kubectl driver, and the
// assertions read what the API server shows.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { applyStep, clusterIsUp, clusterKubeconfig, dryRunAll, kubectl, StepFailed } from "../../tools/driver";
import { renderConfig, renderStack, RenderResult } from "../../tools/render";
import { localImage } from "../../tools/local-stack";
import { observe } from "../../tools/observe";

const projectDir = path.resolve(__dirname, "../..");
const kubeconfig = clusterKubeconfig();
const opts = { kubeconfig, log: process.env.E2E_VERBOSE ? (l: string) => console.log(`    ${l}`) : undefined };
const digest = (c: string) => localImage(Number(c));
let startedHere = false;

function localStack(apps: unknown[], image = digest("1")): Record<string, unknown> {
  return {
    "rollout:environment": "local",
    "rollout:cluster": { provider: "kubeconfig" },
    "rollout:image": { source: "prebuilt", ref: image },
    "rollout:apps": apps,
  };
}

async function render(apps: unknown[], image?: string): Promise<RenderResult> {
  return renderConfig(projectDir, localStack(apps, image), "local");
}

function podsByRevision(ns: string, app: string): Record<string, number> {
  const pods = JSON.parse(kubectl(opts, ["get", "pods", "-n", ns, "-l", `app.kubernetes.io/name=${app}`, "-o", "json"])).items as { metadata: { labels: Record<string, string> } }[];
  const out: Record<string, number> = {};
  for (const p of pods) out[p.metadata.labels["app.kubernetes.io/version"]] = (out[p.metadata.labels["app.kubernetes.io/version"]] ?? 0) + 1;
  return out;
}

describe("e2e: the program's output on a real control plane", function () {
  before(function () {
    this.timeout(40 * 60 * 1000);
    if (!clusterIsUp(kubeconfig)) {
      execFileSync("bash", [path.join(projectDir, "cluster/up.sh"), "--wipe"], { stdio: "inherit" });
      startedHere = true;
    }
    assert.ok(clusterIsUp(kubeconfig), "the control plane did not come up");
  });
  after(function () {
    if (startedHere) execFileSync("bash", [path.join(projectDir, "cluster/down.sh"), "--wipe"], { stdio: "inherit" });
  });

  for (const stack of ["staging", "production"]) {
    it(`every object rendered for ${stack} passes kubectl apply --dry-run=server`, async () => {
      const r = await renderStack(projectDir, stack);
      assert.deepEqual(dryRunAll(opts, r.manifests), []);
    });
  }

  it("rolling: 10 replicas, maxSurge 2, maxUnavailable 0 never drop below 10 ready endpoints and peak at 12 pods", async () => {
    const app = { name: "roll", replicas: 10, strategy: { type: "rolling", maxSurge: 2, maxUnavailable: 0 }, podAnnotations: { "rollout.dev/ready-delay": "2s" }, lifecycle: { drainSeconds: 1 } };
    await applyStep(opts, (await render([app], digest("1"))).manifests);
    const watch = observe(kubeconfig, "local-roll", "roll", "roll");
    const t0 = Date.now();
    await applyStep(opts, (await render([app], digest("2"))).manifests);
    const seconds = (Date.now() - t0) / 1000;
    const o = await watch.stop();
    assert.ok(o.peakPods <= 12, `peak pods ${o.peakPods}`);
    assert.ok(o.minReadyEndpoints >= 10, `min ready endpoints ${o.minReadyEndpoints}`);
    assert.ok(seconds >= 10, `a 5-wave rollout with a 2 s ready delay cannot take ${seconds}s`);
    assert.deepEqual(podsByRevision("local-roll", "roll"), { "sha256-222222222222": 10 });
  });

  it("recreate: all old pods stop before new ones start (the plan's outage window)", async () => {
    const app = { name: "rec", replicas: 3, strategy: { type: "recreate" }, podAnnotations: { "rollout.dev/ready-delay": "1s" }, lifecycle: { drainSeconds: 1 } };
    await applyStep(opts, (await render([app], digest("1"))).manifests);
    const watch = observe(kubeconfig, "local-rec", "rec", "rec");
    await applyStep(opts, (await render([app], digest("2"))).manifests);
    const o = await watch.stop();
    const mixed = o.samples.some((s) => new Set(Object.values(s.versions)).size > 1);
    assert.equal(mixed, false, "old and new pods must never run side by side");
    assert.ok(o.peakPods <= 3);
  });

  it("a release whose pods never become ready fails the step within its derived timeout, and every old pod keeps serving", async function () {
    const app = { name: "stuck", replicas: 2, strategy: { type: "rolling", maxSurge: 1, maxUnavailable: 0 }, progressDeadlineSeconds: 10, podAnnotations: { "rollout.dev/ready-delay": "1s" }, lifecycle: { drainSeconds: 1 } };
    await applyStep(opts, (await render([app], digest("1"))).manifests);
    const bad = await render([{ ...app, podAnnotations: { "rollout.dev/ready-delay": "1h" } }], digest("2"));
    const timeout = Number(bad.manifests.find((m) => m.kind === "Deployment")!.await.timeoutSeconds);
    this.timeout((timeout + 60) * 1000);
    const watch = observe(kubeconfig, "local-stuck", "stuck", "stuck");
    const t0 = Date.now();
    await assert.rejects(applyStep(opts, bad.manifests), StepFailed);
    const elapsed = (Date.now() - t0) / 1000;
    const o = await watch.stop();
    assert.ok(elapsed <= timeout + 15, `failed after ${elapsed}s, timeout ${timeout}s`);
    assert.ok(o.minReadyEndpoints >= 2, `ready endpoints dropped to ${o.minReadyEndpoints}`);
    const progressing = JSON.parse(kubectl(opts, ["get", "deployment/stuck", "-n", "local-stuck", "-o", "json"])).status.conditions.find((c: { type: string }) => c.type === "Progressing");
    assert.equal(progressing.reason, "ProgressDeadlineExceeded");
  });

  it("StatefulSet partition: only ordinals >= partition change, and the waitFor await completes", async () => {
    const app = (partition: number) => ({ name: "db", kind: "StatefulSet", replicas: 3, podAnnotations: { "rollout.dev/ready-delay": "1s" }, lifecycle: { drainSeconds: 1 }, statefulSet: { partition, podManagementPolicy: "Parallel" } });
    await applyStep(opts, (await render([app(0)], digest("1"))).manifests);
    await applyStep(opts, (await render([app(2)], digest("2"))).manifests);
    const pods = JSON.parse(kubectl(opts, ["get", "pods", "-n", "local-db", "-o", "json"])).items as { metadata: { name: string; labels: Record<string, string> } }[];
    const version = Object.fromEntries(pods.map((p) => [p.metadata.name, p.metadata.labels["app.kubernetes.io/version"]]));
    assert.deepEqual(version, { "db-0": "sha256-111111111111", "db-1": "sha256-111111111111", "db-2": "sha256-222222222222" });
  });

  it("OnDelete StatefulSets and DaemonSets do not make the step wait", async () => {
    const sts = { name: "ondel", kind: "StatefulSet", replicas: 2, lifecycle: { drainSeconds: 1 }, statefulSet: { updateStrategy: "OnDelete" } };
    const ds = { name: "agent", kind: "DaemonSet", lifecycle: { drainSeconds: 1 }, daemonSet: { updateStrategy: "OnDelete" } };
    await applyStep(opts, (await render([sts, ds], digest("1"))).manifests);
    const t0 = Date.now();
    await applyStep(opts, (await render([sts, ds], digest("2"))).manifests);
    assert.ok((Date.now() - t0) / 1000 < 30, "an OnDelete update must not wait for pods nobody deletes");
  });

  it("the CD ServiceAccount, with a real token, can roll out in its namespaces and nothing else", async () => {
    await applyStep(opts, (await renderStack(projectDir, "local")).manifests);
    const token = kubectl(opts, ["create", "token", "cd-agent", "-n", "cd", "--duration=10m"]).trim();
    const can = (verb: string, resource: string, ns?: string) => {
      try {
        return execFileSync("kubectl", ["--kubeconfig", kubeconfig, "--token", token, "--user", "", "auth", "can-i", verb, resource, ...(ns ? ["-n", ns] : [])], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim() === "yes";
      } catch {
        return false;
      }
    };
    assert.ok(can("patch", "deployments", "local-demo"));
    assert.ok(can("update", "services", "local-demo"));
    assert.ok(can("create", "httproutes.gateway.networking.k8s.io", "local-demo"));
    assert.ok(can("get", "pods", "local-demo") && can("get", "pods/log", "local-demo"));
    assert.ok(!can("delete", "pods", "local-demo"));
    assert.ok(!can("get", "secrets", "local-demo"));
    assert.ok(!can("patch", "deployments", "default"));
    assert.ok(!can("create", "rolebindings", "local-demo"));
    assert.ok(!can("create", "clusterroles"));
    assert.ok(!can("create", "namespaces"));
  });
});
