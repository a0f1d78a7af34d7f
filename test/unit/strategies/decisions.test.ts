// strategies/release.ts: every branch of each release decision, with the state and the sentence the
// preview prints, and every conflict with its exact message. Written out, never computed.
import { strict as assert } from "assert";
import {
  BlueGreenIntent,
  BlueGreenRecord,
  canaryRecordOf,
  decideAbTest,
  decideBlueGreen,
  decideCanary,
  decideRolling,
  parseReleaseHistory,
  ReleaseConflict,
} from "../../../strategies/release";

const run = (x: string) => ({ image: `img-${x}`, key: `key-${x}` });
const [A, B, C] = [run("a"), run("b"), run("c")];

function conflict(fn: () => unknown, key: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ReleaseConflict, `expected a ReleaseConflict, got ${String(e)}`);
    assert.equal(e.key, key);
    assert.equal(e.message, message);
    return true;
  });
}

describe("decideBlueGreen: every branch as printed", () => {
  const hold: BlueGreenIntent = { autoPromote: false, promote: false, rollback: false };
  const both: BlueGreenRecord = { live: "blue", slots: { blue: A, green: B } };
  const liveOnly: BlueGreenRecord = { live: "blue", slots: { blue: A } };

  it("first release: rollback has nothing to return to", () => {
    conflict(
      () => decideBlueGreen(undefined, C.key, { ...hold, rollback: true }),
      "rollback",
      "expected false on a first release: there is no earlier release to return to",
    );
  });

  it("rollback: already rolled back (the idle slot runs this image) stays put", () => {
    assert.deepEqual(decideBlueGreen(both, B.key, { ...hold, rollback: true }), {
      live: "blue",
      candidate: "blue",
      slots: { blue: A, green: B },
      decision: "rolled back: live stays on blue (img-a); green keeps this update's image",
    });
  });

  it("rollback: live returns to the warm slot", () => {
    assert.deepEqual(decideBlueGreen(both, A.key, { ...hold, rollback: true }), {
      live: "green",
      candidate: "green",
      slots: { blue: A, green: B },
      decision: "rollback: live returns to green (img-b)",
    });
  });

  it("rollback: refused for an image in neither slot, and when the other slot never ran", () => {
    const message =
      "expected false: this update's image (key-c) runs in neither slot, so there is no release it replaced; clear rollback to release it";
    conflict(() => decideBlueGreen(both, C.key, { ...hold, rollback: true }), "rollback", message);
    // A record whose live slot has no run (edited by hand) is a conflict too, not a crash.
    conflict(() => decideBlueGreen({ live: "blue", slots: { green: B } }, C.key, { ...hold, rollback: true }), "rollback", message);
    conflict(
      () => decideBlueGreen(liveOnly, A.key, { ...hold, rollback: true }),
      "rollback",
      "expected false: slot green has never run a release to return to",
    );
  });

  it("the live slot's image: unchanged, the empty slot stays empty", () => {
    assert.deepEqual(decideBlueGreen(liveOnly, A.key, hold), {
      live: "blue",
      candidate: "blue",
      slots: { blue: A, green: "empty" },
      decision: "unchanged: live stays on blue, which runs this update's image",
    });
  });

  it("the idle slot's image: promoted by promote or autoPromote, held otherwise", () => {
    const promoted = {
      live: "green",
      candidate: "green",
      slots: { blue: A, green: B },
      decision: "promote: live moves to green, which already runs this update's image",
    };
    assert.deepEqual(decideBlueGreen(both, B.key, { ...hold, promote: true }), promoted);
    assert.deepEqual(decideBlueGreen(both, B.key, { ...hold, autoPromote: true }), promoted);
    assert.deepEqual(decideBlueGreen(both, B.key, hold), {
      live: "blue",
      candidate: "green",
      slots: { blue: A, green: B },
      decision: "held: green runs this update's image; live stays on blue until promote: true",
    });
  });

  it("a new image: promote is refused; autoPromote switches once available; hold keeps live", () => {
    conflict(
      () => decideBlueGreen(both, C.key, { ...hold, promote: true }),
      "promote",
      "expected false for a new release: promote switches to a held release, and slot green does not run this update's image yet; release it first",
    );
    assert.deepEqual(decideBlueGreen(both, C.key, { ...hold, autoPromote: true }), {
      live: "green",
      candidate: "green",
      slots: { blue: A, green: "stack" },
      decision: "release: green takes this update's image; live moves from blue to green once it is available",
    });
    assert.deepEqual(decideBlueGreen({ live: "blue", slots: { green: B } }, C.key, hold), {
      live: "blue",
      candidate: "green",
      slots: { blue: "empty", green: "stack" },
      decision: "release: green takes this update's image and is held; live stays on blue until promote: true",
    });
  });
});

