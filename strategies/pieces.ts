// The pieces every strategy module builds its plan from. Strategies import these and never each
// other; strategies/plan.ts picks the strategy, so nothing here imports a strategy.
import type { AppConfig, DeploymentUpdate } from "../config/schema";
import { deploymentUpdateOf, resolveIntOrPercent } from "../config/schema";
import { revisionConfigMapName } from "../lib/config-revisions";
import { awaitTimeoutSeconds } from "../workloads/timeouts";
import { asRollingRecord, decideRolling, RollingState } from "./release";
import type { AppPlan, GatePlan, PlanContext, PlanNode, WorkloadPlan } from "./types";

/** What planApp fills in for every strategy. */
export type PlanBase = Pick<AppPlan, "app" | "namespace" | "kind" | "routes" | "gates">;

export function shortDigest(ref: string): string {
  const at = ref.indexOf("@sha256:");
  return at < 0 ? ref : `sha256-${ref.slice(at + 8, at + 20)}`;
}

/** The image and version label of a slot: an explicit digest, or the stack image. */
export function versionOf(image: string | undefined, ctx: PlanContext): { image: string; version: string } {
  return image ? { image, version: shortDigest(image) } : { image: ctx.image, version: ctx.version };
}

/** A workload of the app with sensible defaults for the plan fields. */
export function workload(
  app: AppConfig,
  w: {
    name: string;
    trackLabels: Record<string, string>;
    replicas: number;
    image: string;
    version: string;
    role?: "idle" | "canary";
    after?: readonly PlanNode[];
    update?: DeploymentUpdate;
  },
): WorkloadPlan {
  const update = w.update ?? deploymentUpdateOf(app);
  return {
    name: w.name,
    kind: app.kind,
    trackLabels: w.trackLabels,
    replicas: w.replicas,
    image: w.image,
    version: w.version,
    update,
    ...(w.role ? { role: w.role } : {}),
    timeoutSeconds: awaitTimeoutSeconds(app, Math.max(1, w.replicas), update),
    after: w.after ?? [],
  };
}

/** Pods above the target during a rolling update of `replicas` pods. */
export function surgeOf(update: DeploymentUpdate, replicas: number): number {
  return update.type === "rolling" ? resolveIntOrPercent(update.maxSurge, replicas, true) : 0;
}

export function describeGates(g: GatePlan): string {
  const parts: string[] = [];
  if (g.config.smoke)
    parts.push(
      `HTTP GET ${g.config.smoke.path} expects ${g.config.smoke.expectStatus}${g.config.smoke.expectBody !== undefined ? ` and '${g.config.smoke.expectBody}'` : ""}`,
    );
  if (g.config.prometheus) parts.push(`Prometheus '${g.config.prometheus.query}' <= ${g.config.prometheus.max}`);
  return parts.join(", ");
}

/**
 * A single-Deployment app on the stack image (rolling or recreate): this update's revision from
 * the app's record, and its Deployment running it (on an undo, the previous image and ConfigMap).
 * A pinned app image (`image:`) is not a release of the stack: no record, nothing to undo.
 */
export function revisionOf(
  app: AppConfig,
  undo: boolean,
  ctx: PlanContext,
  main: WorkloadPlan,
): { state?: RollingState; workload: WorkloadPlan; undone: boolean } {
  if (app.image !== undefined) return { workload: main, undone: false };
  const state = decideRolling(
    asRollingRecord(ctx.releases?.[app.name]),
    ctx.releaseKey ?? ctx.image,
    revisionConfigMapName(app.name, app.config),
    undo,
  );
  if (state.run === "stack") return { state, workload: main, undone: false };
  const back = state.run;
  return {
    state,
    workload: { ...main, image: back.image, version: shortDigest(back.image), config: back.config ? { name: back.config } : {} },
    undone: true,
  };
}
