// End to end on a real control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok):
// the program's rendered output is applied one step at a time by the kubectl driver, and the
// assertions read what the API server shows.
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { applyStep, clusterIsUp, clusterKubeconfig, dryRunAll, kubectl, StepFailed } from "../../tools/driver";
import { renderStack, RenderResult } from "../../tools/render";
import { localImage, renderLocal } from "../../tools/local-stack";
import { observe, readyEndpoints } from "../../tools/observe";

const projectDir = path.resolve(__dirname, "../..");
const kubeconfig = clusterKubeconfig();
const opts = { kubeconfig, log: process.env.E2E_VERBOSE ? (l: string) => console.log(`    ${l}`) : undefined };
const digest = (c: string) => localImage(Number(c));
let startedHere = false;

/** The local stack with these apps and this image, as tools/local-stack renders it for the demo and bench. */
function render(apps: unknown[], image = digest("1")): Promise<RenderResult> {
  return renderLocal(apps, image);
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
    await readyEndpoints(kubeconfig, "local-roll", "roll", 10);
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
    await readyEndpoints(kubeconfig, "local-rec", "rec", 3);
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
    await readyEndpoints(kubeconfig, "local-stuck", "stuck", 2);
    const watch = observe(kubeconfig, "local-stuck", "stuck", "stuck");
    const t0 = Date.now();
    await assert.rejects(applyStep(opts, bad.manifests), StepFailed);
    const elapsed = (Date.now() - t0) / 1000;
    const o = await watch.stop();
    // Like the provider: no early exit on ProgressDeadlineExceeded, a failure at the derived bound.
    assert.ok(elapsed >= timeout - 2 && elapsed <= timeout + 15, `failed after ${elapsed}s, timeout ${timeout}s`);
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

  describe("blue/green", () => {
    const pinned = { blue: { image: digest("1") }, green: {} };
    const bg = (strategy: Record<string, unknown>) => [{ name: "bg", replicas: 4, podAnnotations: { "rollout.dev/ready-delay": "2s" }, lifecycle: { drainSeconds: 1 }, strategy: { type: "blueGreen", slots: pinned, ...strategy } }];
    const v = (n: string) => `sha256-${n.repeat(12)}`;

    it("the live Service never serves green before every green pod is ready, never drops to zero, and flips back on rollback", async () => {
      await applyStep(opts, (await render(bg({ live: "blue" }), digest("1"))).manifests);
      await readyEndpoints(kubeconfig, "local-bg", "bg", 4);
      const watch = observe(kubeconfig, "local-bg", "bg", "bg");
      await applyStep(opts, (await render(bg({ autoPromote: true }), digest("2"))).manifests);
      const o = await watch.stop();
      const firstGreen = o.samples.findIndex((s) => s.ready.some((p) => s.versions[p] === v("2")));
      assert.ok(firstGreen >= 0, "traffic never reached green");
      const greenReady = o.samples.findIndex((s) => s.readyPods.filter((p) => s.versions[p] === v("2")).length === 4);
      assert.ok(greenReady >= 0 && greenReady <= firstGreen, `green served at sample ${firstGreen} but all 4 green pods ready only at ${greenReady}`);
      assert.ok(o.minReadyEndpoints >= 4, `live endpoints dropped to ${o.minReadyEndpoints}`);
      const last = o.samples[o.samples.length - 1];
      assert.ok(last.ready.length === 4 && last.ready.every((p) => last.versions[p] === v("2")), "live must end on green only");

      await readyEndpoints(kubeconfig, "local-bg", "bg", 4);
      const rollback = observe(kubeconfig, "local-bg", "bg", "bg");
      const t0 = Date.now();
      await applyStep(opts, (await render(bg({ live: "blue" }), digest("2"))).manifests);
      const seconds = (Date.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 1500));
      const ro = await rollback.stop();
      const end = ro.samples[ro.samples.length - 1];
      assert.ok(end.ready.length === 4 && end.ready.every((p) => end.versions[p] === v("1")), "rollback must put live back on blue");
      assert.ok(ro.minReadyEndpoints >= 4, `rollback dropped endpoints to ${ro.minReadyEndpoints}`);
      assert.ok(seconds < 15, `rollback took ${seconds}s; the blue slot was kept warm`);
    });

    it("a failing gate fails the step and leaves live traffic on the old slot", async () => {
      const gated = bg({ autoPromote: true, gates: { smoke: { path: "/", attempts: 2, intervalSeconds: 1 } } });
      // live is blue (v1) after the rollback above; the candidate v3 goes to green.
      await assert.rejects(applyStep(opts, (await render(gated, digest("3"))).manifests), (e: Error) => e instanceof StepFailed && /gate failed for local-bg\/bg-preview/.test(e.message));
      const live = JSON.parse(kubectl(opts, ["get", "service", "bg", "-n", "local-bg", "-o", "json"]));
      assert.equal(live.spec.selector["rollout.dev/slot"], "blue");
    });
  });

  describe("canary", () => {
    const can = (strategy: Record<string, unknown>) => [{ name: "can", replicas: 10, podAnnotations: { "rollout.dev/ready-delay": "1s" }, lifecycle: { drainSeconds: 1 }, strategy: { type: "canary", stable: { image: digest("1") }, ...strategy } }];

    it("by replicas: pod counts per version at each step, then promotion removes the canary", async () => {
      const s0 = await render(can({ weight: 0 }), digest("1"));
      await applyStep(opts, s0.manifests);
      assert.deepEqual(podsByRevision("local-can", "can"), { "sha256-111111111111": 10 });
      const s1 = await render(can({ weight: 20, steps: [20, 50] }), digest("2"));
      await applyStep(opts, s1.manifests, s0.manifests);
      await new Promise((r) => setTimeout(r, 3000));
      assert.deepEqual(podsByRevision("local-can", "can"), { "sha256-111111111111": 8, "sha256-222222222222": 2 });
      const s2 = await render(can({ weight: 50, steps: [20, 50] }), digest("2"));
      await applyStep(opts, s2.manifests, s1.manifests);
      await new Promise((r) => setTimeout(r, 3000));
      assert.deepEqual(podsByRevision("local-can", "can"), { "sha256-111111111111": 5, "sha256-222222222222": 5 });
      const s3 = await render(can({ weight: 100, promote: true }), digest("2"));
      const { deleted } = await applyStep(opts, s3.manifests, s2.manifests);
      assert.ok(deleted.includes("Deployment/local-can/can-canary"), deleted.join(","));
      await new Promise((r) => setTimeout(r, 4000));
      assert.deepEqual(podsByRevision("local-can", "can"), { "sha256-222222222222": 10 });
    });

    it("by gateway: the API server accepts the HTTPRoute with the weights of the step", async () => {
      const gw = { traffic: "gateway", gateway: { name: "public", namespace: "default" } };
      await applyStep(opts, (await render(can({ ...gw, weight: 0 }), digest("1"))).manifests);
      await applyStep(opts, (await render(can({ ...gw, weight: 10 }), digest("2"))).manifests);
      const route = JSON.parse(kubectl(opts, ["get", "httproute", "can", "-n", "local-can", "-o", "json"]));
      assert.deepEqual(route.spec.rules[0].backendRefs.map((b: { name: string; weight: number }) => [b.name, b.weight]), [["can", 90], ["can-canary", 10]]);
      assert.deepEqual(route.spec.parentRefs[0], { group: "gateway.networking.k8s.io", kind: "Gateway", name: "public", namespace: "default" });
    });
  });

  it("A/B testing: the API server accepts the header-matching HTTPRoute", async () => {
    const ab = [{ name: "ab", replicas: 2, lifecycle: { drainSeconds: 1 }, strategy: { type: "abTest", gateway: { name: "public", namespace: "default" }, a: { image: digest("1") }, b: {}, match: { header: { name: "X-Variant", value: "b" } } } }];
    await applyStep(opts, (await render(ab, digest("2"))).manifests);
    const route = JSON.parse(kubectl(opts, ["get", "httproute", "ab", "-n", "local-ab", "-o", "json"]));
    assert.deepEqual(route.spec.rules[0].matches[0].headers[0], { type: "Exact", name: "X-Variant", value: "b" });
    assert.equal(route.spec.rules[1].backendRefs[0].name, "ab-a");
  });

  it("the CD ServiceAccount, with a real token, can roll out in its namespaces and nothing else", async () => {
    await applyStep(opts, (await renderStack(projectDir, "local")).manifests);
    const token = kubectl(opts, ["create", "token", "cd-agent", "-n", "cd", "--duration=10m"]).trim();
    // A kubeconfig with nothing but the token: the admin's client certificate must not come along.
    const admin = JSON.parse(kubectl(opts, ["config", "view", "--raw", "--minify", "-o", "json"]));
    const cdKubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cd-")), "kubeconfig");
    fs.writeFileSync(cdKubeconfig, JSON.stringify({
      apiVersion: "v1", kind: "Config", "current-context": "cd",
      clusters: [{ name: "c", cluster: admin.clusters[0].cluster }],
      users: [{ name: "cd-agent", user: { token } }],
      contexts: [{ name: "cd", context: { cluster: "c", user: "cd-agent" } }],
    }), { mode: 0o600 });
    assert.equal(execFileSync("kubectl", ["--kubeconfig", cdKubeconfig, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"], { encoding: "utf8" }), "system:serviceaccount:cd:cd-agent");
    const can = (verb: string, resource: string, ns?: string) => {
      const r = spawnSync("kubectl", ["--kubeconfig", cdKubeconfig, "auth", "can-i", verb, resource, ...(ns ? ["-n", ns] : [])], { encoding: "utf8" });
      return r.stdout.trim() === "yes";
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
