// Applies one rendered step of a stack to a cluster with kubectl, in the program's registration
// order, waiting where `pulumi up` waits (the provider's await rules, reproduced from the
// annotations the program writes): built-in rollout waits with `pulumi.com/timeoutSeconds`,
// `pulumi.com/waitFor` conditions, and nothing for `pulumi.com/skipAwait`.
import { execFile, execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import type { ManifestEntry } from "./render";
import { runChecks } from "../components/gate";

export interface DriverOptions {
  readonly kubeconfig: string;
  /** Field manager for server-side apply. */
  readonly fieldManager?: string;
  readonly log?: (line: string) => void;
}

export class StepFailed extends Error {}

export function kubectl(opts: DriverOptions, args: string[], input?: string): string {
  const r = spawnSync("kubectl", ["--kubeconfig", opts.kubeconfig, ...args], { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

function applyObject(opts: DriverOptions, m: ManifestEntry, dryRun = false): void {
  kubectl(opts, ["apply", "--server-side", "--force-conflicts", `--field-manager=${opts.fieldManager ?? "pulumi-kubernetes"}`, ...(dryRun ? ["--dry-run=server"] : []), "-f", "-"], stringify(m.object));
}

function resourceRef(m: ManifestEntry): string[] {
  return [...(m.namespace ? ["-n", m.namespace] : []), `${m.kind.toLowerCase()}/${m.name}`];
}

/** jsonpath={.status.x}=value, evaluated against the live object. */
function waitForHolds(opts: DriverOptions, m: ManifestEntry, condition: string): boolean {
  const jp = /^jsonpath=\{(.+)\}=(.*)$/.exec(condition);
  if (!jp) throw new Error(`unsupported waitFor condition '${condition}'`);
  const live = kubectl(opts, ["get", ...resourceRef(m), "-o", `jsonpath={${jp[1]}}`]).trim();
  return live === jp[2];
}

export async function awaitManifest(opts: DriverOptions, m: ManifestEntry): Promise<void> {
  const a = m.await;
  if (a.mode === "none" || a.mode === "skip") return;
  const timeout = a.timeoutSeconds ?? 600;
  if (a.mode === "waitFor") {
    const deadline = Date.now() + timeout * 1000;
    while (!a.waitFor!.every((c) => waitForHolds(opts, m, c))) {
      if (Date.now() > deadline) throw new StepFailed(`${m.kind} ${m.namespace}/${m.name}: waitFor ${a.waitFor!.join(" and ")} not met within ${timeout}s`);
      await new Promise((r) => setTimeout(r, 500));
    }
    return;
  }
  if (m.kind === "Service") return awaitService(opts, m, timeout);
  if (["Deployment", "StatefulSet", "DaemonSet"].includes(m.kind)) {
    // Poll, as the provider does: it does not stop at ProgressDeadlineExceeded (kubectl rollout
    // status would), it waits until the workload is ready or the timeout passes.
    const deadline = Date.now() + timeout * 1000;
    let last: WorkloadStatus = { ready: false, detail: "not observed yet" };
    while (Date.now() < deadline) {
      last = workloadReady(await getJson(opts, resourceRef(m)));
      if (last.ready) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new StepFailed(`${m.kind} ${m.namespace}/${m.name} did not become ready within ${timeout}s (pulumi.com/timeoutSeconds): ${last.detail}`);
  }
}

/**
 * The provider's Service await: ready when its endpoints have no non-ready entries. Checked here as
 * "the EndpointSlices list exactly the ready pods the selector matches", so a selector switch is
 * complete only when traffic has really moved.
 */
async function awaitService(opts: DriverOptions, m: ManifestEntry, timeout: number): Promise<void> {
  const spec = (m.object as { spec?: { selector?: Record<string, string>; clusterIP?: string } }).spec ?? {};
  if (!spec.selector || spec.clusterIP === "None") return;
  const selector = Object.entries(spec.selector).map(([k, v]) => `${k}=${v}`).join(",");
  const deadline = Date.now() + timeout * 1000;
  let detail = "";
  while (Date.now() < deadline) {
    const [pods, slices] = await Promise.all([
      getJson(opts, ["-n", m.namespace!, "pods", "-l", selector]),
      getJson(opts, ["-n", m.namespace!, "endpointslices", "-l", `kubernetes.io/service-name=${m.name}`]),
    ]);
    const ready = new Set<string>((pods.items as any[]).filter((p) => !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True")).map((p) => p.metadata.name)); // eslint-disable-line @typescript-eslint/no-explicit-any
    const endpoints = (slices.items as any[]).flatMap((sl) => sl.endpoints ?? []); // eslint-disable-line @typescript-eslint/no-explicit-any
    const served = new Set<string>(endpoints.filter((e) => e.conditions?.ready === true).map((e) => e.targetRef?.name));
    const notReady = endpoints.filter((e) => e.conditions?.ready !== true).length;
    if (notReady === 0 && served.size === ready.size && [...ready].every((p) => served.has(p))) return;
    detail = `${served.size} ready endpoint(s), ${ready.size} ready pod(s) selected, ${notReady} not ready`;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new StepFailed(`Service ${m.namespace}/${m.name} endpoints did not settle within ${timeout}s: ${detail}`);
}

interface WorkloadStatus { readonly ready: boolean; readonly detail: string }

/** `kubectl get <ref> -o json`, asynchronously (observers keep sampling while a step waits). */
export function getJson(opts: DriverOptions, ref: string[]): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) =>
    execFile("kubectl", ["--kubeconfig", opts.kubeconfig, "get", ...ref, "-o", "json"], { maxBuffer: 16 * 1024 * 1024 }, (err, out, stderr) =>
      err ? reject(new Error(stderr || err.message)) : resolve(JSON.parse(out))));
}

/** The provider's readiness criteria for the apps/v1 workloads (docs/provider-await-facts.md). */
export function workloadReady(o: Record<string, any>): WorkloadStatus { // eslint-disable-line @typescript-eslint/no-explicit-any
  const spec = o.spec ?? {};
  const st = o.status ?? {};
  const replicas = spec.replicas ?? 1;
  const observed = (st.observedGeneration ?? 0) >= (o.metadata?.generation ?? 0);
  const cond = (type: string) => (st.conditions ?? []).find((c: { type: string }) => c.type === type);
  switch (o.kind) {
    case "Deployment": {
      const progressing = cond("Progressing");
      const ready = observed && (st.updatedReplicas ?? 0) === replicas && (st.availableReplicas ?? 0) >= replicas && (st.replicas ?? 0) === replicas
        && cond("Available")?.status === "True" && (replicas === 0 || progressing?.reason === "NewReplicaSetAvailable");
      return { ready, detail: `${st.updatedReplicas ?? 0}/${replicas} updated, ${st.availableReplicas ?? 0} available${progressing?.reason ? `, Progressing: ${progressing.reason}` : ""}` };
    }
    case "StatefulSet": {
      const ready = observed && st.currentRevision === st.updateRevision && (st.readyReplicas ?? 0) === replicas && (st.replicas ?? 0) === replicas;
      return { ready, detail: `${st.readyReplicas ?? 0}/${replicas} ready, ${st.updatedReplicas ?? 0} updated` };
    }
    default: {
      const desired = st.desiredNumberScheduled ?? 0;
      const ready = observed && (st.updatedNumberScheduled ?? 0) === desired && (st.numberAvailable ?? 0) === desired;
      return { ready, detail: `${st.numberAvailable ?? 0}/${desired} available, ${st.updatedNumberScheduled ?? 0} updated` };
    }
  }
}

/**
 * Applies the manifests in order. A resource is applied only after everything it depends on was
 * applied and awaited, like the engine's dependency walk; the first failed await stops the step
 * and leaves everything after it untouched (a Service never moves to a version that is not ready).
 */
export async function applyStep(opts: DriverOptions, manifests: readonly ManifestEntry[], previous: readonly ManifestEntry[] = []): Promise<{ applied: string[]; deleted: string[] }> {
  const applied: string[] = [];
  const done = new Map<string, Promise<void>>();
  for (const m of manifests) {
    await Promise.all(m.dependsOn.map((d) => done.get(d) ?? Promise.resolve()));
    if (m.kind === "RolloutGate") {
      // The same checks the gate's dynamic provider runs in `pulumi up`.
      const spec = (m.object as { spec: Record<string, unknown> }).spec;
      const gate = runChecks({ ...spec, kubeconfig: opts.kubeconfig }).catch((e: Error) => { throw new StepFailed(e.message); });
      done.set(m.resource, gate);
      gate.catch(() => undefined);
      opts.log?.(`gate ${m.name}`);
      continue;
    }
    applyObject(opts, m);
    applied.push(m.resource);
    opts.log?.(`applied ${m.kind} ${m.namespace ? `${m.namespace}/` : ""}${m.name}`);
    const awaited = awaitManifest(opts, m);
    done.set(m.resource, awaited);
    // Resources with dependents are awaited before those dependents; the others in parallel, as the engine does.
    awaited.catch(() => undefined);
  }
  await Promise.all(done.values());
  // Like the engine, objects the program no longer declares are deleted last, after every
  // create and update succeeded (a promoted canary disappears only once stable is available).
  const key = (m: ManifestEntry) => `${m.kind}/${m.namespace ?? ""}/${m.name}`;
  const keep = new Set(manifests.map(key));
  const deleted: string[] = [];
  for (const m of [...previous].reverse().filter((p) => !keep.has(key(p)) && p.kind !== "RolloutGate")) {
    kubectl(opts, ["delete", ...resourceRef(m), "--ignore-not-found", "--wait=false"]);
    deleted.push(key(m));
    opts.log?.(`deleted ${key(m)}`);
  }
  return { applied, deleted };
}

/** Server-side dry-run of every object (namespaces are created for real first so namespaced objects resolve). */
export function dryRunAll(opts: DriverOptions, manifests: readonly ManifestEntry[]): string[] {
  const failures: string[] = [];
  for (const m of manifests.filter((x) => x.kind === "Namespace")) applyObject(opts, m);
  for (const m of manifests.filter((x) => x.kind !== "Namespace" && x.kind !== "RolloutGate")) {
    try {
      applyObject(opts, m, true);
    } catch (e) {
      failures.push(`${m.kind} ${m.namespace}/${m.name}: ${(e as Error).message}`);
    }
  }
  return failures;
}

export function clusterKubeconfig(): string {
  const dir = process.env.ROLLOUT_CLUSTER_DIR ?? path.join(os.homedir(), ".cache", "rollout", "cluster");
  return path.join(dir, "kubeconfig");
}

export function clusterIsUp(kubeconfig: string): boolean {
  if (!fs.existsSync(kubeconfig)) return false;
  try {
    execFileSync("kubectl", ["--kubeconfig", kubeconfig, "get", "--raw", "/readyz"], { stdio: "ignore", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}
