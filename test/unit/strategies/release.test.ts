// Blue/green without pinned digests: the decision from the last record, every branch, and the plan
// it produces. Expected values are written out, never computed with the code under test.
import { strict as assert } from "assert";
import { ConfigError, parseStackConfig } from "../../../config/load";
import { appSchema } from "../../../config/schema";
import { checkReleases, releaseKeyOf, trackedApps } from "../../../components/release-history";
import { exportPlan } from "../../../strategies/graph";
import { planApp } from "../../../strategies/plan";
import {
  abRecordOf,
  asAbRecord,
  asBlueGreenRecord,
  asCanaryRecord,
  asRollingRecord,
  BlueGreenRecord,
  canaryRecordOf,
  decideAbTest,
  decideBlueGreen,
  decideCanary,
  decideRolling,
  parseReleaseHistory,
  recordOf,
  ReleaseConflict,
} from "../../../strategies/release";
import { localBase } from "../../support/stacks";

const A = `registry.example/team/okeydokey@sha256:${"a".repeat(64)}`;
const B = `registry.example/team/okeydokey@sha256:${"b".repeat(64)}`;
const C = `registry.example/team/okeydokey@sha256:${"c".repeat(64)}`;
const auto = { autoPromote: true, promote: false, rollback: false };
const hold = { autoPromote: false, promote: false, rollback: false };
const blueA_greenB_liveGreen: BlueGreenRecord = { live: "green", slots: { blue: { image: A, key: A }, green: { image: B, key: B } } };

describe("blue/green release decision (strategies/release.ts)", () => {
  it("first release: blue takes the image and goes live, green stays empty; a rollback has nothing to return to", () => {
    assert.deepEqual(decideBlueGreen(undefined, A, hold), {
      live: "blue",
      candidate: "blue",
      slots: { blue: "stack", green: "empty" },
      decision: "first release: nothing serves yet, so slot blue takes this update's image and goes live once available",
    });
    assert.throws(
      () => decideBlueGreen(undefined, A, { ...hold, rollback: true }),
      (e: unknown) => e instanceof ReleaseConflict && e.key === "rollback" && /first release/.test(e.message),
    );
  });

  it("a new image goes to the slot not serving; autoPromote moves live there, hold keeps live", () => {
    const released = decideBlueGreen(blueA_greenB_liveGreen, C, auto);
    assert.deepEqual(released.slots, { blue: "stack", green: { image: B, key: B } });
    assert.equal(released.live, "blue");
    assert.equal(released.candidate, "blue");
    const held = decideBlueGreen(blueA_greenB_liveGreen, C, hold);
    assert.deepEqual(held.slots, { blue: "stack", green: { image: B, key: B } });
    assert.equal(held.live, "green");
    assert.equal(held.candidate, "blue");
  });

  it("the second release after the first replaces the empty slot, and the first release's slot keeps serving until the switch", () => {
    const first: BlueGreenRecord = { live: "blue", slots: { blue: { image: A, key: A } } };
    const s = decideBlueGreen(first, B, auto);
    assert.deepEqual(s.slots, { blue: { image: A, key: A }, green: "stack" });
    assert.deepEqual([s.live, s.candidate], ["green", "green"]);
  });

  it("the image the live slot runs changes nothing, with or without autoPromote", () => {
    for (const intent of [auto, hold]) {
      const s = decideBlueGreen(blueA_greenB_liveGreen, B, intent);
      assert.deepEqual(s.slots, { blue: { image: A, key: A }, green: { image: B, key: B } });
      // The preview Service stays on the slot running this image, so a second `up` changes nothing.
      assert.deepEqual([s.live, s.candidate], ["green", "green"]);
    }
  });

  it("a held release is promoted by promote: true (or autoPromote) without redeploying it", () => {
    const heldRecord: BlueGreenRecord = { live: "green", slots: { blue: { image: C, key: C }, green: { image: B, key: B } } };
    const promoted = decideBlueGreen(heldRecord, C, { ...hold, promote: true });
    assert.deepEqual(promoted.slots, { blue: { image: C, key: C }, green: { image: B, key: B } });
    assert.deepEqual([promoted.live, promoted.candidate], ["blue", "blue"]);
    assert.equal(decideBlueGreen(heldRecord, C, auto).live, "blue");
    const stillHeld = decideBlueGreen(heldRecord, C, hold);
    assert.deepEqual([stillHeld.live, stillHeld.candidate], ["green", "blue"]);
  });

  it("promote: true with a new image is refused: there is no held release to switch to", () => {
    assert.throws(
      () => decideBlueGreen(blueA_greenB_liveGreen, C, { ...hold, promote: true }),
      (e: unknown) => e instanceof ReleaseConflict && e.key === "promote" && /slot blue does not run/.test(e.message),
    );
  });

  it("rollback flips live to the warm slot, stays there while set, and refuses an image in neither slot", () => {
    const rb = { ...auto, rollback: true };
    const flipped = decideBlueGreen(blueA_greenB_liveGreen, B, rb);
    assert.deepEqual(flipped.slots, { blue: { image: A, key: A }, green: { image: B, key: B } });
    assert.deepEqual([flipped.live, flipped.candidate], ["blue", "blue"]);
    // The next update, rollback still set: live stays on the old release (idempotent).
    const after: BlueGreenRecord = { ...blueA_greenB_liveGreen, live: "blue" };
    const kept = decideBlueGreen(after, B, rb);
    assert.deepEqual([kept.live, kept.candidate], ["blue", "blue"]);
    assert.deepEqual(kept.slots, flipped.slots);
    // Cleared: B is in the idle slot again, so autoPromote moves live back to it.
    assert.equal(decideBlueGreen(after, B, auto).live, "green");
    assert.throws(
      () => decideBlueGreen(blueA_greenB_liveGreen, C, rb),
      (e: unknown) => e instanceof ReleaseConflict && e.key === "rollback" && /runs in neither slot/.test(e.message),
    );
    assert.throws(
      () => decideBlueGreen({ live: "blue", slots: { blue: { image: A, key: A } } }, A, rb),
      (e: unknown) => e instanceof ReleaseConflict && /slot green has never run a release/.test(e.message),
    );
  });

  it("the record keeps both slots with the stack image named by its placeholder, and leaves an empty slot out", () => {
    assert.deepEqual(recordOf(decideBlueGreen(blueA_greenB_liveGreen, C, auto), "<img>", "commit:abc"), {
      live: "blue",
      slots: { blue: { image: "<img>", key: "commit:abc" }, green: { image: B, key: B } },
    });
    assert.deepEqual(recordOf(decideBlueGreen(undefined, A, auto), "<img>", A), {
      live: "blue",
      slots: { blue: { image: "<img>", key: A } },
    });
  });

  it("parses the stack output: none is an empty history, a malformed record is an error naming the output", () => {
    assert.deepEqual(parseReleaseHistory(undefined), {});
    assert.deepEqual(parseReleaseHistory({ demo: blueA_greenB_liveGreen }), { demo: blueA_greenB_liveGreen });
    assert.throws(() => parseReleaseHistory({ demo: { live: "red", slots: {} } }), /stack output 'releases' is not a release record/);
    assert.throws(() => parseReleaseHistory({ demo: { live: "blue", slots: { blue: { image: A } } } }), /not a release record/);
  });

  it("release keys: a prebuilt or promoted reference as it is, a build by its commit", () => {
    assert.equal(releaseKeyOf({ source: "prebuilt", ref: A } as never, {}), A);
    assert.equal(releaseKeyOf({ source: "build" } as never, { gitSha: "0123456789ab" }), "commit:0123456789ab");
    assert.equal(releaseKeyOf({ source: "promote", fromStack: "acme/rollout/staging" } as never, { promotedRef: B }), B);
  });
});

