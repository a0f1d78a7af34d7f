// A rollout plan: what one `pulumi up` does to an app, computed from config alone. The App
// component registers exactly the workloads, services, routes and gates the plan names, with the
// plan's ordering as `dependsOn`, and the plan is exported so a reviewer sees what the update does.
import type { AppConfig } from "../config/schema";
import { trackLabel } from "../lib/labels";
import { planAbTest } from "./ab-test";
import { planBlueGreen } from "./blue-green";
import { planCanary } from "./canary";
import { planRolling } from "./rolling";
import { exportPlan, ExportedPlan } from "./graph";
import { revisionOf, versionOf, workload } from "./pieces";
import type { ReleaseRecord, Slot, SlotRecord } from "./release";
import type { AppPlan, PlanContext, ServicePlan } from "./types";

export type { AppPlan, GatePlan, PlanContext, PlanNode, RoutePlan, ServicePlan, WorkloadPlan } from "./types";
export type { ExportedPlan } from "./graph";

export function planApp(app: AppConfig, ctx: PlanContext): AppPlan {
  const namespace = `${ctx.environment}-${app.name}`;
  const { image, version } = versionOf(app.image, ctx);
  const stable = { [trackLabel]: "stable" };
  const base = { app: app.name, namespace, kind: app.kind, routes: [], gates: [] };
  const main = workload(app, { name: app.name, trackLabels: stable, replicas: app.replicas, image, version });
  const live: ServicePlan = { name: app.name, selectorExtra: {}, after: [], purpose: "live" };

  if (app.kind === "StatefulSet") {
    const s = app.statefulSet!;
    const headless: ServicePlan = { name: `${app.name}-headless`, selectorExtra: {}, after: [], purpose: "headless" };
    const updating = s.updateStrategy === "OnDelete" ? 0 : app.replicas - s.partition;
    return {
      ...base,
      strategy:
        s.updateStrategy === "OnDelete" ? "statefulset-ondelete" : s.partition > 0 ? "statefulset-partition" : "statefulset-rolling",
      workloads: [main],
      services: [headless, live],
      steps:
        s.updateStrategy === "OnDelete"
          ? [`apply StatefulSet ${app.name} (OnDelete: pods change only when deleted; pulumi up does not wait)`]
          : [
              updating === 0
                ? `apply StatefulSet ${app.name}: partition ${s.partition} = replicas, so no ordinal is updated; lower partition to roll out`
                : `apply StatefulSet ${app.name}: ordinals ${s.partition}..${app.replicas - 1} updated one at a time, highest first (${updating} pod(s)); wait up to ${main.timeoutSeconds}s`,
              ...(s.partition > 0 ? [`ordinals 0..${s.partition - 1} keep the current revision until partition is lowered`] : []),
            ],
      podsAfter: app.replicas,
      peakPods: app.replicas,
      minReadyPods: Math.max(0, app.replicas - (updating > 0 ? 1 : 0)),
      trafficTo: s.partition > 0 ? `${version} on ${updating} of ${app.replicas} ordinals` : version,
    };
  }
  if (app.kind === "DaemonSet") {
    const d = app.daemonSet!;
    return {
      ...base,
      strategy: d.updateStrategy === "OnDelete" ? "daemonset-ondelete" : "daemonset-rolling",
      workloads: [main],
      services: [live],
      steps: [
        d.updateStrategy === "OnDelete"
          ? `apply DaemonSet ${app.name} (OnDelete: pods change only when deleted; pulumi up does not wait)`
          : `apply DaemonSet ${app.name}: node by node, maxUnavailable ${d.maxUnavailable}, maxSurge ${d.maxSurge}`,
      ],
      podsAfter: 0,
      peakPods: 0,
      minReadyPods: 0,
      trafficTo: version,
    };
  }
  const strategy = app.strategy!;
  switch (strategy.type) {
    case "recreate": {
      const { state, workload: w, undone } = revisionOf(app, strategy.undo, ctx, main);
      return {
        ...base,
        strategy: undone ? "recreate (undo)" : "recreate",
        workloads: [w],
        services: [live],
        steps: [
          ...(state ? [state.decision] : []),
          `apply Deployment ${app.name} (Recreate): all ${app.replicas} old pod(s) stop, then ${app.replicas} new pod(s) start: expect an outage window`,
        ],
        podsAfter: app.replicas,
        peakPods: app.replicas,
        minReadyPods: 0,
        trafficTo: w.version,
        ...(state ? { release: state.record(ctx.image) } : {}),
      };
    }
    case "rolling":
      return planRolling(app, strategy, ctx, base, main, live);
    case "blueGreen":
      return planBlueGreen(app, strategy, ctx, base);
    case "canary":
      return planCanary(app, strategy, ctx, base);
    case "abTest":
      return planAbTest(app, strategy, ctx, base);
  }
}

/** The plan as exported, with its placeholder for the stack image replaced by the resolved image and version. */
export function withImage(plan: AppPlan, placeholder: string, image: string, version: string): ExportedPlan {
  const sub = (s: string) => s.split(placeholder).join(version);
  const exported = exportPlan(plan);
  return {
    ...exported,
    workloads: exported.workloads.map((w) => ({
      ...w,
      image: w.image === placeholder ? image : w.image,
      version: w.version === placeholder ? version : w.version,
    })),
    gates: exported.gates.map((g) => ({ ...g, image: g.image === placeholder ? image : g.image })),
    steps: plan.steps.map(sub),
    trafficTo: sub(plan.trafficTo),
    ...(plan.release ? { release: recordWithImage(plan.release, placeholder, image) } : {}),
  };
}

function recordWithImage(r: ReleaseRecord, placeholder: string, image: string): ReleaseRecord {
  const sub = <T extends SlotRecord>(run: T): T => (run.image === placeholder ? { ...run, image } : run);
  if ("stable" in r) return { stable: sub(r.stable), ...(r.canary ? { canary: sub(r.canary) } : {}) };
  if ("current" in r) return { ...r, current: sub(r.current), ...(r.previous ? { previous: sub(r.previous) } : {}) };
  if ("a" in r) return { a: sub(r.a), b: sub(r.b) };
  const slots: Partial<Record<Slot, SlotRecord>> = {};
  for (const [slot, run] of Object.entries(r.slots) as [Slot, SlotRecord][]) slots[slot] = sub(run);
  return { live: r.live, slots };
}
