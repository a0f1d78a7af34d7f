// Canary: a stable and a canary Deployment. Traffic by replica ratio (one Service over both tracks,
// the seeds' approach) or by exact weight through a Gateway API HTTPRoute. Promotion makes stable
// run the candidate; the canary is then removed (Pulumi deletes it after the stable rollout).
import type { AppConfig, StrategyConfig } from "../config/schema";
import { trackLabel } from "../lib/labels";
import { describeGates, PlanBase, surgeOf, versionOf, workload } from "./pieces";
import { asCanaryRecord, canaryRecordOf, CanaryState, decideCanary } from "./release";
import type { AppPlan, GatePlan, PlanContext, PlanNode, RevertPlan, RoutePlan, RouteSpec, ServicePlan, WorkloadPlan } from "./types";

type Canary = Extract<StrategyConfig, { type: "canary" }>;

/** Canary pods for a weight: by replicas the split is of the app's pods, by gateway the canary is sized to its share. */
export function canaryReplicas(replicas: number, weight: number, traffic: "replicas" | "gateway"): number {
  if (weight === 0) return 0;
  return Math.max(1, traffic === "replicas" ? Math.round((replicas * weight) / 100) : Math.ceil((replicas * weight) / 100));
}

/** This update's step: pinned in config (stable, weight, promote), or the next one after the app's last record. */
export function canaryState(app: AppConfig, s: Canary, ctx: PlanContext): CanaryState {
  if (s.stable) return { stable: { image: s.stable.image, key: s.stable.image }, weight: s.weight ?? 0, promote: s.promote, decision: "" };
  return decideCanary(asCanaryRecord(ctx.releases?.[app.name]), ctx.releaseKey ?? ctx.image, {
    steps: s.steps ?? [],
    pause: s.pause,
    promote: s.promote,
  });
}