describe("blue/green plan without pinned slots", () => {
  const app = (strategy: Record<string, unknown> = {}) =>
    appSchema("local").parse({ name: "demo", replicas: 4, strategy: { type: "blueGreen", autoPromote: true, ...strategy } });
  const plan = (releases: Record<string, BlueGreenRecord>, key: string, strategy: Record<string, unknown> = {}) =>
    planApp(app(strategy), { environment: "local", image: "<stack>", version: "new", releases, releaseKey: key });

  it("a new release: the idle slot gets the stack image, the live Service waits for it, the old slot stays warm", () => {
    const p = plan({ demo: blueA_greenB_liveGreen }, C);
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.image, w.replicas, w.role ?? "live"]),
      [
        ["demo-blue", "<stack>", 4, "live"],
        ["demo-green", B, 4, "idle"],
      ],
    );
    assert.deepEqual(
      exportPlan(p).services.map((s) => [s.name, s.selectorExtra["rollout.dev/slot"], s.after]),
      [
        ["demo-preview", "blue", ["workload:demo-blue"]],
        ["demo", "blue", ["workload:demo-blue"]],
      ],
    );
    assert.equal(p.steps[0], "release: blue takes this update's image; live moves from green to blue once it is available");
    assert.match(
      p.steps[p.steps.length - 1],
      /keep idle slot green \(sha256-bbbbbbbbbbbb\) at 4 pods: rollback = set strategy.rollback: true/,
    );
    assert.deepEqual(p.release, { live: "blue", slots: { blue: { image: "<stack>", key: C }, green: { image: B, key: B } } });
    assert.equal(p.peakPods, 4 + 4 + 1);
  });

  it("the first release runs one slot: green has 0 pods and the peak is one slot plus surge", () => {
    const p = plan({}, A);
    assert.deepEqual(
      exportPlan(p).workloads.map((w) => [w.name, w.replicas, w.after]),
      [
        ["demo-blue", 4, []],
        ["demo-green", 0, []],
      ],
    );
    assert.equal(p.peakPods, 4 + 1);
    assert.match(p.steps[p.steps.length - 1], /idle slot green has run no release yet: 0 pods/);
  });

  it("a rollback with a gate: the gate checks the warm slot through the preview Service before live moves", () => {
    const p = plan({ demo: blueA_greenB_liveGreen }, B, { rollback: true, gates: { smoke: { path: "/" } } });
    assert.deepEqual(
      exportPlan(p).services.map((s) => [s.name, s.selectorExtra["rollout.dev/slot"], s.after]),
      [
        ["demo-preview", "blue", ["workload:demo-blue"]],
        ["demo", "blue", ["workload:demo-blue", "gate:demo-blue-gate"]],
      ],
    );
    assert.deepEqual(
      p.workloads.map((w) => w.image),
      [A, B],
    );
  });

  it("idle: scaleDown scales the old slot to 0 only after the switch", () => {
    const p = plan({ demo: blueA_greenB_liveGreen }, C, { idle: "scaleDown" });
    assert.deepEqual(
      exportPlan(p).workloads.map((w) => [w.name, w.replicas, w.after]),
      [
        ["demo-blue", 4, []],
        ["demo-green", 0, ["service:demo"]],
      ],
    );
  });
});

