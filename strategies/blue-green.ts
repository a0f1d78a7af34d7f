// Blue/green: two full-size slots; the live Service selects one, the preview Service the other.
// The selector moves only after the target slot's Deployment is fully available (the Service
// depends on its await) and its gates passed; an idle slot is scaled down only after the switch.
// Which slot serves and what each runs is pinned in config (strategy.slots) or, without slots,
// continued from the stack's last release (strategies/release.ts).
import type { AppConfig, StrategyConfig } from "../config/schema";
import { slotLabel } from "../lib/labels";
import { describeGates, PlanBase, shortDigest, surgeOf, workload } from "./pieces";
import { asBlueGreenRecord, BlueGreenState, decideBlueGreen, otherSlot, recordOf, Slot, slotNames } from "./release";
import type { AppPlan, GatePlan, PlanContext, PlanNode, ServicePlan, WorkloadPlan } from "./types";

type BlueGreen = Extract<StrategyConfig, { type: "blueGreen" }>;

/** Pinned slots as a state: the slot without an image runs the stack image and is the candidate. */
export function pinnedState(s: BlueGreen & { slots: NonNullable<BlueGreen["slots"]> }): BlueGreenState {
  const fresh = slotNames.find((slot) => !s.slots[slot].image);
  const live: Slot = s.autoPromote ? fresh! : s.live!;
  const run = (slot: Slot) => {
    const image = s.slots[slot].image;
    return image ? { image, key: image } : ("stack" as const);
  };
  return {
    live,
    ...(fresh ? { candidate: fresh } : {}),
    slots: { blue: run("blue"), green: run("green") },
    decision: `slots pinned in config: live on ${live}`,
  };
}

/** This update's state: pinned in config, or decided from the app's last release. */
export function blueGreenState(app: AppConfig, s: BlueGreen, ctx: PlanContext): BlueGreenState {
  if (s.slots) return pinnedState({ ...s, slots: s.slots });
  return decideBlueGreen(asBlueGreenRecord(ctx.releases?.[app.name]), ctx.releaseKey ?? ctx.image, s);
}

export function planBlueGreen(app: AppConfig, s: BlueGreen, ctx: PlanContext, base: PlanBase): AppPlan {
  const state = blueGreenState(app, s, ctx);
  const { live, candidate } = state;
  const idle = otherSlot(live);
  // The preview Service always shows the candidate (the slot with the new version), else the idle slot.
  const previewSlot = candidate ?? idle;
  const slotName = (slot: Slot) => `${app.name}-${slot}`;
  const slotWorkload = (slot: Slot, after: readonly PlanNode[]): WorkloadPlan => {
    const run = state.slots[slot];
    const v = typeof run === "object" ? { image: run.image, version: shortDigest(run.image) } : { image: ctx.image, version: ctx.version };
    // An idle slot that is not the candidate may be scaled to 0, but only after the switch; a slot
    // that has never run a release has nothing to run.
    const scaledDown = slot === idle && slot !== candidate && (s.idle === "scaleDown" || run === "empty");
    return workload(app, {
      name: slotName(slot),
      trackLabels: { [slotLabel]: slot },
      replicas: scaledDown ? 0 : app.replicas,
      ...v,
      role: slot === live ? undefined : "idle",
      after: scaledDown && run !== "empty" ? after : [],
    });
  };
  const previewOf = (w: WorkloadPlan): ServicePlan => ({
    name: `${app.name}-preview`,
    selectorExtra: { [slotLabel]: previewSlot },
    after: [w],
    purpose: "preview",
  });
  const gateOn = (preview: ServicePlan, w: WorkloadPlan): GatePlan | undefined =>
    s.gates
      ? {
          name: `${app.name}-${previewSlot}-gate`,
          image: w.image,
          service: preview,
          config: s.gates,
          after: [preview],
          guards: `live Service ${app.name} -> ${live}`,
        }
      : undefined;
  const liveServiceAfter = (after: readonly PlanNode[]): ServicePlan => ({
    name: app.name,
    selectorExtra: { [slotLabel]: live },
    after,
    purpose: "live",
  });
  // Nodes are built in the order they depend on each other. The preview Service and the gate look
  // at the candidate; the live Service waits for its slot (and the gate, when the gate checks that
  // slot); an idle slot that scales down waits for the switch.
  const liveW = slotWorkload(live, []);
  let preview: ServicePlan, gate: GatePlan | undefined, liveService: ServicePlan, idleW: WorkloadPlan;
  if (previewSlot === live) {
    preview = previewOf(liveW);
    gate = gateOn(preview, liveW);
    liveService = liveServiceAfter([liveW, ...(gate ? [gate] : [])]);
    idleW = slotWorkload(idle, [liveService]);
  } else {
    liveService = liveServiceAfter([liveW]);
    idleW = slotWorkload(idle, [liveService]);
    preview = previewOf(idleW);
    gate = gateOn(preview, idleW);
  }
  const previewW = previewSlot === live ? liveW : idleW;
  const workloads = live === "blue" ? [liveW, idleW] : [idleW, liveW];
  const services = [preview, liveService];
  const rollbackHow = s.slots ? `set live: ${idle}` : "set strategy.rollback: true";
  const steps = [
    ...(s.slots ? [] : [state.decision]),
    `apply Deployment ${slotName(previewSlot)} (${previewW.version}, ${app.replicas} pods) and wait until all are available (up to ${liveW.timeoutSeconds}s)`,
    `point preview Service ${app.name}-preview at slot ${previewSlot}`,
    ...(gate ? [`gate: ${describeGates(gate)} against ${gate.service.name}; a failure stops here with traffic unchanged`] : []),
    `point live Service ${app.name} at slot ${live} (${liveW.version})${s.autoPromote ? " [autoPromote]" : ""}`,
    state.slots[idle] === "empty"
      ? `idle slot ${idle} has run no release yet: 0 pods`
      : idleW.replicas === 0
        ? `scale idle slot ${idle} to 0 after the switch (rollback then needs a redeploy)`
        : `keep idle slot ${idle} (${idleW.version}) at ${idleW.replicas} pods: rollback = ${rollbackHow}`,
  ];
  const surge = Math.max(...workloads.map((w) => surgeOf(w.update, w.replicas)));
  // Both slots run during the update, unless one has never run a release.
  const running = state.slots[idle] === "empty" ? 1 : 2;
  return {
    ...base,
    strategy: `blue-green (live: ${live})`,
    workloads,
    services,
    gates: gate ? [gate] : [],
    steps,
    podsAfter: workloads.reduce((n, w) => n + w.replicas, 0),
    peakPods: running * app.replicas + surge,
    minReadyPods: app.replicas,
    trafficTo: `${live} (${liveW.version})`,
    release: recordOf(state, ctx.image, ctx.releaseKey ?? ctx.image),
  };
}
