// Blue/green without pinned digests: which slot serves, and what each slot runs, decided from the
// stack's last completed release (its own `releases` output) and this update's image. Pure, so
// every branch is tested alone; the program reads the record before it registers anything.
import { z } from "zod";

export const slotNames = ["blue", "green"] as const;
export type Slot = (typeof slotNames)[number];
export const otherSlot = (s: Slot): Slot => (s === "blue" ? "green" : "blue");

/** What a slot ran at the end of a release: its image and the release key it was deployed as. */
export interface SlotRecord {
  readonly image: string;
  /** Identity of the release: the image reference, or `commit:<sha>` for an image this stack builds. */
  readonly key: string;
}

/** One blue/green app's state after a completed `pulumi up`. */
export interface BlueGreenRecord {
  readonly live: Slot;
  readonly slots: Readonly<Partial<Record<Slot, SlotRecord>>>;
}

/** One canary app's state after a completed `pulumi up`: what stable runs, and the canary's step. */
export interface CanaryRecord {
  readonly stable: SlotRecord;
  /** A canary in progress: its release and the index in `steps` it reached. */
  readonly canary?: SlotRecord & { readonly step: number };
}

/** What a rolling Deployment ran: the image, its release key, and the ConfigMap its pods read (none: no config). */
export interface RevisionRecord extends SlotRecord {
  readonly config?: string;
}

/**
 * One rolling app's state after a completed `pulumi up` (the seeds' `kubectl rollout history`, one
 * revision deep): what runs now and what ran before, so `undo: true` returns to it, config included.
 */
export interface RollingRecord {
  readonly current: RevisionRecord;
  readonly previous?: RevisionRecord;
  /** The current revision came back by an undo: a second undo stays (no ping-pong). */
  readonly undone?: boolean;
}

/**
 * One A/B app's state after a completed `pulumi up`: the control A serves everyone the match does
 * not select, the candidate B the matched requests. A new image replaces B; A changes only by a
 * promotion (B won) or when B returns to A's image (A's image released again).
 */
export interface AbRecord {
  readonly a: SlotRecord;
  readonly b: SlotRecord;
}

export type ReleaseRecord = BlueGreenRecord | CanaryRecord | RollingRecord | AbRecord;

/** The stack output `releases`: app name to its record. */
export type ReleaseHistory = Readonly<Record<string, ReleaseRecord>>;

const slotRecord = z.strictObject({ image: z.string().min(1), key: z.string().min(1) });
const blueGreenRecord = z.strictObject({
  live: z.enum(slotNames),
  slots: z.strictObject({ blue: slotRecord.optional(), green: slotRecord.optional() }),
});
const canaryRecord = z.strictObject({
  stable: slotRecord,
  canary: slotRecord.extend({ step: z.int().min(0) }).optional(),
});
const revisionRecord = slotRecord.extend({ config: z.string().min(1).optional() });
const rollingRecord = z.strictObject({ current: revisionRecord, previous: revisionRecord.optional(), undone: z.literal(true).optional() });
const abRecord = z.strictObject({ a: slotRecord, b: slotRecord });
const history = z.record(z.string(), z.union([blueGreenRecord, canaryRecord, rollingRecord, abRecord]));

/** What served everyone at the end of the recorded update: the live slot, stable, the current revision or A. */
function servingRun(r: ReleaseRecord): SlotRecord | undefined {
  if ("live" in r) return r.slots[r.live];
  if ("stable" in r) return r.stable;
  if ("current" in r) return runOf(r.current);
  return r.a;
}

/** A record as blue/green sees it: after another strategy, what served everyone serves from slot blue. */
export function asBlueGreenRecord(r: ReleaseRecord | undefined): BlueGreenRecord | undefined {
  if (r === undefined || "live" in r) return r;
  const run = servingRun(r);
  return run ? { live: "blue", slots: { blue: run } } : undefined;
}

/** A record as a canary sees it: after another strategy, what served everyone is stable. */
export function asCanaryRecord(r: ReleaseRecord | undefined): CanaryRecord | undefined {
  if (r === undefined || "stable" in r) return r;
  const run = servingRun(r);
  return run ? { stable: run } : undefined;
}