describe("blue/green config without pinned slots", () => {
  const problems = (strategy: Record<string, unknown>): string[] => {
    try {
      parseStackConfig(
        { ...localBase, "rollout:apps": [{ name: "demo", replicas: 4, strategy: { type: "blueGreen", ...strategy } }] },
        "local",
      );
    } catch (e) {
      return (e as ConfigError).problems as string[];
    }
    return [];
  };

  it("accepts no slots with autoPromote, or held with promote", () => {
    assert.deepEqual(problems({ autoPromote: true }), []);
    assert.deepEqual(problems({ promote: true }), []);
    assert.deepEqual(problems({ autoPromote: true, rollback: true }), []);
  });

  it("refuses live without slots, promote with autoPromote or with rollback, and promote or rollback with pinned slots", () => {
    assert.deepEqual(problems({ live: "blue" }), [
      'rollout:apps[0].strategy.live: expected no live slot without slots: the program continues from the stack\'s last release, got "blue"',
    ]);
    assert.match(problems({ autoPromote: true, promote: true }).join("\n"), /strategy\.promote: expected false with autoPromote: true/);
    assert.match(problems({ promote: true, rollback: true }).join("\n"), /strategy\.rollback: expected false with promote: true/);
    const pinned = { live: "blue", slots: { blue: { image: A }, green: {} } };
    assert.match(problems({ ...pinned, rollback: true }).join("\n"), /strategy\.rollback: expected false with pinned slots/);
    assert.match(problems({ ...pinned, promote: true }).join("\n"), /strategy\.promote: expected false with pinned slots/);
  });

  it("a conflict with the record is a ConfigError naming the app's key, before anything is registered", () => {
    const config = parseStackConfig(
      {
        ...localBase,
        "rollout:apps": [
          { name: "web" },
          { name: "demo", replicas: 4, strategy: { type: "blueGreen", autoPromote: true, rollback: true } },
        ],
      },
      "local",
    );
    assert.deepEqual(
      trackedApps(config).map((a) => a.name),
      ["web", "demo"],
      "web runs local's default strategy, recreate, on the stack image",
    );
    assert.throws(
      () => checkReleases(config, { releases: { demo: blueA_greenB_liveGreen }, releaseKey: C }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.problems.length === 1 &&
        e.problems[0].startsWith("rollout:apps[1].strategy.rollback: expected false: this update's image"),
    );
    assert.doesNotThrow(() => checkReleases(config, { releases: { demo: blueA_greenB_liveGreen }, releaseKey: B }));
  });
});

describe("canary release decision: one step per `pulumi up`", () => {
  const steps = [10, 25, 50];
  const go = { steps, pause: false, promote: false };
  const stableA = { image: A, key: A };

  it("first release: stable takes the image, no canary; promote has nothing to promote", () => {
    assert.deepEqual(decideCanary(undefined, A, go), {
      weight: 0,
      promote: false,
      decision: "first release: nothing serves yet, so stable takes this update's image (no canary)",
    });
    assert.throws(
      () => decideCanary(undefined, A, { ...go, promote: true }),
      (e: unknown) => e instanceof ReleaseConflict && e.key === "promote",
    );
  });

  it("a new image starts at the first weight; the same image walks the steps, then promotes", () => {
    assert.deepEqual(decideCanary({ stable: stableA }, B, go), {
      stable: stableA,
      weight: 10,
      step: 0,
      promote: false,
      decision: "new canary: step 1/3 at 10%",
    });
    const at = (step: number) => decideCanary({ stable: stableA, canary: { image: B, key: B, step } }, B, go);
    assert.deepEqual([at(0).weight, at(0).step, at(0).promote], [25, 1, false]);
    assert.deepEqual([at(1).weight, at(1).step, at(1).promote], [50, 2, false]);
    assert.deepEqual([at(2).weight, at(2).promote], [100, true]);
  });

  it("pause holds the step reached; promote ends the canary early; another new image restarts at step 1", () => {
    const running = { stable: stableA, canary: { image: B, key: B, step: 1 } };
    assert.deepEqual(
      [decideCanary(running, B, { ...go, pause: true }).weight, decideCanary(running, B, { ...go, pause: true }).step],
      [25, 1],
    );
    assert.deepEqual(
      [decideCanary(running, B, { ...go, promote: true }).weight, decideCanary(running, B, { ...go, promote: true }).promote],
      [100, true],
    );
    assert.deepEqual([decideCanary(running, C, go).weight, decideCanary(running, C, go).step], [10, 0]);
    assert.throws(
      () => decideCanary(running, C, { ...go, promote: true }),
      (e: unknown) => e instanceof ReleaseConflict && /start it first/.test(e.message),
    );
  });

  it("stable's image again aborts a canary in progress; with none in progress nothing changes", () => {
    const running = { stable: stableA, canary: { image: B, key: B, step: 1 } };
    assert.deepEqual(
      [decideCanary(running, A, go).weight, decideCanary(running, A, go).decision],
      [0, `abort: stable's image again, the canary (${B}) is removed`],
    );
    assert.equal(decideCanary({ stable: stableA }, A, go).decision, "unchanged: stable runs this update's image");
    assert.throws(() => decideCanary({ stable: stableA }, A, { ...go, promote: true }), /stable already runs/);
  });

  it("records: a step keeps stable and the canary's step; a promotion or a first release leaves only stable", () => {
    assert.deepEqual(canaryRecordOf(decideCanary({ stable: stableA }, B, go), "<img>", B), {
      stable: stableA,
      canary: { image: "<img>", key: B, step: 0 },
    });
    assert.deepEqual(canaryRecordOf(decideCanary({ stable: stableA, canary: { image: B, key: B, step: 2 } }, B, go), "<img>", B), {
      stable: { image: "<img>", key: B },
    });
    assert.deepEqual(canaryRecordOf(decideCanary(undefined, A, go), "<img>", A), { stable: { image: "<img>", key: A } });
    assert.deepEqual(canaryRecordOf(decideCanary({ stable: stableA, canary: { image: B, key: B, step: 0 } }, A, go), "<img>", A), {
      stable: stableA,
    });
  });

  it("a strategy change carries the serving release over: blue/green's live slot becomes stable, and back", () => {
    assert.deepEqual(asCanaryRecord(blueA_greenB_liveGreen), { stable: { image: B, key: B } });
    assert.deepEqual(asBlueGreenRecord({ stable: stableA, canary: { image: B, key: B, step: 0 } }), {
      live: "blue",
      slots: { blue: stableA },
    });
    assert.deepEqual(parseReleaseHistory({ web: { stable: stableA, canary: { image: B, key: B, step: 1 } } }), {
      web: { stable: stableA, canary: { image: B, key: B, step: 1 } },
    });
    assert.throws(() => parseReleaseHistory({ web: { stable: stableA, canary: { image: B, key: B, step: -1 } } }), /not a release record/);
  });
});

describe("canary plan without a pinned stable", () => {
  const app = (strategy: Record<string, unknown> = {}) =>
    appSchema("local").parse({ name: "web", replicas: 10, strategy: { type: "canary", steps: [10, 30, 50], ...strategy } });
  const plan = (releases: Record<string, unknown>, key: string, strategy: Record<string, unknown> = {}) =>
    planApp(app(strategy), { environment: "local", image: "<stack>", version: "new", releases: releases as never, releaseKey: key });

  it("step 2 by replicas: 3 canary pods of the stack image, stable keeps its recorded image at 7", () => {
    const p = plan({ web: { stable: { image: A, key: A }, canary: { image: B, key: B, step: 0 } } }, B);
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.image, w.replicas]),
      [
        ["web", A, 7],
        ["web-canary", "<stack>", 3],
      ],
    );
    assert.equal(p.strategy, "canary 30% (replicas) step 2/3");
    assert.equal(p.steps[0], "next step 2/3 at 30%");
    assert.match(p.steps[1], /by replicas its pods join Service web as soon as they are ready, before any gate/);
    assert.deepEqual(p.release, { stable: { image: A, key: A }, canary: { image: "<stack>", key: B, step: 1 } });
  });

  it("after the last step: stable rolls to the stack image and the canary goes", () => {
    const p = plan({ web: { stable: { image: A, key: A }, canary: { image: B, key: B, step: 2 } } }, B);
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.image, w.replicas]),
      [["web", "<stack>", 10]],
    );
    assert.deepEqual(p.release, { stable: { image: "<stack>", key: B } });
  });

  it("config: weight, a canary image or a step above 50 by replicas are refused without stable; pause is refused with it", () => {
    const problems = (strategy: Record<string, unknown>): string[] => {
      try {
        parseStackConfig(
          { ...localBase, "rollout:apps": [{ name: "web", replicas: 10, strategy: { type: "canary", ...strategy } }] },
          "local",
        );
      } catch (e) {
        return (e as ConfigError).problems as string[];
      }
      return [];
    };
    assert.deepEqual(problems({ steps: [10, 50] }), []);
    assert.match(problems({ steps: [10, 50], weight: 10 }).join("\n"), /strategy\.weight: expected no weight without stable/);
    assert.match(problems({ steps: [10, 60] }).join("\n"), /strategy\.steps\[1\]: expected at most 50 with traffic 'replicas'/);
    assert.match(problems({}).join("\n"), /strategy\.steps: expected the planned weights/);
    assert.match(
      problems({ steps: [10], canary: { image: B } }).join("\n"),
      /strategy\.canary\.image: expected no canary image without stable/,
    );
    assert.match(problems({ steps: [10], pause: true, promote: true }).join("\n"), /strategy\.pause: expected false with promote: true/);
    assert.match(
      problems({ stable: { image: A }, weight: 10, pause: true }).join("\n"),
      /strategy\.pause: expected false with a pinned stable/,
    );
    assert.match(problems({ stable: { image: A } }).join("\n"), /strategy\.weight: expected an integer percentage between 0 and 100/);
  });
});

