// npm run bench [-- --json]: each strategy with N=10 replicas and a 2 s ready delay, rolled out by
// the real `pulumi up` (tools/engine.ts) on the control plane, beside the same transition done with
// plain `kubectl apply` + `rollout status` on a twin app. Prints figures; asserts nothing.
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import { stringify } from "yaml";
import { EngineStack, engineVersions, formatVersions, programTimings } from "../tools/engine";
import { clusterIsUp, clusterKubeconfig, kubectl } from "../tools/kube";
import { localConfig, localImage, localVersion, openLocalVariant, renderLocal } from "../tools/local-stack";
import { jsonStream, observe, Observation, readyEndpoints } from "../tools/observe";

const N = 10;
const delay = 2;
const kubeconfig = clusterKubeconfig();
const stateDir = fs.mkdtempSync(`${os.tmpdir()}/rollout-bench-state-`);

interface Row {
  strategy: string;
  replicas: number;
  delaySeconds: number;
  pulumiSeconds: number;
  kubectlSeconds: number;
  limitSeconds: number;
  /** `pulumi up` called -> first write to the workload seen by a watch. */
  engineOverheadSeconds: number;
  /** ... of which: CLI start until the inline program runs, */
  cliStartSeconds: number;
  /** evaluating index.ts (ts-node, config, plan), */
  programSeconds: number;
  /** and registering resources + starting the provider plugin + its diff, until the first write. */
  toFirstWriteSeconds: number;
  peakPods: number;
  minReadyEndpoints: number;
  switchLatencySeconds: number | null;
  sampleIntervalSeconds: number;
  rollbackSeconds: number | null;
}

type App = Record<string, unknown> & { name: string };
const common = {
  replicas: N,
  podAnnotations: { "rollout.dev/ready-delay": `${delay}s` },
  lifecycle: { drainSeconds: 1 },
  progressDeadlineSeconds: 120,
};
// progressDeadlineSeconds is a Deployment field: the config rejects it on a StatefulSet.
const { progressDeadlineSeconds: _deploymentOnly, ...stsCommon } = common;
const round = (x: number) => Math.round(x * 100) / 100;