/** A record as a rolling app sees it: what served everyone is the current revision (its config unknown). */
export function asRollingRecord(r: ReleaseRecord | undefined): RollingRecord | undefined {
  if (r === undefined || "current" in r) return r;
  const run = servingRun(r);
  return run ? { current: run } : undefined;
}

/** A record as an A/B app sees it: after another strategy, A and B both run what served everyone. */
export function asAbRecord(r: ReleaseRecord | undefined): AbRecord | undefined {
  if (r === undefined || "a" in r) return r;
  const run = servingRun(r);
  return run ? { a: run, b: run } : undefined;
}

const runOf = (r: RevisionRecord): SlotRecord => ({ image: r.image, key: r.key });

/**
 * The `releases` output of an earlier update, or an empty history when there is none (a new
 * stack, or one whose last release predates the output). A value of another shape is an error:
 * guessing the live slot could switch traffic to the wrong version.
 */
export function parseReleaseHistory(value: unknown): ReleaseHistory {
  if (value === undefined || value === null) return {};
  const parsed = history.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `the stack output 'releases' is not a release record (${parsed.error.issues[0]?.message ?? "unreadable"}); ` +
        "restore it or pin the slots (strategy.slots) for one update",
    );
  return parsed.data;
}

/** What a slot runs in this update: a kept release, the stack image (the candidate), or nothing yet. */
export type SlotImage = SlotRecord | "stack" | "empty";

export interface BlueGreenState {
  /** The slot the live Service selects at the end of this update. */
  readonly live: Slot;
  /**
   * The slot the preview Service and the gates look at: the one running this update's image, or
   * the one a rollback returns to. Pinned slots have none when every slot is pinned.
   */
  readonly candidate?: Slot;
  readonly slots: Readonly<Record<Slot, SlotImage>>;
  /** What this update does and why, in the plan's words. */
  readonly decision: string;
}

export interface BlueGreenIntent {
  /** Switch live to the new release in the same update. */
  readonly autoPromote: boolean;
  /** Switch live to the slot that already runs this update's image (a held release). */
  readonly promote: boolean;
  /** Serve the release this update's image replaced: the other slot. */
  readonly rollback: boolean;
}

/** A decision the record and the flags cannot support; the config key the user changes to fix it. */
export class ReleaseConflict extends Error {
  constructor(
    readonly key: "rollback" | "promote" | "undo" | "type",
    message: string,
  ) {
    super(message);
  }
}

/**
 * The next state of one blue/green app. `previous` is its record (undefined on the first release);
 * `key` identifies this update's image. The candidate always goes to the slot not serving, so the
 * serving slot keeps running until the candidate is available and has passed its gates.
 */
export function decideBlueGreen(previous: BlueGreenRecord | undefined, key: string, intent: BlueGreenIntent): BlueGreenState {
  if (!previous) {
    if (intent.rollback)
      throw new ReleaseConflict("rollback", "expected false on a first release: there is no earlier release to return to");
    return {
      live: "blue",
      candidate: "blue",
      slots: { blue: "stack", green: "empty" },
      decision: "first release: nothing serves yet, so slot blue takes this update's image and goes live once available",
    };
  }
  const live = previous.live;
  const idle = otherSlot(live);
  const liveRun = previous.slots[live];
  const idleRun = previous.slots[idle];
  const kept = (s: Slot): SlotImage => previous.slots[s] ?? "empty";
  const pinned = { [live]: kept(live), [idle]: kept(idle) } as Record<Slot, SlotImage>;

  if (intent.rollback) {
    if (idleRun?.key === key)
      return {
        live,
        candidate: live,
        slots: pinned,
        decision: `rolled back: live stays on ${live} (${liveRun?.image}); ${idle} keeps this update's image`,
      };
    if (liveRun?.key !== key)
      throw new ReleaseConflict(
        "rollback",
        `expected false: this update's image (${key}) runs in neither slot, so there is no release it replaced; clear rollback to release it`,
      );
    if (!idleRun) throw new ReleaseConflict("rollback", `expected false: slot ${idle} has never run a release to return to`);
    return { live: idle, candidate: idle, slots: pinned, decision: `rollback: live returns to ${idle} (${idleRun.image})` };
  }
  if (liveRun?.key === key)
    return { live, candidate: live, slots: pinned, decision: `unchanged: live stays on ${live}, which runs this update's image` };
  if (idleRun?.key === key) {
    if (intent.autoPromote || intent.promote)
      return {
        live: idle,
        candidate: idle,
        slots: pinned,
        decision: `promote: live moves to ${idle}, which already runs this update's image`,
      };
    return {
      live,
      candidate: idle,
      slots: pinned,
      decision: `held: ${idle} runs this update's image; live stays on ${live} until promote: true`,
    };
  }
  if (intent.promote && !intent.autoPromote)
    throw new ReleaseConflict(
      "promote",
      `expected false for a new release: promote switches to a held release, and slot ${idle} does not run this update's image yet; release it first`,
    );
  return {
    live: intent.autoPromote ? idle : live,
    candidate: idle,
    slots: { [live]: kept(live), [idle]: "stack" } as Record<Slot, SlotImage>,
    decision: intent.autoPromote
      ? `release: ${idle} takes this update's image; live moves from ${live} to ${idle} once it is available`
      : `release: ${idle} takes this update's image and is held; live stays on ${live} until promote: true`,
  };
}

