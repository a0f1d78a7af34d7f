// Blue/green: two full-size slots; the live Service selects one, the preview Service the other.
// The selector moves only after the target slot's Deployment is fully available (the Service
// depends on its await) and its gates passed; an idle slot is scaled down only after the switch.
import type { AppConfig, StrategyConfig } from "../config/schema";
import { slotLabel } from "../lib/labels";
import { PlanBase, surgeOf, versionOf, workload } from "./plan";
import type { AppPlan, GatePlan, PlanContext, ServicePlan, WorkloadPlan } from "./types";

type BlueGreen = Extract<StrategyConfig, { type: "blueGreen" }>;
const slots = ["blue", "green"] as const;
type Slot = (typeof slots)[number];
const other = (s: Slot): Slot => (s === "blue" ? "green" : "blue");

export function planBlueGreen(app: AppConfig, s: BlueGreen, ctx: PlanContext, base: PlanBase): AppPlan {
  const fresh = slots.find((slot) => !s.slots[slot].image);
  const live: Slot = s.autoPromote ? fresh! : s.live!;
  const idle = other(live);
  // The preview Service always shows the candidate (the slot with the new version), else the idle slot.
  const previewSlot = fresh ?? idle;
  const slotName = (slot: Slot) => `${app.name}-${slot}`;
  const gate: GatePlan | undefined = s.gates
    ? {
        name: `${app.name}-${previewSlot}-gate`,
        candidate: slotName(previewSlot),
        service: `${app.name}-preview`,
        config: s.gates,
        after: [`service:${app.name}-preview`],
        guards: `live Service ${app.name} -> ${live}`,
      }
    : undefined;

  const workloads: WorkloadPlan[] = slots.map((slot) => {
    const v = versionOf(s.slots[slot].image, ctx);
    // An idle slot that is not the candidate may be scaled to 0, but only after the switch.
    const scaledDown = slot === idle && slot !== fresh && s.idle === "scaleDown";
    return workload(app, {
      name: slotName(slot),
      trackLabels: { [slotLabel]: slot },
      replicas: scaledDown ? 0 : app.replicas,
      ...v,
      role: slot === live ? undefined : "idle",
      after: scaledDown ? [`service:${app.name}`] : [],
    });
  });
  const services: ServicePlan[] = [
    {
      name: `${app.name}-preview`,
      selectorExtra: { [slotLabel]: previewSlot },
      after: [`workload:${slotName(previewSlot)}`],
      purpose: "preview",
    },
    {
      name: app.name,
      selectorExtra: { [slotLabel]: live },
      after: [`workload:${slotName(live)}`, ...(gate && previewSlot === live ? [`gate:${gate.name}`] : [])],
      purpose: "live",
    },
  ];
  const liveW = workloads.find((w) => w.name === slotName(live))!;
  const idleW = workloads.find((w) => w.name === slotName(idle))!;
  const steps = [
    `apply Deployment ${slotName(previewSlot)} (${workloads.find((w) => w.name === slotName(previewSlot))!.version}, ${app.replicas} pods) and wait until all are available (up to ${liveW.timeoutSeconds}s)`,
    `point preview Service ${app.name}-preview at slot ${previewSlot}`,
    ...(gate ? [`gate: ${describeGates(gate)} against ${gate.service}; a failure stops here with traffic unchanged`] : []),
    `point live Service ${app.name} at slot ${live} (${liveW.version})${s.autoPromote ? " [autoPromote]" : ""}`,
    idleW.replicas === 0
      ? `scale idle slot ${idle} to 0 after the switch (rollback then needs a redeploy)`
      : `keep idle slot ${idle} (${idleW.version}) at ${idleW.replicas} pods: rollback = set live: ${idle}`,
  ];
  const surge = Math.max(...workloads.map((w) => surgeOf(w.update, w.replicas)));
  return {
    ...base,
    strategy: `blue-green (live: ${live})`,
    workloads,
    services,
    gates: gate ? [gate] : [],
    steps,
    podsAfter: workloads.reduce((n, w) => n + w.replicas, 0),
    peakPods: 2 * app.replicas + surge,
    minReadyPods: app.replicas,
    trafficTo: `${live} (${liveW.version})`,
  };
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