describe("decideCanary: every branch as printed", () => {
  const steps = [10, 30, 60];
  const go = { steps, pause: false, promote: false };
  const at = (step: number) => ({ stable: A, canary: { ...B, step } });

  it("first release: stable takes the image; promote is refused", () => {
    assert.deepEqual(decideCanary(undefined, C.key, go), {
      weight: 0,
      promote: false,
      decision: "first release: nothing serves yet, so stable takes this update's image (no canary)",
    });
    conflict(
      () => decideCanary(undefined, C.key, { ...go, promote: true }),
      "promote",
      "expected false on a first release: there is no canary to promote",
    );
  });

  it("stable's image: unchanged, or an abort of the canary in progress; promote is refused", () => {
    assert.deepEqual(decideCanary({ stable: A }, A.key, go), {
      stable: A,
      weight: 0,
      promote: false,
      decision: "unchanged: stable runs this update's image",
    });
    assert.deepEqual(decideCanary(at(1), A.key, go), {
      stable: A,
      weight: 0,
      promote: false,
      decision: "abort: stable's image again, the canary (img-b) is removed",
    });
    conflict(
      () => decideCanary({ stable: A }, A.key, { ...go, promote: true }),
      "promote",
      "expected false: stable already runs this update's image",
    );
  });

  it("a new image: step 1; promote is refused", () => {
    assert.deepEqual(decideCanary(at(1), C.key, go), {
      stable: A,
      weight: 10,
      step: 0,
      promote: false,
      decision: "new canary: step 1/3 at 10%",
    });
    conflict(
      () => decideCanary({ stable: A }, C.key, { ...go, promote: true }),
      "promote",
      "expected false for a new release: promote ends a canary in progress; start it first",
    );
  });

  it("the canary's image: the next step, a pause, a promote, or the end of the steps", () => {
    assert.deepEqual(decideCanary(at(0), B.key, go), { stable: A, weight: 30, step: 1, promote: false, decision: "next step 2/3 at 30%" });
    assert.deepEqual(decideCanary(at(1), B.key, { ...go, pause: true }), {
      stable: A,
      weight: 30,
      step: 1,
      promote: false,
      decision: "paused at step 2/3 (30%)",
    });
    assert.deepEqual(decideCanary(at(1), B.key, { ...go, promote: true }), {
      stable: A,
      weight: 100,
      promote: true,
      decision: "promote at step 2/3: stable rolls to it",
    });
    assert.deepEqual(decideCanary(at(2), B.key, go), {
      stable: A,
      weight: 100,
      promote: true,
      decision: "every step passed: promote, stable rolls to it",
    });
  });

  it("a recorded step beyond shortened steps counts as the last one", () => {
    assert.deepEqual(decideCanary(at(5), B.key, { ...go, pause: true }), {
      stable: A,
      weight: 60,
      step: 2,
      promote: false,
      decision: "paused at step 3/3 (60%)",
    });
  });

  it("canaryRecordOf: a canary is recorded only with a weight and a step", () => {
    assert.deepEqual(canaryRecordOf({ stable: A, weight: 30, step: 1, promote: false, decision: "" }, "img", "k"), {
      stable: A,
      canary: { image: "img", key: "k", step: 1 },
    });
    assert.deepEqual(canaryRecordOf({ stable: A, weight: 0, step: 0, promote: false, decision: "" }, "img", "k"), { stable: A });
    assert.deepEqual(canaryRecordOf({ stable: A, weight: 30, promote: false, decision: "" }, "img", "k"), { stable: A });
    assert.deepEqual(canaryRecordOf({ stable: A, weight: 100, promote: true, decision: "" }, "img", "k"), {
      stable: { image: "img", key: "k" },
    });
  });
});