/** The record this update leaves, with the stack image as `stackImage` (substituted later). */
export function recordOf(state: BlueGreenState, stackImage: string, key: string): BlueGreenRecord {
  const slots: Partial<Record<Slot, SlotRecord>> = {};
  for (const s of slotNames) {
    const run = state.slots[s];
    if (run === "stack") slots[s] = { image: stackImage, key };
    else if (run !== "empty") slots[s] = run;
  }
  return { live: state.live, slots };
}

export interface CanaryIntent {
  /** The planned weights, increasing. */
  readonly steps: readonly number[];
  /** Hold the canary at the step it reached. */
  readonly pause: boolean;
  /** Promote the canary in progress now, skipping the remaining steps. */
  readonly promote: boolean;
}

export interface CanaryState {
  /** What stable runs during this update (before a promotion rolls it); undefined: the stack image. */
  readonly stable?: SlotRecord;
  /** The canary's weight in this update (0: no canary). */
  readonly weight: number;
  /** The index in `steps` of that weight, when a canary runs. */
  readonly step?: number;
  /** Stable rolls to this update's image and the canary is removed. */
  readonly promote: boolean;
  readonly decision: string;
}

/**
 * The next step of one canary app, one step per `pulumi up`: a new image starts at the first
 * weight, the same image takes the next one (or holds while paused), and after the last weight
 * the canary is promoted. The image stable runs ends any canary (an abort by releasing it again).
 */
export function decideCanary(previous: CanaryRecord | undefined, key: string, intent: CanaryIntent): CanaryState {
  const { steps } = intent;
  if (!previous) {
    if (intent.promote) throw new ReleaseConflict("promote", "expected false on a first release: there is no canary to promote");
    return { weight: 0, promote: false, decision: "first release: nothing serves yet, so stable takes this update's image (no canary)" };
  }
  const stable = previous.stable;
  if (stable.key === key) {
    if (intent.promote) throw new ReleaseConflict("promote", "expected false: stable already runs this update's image");
    return previous.canary
      ? { stable, weight: 0, promote: false, decision: `abort: stable's image again, the canary (${previous.canary.image}) is removed` }
      : { stable, weight: 0, promote: false, decision: "unchanged: stable runs this update's image" };
  }
  const running = previous.canary?.key === key ? previous.canary : undefined;
  if (!running) {
    if (intent.promote)
      throw new ReleaseConflict("promote", "expected false for a new release: promote ends a canary in progress; start it first");
    return { stable, weight: steps[0], step: 0, promote: false, decision: `new canary: step 1/${steps.length} at ${steps[0]}%` };
  }
  const at = Math.min(running.step, steps.length - 1);
  if (intent.promote)
    return { stable, weight: 100, promote: true, decision: `promote at step ${at + 1}/${steps.length}: stable rolls to it` };
  if (intent.pause)
    return { stable, weight: steps[at], step: at, promote: false, decision: `paused at step ${at + 1}/${steps.length} (${steps[at]}%)` };
  if (running.step + 1 >= steps.length)
    return { stable, weight: 100, promote: true, decision: `every step passed: promote, stable rolls to it` };
  const next = running.step + 1;
  return { stable, weight: steps[next], step: next, promote: false, decision: `next step ${next + 1}/${steps.length} at ${steps[next]}%` };
}

