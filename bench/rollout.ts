// npm run bench [-- --json]: each strategy with N=10 replicas and a 2 s ready delay on the real
// control plane. Prints figures; asserts nothing.
import { spawnSync } from "child_process";
import { stringify } from "yaml";
import { applyStep, clusterIsUp, clusterKubeconfig, kubectl } from "../tools/driver";
import { localImage, renderLocal } from "../tools/local-stack";
import { observe, Observation, readyEndpoints } from "../tools/observe";
import type { ManifestEntry } from "../tools/render";

const N = 10;
const delay = 2;
const kubeconfig = clusterKubeconfig();
const opts = { kubeconfig };

interface Row {
  strategy: string;
  replicas: number;
  delaySeconds: number;
  wallSeconds: number;
  limitSeconds: number;
  ratio: number;
  kubectlSeconds: number | null;
  peakPods: number;
  minReadyEndpoints: number;
  switchLatencySeconds: number | null;
  rollbackSeconds: number | null;
}

const common = { replicas: N, podAnnotations: { "rollout.dev/ready-delay": `${delay}s` }, lifecycle: { drainSeconds: 1 }, progressDeadlineSeconds: 120 };
const versionLabel = (v: number) => `sha256-${String(v).repeat(12)}`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = Date.now();
  await fn();
  return (Date.now() - t0) / 1000;
}