/** The first moment the workload's generation moves past `from` (the engine's first write to it). */
function firstWrite(kind: string, name: string, ns: string): { seen: Promise<number>; stop: () => void } {
  let initial: number | undefined;
  let resolve: (t: number) => void = () => undefined;
  const seen = new Promise<number>((r) => (resolve = r));
  const p: ChildProcess = spawn("kubectl", ["--kubeconfig", kubeconfig, "get", `${kind}/${name}`, "-n", ns, "--watch", "-o", "json"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  p.stdout!.setEncoding("utf8");
  p.stdout!.on(
    "data",
    jsonStream((o) => {
      const g = Number(o.metadata?.generation);
      if (initial === undefined) initial = g;
      else if (g > initial) resolve(Date.now());
    }),
  );
  return { seen, stop: () => p.kill() };
}

/** The plain way, on a twin app `<name>k`: kubectl apply v1, then time v1 -> v2 with apply + rollout status. */
async function plainKubectl(apps: App[]): Promise<number> {
  const twin = apps.map((a) => ({ ...a, name: `${a.name}k` }));
  const apply = async (v: number) => {
    const manifests = (await renderLocal(twin, localImage(v))).manifests.filter(
      (m) => m.kind !== "RolloutGate" && (m.namespace === `local-${twin[0].name}` || m.name === `local-${twin[0].name}`),
    );
    kubectl(
      kubeconfig,
      ["apply", "--server-side", "--force-conflicts", "--field-manager=bench-plain", "-f", "-"],
      manifests.map((m) => stringify(m.object)).join("---\n"),
    );
    for (const m of manifests.filter((x) => ["Deployment", "StatefulSet"].includes(x.kind))) {
      const r = spawnSync(
        "kubectl",
        ["--kubeconfig", kubeconfig, "rollout", "status", "-n", m.namespace!, `${m.kind.toLowerCase()}/${m.name}`, "--timeout=300s"],
        { encoding: "utf8" },
      );
      if (r.status !== 0) throw new Error(r.stderr);
    }
  };
  await apply(1);
  const t0 = Date.now();
  await apply(2);
  return (Date.now() - t0) / 1000;
}

interface Measured {
  seconds: number;
  obs: Observation;
  overhead: { total: number; cliStart: number; program: number; toFirstWrite: number };
}

async function measuredUp(
  stack: EngineStack,
  apps: App[],
  version: number,
  workload: { kind: string; name: string },
  service: string,
): Promise<Measured> {
  await stack.setConfig(localConfig(apps, localImage(version), stack.options.stack));
  const ns = `local-${apps[0].name}`;
  await readyEndpoints(kubeconfig, ns, service, 1);
  const watch = observe(kubeconfig, ns, service, apps[0].name);
  const write = firstWrite(workload.kind, workload.name, ns);
  const t0 = Date.now();
  await stack.up();
  const seconds = (Date.now() - t0) / 1000;
  const obs = await watch.stop();
  const first = await Promise.race([write.seen, new Promise<number>((r) => setTimeout(() => r(Number.NaN), 2000))]);
  write.stop();
  return {
    seconds,
    obs,
    overhead: {
      total: (first - t0) / 1000,
      cliStart: (programTimings.start - t0) / 1000,
      program: (programTimings.end - programTimings.start) / 1000,
      toFirstWrite: (first - programTimings.end) / 1000,
    },
  };
}

/** Seconds from the first sample where `count` pods of `version` are ready to the first where the Service's endpoints are all `version`. */
function switchLatency(o: Observation, version: string, count: number): number | null {
  const ready = o.samples.find((s) => s.readyPods.filter((p) => s.versions[p] === version).length >= count);
  const switched = ready && o.samples.find((s) => s.t >= ready.t && s.ready.length > 0 && s.ready.every((p) => s.versions[p] === version));
  return ready && switched ? Math.max(0, switched.t - ready.t) : null;
}

/** Seconds from `count` canary pods ready to `count` of them serving. */
function servingLatency(o: Observation, version: string, count: number): number | null {
  const ready = o.samples.find((s) => s.readyPods.filter((p) => s.versions[p] === version).length >= count);
  const serving = ready && o.samples.find((s) => s.t >= ready.t && s.ready.filter((p) => s.versions[p] === version).length >= count);
  return ready && serving ? serving.t - ready.t : null;
}

interface Case {
  strategy: string;
  apps: (phase: "first" | "release" | "rollback") => App[];
  workload: { kind: string; name: string };
  service: string;
  limitSeconds: number;
  latency?: (o: Observation) => number | null;
  rollback: boolean;
}

const cases: Case[] = [
  // maxSurge 2, maxUnavailable 0 -> ceil(10/2) waves of `delay`.
  {
    strategy: "rolling",
    apps: () => [{ name: "brolling", ...common, strategy: { type: "rolling", maxSurge: 2, maxUnavailable: 0 } }],
    workload: { kind: "deployment", name: "brolling" },
    service: "brolling",
    limitSeconds: Math.ceil(N / 2) * delay,
    rollback: true,
  },
  // One wave, after every old pod is gone.
  {
    strategy: "recreate",
    apps: () => [{ name: "brecreate", ...common, strategy: { type: "recreate" } }],
    workload: { kind: "deployment", name: "brecreate" },
    service: "brecreate",
    limitSeconds: delay,
    rollback: true,
  },
  // Green rolls 1 -> 2 (surge 25%: ceil(10/3) waves), then live switches; rollback flips back to warm blue.
  {
    strategy: "blue-green",
    apps: (phase) => [
      {
        name: "bbluegreen",
        ...common,
        strategy: {
          type: "blueGreen",
          slots: { blue: { image: localImage(1) }, green: {} },
          ...(phase === "release" ? { autoPromote: true } : { live: "blue" }),
        },
      },
    ],
    workload: { kind: "deployment", name: "bbluegreen-green" },
    service: "bbluegreen",
    limitSeconds: Math.ceil(N / 3) * delay,
    latency: (o) => switchLatency(o, localVersion(2), N),
    rollback: true,
  },
  // By replicas, 20%: 2 canary pods in one wave, then stable scales to 8; rollback = weight 0.
  {
    strategy: "canary-20%",
    apps: (phase) => [
      { name: "bcanary", ...common, strategy: { type: "canary", stable: { image: localImage(1) }, weight: phase === "release" ? 20 : 0 } },
    ],
    workload: { kind: "deployment", name: "bcanary" },
    service: "bcanary",
    limitSeconds: delay,
    latency: (o) => servingLatency(o, localVersion(2), 2),
    rollback: true,
  },
  // Parallel pod management, RollingUpdate: one ordinal at a time -> N waves.
  {
    strategy: "statefulset-rolling",
    apps: () => [{ name: "bsts", ...stsCommon, kind: "StatefulSet", statefulSet: { podManagementPolicy: "Parallel" } }],
    workload: { kind: "statefulset", name: "bsts" },
    service: "bsts",
    limitSeconds: N * delay,
    rollback: false,
  },
];

async function bench(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const c of cases) {
    const stack = await openLocalVariant(`bench-${c.apps("first")[0].name}`, c.apps("first"), localImage(1), { stateDir, kubeconfig });
    await stack.up();
    const release = await measuredUp(stack, c.apps("release"), 2, c.workload, c.service);
    const rollback = c.rollback
      ? await measuredUp(stack, c.apps("rollback"), c.strategy === "blue-green" ? 2 : 1, c.workload, c.service)
      : undefined;
    const kubectlSeconds = await plainKubectl(c.apps("release"));
    await stack.destroy();
    rows.push({
      strategy: c.strategy,
      replicas: N,
      delaySeconds: delay,
      pulumiSeconds: round(release.seconds),
      kubectlSeconds: round(kubectlSeconds),
      limitSeconds: c.limitSeconds,
      engineOverheadSeconds: round(release.overhead.total),
      cliStartSeconds: round(release.overhead.cliStart),
      programSeconds: round(release.overhead.program),
      toFirstWriteSeconds: round(release.overhead.toFirstWrite),
      peakPods: release.obs.peakPods,
      minReadyEndpoints: release.obs.minReadyEndpoints,
      switchLatencySeconds: c.latency ? (c.latency(release.obs) === null ? null : round(c.latency(release.obs)!)) : null,
      sampleIntervalSeconds: release.obs.sampleIntervalSeconds,
      rollbackSeconds: rollback ? round(rollback.seconds) : null,
    });
  }
  return rows;
}

interface ReleaseRow {
  release: string;
  pulumiUps: number;
  pulumiSeconds: number;
  /** What the controllers need at least: waves of `delay`, summed over the ups. */
  limitSeconds: number;
  peakPods: number;
  planPeakPods: number;
  minReadyEndpoints: number;
  planMinReadyPods: number;
}

interface ReleaseCase {
  release: string;
  app: App;
  /** Images of the ups that make one whole release after the first release (v1). */
  versions: number[];
  limitSeconds: number;
}

// Tracked strategies: nothing but the image changes between releases (strategies/release.ts).
const releaseCases: ReleaseCase[] = [
  // v1 serves from blue; v2 goes to the empty green slot (one wave: no old pods to replace), then live switches.
  {
    release: "blue-green, tracked (v1 -> v2, autoPromote)",
    app: { name: "bbgrelease", ...common, strategy: { type: "blueGreen", autoPromote: true } },
    versions: [2],
    limitSeconds: delay,
  },
  // Three ups of the same image: 20% (2 canary pods, one wave), 50% (3 more, one wave), promote
  // (stable rolls 10 pods with surge 25%: ceil(10/3) waves).
  {
    release: "canary, tracked (steps 20, 50, then promote)",
    app: { name: "bcanrelease", ...common, strategy: { type: "canary", steps: [20, 50] } },
    versions: [2, 2, 2],
    limitSeconds: delay + delay + Math.ceil(N / 3) * delay,
  },
];

async function benchReleases(): Promise<ReleaseRow[]> {
  const rows: ReleaseRow[] = [];
  for (const c of releaseCases) {
    const stack = await openLocalVariant(`bench-${c.app.name}`, [c.app], localImage(1), { stateDir, kubeconfig });
    await stack.up();
    let seconds = 0;
    let peak = 0;
    let minReady = Number.POSITIVE_INFINITY;
    let planPeak = 0;
    let planMin = Number.POSITIVE_INFINITY;
    for (const v of c.versions) {
      const m = await measuredUp(stack, [c.app], v, { kind: "deployment", name: c.app.name }, c.app.name);
      const plan = ((await stack.outputs()).rolloutPlan as { peakPods: number; minReadyPods: number }[])[0];
      seconds += m.seconds;
      peak = Math.max(peak, m.obs.peakPods);
      minReady = Math.min(minReady, m.obs.minReadyEndpoints);
      planPeak = Math.max(planPeak, plan.peakPods);
      planMin = Math.min(planMin, plan.minReadyPods);
    }
    await stack.destroy();
    rows.push({
      release: c.release,
      pulumiUps: c.versions.length,
      pulumiSeconds: round(seconds),
      limitSeconds: c.limitSeconds,
      peakPods: peak,
      planPeakPods: planPeak,
      minReadyEndpoints: minReady,
      planMinReadyPods: planMin,
    });
  }
  return rows;
}

function table<T extends object>(rows: T[]): string {
  const cols = Object.keys(rows[0]) as (keyof T)[];
  const cell = (v: unknown) => (v === null ? "-" : String(v));
  return [
    `| ${cols.join(" | ")} |`,
    `|${cols.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(" | ")} |`),
  ].join("\n");
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  if (!clusterIsUp(kubeconfig)) throw new Error(`no control plane at ${kubeconfig}: run npm run cluster:up first`);
  if (!json) console.log(formatVersions(engineVersions()));
  const names = [...cases.map((c) => c.apps("first")[0].name), ...releaseCases.map((c) => c.app.name)];
  const namespaces = names.flatMap((n) => [`local-${n}`, `local-${n}k`, `cd-bench-${n}`, `gw-bench-${n}`]);
  // A previous run's namespaces may still be terminating: start from none.
  kubectl(kubeconfig, ["delete", "namespace", ...namespaces, "--ignore-not-found", "--wait=true", "--timeout=180s"]);
  const only = process.env.BENCH_ONLY; // "steps" or "releases": one table
  const rows = only === "releases" ? [] : await bench();
  const releases = only === "steps" ? [] : await benchReleases();
  kubectl(kubeconfig, ["delete", "namespace", ...namespaces, "--ignore-not-found", "--wait=false"]);
  if (json) {
    console.log(JSON.stringify({ steps: rows, releases }, null, 2));
    return;
  }
  if (rows.length > 0) console.log(table(rows));
  if (releases.length > 0) console.log(`\nWhole releases, tracked (only the image changes):\n${table(releases)}`);
}

main().catch((e: Error) => {
  console.error(`bench failed: ${e.message}`);
  process.exit(1);
});
