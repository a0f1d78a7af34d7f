// Watches what the API server shows during a step: pods of an app and the ready endpoints of its
// Service (EndpointSlices). Assertions use these observations, never what the program asked for.
import { getJson } from "./driver";

export interface Sample {
  /** Seconds since observation started. */
  readonly t: number;
  readonly pods: number;
  /** Pods (by name) ready in the Service's EndpointSlices. */
  readonly ready: string[];
  /** Pod name -> app.kubernetes.io/version label. */
  readonly versions: Record<string, string>;
  /** Pods whose Ready condition is True. */
  readonly readyPods: string[];
}

export interface Observation {
  peakPods: number;
  minReadyEndpoints: number;
  /** Pod names seen ready in the Service's endpoints, per sample. */
  readonly samples: Sample[];
}

export function observe(kubeconfig: string, namespace: string, service: string, appLabel: string, onSample?: (s: Sample) => void): { stop: () => Promise<Observation> } {
  const obs: Observation = { peakPods: 0, minReadyEndpoints: Number.MAX_SAFE_INTEGER, samples: [] };
  let running = true;
  const start = Date.now();
  const sample = async () => {
    const [pods, slices] = await Promise.all([
      getJson({ kubeconfig }, ["pods", "-n", namespace, "-l", `app.kubernetes.io/name=${appLabel}`]),
      getJson({ kubeconfig }, ["endpointslices", "-n", namespace, "-l", `kubernetes.io/service-name=${service}`]),
    ]);
    const ready = (slices.items as any[]).flatMap((s) => (s.endpoints ?? []).filter((e: any) => e.conditions?.ready === true).map((e: any) => e.targetRef?.name as string)); // eslint-disable-line @typescript-eslint/no-explicit-any
    const versions = Object.fromEntries((pods.items as any[]).map((p) => [p.metadata.name, p.metadata.labels?.["app.kubernetes.io/version"] ?? "?"]));
    const readyPods = (pods.items as any[]).filter((p) => (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True")).map((p) => p.metadata.name as string); // eslint-disable-line @typescript-eslint/no-explicit-any
    const s: Sample = { t: (Date.now() - start) / 1000, pods: pods.items.length, ready, versions, readyPods };
    obs.samples.push(s);
    obs.peakPods = Math.max(obs.peakPods, s.pods);
    obs.minReadyEndpoints = Math.min(obs.minReadyEndpoints, s.ready.length);
    onSample?.(s);
  };
  const loop = (async () => {
    while (running) {
      await sample();
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  // The last sample is taken after the step returned, so the final state is always observed.
  return { stop: async () => { running = false; await loop; await sample(); return obs; } };
}

/**
 * Waits until the Service has `count` ready endpoints. A Service's await (the provider's and the
 * driver's) passes while nothing is ready yet, so EndpointSlices may still be filling in when a
 * step returns: a measurement starts from this settled baseline, or it would count the fill-in as a drop.
 */
export async function readyEndpoints(kubeconfig: string, namespace: string, service: string, count: number, timeoutSeconds = 60): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let ready = 0;
  while (Date.now() < deadline) {
    const slices = await getJson({ kubeconfig }, ["endpointslices", "-n", namespace, "-l", `kubernetes.io/service-name=${service}`]);
    ready = (slices.items as any[]).flatMap((s) => s.endpoints ?? []).filter((e: any) => e.conditions?.ready === true).length; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (ready >= count) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Service ${namespace}/${service} has ${ready} ready endpoint(s) after ${timeoutSeconds}s, expected ${count}`);
}