/** The plain way: kubectl apply every object at once, then kubectl rollout status on the workloads. */
function plainKubectl(manifests: ManifestEntry[]): number {
  const t0 = Date.now();
  kubectl(opts, ["apply", "--server-side", "--force-conflicts", "--field-manager=bench-plain", "-f", "-"], manifests.map((m) => stringify(m.object)).join("---\n"));
  for (const m of manifests.filter((x) => ["Deployment", "StatefulSet"].includes(x.kind))) {
    const r = spawnSync("kubectl", ["--kubeconfig", kubeconfig, "rollout", "status", "-n", m.namespace!, `${m.kind.toLowerCase()}/${m.name}`, "--timeout=300s"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
  }
  return (Date.now() - t0) / 1000;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Seconds from the first sample where `count` pods of `version` are ready to the first where `count` of them serve. */
function servingLatency(o: Observation, version: string, count: number): number | null {
  const ready = o.samples.find((s) => s.readyPods.filter((p) => s.versions[p] === version).length >= count);
  const serving = ready && o.samples.find((s) => s.t >= ready.t && s.ready.filter((p) => s.versions[p] === version).length >= count);
  return ready && serving ? serving.t - ready.t : null;
}

/** Seconds from the first sample where all N pods of `version` are ready to the first where the endpoints are all `version`. */
function switchLatency(o: Observation, version: string, count: number): number | null {
  const ready = o.samples.find((s) => s.readyPods.filter((p) => s.versions[p] === version).length >= count);
  const switched = o.samples.find((s) => s.ready.length > 0 && s.ready.every((p) => s.versions[p] === version) && (!ready || s.t >= ready.t));
  return ready && switched ? Math.max(0, switched.t - ready.t) : null;
}

/** Applies one step and observes it; `baseline` false for the first deploy (nothing serves yet). */
async function step(name: string, apps: unknown[], version: number, service: string, baseline = true): Promise<{ seconds: number; obs: Observation }> {
  const r = await renderLocal(apps, localImage(version));
  if (baseline) await readyEndpoints(kubeconfig, `local-${name}`, service, N);
  const watch = observe(kubeconfig, `local-${name}`, service, name);
  const seconds = await timed(() => applyStep(opts, r.manifests));
  await new Promise((res) => setTimeout(res, 500));
  return { seconds, obs: await watch.stop() };
}

async function bench(): Promise<Row[]> {
  const rows: Row[] = [];
  // Keys in the documented order: strategy, replicas, delaySeconds, wallSeconds, limitSeconds, ratio, ...
  const row = (r: Omit<Row, "ratio" | "replicas" | "delaySeconds">): Row => ({
    strategy: r.strategy,
    replicas: N,
    delaySeconds: delay,
    wallSeconds: round(r.wallSeconds),
    limitSeconds: r.limitSeconds,
    ratio: round(r.wallSeconds / r.limitSeconds),
    kubectlSeconds: r.kubectlSeconds === null ? null : round(r.kubectlSeconds),
    peakPods: r.peakPods,
    minReadyEndpoints: r.minReadyEndpoints,
    switchLatencySeconds: r.switchLatencySeconds === null ? null : round(r.switchLatencySeconds),
    rollbackSeconds: r.rollbackSeconds === null ? null : round(r.rollbackSeconds),
  });

  // Rolling: maxSurge 2, maxUnavailable 0 -> ceil(10/2) waves of `delay`.
  {
    const app = [{ name: "brolling", ...common, strategy: { type: "rolling", maxSurge: 2, maxUnavailable: 0 } }];
    await step("brolling", app, 1, "brolling", false);
    const s = await step("brolling", app, 2, "brolling");
    const plain = plainKubectl((await renderLocal(app, localImage(3))).manifests);
    const rb = await step("brolling", app, 2, "brolling");
    rows.push(row({ strategy: "rolling", wallSeconds: s.seconds, limitSeconds: Math.ceil(N / 2) * delay, kubectlSeconds: plain, peakPods: s.obs.peakPods, minReadyEndpoints: s.obs.minReadyEndpoints, switchLatencySeconds: null, rollbackSeconds: rb.seconds }));
  }
  // Recreate: one wave, after every old pod is gone.
  {
    const app = [{ name: "brecreate", ...common, strategy: { type: "recreate" } }];
    await step("brecreate", app, 1, "brecreate", false);
    const s = await step("brecreate", app, 2, "brecreate");
    const plain = plainKubectl((await renderLocal(app, localImage(3))).manifests);
    const rb = await step("brecreate", app, 2, "brecreate");
    rows.push(row({ strategy: "recreate", wallSeconds: s.seconds, limitSeconds: delay, kubectlSeconds: plain, peakPods: s.obs.peakPods, minReadyEndpoints: s.obs.minReadyEndpoints, switchLatencySeconds: null, rollbackSeconds: rb.seconds }));
  }
  // Blue/green: green rolls 1 -> 2 (surge 25%: ceil(10/3) waves), then live switches; rollback flips back.
  {
    const bg = (live: "blue" | "green" | undefined) => [{ name: "bbluegreen", ...common, strategy: live ? { type: "blueGreen", live, slots: { blue: { image: localImage(1) }, green: {} } } : { type: "blueGreen", autoPromote: true, slots: { blue: { image: localImage(1) }, green: {} } } }];
    await step("bbluegreen", bg("blue"), 1, "bbluegreen", false);
    const s = await step("bbluegreen", bg(undefined), 2, "bbluegreen");
    const rb = await step("bbluegreen", bg("blue"), 2, "bbluegreen");
    const plain = plainKubectl((await renderLocal(bg("green"), localImage(3))).manifests);
    rows.push(row({ strategy: "blue-green", wallSeconds: s.seconds, limitSeconds: Math.ceil(N / 3) * delay, kubectlSeconds: plain, peakPods: s.obs.peakPods, minReadyEndpoints: s.obs.minReadyEndpoints, switchLatencySeconds: switchLatency(s.obs, versionLabel(2), N), rollbackSeconds: rb.seconds }));
  }
  // Canary by replicas, 20%: 2 canary pods in one wave, then stable scales to 8; rollback = weight 0.
  {
    const canary = (weight: number) => [{ name: "bcanary", ...common, strategy: { type: "canary", stable: { image: localImage(1) }, weight } }];
    await step("bcanary", canary(0), 1, "bcanary", false);
    const s = await step("bcanary", canary(20), 2, "bcanary");
    const rb = await step("bcanary", canary(0), 2, "bcanary");
    const plain = plainKubectl((await renderLocal(canary(20), localImage(3))).manifests);
    rows.push(row({ strategy: "canary-20%", wallSeconds: s.seconds, limitSeconds: delay, kubectlSeconds: plain, peakPods: s.obs.peakPods, minReadyEndpoints: s.obs.minReadyEndpoints, switchLatencySeconds: servingLatency(s.obs, versionLabel(2), 2), rollbackSeconds: rb.seconds }));
  }
  // StatefulSet, OrderedReady rolling update: one pod at a time -> N waves.
  {
    const sts = [{ name: "bsts", ...common, kind: "StatefulSet", statefulSet: { podManagementPolicy: "Parallel" } }];
    await step("bsts", sts, 1, "bsts", false);
    const s = await step("bsts", sts, 2, "bsts");
    const plain = plainKubectl((await renderLocal(sts, localImage(3))).manifests);
    rows.push(row({ strategy: "statefulset-rolling", wallSeconds: s.seconds, limitSeconds: N * delay, kubectlSeconds: plain, peakPods: s.obs.peakPods, minReadyEndpoints: s.obs.minReadyEndpoints, switchLatencySeconds: null, rollbackSeconds: null }));
  }
  return rows;
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  if (!clusterIsUp(kubeconfig)) throw new Error(`no control plane at ${kubeconfig}: run npm run cluster:up first`);
  const namespaces = ["brolling", "brecreate", "bbluegreen", "bcanary", "bsts"].map((n) => `local-${n}`);
  // A previous run's namespaces may still be terminating: start from none.
  kubectl(opts, ["delete", "namespace", ...namespaces, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
  const rows = await bench();
  kubectl(opts, ["delete", "namespace", ...namespaces, "--wait=false"]);
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const cols = ["strategy", "replicas", "delaySeconds", "wallSeconds", "limitSeconds", "ratio", "kubectlSeconds", "peakPods", "minReadyEndpoints", "switchLatencySeconds", "rollbackSeconds"] as const;
  const cell = (v: unknown) => (v === null ? "-" : typeof v === "number" ? String(Math.round(v * 10) / 10) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  console.log(cols.map((c, i) => c.padEnd(widths[i])).join("  "));
  for (const r of rows) console.log(cols.map((c, i) => cell(r[c]).padEnd(widths[i])).join("  "));
}

main().catch((e: Error) => {
  console.error(`bench failed: ${e.message}`);
  process.exit(1);
});
