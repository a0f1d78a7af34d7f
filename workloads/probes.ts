import type * as k8s from "@pulumi/kubernetes";
import type { Plain } from "../lib/plain";
import type { ProbeConfig } from "../config/schema";

type Probe = Plain<k8s.types.input.core.v1.Probe>;

/** The container port is named so probes and Services follow it if the number changes. */
export const httpPortName = "http";

/** A probe from config; handlers default to the app's named port. */
export function probeSpec(probe: ProbeConfig): Probe {
  const timing = {
    initialDelaySeconds: probe.initialDelaySeconds,
    periodSeconds: probe.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds,
    successThreshold: probe.successThreshold,
    failureThreshold: probe.failureThreshold,
  };
  if (probe.httpGet) return { httpGet: { path: probe.httpGet.path, port: probe.httpGet.port ?? httpPortName }, ...timing };
  if (probe.tcpSocket) return { tcpSocket: { port: probe.tcpSocket.port ?? httpPortName }, ...timing };
  if (probe.exec) return { exec: { command: probe.exec.command }, ...timing };
  throw new Error("probe: expected exactly one of httpGet, tcpSocket, exec");
}

/** Seconds from container start until a probe can first report success (best case). */
export function secondsToFirstSuccess(probe: ProbeConfig): number {
  return probe.initialDelaySeconds + probe.periodSeconds * probe.successThreshold;
}

/** Seconds a startup probe allows before the kubelet restarts the container (worst case). */
export function startupBudgetSeconds(probe: ProbeConfig | undefined): number {
  return probe ? probe.initialDelaySeconds + probe.periodSeconds * probe.failureThreshold : 0;
}