describe("rolling release decision: `undo` from the record (kubectl rollout undo)", () => {
  const rA = { image: A, key: A, config: "demo-config-aaaaaaaaaa" };
  const rB = { image: B, key: B, config: "demo-config-bbbbbbbbbb" };

  it("first release: recorded with no previous revision; undo has nothing to return to", () => {
    const s = decideRolling(undefined, A, "demo-config-aaaaaaaaaa", false);
    assert.equal(s.run, "stack");
    assert.deepEqual(s.record("<stack>"), { current: { image: "<stack>", key: A, config: "demo-config-aaaaaaaaaa" } });
    assert.equal(s.decision, "first release: recorded for undo");
    assert.throws(
      () => decideRolling(undefined, A, undefined, true),
      (e: ReleaseConflict) => e.key === "undo" && e.message === "expected false: there is no earlier revision to return to yet",
    );
    assert.throws(() => decideRolling({ current: rA }, B, undefined, true), /no earlier revision/);
  });

  it("a new image, or the same image with new config, makes the current revision the previous one", () => {
    assert.deepEqual(decideRolling({ current: rA }, B, "demo-config-bbbbbbbbbb", false).record("<stack>"), {
      current: { image: "<stack>", key: B, config: "demo-config-bbbbbbbbbb" },
      previous: rA,
    });
    assert.deepEqual(decideRolling({ current: rA }, A, "demo-config-cccccccccc", false).record("<stack>"), {
      current: { image: "<stack>", key: A, config: "demo-config-cccccccccc" },
      previous: rA,
    });
    // Config removed: the new revision has none.
    assert.deepEqual(decideRolling({ current: rA }, A, undefined, false).record("<stack>"), {
      current: { image: "<stack>", key: A },
      previous: rA,
    });
  });

  it("the same image and config keep the previous revision (nothing to undo changes)", () => {
    const s = decideRolling({ current: rB, previous: rA }, B, "demo-config-bbbbbbbbbb", false);
    assert.equal(s.decision, "unchanged: this update's image and config already run");
    assert.deepEqual(s.record(B), { current: rB, previous: rA });
  });

  it("undo returns to the previous image and config; set again it stays; cleared, the stack's image releases again", () => {
    const u = decideRolling({ current: rB, previous: rA }, B, "demo-config-bbbbbbbbbb", true);
    assert.deepEqual(u.run, rA);
    assert.equal(u.decision, `undo: returns to ${A} with ConfigMap demo-config-aaaaaaaaaa`);
    const undone = u.record("<stack>");
    assert.deepEqual(undone, { current: rA, previous: rB, undone: true });
    const again = decideRolling(undone, B, "demo-config-bbbbbbbbbb", true);
    assert.deepEqual(again.run, rA);
    assert.deepEqual(again.record("<stack>"), undone);
    const cleared = decideRolling(undone, B, "demo-config-bbbbbbbbbb", false);
    assert.equal(cleared.run, "stack");
    assert.deepEqual(cleared.record("<stack>"), { current: { image: "<stack>", key: B, config: "demo-config-bbbbbbbbbb" }, previous: rA });
    assert.equal(
      decideRolling({ current: rB, previous: { image: A, key: A } }, B, undefined, true).decision,
      `undo: returns to ${A} without a ConfigMap`,
    );
  });

  it("records carry over from the other strategies: what served last is the current revision", () => {
    assert.deepEqual(asRollingRecord(blueA_greenB_liveGreen), { current: { image: B, key: B } });
    assert.deepEqual(asRollingRecord({ stable: { image: A, key: A }, canary: { image: B, key: B, step: 0 } }), {
      current: { image: A, key: A },
    });
    assert.deepEqual(asBlueGreenRecord({ current: rA, previous: rB }), { live: "blue", slots: { blue: { image: A, key: A } } });
    assert.deepEqual(asCanaryRecord({ current: rA }), { stable: { image: A, key: A } });
    assert.deepEqual(parseReleaseHistory({ demo: { current: rB, previous: rA, undone: true } }), {
      demo: { current: rB, previous: rA, undone: true },
    });
    assert.throws(() => parseReleaseHistory({ demo: { current: rB, undone: false } }), /not a release record/);
  });
});

