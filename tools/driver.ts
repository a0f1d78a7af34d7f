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
  if (["Deployment", "StatefulSet", "DaemonSet"].includes(m.kind)) {
    // Asynchronous, so observers in the same process keep watching while the step waits.
    await new Promise<void>((resolve, reject) =>
      execFile("kubectl", ["--kubeconfig", opts.kubeconfig, "rollout", "status", ...resourceRef(m), `--timeout=${timeout}s`], (err, stdout, stderr) =>
        err ? reject(new StepFailed(`${m.kind} ${m.namespace}/${m.name} did not become ready within ${timeout}s (pulumi.com/timeoutSeconds): ${(stderr || stdout).trim()}`)) : resolve()));
  }
}

/**
 * Applies the manifests in order. A resource is applied only after everything it depends on was
 * applied and awaited, like the engine's dependency walk; the first failed await stops the step
 * and leaves everything after it untouched (a Service never moves to a version that is not ready).
 */
export async function applyStep(opts: DriverOptions, manifests: readonly ManifestEntry[]): Promise<{ applied: string[] }> {
  const applied: string[] = [];
  const done = new Map<string, Promise<void>>();
  for (const m of manifests) {
    await Promise.all(m.dependsOn.map((d) => done.get(d) ?? Promise.resolve()));
    applyObject(opts, m);
    applied.push(m.resource);
    opts.log?.(`applied ${m.kind} ${m.namespace ? `${m.namespace}/` : ""}${m.name}`);
    const awaited = awaitManifest(opts, m);
    done.set(m.resource, awaited);
    // Resources with dependents are awaited before those dependents; the others in parallel, as the engine does.
    awaited.catch(() => undefined);
  }
  await Promise.all(done.values());
  return { applied };
}

/** Server-side dry-run of every object (namespaces are created for real first so namespaced objects resolve). */
export function dryRunAll(opts: DriverOptions, manifests: readonly ManifestEntry[]): string[] {
  const failures: string[] = [];
  for (const m of manifests.filter((x) => x.kind === "Namespace")) applyObject(opts, m);
  for (const m of manifests.filter((x) => x.kind !== "Namespace")) {
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
