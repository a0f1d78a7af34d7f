// A rollout plan: what one `pulumi up` does to an app, computed from config alone. The App
// component registers exactly the workloads and services the plan names, in the plan's order, and
// the plan is exported so a reviewer sees in the preview what the update will do.
import type { AppConfig } from "../config/schema";
import { resolveIntOrPercent } from "../config/schema";
import type { Environment } from "../config/defaults";
import { trackLabel } from "../lib/labels";
import { awaitTimeoutSeconds } from "../workloads/timeouts";

export interface WorkloadPlan {
  /** Kubernetes object name. */
  readonly name: string;
  readonly kind: AppConfig["kind"];
  /** Labels that tell this workload's pods apart (part of its selector). */
  readonly trackLabels: Readonly<Record<string, string>>;
  readonly replicas: number;
  readonly image: string;
  readonly version: string;
  /** `idle` or `canary`: not the main serving track (policies exempt it from replicas > 1). */
  readonly role?: "idle" | "canary";
  /** Seconds `pulumi up` waits for it. */
  readonly timeoutSeconds: number;
}

export interface ServicePlan {
  readonly name: string;
  /** Selector on top of the app's selector labels. */
  readonly selectorExtra: Readonly<Record<string, string>>;
  /** Workloads that must be fully available before this Service (or its selector change) is applied. */
  readonly after: readonly string[];
  readonly purpose: "live" | "preview" | "headless" | "variant";
}

export interface AppPlan {
  readonly app: string;
  readonly namespace: string;
  readonly kind: AppConfig["kind"];
  readonly strategy: string;
  readonly workloads: readonly WorkloadPlan[];
  readonly services: readonly ServicePlan[];
  /** Human-readable steps of this `pulumi up`, in order. */
  readonly steps: readonly string[];
  /** Pods of the app when the update is done. */
  readonly podsAfter: number;
  /** Most pods of the app alive at once during the update. */
  readonly peakPods: number;
  /** Fewest ready pods serving during the update (0 means an outage window). */
  readonly minReadyPods: number;
  /** Which version receives traffic after this update. */
  readonly trafficTo: string;
}

export interface PlanContext {
  readonly environment: Environment;
  /** The stack image (`repo@sha256:...`), used by apps that name none. */
  readonly image: string;
  /** Version label of the stack image (short commit or digest). */
  readonly version: string;
}

export function planApp(app: AppConfig, ctx: PlanContext): AppPlan {
  const namespace = `${ctx.environment}-${app.name}`;
  const image = app.image ?? ctx.image;
  const version = app.image ? shortDigest(app.image) : ctx.version;
  const stable = { [trackLabel]: "stable" };
  const base = { app: app.name, namespace, kind: app.kind };
  const workload: WorkloadPlan = { name: app.name, kind: app.kind, trackLabels: stable, replicas: app.replicas, image, version, timeoutSeconds: awaitTimeoutSeconds(app) };
  const live: ServicePlan = { name: app.name, selectorExtra: {}, after: [], purpose: "live" };

  if (app.kind === "StatefulSet") {
    const s = app.statefulSet!;
    const headless: ServicePlan = { name: `${app.name}-headless`, selectorExtra: {}, after: [], purpose: "headless" };
    const updating = s.updateStrategy === "OnDelete" ? 0 : app.replicas - s.partition;
    return {
      ...base,
      strategy: s.updateStrategy === "OnDelete" ? "statefulset-ondelete" : s.partition > 0 ? "statefulset-partition" : "statefulset-rolling",
      workloads: [workload],
      services: [headless, live],
      steps: s.updateStrategy === "OnDelete"
        ? [`apply StatefulSet ${app.name} (OnDelete: pods change only when deleted; pulumi up does not wait)`]
        : [`apply StatefulSet ${app.name}: ordinals ${s.partition}..${app.replicas - 1} updated one at a time, highest first (${updating} pod(s))`,
           ...(s.partition > 0 ? [`ordinals 0..${s.partition - 1} keep the current revision until partition is lowered`] : [])],
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
      workloads: [workload],
      services: [live],
      steps: [d.updateStrategy === "OnDelete"
        ? `apply DaemonSet ${app.name} (OnDelete: pods change only when deleted; pulumi up does not wait)`
        : `apply DaemonSet ${app.name}: node by node, maxUnavailable ${d.maxUnavailable}, maxSurge ${d.maxSurge}`],
      podsAfter: 0,
      peakPods: 0,
      minReadyPods: 0,
      trafficTo: version,
    };
  }
  const strategy = app.strategy!;
  if (strategy.type === "recreate") {
    return {
      ...base,
      strategy: "recreate",
      workloads: [workload],
      services: [live],
      steps: [`apply Deployment ${app.name} (Recreate): all ${app.replicas} old pod(s) stop, then ${app.replicas} new pod(s) start: expect an outage window`],
      podsAfter: app.replicas,
      peakPods: app.replicas,
      minReadyPods: 0,
      trafficTo: version,
    };
  }
  const surge = resolveIntOrPercent(strategy.maxSurge, app.replicas, true);
  const unavailable = resolveIntOrPercent(strategy.maxUnavailable, app.replicas, false);
  return {
    ...base,
    strategy: "rolling",
    workloads: [workload],
    services: [live],
    steps: [`apply Deployment ${app.name} (RollingUpdate): up to ${surge} extra and ${unavailable} unavailable pod(s) at a time; pulumi up waits up to ${workload.timeoutSeconds}s`],
    podsAfter: app.replicas,
    peakPods: app.replicas + surge,
    minReadyPods: app.replicas - unavailable,
    trafficTo: version,
  };
}

export function shortDigest(ref: string): string {
  const at = ref.indexOf("@sha256:");
  return at < 0 ? ref : `sha256-${ref.slice(at + 8, at + 20)}`;
}

/** Replaces the plan's placeholder for the stack image with the resolved image and version. */
export function withImage(plan: AppPlan, placeholder: string, image: string, version: string): AppPlan {
  const sub = (s: string) => s.split(placeholder).join(version);
  return {
    ...plan,
    workloads: plan.workloads.map((w) => ({ ...w, image: w.image === placeholder ? image : w.image, version: w.version === placeholder ? version : w.version })),
    steps: plan.steps.map(sub),
    trafficTo: sub(plan.trafficTo),
  };
}