describe("rolling plan with a record", () => {
  const app = (strategy: Record<string, unknown> = {}, config: Record<string, string> | undefined = { GREETING: "hello", MODE: "a" }) =>
    appSchema("local").parse({ name: "demo", replicas: 4, ...(config ? { config } : {}), strategy: { type: "rolling", ...strategy } });
  const history = {
    demo: {
      current: { image: B, key: B, config: "demo-config-4d1e8a9196" },
      previous: { image: A, key: A, config: "demo-config-0123456789" },
    },
  };

  /** A first release with undo: true is a ConfigError naming the key, before anything is registered. */
  const assertNothingToUndo = (type: string) => {
    const config = parseStackConfig({ ...localBase, "rollout:apps": [{ name: "demo", strategy: { type, undo: true } }] }, "local");
    assert.throws(
      () => checkReleases(config, { releases: {}, releaseKey: A }),
      (e: ConfigError) =>
        JSON.stringify(e.problems) ===
        JSON.stringify(["rollout:apps[0].strategy.undo: expected false: there is no earlier revision to return to yet"]),
    );
  };

  it("records this update's image and the ConfigMap named by its content (sha256 of the sorted data)", () => {
    const p = planApp(app(), { environment: "local", image: "<stack>", version: "new", releases: {}, releaseKey: C });
    assert.deepEqual(p.release, { current: { image: "<stack>", key: C, config: "demo-config-4d1e8a9196" } });
    assert.equal(p.workloads[0].config, undefined, "a release reads this update's ConfigMap");
    assert.equal(p.strategy, "rolling");
  });

  it("undo: the Deployment runs the previous image and reads the previous ConfigMap", () => {
    const p = planApp(app({ undo: true }), { environment: "local", image: "<stack>", version: "new", releases: history, releaseKey: B });
    assert.deepEqual(
      [p.workloads[0].image, p.workloads[0].version, p.workloads[0].config],
      [A, "sha256-aaaaaaaaaaaa", { name: "demo-config-0123456789" }],
    );
    assert.equal(p.strategy, "rolling (undo)");
    assert.equal(p.trafficTo, "sha256-aaaaaaaaaaaa");
    assert.equal(p.steps[0], `undo: returns to ${A} with ConfigMap demo-config-0123456789`);
    assert.deepEqual(p.release, { current: history.demo.previous, previous: history.demo.current, undone: true });
  });

  it("recreate keeps the same record: undo returns to the previous image and ConfigMap, all pods at once", () => {
    const recreate = (undo: boolean) =>
      appSchema("local").parse({
        name: "demo",
        replicas: 4,
        config: { GREETING: "hello", MODE: "a" },
        strategy: { type: "recreate", undo },
      });
    const released = planApp(recreate(false), { environment: "local", image: "<stack>", version: "new", releases: {}, releaseKey: C });
    assert.deepEqual(released.release, { current: { image: "<stack>", key: C, config: "demo-config-4d1e8a9196" } });
    assert.equal(released.strategy, "recreate");
    assert.equal(released.steps[0], "first release: recorded for undo");
    const p = planApp(recreate(true), { environment: "local", image: "<stack>", version: "new", releases: history, releaseKey: B });
    assert.deepEqual(
      [p.workloads[0].image, p.workloads[0].version, p.workloads[0].config, p.workloads[0].update],
      [A, "sha256-aaaaaaaaaaaa", { name: "demo-config-0123456789" }, { type: "recreate" }],
    );
    assert.equal(p.strategy, "recreate (undo)");
    assert.equal(p.trafficTo, "sha256-aaaaaaaaaaaa");
    assert.equal(p.minReadyPods, 0);
    assert.deepEqual(p.release, { current: history.demo.previous, previous: history.demo.current, undone: true });
    assertNothingToUndo("recreate");
  });

  it("an app with a pinned image is no release of the stack: no record, and undo is refused at config time", () => {
    const pinned = appSchema("local").parse({ name: "demo", replicas: 4, image: A, strategy: { type: "rolling" } });
    assert.equal(planApp(pinned, { environment: "local", image: "<stack>", version: "new" }).release, undefined);
    assert.deepEqual(
      trackedApps(parseStackConfig({ ...localBase, "rollout:apps": [{ name: "demo", image: A, strategy: { type: "rolling" } }] }, "local")),
      [],
    );
    assertNothingToUndo("rolling");
  });
});

