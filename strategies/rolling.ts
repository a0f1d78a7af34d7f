// Rolling updates (and `kubectl rollout pause/resume/undo`): one Deployment replaced a few pods at
// a time. The app's record keeps the revision before the current one, so `undo: true` returns to
// its image and ConfigMap in one `pulumi up`.
import type { AppConfig, StrategyConfig } from "../config/schema";
import { resolveIntOrPercent } from "../config/schema";
import { PlanBase, revisionOf } from "./pieces";
import type { AppPlan, PlanContext, ServicePlan, WorkloadPlan } from "./types";

type Rolling = Extract<StrategyConfig, { type: "rolling" }>;

/** `main` and `live` are the app's Deployment and Service as planApp builds them for every strategy. */
export function planRolling(app: AppConfig, s: Rolling, ctx: PlanContext, base: PlanBase, main: WorkloadPlan, live: ServicePlan): AppPlan {
  const surge = resolveIntOrPercent(s.maxSurge, app.replicas, true);
  const unavailable = resolveIntOrPercent(s.maxUnavailable, app.replicas, false);
  const { state, workload: w, undone } = revisionOf(app, s.undo, ctx, main);
  const decision = state ? [state.decision] : [];
  // What both forms share: the live Service, the pod count after, and the record this update leaves.
  const shared = { ...base, services: [live], podsAfter: app.replicas, ...(state ? { release: state.record(ctx.image) } : {}) };
  if (s.pause)
    return {
      ...shared,
      strategy: "rolling (paused)",
      workloads: [{ ...w, paused: true }],
      steps: [
        ...decision,
        `apply Deployment ${app.name} paused (spec.paused): its template is stored, no pod changes and pulumi up does not wait; set pause: false to resume the rollout`,
      ],
      peakPods: app.replicas,
      minReadyPods: app.replicas,
      trafficTo: `unchanged (paused; ${w.version} once resumed)`,
    };
  return {
    ...shared,
    strategy: undone ? "rolling (undo)" : "rolling",
    workloads: [w],
    steps: [
      ...decision,
      `apply Deployment ${app.name} (RollingUpdate): up to ${surge} extra and ${unavailable} unavailable pod(s) at a time; pulumi up waits up to ${w.timeoutSeconds}s`,
    ],
    peakPods: app.replicas + surge,
    minReadyPods: app.replicas - unavailable,
    trafficTo: w.version,
  };
}