describe("decideRolling: every branch as printed", () => {
  it("first release, then a release that keeps the one before", () => {
    const first = decideRolling(undefined, "key-a", undefined, false);
    assert.equal(first.decision, "first release: recorded for undo");
    assert.deepEqual(first.record("img"), { current: { image: "img", key: "key-a" } });
    const next = decideRolling({ current: A }, "key-b", "cfg-2", false);
    assert.equal(next.run, "stack");
    assert.equal(next.decision, "release: the revision before (img-a) stays recorded for undo");
    assert.deepEqual(next.record("img"), { current: { image: "img", key: "key-b", config: "cfg-2" }, previous: A });
  });

  it("the same image with another ConfigMap is a release; with the same one nothing changes", () => {
    const previous = { current: { ...A, config: "cfg-1" }, previous: C };
    const changed = decideRolling(previous, "key-a", "cfg-2", false);
    assert.equal(changed.decision, "release: the revision before (img-a) stays recorded for undo");
    assert.deepEqual(changed.record("img"), {
      current: { image: "img", key: "key-a", config: "cfg-2" },
      previous: { ...A, config: "cfg-1" },
    });
    const same = decideRolling(previous, "key-a", "cfg-1", false);
    assert.equal(same.decision, "unchanged: this update's image and config already run");
    assert.deepEqual(same.record("img"), { current: { image: "img", key: "key-a", config: "cfg-1" }, previous: C });
  });

  it("undo: back with or without a ConfigMap; set again it stays; nothing to return to is refused", () => {
    const withConfig = decideRolling({ current: B, previous: { ...A, config: "cfg-1" } }, "key-b", undefined, true);
    assert.equal(withConfig.decision, "undo: returns to img-a with ConfigMap cfg-1");
    const without = decideRolling({ current: B, previous: A }, "key-b", undefined, true);
    assert.equal(without.decision, "undo: returns to img-a without a ConfigMap");
    assert.deepEqual(without.record("img"), { current: A, previous: B, undone: true });
    const again = decideRolling({ current: A, previous: B, undone: true }, "key-b", undefined, true);
    assert.deepEqual(again.run, A);
    assert.equal(again.decision, "undone: stays on img-a (undo is set)");
    conflict(
      () => decideRolling({ current: A }, "key-b", undefined, true),
      "undo",
      "expected false: there is no earlier revision to return to yet",
    );
  });
});

describe("decideAbTest: every branch as printed", () => {
  it("first release; promote refused", () => {
    assert.deepEqual(decideAbTest(undefined, C.key, false), {
      a: "stack",
      b: "stack",
      decision: "first release: A and B both take this update's image; the next image goes to B alone",
    });
    conflict(
      () => decideAbTest(undefined, C.key, true),
      "promote",
      "expected false on a first release: B runs no candidate to promote yet",
    );
  });

  it("promote: A rolls to B's image, set again nothing changes, a new image is refused", () => {
    assert.deepEqual(decideAbTest({ a: A, b: B }, B.key, true), {
      a: B,
      b: B,
      decision: "promote: A rolls from img-a to B's image; both variants then run it",
    });
    assert.deepEqual(decideAbTest({ a: B, b: B }, B.key, true), { a: B, b: B, decision: "promoted: A and B both run this update's image" });
    conflict(
      () => decideAbTest({ a: A, b: B }, C.key, true),
      "promote",
      "expected false for a new release: promote makes A run B's image, and B does not run this update's image (key-c) yet; release it first",
    );
  });

  it("A's image ends the experiment; B's changes nothing; a new one goes to B", () => {
    assert.deepEqual(decideAbTest({ a: A, b: B }, A.key, false), {
      a: A,
      b: A,
      decision: "end of experiment: A's image again, B returns from img-b to it",
    });
    assert.deepEqual(decideAbTest({ a: A, b: A }, A.key, false), {
      a: A,
      b: A,
      decision: "unchanged: A and B both run this update's image",
    });
    assert.deepEqual(decideAbTest({ a: A, b: B }, B.key, false), {
      a: A,
      b: B,
      decision: "unchanged: B runs this update's image; A keeps img-a",
    });
    assert.deepEqual(decideAbTest({ a: A, b: B }, C.key, false), {
      a: A,
      b: "stack",
      decision: "new candidate: B takes this update's image; A keeps img-a",
    });
  });
});

describe("parseReleaseHistory: what the last update left", () => {
  it("nothing, undefined or null is an empty history", () => {
    assert.deepEqual(parseReleaseHistory(undefined), {});
    assert.deepEqual(parseReleaseHistory(null), {});
  });

  it("another shape is an error naming the output and the way out", () => {
    assert.throws(
      () => parseReleaseHistory("blue"),
      (e: Error) =>
        e.message.startsWith("the stack output 'releases' is not a release record (") &&
        e.message.endsWith("); restore it or pin the slots (strategy.slots) for one update") &&
        !e.message.includes("(unreadable)"),
    );
  });
});