describe("A/B release decision: a new image goes to B, A changes only by promote", () => {
  const a = { image: A, key: A };
  const b = { image: B, key: B };

  it("first release: A and B both take the image; promote has no candidate", () => {
    const s = decideAbTest(undefined, A, false);
    assert.deepEqual([s.a, s.b], ["stack", "stack"]);
    assert.equal(s.decision, "first release: A and B both take this update's image; the next image goes to B alone");
    assert.deepEqual(abRecordOf(s, "<stack>", "commit:1"), {
      a: { image: "<stack>", key: "commit:1" },
      b: { image: "<stack>", key: "commit:1" },
    });
    assert.throws(
      () => decideAbTest(undefined, A, true),
      (e: ReleaseConflict) => e.key === "promote" && e.message === "expected false on a first release: B runs no candidate to promote yet",
    );
  });

  it("a new image replaces B only; the same image again changes nothing", () => {
    const s = decideAbTest({ a, b: a }, B, false);
    assert.deepEqual([s.a, s.b], [a, "stack"]);
    assert.equal(s.decision, `new candidate: B takes this update's image; A keeps ${A}`);
    assert.deepEqual(abRecordOf(s, "<stack>", B), { a, b: { image: "<stack>", key: B } });
    const again = decideAbTest({ a, b }, B, false);
    assert.deepEqual([again.a, again.b], [a, b]);
    assert.equal(again.decision, `unchanged: B runs this update's image; A keeps ${A}`);
    const third = decideAbTest({ a, b }, C, false);
    assert.deepEqual([third.a, third.b], [a, "stack"], "a third image replaces the second in B; A keeps the control");
  });

  it("promote makes A run B's image; set again nothing changes; with a new image it is refused", () => {
    const s = decideAbTest({ a, b }, B, true);
    assert.deepEqual([s.a, s.b], [b, b]);
    assert.equal(s.decision, `promote: A rolls from ${A} to B's image; both variants then run it`);
    assert.deepEqual(abRecordOf(s, "<stack>", B), { a: b, b });
    const again = decideAbTest({ a: b, b }, B, true);
    assert.deepEqual([again.a, again.b], [b, b]);
    assert.equal(again.decision, "promoted: A and B both run this update's image");
    assert.throws(
      () => decideAbTest({ a, b }, C, true),
      (e: ReleaseConflict) =>
        e.key === "promote" &&
        e.message ===
          `expected false for a new release: promote makes A run B's image, and B does not run this update's image (${C}) yet; release it first`,
    );
  });

  it("A's image again ends the experiment: B returns to it; with B already there nothing changes", () => {
    const s = decideAbTest({ a, b }, A, false);
    assert.deepEqual([s.a, s.b], [a, a]);
    assert.equal(s.decision, `end of experiment: A's image again, B returns from ${B} to it`);
    const same = decideAbTest({ a, b: a }, A, false);
    assert.deepEqual([same.a, same.b], [a, a]);
    assert.equal(same.decision, "unchanged: A and B both run this update's image");
  });

  it("records carry over: what served everyone becomes A and B, and an A/B record becomes the others' serving release", () => {
    assert.deepEqual(asAbRecord(blueA_greenB_liveGreen), { a: b, b });
    assert.deepEqual(asAbRecord({ stable: a, canary: { ...b, step: 0 } }), { a, b: a });
    assert.deepEqual(asAbRecord({ current: { ...b, config: "web-config-1" }, previous: a }), { a: b, b });
    assert.deepEqual(asAbRecord({ a, b }), { a, b });
    assert.equal(asAbRecord({ live: "green", slots: { blue: a } }), undefined, "a live slot that ran nothing");
    assert.deepEqual(asBlueGreenRecord({ a, b }), { live: "blue", slots: { blue: a } });
    assert.deepEqual(asCanaryRecord({ a, b }), { stable: a });
    assert.deepEqual(asRollingRecord({ a, b }), { current: a });
    assert.deepEqual(parseReleaseHistory({ web: { a, b } }), { web: { a, b } });
    assert.throws(() => parseReleaseHistory({ web: { a } }), /not a release record/);
  });
});

