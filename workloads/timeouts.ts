// How long `pulumi up` waits for a workload: derived from the strategy and the probes, so a stuck
// rollout fails the update soon after the controller gives up (progressDeadlineSeconds), while a
// healthy slow one is never cut off. Written to `pulumi.com/timeoutSeconds`.
import type { AppConfig, DeploymentUpdate } from "../config/schema";
import { deploymentUpdateOf, resolveIntOrPercent } from "../config/schema";
import { secondsToFirstSuccess, startupBudgetSeconds } from "./probes";
import { terminationGraceSeconds } from "./pod";

/** Allowance for scheduling and image pull of one pod. */
export const podStartAllowanceSeconds = 30;
/** Nodes assumed when sizing a DaemonSet rollout (its pod count is the node count). */
export const assumedDaemonSetNodes = 10;
/** Slack on top of the estimate: the backstop must never fire before the controller's own deadline. */
export const slackSeconds = 60;

/** Worst healthy time for one pod to become available: start, startup probe, readiness, minReadySeconds. */
export function podReadySeconds(app: AppConfig): number {
  return (
    podStartAllowanceSeconds + startupBudgetSeconds(app.probes.startup) + secondsToFirstSuccess(app.probes.readiness) + app.minReadySeconds
  );
}

/** Number of sequential waves the controller needs to replace every pod. */
export function rolloutWaves(app: AppConfig, replicas = app.replicas, update: DeploymentUpdate = deploymentUpdateOf(app)): number {
  if (app.kind === "StatefulSet") {
    const s = app.statefulSet;
    return Math.max(1, replicas - (s?.partition ?? 0));
  }
  if (app.kind === "DaemonSet") {
    const d = app.daemonSet ?? { maxUnavailable: 1, maxSurge: 0 };
    const step = Math.max(
      1,
      resolveIntOrPercent(d.maxUnavailable, assumedDaemonSetNodes, true),
      resolveIntOrPercent(d.maxSurge, assumedDaemonSetNodes, true),
    );
    return Math.ceil(assumedDaemonSetNodes / step);
  }
  if (update.type === "recreate") return 1;
  const surge = resolveIntOrPercent(update.maxSurge, replicas, true);
  const unavailable = resolveIntOrPercent(update.maxUnavailable, replicas, false);
  return Math.ceil(replicas / Math.max(1, surge + unavailable));
}

/** Estimated healthy rollout time, in seconds. */
export function estimatedRolloutSeconds(
  app: AppConfig,
  replicas = app.replicas,
  update: DeploymentUpdate = deploymentUpdateOf(app),
): number {
  const waves = rolloutWaves(app, replicas, update);
  // Recreate waits for every old pod to terminate first.
  const teardown = app.kind === "Deployment" && update.type === "recreate" ? terminationGraceSeconds(app) : 0;
  return teardown + waves * podReadySeconds(app);
}

/** `pulumi.com/timeoutSeconds`: above the controller's deadline and 1.5x the healthy estimate. */
export function awaitTimeoutSeconds(app: AppConfig, replicas = app.replicas, update: DeploymentUpdate = deploymentUpdateOf(app)): number {
  return Math.max(app.progressDeadlineSeconds, Math.ceil(1.5 * estimatedRolloutSeconds(app, replicas, update))) + slackSeconds;
}
