// The plan as a graph: its nodes in an order that creates each after the nodes it comes `after`,
// and the plan as it is exported (edges named `workload:<name>`, since a stack output is JSON).
import type { AppPlan, GatePlan, PlanNode, RoutePlan, ServicePlan, WorkloadPlan } from "./types";

/** A node with its kind, so the component creates it with the matching resource type. */
export type KindedNode =
  | { readonly kind: "workload"; readonly node: WorkloadPlan }
  | { readonly kind: "service"; readonly node: ServicePlan }
  | { readonly kind: "gate"; readonly node: GatePlan }
  | { readonly kind: "route"; readonly node: RoutePlan };

/** Every node of the plan, workloads first, then Services, gates and routes (the plan's own order). */
export function planNodes(plan: AppPlan): KindedNode[] {
  return [
    ...plan.workloads.map((node) => ({ kind: "workload" as const, node })),
    ...plan.services.map((node) => ({ kind: "service" as const, node })),
    ...plan.gates.map((node) => ({ kind: "gate" as const, node })),
    ...plan.routes.map((node) => ({ kind: "route" as const, node })),
  ];
}

const keyOf = (n: KindedNode): string => `${n.kind}:${n.node.name}`;

/**
 * The nodes in creation order: in rounds, every node whose `after` nodes are all earlier, in the
 * plan's own order within a round. An edge to a node outside the plan, or a cycle, is a bug in a
 * strategy module and throws (the unit tests order every strategy's plan).
 */
export function planOrder(plan: AppPlan): KindedNode[] {
  const nodes = planNodes(plan);
  const members = new Set<PlanNode>(nodes.map((n) => n.node));
  for (const n of nodes) {
    if (n.node.after.some((a) => !members.has(a)))
      throw new Error(`rollout plan: ${keyOf(n)} comes after a node the plan does not contain`);
  }
  const done = new Set<PlanNode>();
  const order: KindedNode[] = [];
  let pending = nodes;
  while (pending.length > 0) {
    const ready = pending.filter((n) => n.node.after.every((a) => done.has(a)));
    if (ready.length === 0) throw new Error(`rollout plan has a dependency cycle among ${pending.map(keyOf).join(", ")}`);
    for (const n of ready) done.add(n.node);
    order.push(...ready);
    pending = pending.filter((n) => !done.has(n.node));
  }
  return order;
}

type Exported<T extends { readonly after: readonly PlanNode[] }> = Omit<T, "after"> & { readonly after: readonly string[] };

/** The plan as the stack exports it: each edge as `<kind>:<name>`, a gate's Service by its name. */
export interface ExportedPlan extends Omit<AppPlan, "workloads" | "services" | "gates" | "routes"> {
  readonly workloads: readonly Exported<WorkloadPlan>[];
  readonly services: readonly Exported<ServicePlan>[];
  readonly gates: readonly (Omit<Exported<GatePlan>, "service"> & { readonly service: string })[];
  readonly routes: readonly Exported<RoutePlan>[];
}

export function exportPlan(plan: AppPlan): ExportedPlan {
  const keys = new Map<PlanNode, string>(planNodes(plan).map((n) => [n.node, keyOf(n)]));
  const edges = (n: PlanNode) => n.after.map((a) => keys.get(a) ?? "(not in the plan)");
  return {
    ...plan,
    workloads: plan.workloads.map((w) => ({ ...w, after: edges(w) })),
    services: plan.services.map((s) => ({ ...s, after: edges(s) })),
    gates: plan.gates.map((g) => ({ ...g, service: g.service.name, after: edges(g) })),
    routes: plan.routes.map((r) => ({ ...r, after: edges(r) })),
  };
}
