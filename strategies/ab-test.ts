// A/B testing: version B serves the requests that match a header or cookie, A serves the rest,
// through a Gateway API HTTPRoute. Both run at once; nothing switches.
import type { AppConfig, StrategyConfig } from "../config/schema";
import { variantLabel } from "../lib/labels";
import { PlanBase, surgeOf, versionOf, workload } from "./pieces";
import { abRecordOf, AbState, asAbRecord, decideAbTest } from "./release";
import type { AppPlan, PlanContext, RouteRule, ServicePlan } from "./types";

type AbTest = Extract<StrategyConfig, { type: "abTest" }>;

/** The HTTPRoute match of an A/B rule; a cookie is matched inside the Cookie header. */
export function abMatch(match: AbTest["match"]): NonNullable<RouteRule["match"]> {
  if (match.header) return { header: { name: match.header.name, value: match.header.value, type: "Exact" } };
  const c = match.cookie!;
  return { header: { name: "Cookie", value: `(^|.*;\\s*)${c.name}=${c.value.replace(/\./g, "\\.")}(;.*|$)`, type: "RegularExpression" } };
}

/** Tracked (neither A nor B pinned): this update's variants, from the app's last record. */
export const isTrackedAbTest = (s: AbTest): boolean => s.a.image === undefined && s.b.image === undefined;

/** What A and B run in this update: pinned in config, or decided from the app's last record. */
export function abTestState(app: AppConfig, s: AbTest, ctx: PlanContext): AbState {
  if (!isTrackedAbTest(s)) {
    const pinned = (image: string | undefined) => (image ? { image, key: image } : ("stack" as const));
    return { a: pinned(s.a.image), b: pinned(s.b.image), decision: "" };
  }
  return decideAbTest(asAbRecord(ctx.releases?.[app.name]), ctx.releaseKey ?? ctx.image, s.promote);
}

export function planAbTest(app: AppConfig, s: AbTest, ctx: PlanContext, base: PlanBase): AppPlan {
  const state = abTestState(app, s, ctx);
  const tracked = isTrackedAbTest(s);
  const a = versionOf(state.a === "stack" ? undefined : state.a.image, ctx);
  const b = versionOf(state.b === "stack" ? undefined : state.b.image, ctx);
  const bReplicas = s.bReplicas ?? Math.max(1, Math.floor(app.replicas / 2));
  const workloads = [
    workload(app, { name: `${app.name}-a`, trackLabels: { [variantLabel]: "a" }, replicas: app.replicas, ...a }),
    workload(app, { name: `${app.name}-b`, trackLabels: { [variantLabel]: "b" }, replicas: bReplicas, ...b, role: "canary" }),
  ];
  const [aW, bW] = workloads;
  const services: ServicePlan[] = [
    { name: app.name, selectorExtra: { [variantLabel]: "a" }, after: [aW], purpose: "live" },
    { name: `${app.name}-a`, selectorExtra: { [variantLabel]: "a" }, after: [aW], purpose: "track" },
    { name: `${app.name}-b`, selectorExtra: { [variantLabel]: "b" }, after: [bW], purpose: "track" },
  ];
  const match = abMatch(s.match);
  const who = s.match.header
    ? `header ${s.match.header.name}: ${s.match.header.value}`
    : `cookie ${s.match.cookie!.name}=${s.match.cookie!.value}`;
  return {
    ...base,
    strategy: "a/b test",
    workloads,
    services,
    routes: [
      {
        name: app.name,
        // Config validation guarantees one: the app's own or the stack's (config/traffic.ts withStackGateway).
        gateway: s.gateway!,
        rules: [{ match, backends: [{ service: `${app.name}-b`, weight: 1 }] }, { backends: [{ service: `${app.name}-a`, weight: 1 }] }],
        after: [services[1], services[2]],
      },
    ],
    steps: [
      ...(tracked ? [state.decision] : []),
      `apply Deployments ${app.name}-a (${a.version}, ${app.replicas}) and ${app.name}-b (${b.version}, ${bReplicas}); wait until available`,
      `route requests with ${who} to B, everything else to A (HTTPRoute ${app.name})`,
    ],
    podsAfter: app.replicas + bReplicas,
    peakPods: app.replicas + bReplicas + Math.max(surgeOf(workloads[0].update, app.replicas), surgeOf(workloads[1].update, bReplicas)),
    minReadyPods: app.replicas,
    trafficTo: `${who} -> B (${b.version}); rest -> A (${a.version})`,
    ...(tracked ? { release: abRecordOf(state, ctx.image, ctx.releaseKey ?? ctx.image) } : {}),
  };
}