describe("A/B plan with neither variant pinned", () => {
  const gateway = { name: "public", namespace: "gw", hostnames: ["shop.example.com"] };
  const app = (strategy: Record<string, unknown> = {}) =>
    appSchema("local").parse({
      name: "web",
      replicas: 5,
      strategy: { type: "abTest", gateway, match: { header: { name: "X-Variant", value: "b" } }, ...strategy },
    });
  const plan = (releases: Record<string, unknown>, key: string, strategy: Record<string, unknown> = {}) =>
    planApp(app(strategy), { environment: "local", image: "<stack>", version: "new", releases: releases as never, releaseKey: key });

  it("a new image: B (2 of 5 pods) runs it, A keeps its recorded image; the live Service and the rest route to A", () => {
    const p = plan({ web: { a: { image: A, key: A }, b: { image: B, key: B } } }, C);
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.image, w.version, w.replicas]),
      [
        ["web-a", A, "sha256-aaaaaaaaaaaa", 5],
        ["web-b", "<stack>", "new", 2],
      ],
    );
    assert.deepEqual(
      p.services.map((s) => [s.name, s.selectorExtra, s.purpose]),
      [
        ["web", { "rollout.dev/variant": "a" }, "live"],
        ["web-a", { "rollout.dev/variant": "a" }, "track"],
        ["web-b", { "rollout.dev/variant": "b" }, "track"],
      ],
    );
    assert.deepEqual(
      p.routes[0].rules.map((r) => r.backends.map((x) => x.service)),
      [["web-b"], ["web-a"]],
    );
    assert.equal(p.steps[0], `new candidate: B takes this update's image; A keeps ${A}`);
    assert.equal(p.trafficTo, "header X-Variant: b -> B (new); rest -> A (sha256-aaaaaaaaaaaa)");
    assert.deepEqual(p.release, { a: { image: A, key: A }, b: { image: "<stack>", key: C } });
  });

  it("the first release runs the stack image in both; promote moves A to B's recorded image", () => {
    const first = plan({}, C);
    assert.deepEqual(
      first.workloads.map((w) => w.image),
      ["<stack>", "<stack>"],
    );
    assert.deepEqual(first.release, { a: { image: "<stack>", key: C }, b: { image: "<stack>", key: C } });
    const promoted = plan({ web: { a: { image: A, key: A }, b: { image: B, key: B } } }, B, { promote: true });
    assert.deepEqual(
      promoted.workloads.map((w) => [w.name, w.image]),
      [
        ["web-a", B],
        ["web-b", B],
      ],
    );
    assert.deepEqual(promoted.release, { a: { image: B, key: B }, b: { image: B, key: B } });
  });

  it("a pinned variant is no tracked release: no record; a promote the record cannot support is a ConfigError", () => {
    const pinned = planApp(app({ a: { image: A } }), { environment: "local", image: "<stack>", version: "new" });
    assert.equal(pinned.release, undefined);
    assert.deepEqual(
      pinned.workloads.map((w) => w.image),
      [A, "<stack>"],
    );
    const config = parseStackConfig(
      {
        ...localBase,
        "rollout:apps": [
          { name: "web", replicas: 5, strategy: { type: "abTest", gateway, promote: true, match: { cookie: { name: "v", value: "b" } } } },
        ],
      },
      "local",
    );
    assert.deepEqual(
      trackedApps(config).map((x) => x.name),
      ["web"],
    );
    assert.throws(
      () => checkReleases(config, { releases: {}, releaseKey: A }),
      (e: ConfigError) =>
        JSON.stringify(e.problems) ===
        JSON.stringify(["rollout:apps[0].strategy.promote: expected false on a first release: B runs no candidate to promote yet"]),
    );
  });
});