export function planCanary(app: AppConfig, s: Canary, ctx: PlanContext, base: PlanBase): AppPlan {
  const state = canaryState(app, s, ctx);
  const tracked = s.stable === undefined;
  const weight = state.weight;
  const tracking = tracked
    ? { steps: [state.decision], release: canaryRecordOf(state, ctx.image, ctx.releaseKey ?? ctx.image) }
    : { steps: [] as string[] };
  const stableV = versionOf(state.stable?.image, ctx);
  const candidate = versionOf(s.canary.image, ctx);
  const canaryName = `${app.name}-canary`;
  const byGateway = s.traffic === "gateway";
  const cReplicas = state.promote ? 0 : canaryReplicas(app.replicas, weight, s.traffic);
  // The gate checks the canary's pods through Service <app>-canary, at every step and before a promotion.
  const gateOn = (service: ServicePlan): GatePlan | undefined =>
    s.gates
      ? {
          name: `${canaryName}-gate`,
          image: candidate.image,
          service,
          config: s.gates,
          after: [service],
          guards: state.promote ? `stable -> ${candidate.version}` : `canary weight ${weight}%`,
          step: state.promote ? "promote" : `weight ${weight}%`,
          onFailure: revertToStable(app, s, stableV.version),
        }
      : undefined;

  if (state.promote) {
    const canaryService: ServicePlan = { name: canaryName, selectorExtra: { [trackLabel]: "canary" }, after: [], purpose: "track" };
    const gate = gateOn(canaryService);
    const stable = revertible(
      workload(app, {
        name: app.name,
        trackLabels: { [trackLabel]: "stable" },
        replicas: app.replicas,
        ...candidate,
        after: gate ? [gate] : [],
      }),
    );
    const services: ServicePlan[] = [
      { name: app.name, selectorExtra: byGateway ? { [trackLabel]: "stable" } : {}, after: [], purpose: "live" },
      ...(gate ? [canaryService] : []),
    ];
    const routes: RoutePlan[] = byGateway ? [route(app, s, [{ service: app.name, weight: 100 }], [stable])] : [];
    return {
      ...base,
      strategy: `canary promote (${s.traffic})`,
      workloads: [stable],
      services,
      routes,
      gates: gate ? [gate] : [],
      steps: [
        ...tracking.steps,
        ...(gate ? [`gate: ${describeGates(gate)} against the canary; ${failureStep(gate)}`] : []),
        `roll stable Deployment ${app.name} to ${candidate.version} (${app.replicas} pods, up to ${stable.timeoutSeconds}s)`,
        ...(byGateway ? [`route 100% to ${app.name}`] : []),
        `remove the canary Deployment ${canaryName} after stable is available`,
      ],
      podsAfter: app.replicas,
      peakPods: app.replicas + surgeOf(stable.update, app.replicas) + canaryReplicas(app.replicas, 50, s.traffic),
      minReadyPods: app.replicas,
      trafficTo: `${candidate.version} (100%)`,
      ...(tracking.release ? { release: tracking.release } : {}),
    };
  }

  const sReplicas = byGateway ? app.replicas : app.replicas - cReplicas;
  const canaryW =
    cReplicas > 0
      ? revertible(
          workload(app, { name: canaryName, trackLabels: { [trackLabel]: "canary" }, replicas: cReplicas, ...candidate, role: "canary" }),
        )
      : undefined;
  const canaryService: ServicePlan | undefined = canaryW
    ? { name: canaryName, selectorExtra: { [trackLabel]: "canary" }, after: [canaryW], purpose: "track" }
    : undefined;
  const gate = canaryService && gateOn(canaryService);
  // Stable gives up pods only after the canary's are available, so capacity never dips.
  const stable = revertible(
    workload(app, {
      name: app.name,
      trackLabels: { [trackLabel]: "stable" },
      replicas: sReplicas,
      ...stableV,
      after: canaryW && !byGateway ? [canaryW, ...(gate ? [gate] : [])] : [],
    }),
  );
  const services: ServicePlan[] = [
    { name: app.name, selectorExtra: byGateway ? { [trackLabel]: "stable" } : {}, after: [], purpose: "live" },
    ...(canaryService ? [canaryService] : []),
  ];
  const weights = byGateway
    ? [{ service: app.name, weight: 100 - weight }, ...(cReplicas > 0 ? [{ service: canaryName, weight }] : [])]
    : [];
  const routes = byGateway
    ? [route(app, s, weights, [stable, ...(canaryW && canaryService ? [canaryW, canaryService] : []), ...(gate ? [gate] : [])])]
    : [];
  const effective = byGateway ? weight : Math.round((100 * cReplicas) / app.replicas);
  const stepIndex = tracked ? (state.step ?? -1) : s.steps ? s.steps.indexOf(weight) : -1;
  return {
    ...base,
    strategy: `canary ${weight}% (${s.traffic})${stepIndex >= 0 ? ` step ${stepIndex + 1}/${s.steps!.length}` : ""}`,
    workloads: [stable, ...(canaryW ? [canaryW] : [])],
    services,
    routes,
    gates: gate ? [gate] : [],
    steps: [
      ...tracking.steps,
      ...(cReplicas === 0
        ? [
            tracked
              ? `no canary: all traffic on stable ${stableV.version}`
              : `remove the canary: all traffic on stable ${stableV.version} (rollback)`,
          ]
        : [
            `apply canary Deployment ${canaryName} (${candidate.version}, ${cReplicas} pod(s)) and wait until available` +
              (byGateway
                ? " (it gets no traffic until the route's weights change)"
                : `; by replicas its pods join Service ${app.name} as soon as they are ready, before any gate, next to stable's current pods`),
            ...(gate ? [`gate: ${describeGates(gate)} against ${canaryName}; ${failureStep(gate)}`] : []),
            byGateway
              ? `set HTTPRoute ${app.name} weights: stable ${100 - weight} / canary ${weight}`
              : `scale stable ${app.name} to ${sReplicas}: Service ${app.name} spreads traffic over ${sReplicas} stable + ${cReplicas} canary pods (~${effective}% canary)`,
          ]),
    ],
    podsAfter: sReplicas + cReplicas,
    // Stable shrinks only after the canary is up: the old stable count plus the canary, plus the
    // canary's surge when it replaces an older candidate (an upper bound).
    peakPods: app.replicas + cReplicas + (canaryW ? surgeOf(canaryW.update, cReplicas) : 0),
    minReadyPods: byGateway ? app.replicas : app.replicas - cReplicas,
    trafficTo:
      cReplicas === 0 ? `${stableV.version} (100%)` : `${stableV.version} (${100 - effective}%) / ${candidate.version} (${effective}%)`,
    ...(tracking.release ? { release: tracking.release } : {}),
  };
}

function routeSpec(app: AppConfig, s: Canary, backends: { service: string; weight: number }[]): RouteSpec {
  return { name: app.name, gateway: s.gateway!, rules: [{ backends }] };
}

function route(app: AppConfig, s: Canary, backends: { service: string; weight: number }[], after: readonly PlanNode[]): RoutePlan {
  return { ...routeSpec(app, s, backends), after, revertible: true };
}

function revertible(w: WorkloadPlan): WorkloadPlan {
  return { ...w, revertible: true };
}

/**
 * A failed gate takes the canary's traffic away at once. By replicas: stable back to its full size,
 * then the canary to 0 pods (stable's ready pods only grow). By Gateway: the route's weights to stable.
 */
export function revertToStable(app: AppConfig, s: Canary, stableVersion: string): RevertPlan {
  if (s.traffic === "gateway")
    return {
      scale: [],
      route: routeSpec(app, s, [{ service: app.name, weight: 100 }]),
      summary: `HTTPRoute ${app.name} sends 100% to stable ${stableVersion}`,
    };
  return {
    scale: [
      { workload: app.name, replicas: app.replicas },
      { workload: `${app.name}-canary`, replicas: 0 },
    ],
    summary: `stable ${app.name} (${stableVersion}) scaled back to ${app.replicas} pods and the canary to 0: all traffic on stable`,
  };
}

function failureStep(gate: GatePlan): string {
  return `a failure puts traffic back on stable (${gate.onFailure!.summary}), fails \`pulumi up\` with the reason, and the next \`pulumi up\` retries this step`;
}