/** The record a canary update leaves, with the stack image as `stackImage`. */
export function canaryRecordOf(state: CanaryState, stackImage: string, key: string): CanaryRecord {
  const current = { image: stackImage, key };
  if (state.promote || !state.stable) return { stable: current };
  return state.weight > 0 && state.step !== undefined
    ? { stable: state.stable, canary: { ...current, step: state.step } }
    : { stable: state.stable };
}

/** This update of a rolling app: the stack image with this update's config, or a recorded revision. */
export interface RollingState {
  readonly run: "stack" | RevisionRecord;
  /** The record this update leaves (the stack image as `stackImage` until it is known). */
  readonly record: (stackImage: string) => RollingRecord;
  readonly decision: string;
}

/**
 * The next revision of one rolling app. `key` and `config` identify this update's image and
 * ConfigMap. A changed image or config makes the recorded current revision the previous one;
 * `undo` returns to the previous revision, image and config (`kubectl rollout undo`), and set
 * again it stays there.
 */
export function decideRolling(previous: RollingRecord | undefined, key: string, config: string | undefined, undo: boolean): RollingState {
  const now = (image: string): RevisionRecord => ({ image, key, ...(config ? { config } : {}) });
  if (undo) {
    if (previous?.undone)
      return { run: previous.current, record: () => previous, decision: `undone: stays on ${previous.current.image} (undo is set)` };
    if (!previous?.previous) throw new ReleaseConflict("undo", "expected false: there is no earlier revision to return to yet");
    const back = previous.previous;
    return {
      run: back,
      record: () => ({ current: back, previous: previous.current, undone: true }),
      decision: `undo: returns to ${back.image}${back.config ? ` with ConfigMap ${back.config}` : " without a ConfigMap"}`,
    };
  }
  const current = previous?.current;
  if (current && current.key === key && current.config === config)
    return {
      run: "stack",
      record: (image) => ({ current: { ...now(image) }, ...(previous.previous ? { previous: previous.previous } : {}) }),
      decision: "unchanged: this update's image and config already run",
    };
  return {
    run: "stack",
    record: (image) => ({ current: now(image), ...(current ? { previous: current } : {}) }),
    decision: current ? `release: the revision before (${current.image}) stays recorded for undo` : "first release: recorded for undo",
  };
}

/** What A and B run in this update: a kept release, or the stack image (`stack`). */
export interface AbState {
  readonly a: SlotRecord | "stack";
  readonly b: SlotRecord | "stack";
  readonly decision: string;
}

/**
 * The next state of one A/B app. A new image goes to B only, so the requests the match selects
 * try it while A keeps serving the rest; `promote` (B won) makes A run B's image; releasing A's
 * image again returns B to it (the experiment ends). The routes never change.
 */
export function decideAbTest(previous: AbRecord | undefined, key: string, promote: boolean): AbState {
  if (!previous) {
    if (promote) throw new ReleaseConflict("promote", "expected false on a first release: B runs no candidate to promote yet");
    return {
      a: "stack",
      b: "stack",
      decision: "first release: A and B both take this update's image; the next image goes to B alone",
    };
  }
  const { a, b } = previous;
  if (promote) {
    if (b.key !== key)
      throw new ReleaseConflict(
        "promote",
        `expected false for a new release: promote makes A run B's image, and B does not run this update's image (${key}) yet; release it first`,
      );
    return a.key === key
      ? { a, b, decision: "promoted: A and B both run this update's image" }
      : { a: b, b, decision: `promote: A rolls from ${a.image} to B's image; both variants then run it` };
  }
  if (a.key === key)
    return b.key === key
      ? { a, b, decision: "unchanged: A and B both run this update's image" }
      : { a, b: a, decision: `end of experiment: A's image again, B returns from ${b.image} to it` };
  if (b.key === key) return { a, b, decision: `unchanged: B runs this update's image; A keeps ${a.image}` };
  return { a, b: "stack", decision: `new candidate: B takes this update's image; A keeps ${a.image}` };
}

/** The record an A/B update leaves, with the stack image as `stackImage`. */
export function abRecordOf(state: AbState, stackImage: string, key: string): AbRecord {
  const run = (v: SlotRecord | "stack"): SlotRecord => (v === "stack" ? { image: stackImage, key } : v);
  return { a: run(state.a), b: run(state.b) };
}
