// kubectl helpers for the e2e suite, the demo and the benchmark: reading what the API server
// shows, and server-side dry runs of rendered objects. Nothing here applies a stack: that is the
// engine's job (tools/engine.ts).
import { execFile, execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { rolloutCache } from "./engine";
import type { ManifestEntry } from "./render";

export function clusterKubeconfig(): string {
  const dir = process.env.ROLLOUT_CLUSTER_DIR ?? path.join(rolloutCache(), "cluster");
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

/** `kubectl <args>` against this kubeconfig; throws with kubectl's own message. */
export function kubectl(kubeconfig: string, args: string[], input?: string): string {
  const r = spawnSync("kubectl", ["--kubeconfig", kubeconfig, ...args], { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

// The API's JSON as kubectl prints it; the e2e assertions pick fields out of it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubeJson = Record<string, any>;

/** `kubectl get <ref> -o json`, asynchronously (observers keep sampling while a step runs). */
export function getJson(kubeconfig: string, ref: string[]): Promise<KubeJson> {
  return new Promise((resolve, reject) =>
    execFile("kubectl", ["--kubeconfig", kubeconfig, "get", ...ref, "-o", "json"], { maxBuffer: 16 * 1024 * 1024 }, (err, out, stderr) =>
      err ? reject(new Error(stderr || err.message)) : resolve(JSON.parse(out) as KubeJson),
    ),
  );
}

export function getJsonSync(kubeconfig: string, ref: string[]): KubeJson {
  return JSON.parse(kubectl(kubeconfig, ["get", ...ref, "-o", "json"])) as KubeJson;
}

/** Server-side dry run of every rendered object (namespaces are created for real first so namespaced objects resolve). */
export function dryRunAll(kubeconfig: string, manifests: readonly ManifestEntry[]): string[] {
  const apply = (m: ManifestEntry, dryRun: boolean) =>
    kubectl(
      kubeconfig,
      ["apply", "--server-side", "--field-manager=rollout-dry-run", ...(dryRun ? ["--dry-run=server"] : []), "-f", "-"],
      stringify(m.object),
    );
  const failures: string[] = [];
  for (const m of manifests.filter((x) => x.kind === "Namespace")) apply(m, false);
  for (const m of manifests.filter((x) => x.kind !== "Namespace" && x.kind !== "RolloutGate")) {
    try {
      apply(m, true);
    } catch (e) {
      failures.push(`${m.kind} ${m.namespace}/${m.name}: ${(e as Error).message}`);
    }
  }
  return failures;
}

/** Pod counts by `app.kubernetes.io/version` label, for pods not being deleted. */
export function podsByVersion(kubeconfig: string, namespace: string, app: string): Record<string, number> {
  const pods = getJsonSync(kubeconfig, ["pods", "-n", namespace, "-l", `app.kubernetes.io/name=${app}`]).items as KubeJson[];
  const out: Record<string, number> = {};
  for (const p of pods.filter((x) => !x.metadata.deletionTimestamp)) {
    const v = p.metadata.labels["app.kubernetes.io/version"] as string;
    out[v] = (out[v] ?? 0) + 1;
  }
  return out;
}
