// Watches what the API server shows during a step: pods of an app and the ready endpoints of its
// Service (EndpointSlices), through `kubectl get --watch`, so every change is seen when it happens
// (not at the next poll). Assertions use these observations, never what the program asked for.
import { ChildProcess, spawn } from "child_process";
import { getJson, KubeJson } from "./kube";

export interface Sample {
  /** Seconds since observation started. */
  readonly t: number;
  /** Pods not being deleted (what maxSurge and the controllers count). */
  readonly pods: number;
  /** Pods (by name) ready in the Service's EndpointSlices. */
  readonly ready: string[];
  /** Pod name -> app.kubernetes.io/version label, terminating pods included (they still run). */
  readonly versions: Record<string, string>;
  /** Pods whose Ready condition is True. */
  readonly readyPods: string[];
}

export interface Observation {
  peakPods: number;
  minReadyEndpoints: number;
  /** One sample per observed change, plus one every `sampleIntervalSeconds`. */
  readonly samples: Sample[];
  readonly sampleIntervalSeconds: number;
}

/** Splits kubectl's stream of pretty-printed JSON objects into whole objects. */
export function jsonStream(onObject: (o: KubeJson) => void): (chunk: string) => void {
  let buf = "";
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  return (chunk: string) => {
    const base = buf.length;
    buf += chunk;
    for (let i = base; i < buf.length; i++) {
      const c = buf[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === "\\") escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === "{") {
        if (depth++ === 0) start = i;
      } else if (c === "}" && --depth === 0) {
        onObject(JSON.parse(buf.slice(start, i + 1)) as KubeJson);
        buf = buf.slice(i + 1);
        i = -1;
      }
    }
  };
}

function watch(kubeconfig: string, args: string[], onEvent: (type: string, o: KubeJson) => void): ChildProcess {
  const p = spawn("kubectl", ["--kubeconfig", kubeconfig, "get", ...args, "--watch", "--output-watch-events", "-o", "json"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  p.stdout.setEncoding("utf8");
  p.stdout.on(
    "data",
    jsonStream((e) => onEvent(String(e.type), e.object as KubeJson)),
  );
  return p;
}

const sampleIntervalSeconds = 0.1;

function podState(p: KubeJson): { version: string; ready: boolean; terminating: boolean } {
  const terminating = Boolean(p.metadata.deletionTimestamp);
  return {
    version: p.metadata.labels?.["app.kubernetes.io/version"] ?? "?",
    ready: !terminating && (p.status?.conditions ?? []).some((c: KubeJson) => c.type === "Ready" && c.status === "True"),
    terminating,
  };
}

export function observe(
  kubeconfig: string,
  namespace: string,
  service: string,
  appLabel: string,
  onSample?: (s: Sample) => void,
): { stop: () => Promise<Observation> } {
  const obs: Observation = { peakPods: 0, minReadyEndpoints: Number.MAX_SAFE_INTEGER, samples: [], sampleIntervalSeconds };
  const start = Date.now();
  const pods = new Map<string, { version: string; ready: boolean; terminating: boolean }>();
  const slices = new Map<string, string[]>();
  let synced = { pods: false, slices: false };
  const record = () => {
    if (!synced.pods || !synced.slices) return;
    const ready = [...slices.values()].flat();
    const versions = Object.fromEntries([...pods].map(([n, p]) => [n, p.version]));
    const readyPods = [...pods].filter(([, p]) => p.ready).map(([n]) => n);
    const s: Sample = {
      t: (Date.now() - start) / 1000,
      pods: [...pods.values()].filter((p) => !p.terminating).length,
      ready,
      versions,
      readyPods,
    };
    obs.samples.push(s);
    obs.peakPods = Math.max(obs.peakPods, s.pods);
    obs.minReadyEndpoints = Math.min(obs.minReadyEndpoints, s.ready.length);
    onSample?.(s);
  };
  const podWatch = watch(kubeconfig, ["pods", "-n", namespace, "-l", `app.kubernetes.io/name=${appLabel}`], (type, p) => {
    const name = p.metadata.name as string;
    // A pod being deleted no longer counts: the kubelet (kwok) is stopping it.
    if (type === "DELETED") pods.delete(name);
    else pods.set(name, podState(p));
    record();
  });
  const sliceWatch = watch(kubeconfig, ["endpointslices", "-n", namespace, "-l", `kubernetes.io/service-name=${service}`], (type, s) => {
    const name = s.metadata.name as string;
    if (type === "DELETED") slices.delete(name);
    else
      slices.set(
        name,
        ((s.endpoints ?? []) as KubeJson[]).filter((e) => e.conditions?.ready === true).map((e) => e.targetRef?.name as string),
      );
    record();
  });
  // The watches start with the current state (ADDED events); a list confirms when that is complete.
  const initial = Promise.all([
    getJson(kubeconfig, ["pods", "-n", namespace, "-l", `app.kubernetes.io/name=${appLabel}`]),
    getJson(kubeconfig, ["endpointslices", "-n", namespace, "-l", `kubernetes.io/service-name=${service}`]),
  ]).then(([p, s]) => {
    for (const x of p.items as KubeJson[]) if (!pods.has(x.metadata.name)) pods.set(x.metadata.name, podState(x));
    for (const x of s.items as KubeJson[])
      if (!slices.has(x.metadata.name))
        slices.set(
          x.metadata.name,
          ((x.endpoints ?? []) as KubeJson[]).filter((e) => e.conditions?.ready === true).map((e) => e.targetRef?.name as string),
        );
    synced = { pods: true, slices: true };
    record();
  });
  const tick = setInterval(record, sampleIntervalSeconds * 1000);
  return {
    stop: async () => {
      await initial;
      // Let the watches deliver what the last step did, then take a final sample.
      await new Promise((r) => setTimeout(r, 300));
      clearInterval(tick);
      podWatch.kill();
      sliceWatch.kill();
      record();
      return obs;
    },
  };
}

/** Resolves once the observer's ready endpoints are all of `version` and number `count`. */
export function allServing(s: Sample, version: string, count: number): boolean {
  return s.ready.length === count && s.ready.every((p) => s.versions[p] === version);
}

/**
 * Waits until the Service has `count` ready endpoints. A Service's await passes while nothing is
 * ready yet, so EndpointSlices may still be filling in when a step returns: a measurement starts
 * from this settled baseline, or it would count the fill-in as a drop.
 */
export async function readyEndpoints(
  kubeconfig: string,
  namespace: string,
  service: string,
  count: number,
  timeoutSeconds = 60,
): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let ready = 0;
  while (Date.now() < deadline) {
    const slices = await getJson(kubeconfig, ["endpointslices", "-n", namespace, "-l", `kubernetes.io/service-name=${service}`]);
    ready = (slices.items as KubeJson[])
      .flatMap((s) => (s.endpoints ?? []) as KubeJson[])
      .filter((e) => e.conditions?.ready === true).length;
    if (ready >= count) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Service ${namespace}/${service} has ${ready} ready endpoint(s) after ${timeoutSeconds}s, expected ${count}`);
}
