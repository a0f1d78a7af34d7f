// strategies/blue-green.ts: the plan of a blue/green update, with pinned slots or continued from the
// app's record: which slot serves, which is previewed and gated, what is scaled down, and the pod counts.
import { strict as assert } from "assert";
import { appSchema } from "../../../config/schema";
import { exportedPlan as planApp } from "../../support/plans";

const A = `registry.example/team/okeydokey@sha256:${"a".repeat(64)}`;
const B = `registry.example/team/okeydokey@sha256:${"b".repeat(64)}`;
const C = `registry.example/team/okeydokey@sha256:${"c".repeat(64)}`;
const app = (strategy: Record<string, unknown> = {}) =>
  appSchema("local").parse({ name: "demo", replicas: 4, strategy: { type: "blueGreen", ...strategy } });
const ctx = { environment: "local" as const, image: B, version: "new", releases: {} };
const surge25 = { type: "rolling", maxSurge: "25%", maxUnavailable: 0 };
const slot = (s: string) => ({ "rollout.dev/slot": s });
// 4 pods at 25% surge: 4 waves of 35 s, ceil(1.5 x 140) + 60; a slot at 0 is timed as 1 pod: 120 + 60.
const t4 = 270;
const t0 = 180;

describe("strategies/blue-green: pinned slots", () => {
  it("live on blue (pinned to A), green runs the stack image: green is previewed, blue keeps serving", () => {
    const p = planApp(app({ live: "blue", slots: { blue: { image: A }, green: {} } }), ctx);
    assert.equal(p.strategy, "blue-green (live: blue)");
    assert.deepEqual(p.workloads, [
      {
        name: "demo-blue",
        kind: "Deployment",
        trackLabels: slot("blue"),
        replicas: 4,
        image: A,
        version: "sha256-aaaaaaaaaaaa",
        update: surge25,
        timeoutSeconds: t4,
        after: [],
      },
      {
        name: "demo-green",
        kind: "Deployment",
        trackLabels: slot("green"),
        replicas: 4,
        image: B,
        version: "new",
        update: surge25,
        role: "idle",
        timeoutSeconds: t4,
        after: [],
      },
    ]);
    assert.deepEqual(p.services, [
      { name: "demo-preview", selectorExtra: slot("green"), after: ["workload:demo-green"], purpose: "preview" },
      { name: "demo", selectorExtra: slot("blue"), after: ["workload:demo-blue"], purpose: "live" },
    ]);
    assert.deepEqual(p.gates, []);
    assert.deepEqual(p.steps, [
      "apply Deployment demo-green (new, 4 pods) and wait until all are available (up to 270s)",
      "point preview Service demo-preview at slot green",
      "point live Service demo at slot blue (sha256-aaaaaaaaaaaa)",
      "keep idle slot green (new) at 4 pods: rollback = set live: green",
    ]);
    assert.equal(p.podsAfter, 8);
    assert.equal(p.peakPods, 9);
    assert.equal(p.minReadyPods, 4);
    assert.equal(p.trafficTo, "blue (sha256-aaaaaaaaaaaa)");
    assert.deepEqual(p.release, { live: "blue", slots: { blue: { image: A, key: A }, green: { image: B, key: B } } });
  });

  it("both pinned, live green: no candidate, the idle slot blue is previewed", () => {
    const p = planApp(app({ live: "green", slots: { blue: { image: A }, green: { image: C } } }), ctx);
    assert.deepEqual(p.services[0], {
      name: "demo-preview",
      selectorExtra: slot("blue"),
      after: ["workload:demo-blue"],
      purpose: "preview",
    });
    assert.deepEqual(p.services[1], { name: "demo", selectorExtra: slot("green"), after: ["workload:demo-green"], purpose: "live" });
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.image, w.replicas, w.role]),
      [
        ["demo-blue", A, 4, "idle"],
        ["demo-green", C, 4, undefined],
      ],
    );
    assert.equal(p.steps[0], "apply Deployment demo-blue (sha256-aaaaaaaaaaaa, 4 pods) and wait until all are available (up to 270s)");
    assert.equal(p.trafficTo, "green (sha256-cccccccccccc)");
    assert.deepEqual(p.release, { live: "green", slots: { blue: { image: A, key: A }, green: { image: C, key: C } } });
  });

  it("both pinned with idle scaleDown: the idle slot (no candidate) scales to 0 after the switch", () => {
    const p = planApp(app({ live: "green", idle: "scaleDown", slots: { blue: { image: A }, green: { image: C } } }), ctx);
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.replicas, w.after, w.timeoutSeconds]),
      [
        ["demo-blue", 0, ["service:demo"], t0],
        ["demo-green", 4, [], t4],
      ],
    );
    assert.equal(p.steps[p.steps.length - 1], "scale idle slot blue to 0 after the switch (rollback then needs a redeploy)");
    assert.equal(p.podsAfter, 4);
    // both slots run during the update: 2 x 4, plus green's surge of 1 (blue at 0 surges 0)
    assert.equal(p.peakPods, 9);
  });

  it("autoPromote with gates and idle scaleDown: green goes live after its gate, blue scales to 0 after the switch", () => {
    const gates = { smoke: { expectBody: "OK" }, prometheus: { url: "http://prom:9090", query: "errors", max: 0.01 } };
    const p = planApp(app({ autoPromote: true, idle: "scaleDown", gates, slots: { blue: { image: A }, green: {} } }), ctx);
    assert.equal(p.strategy, "blue-green (live: green)");
    assert.deepEqual(p.gates, [
      {
        name: "demo-green-gate",
        image: B,
        service: "demo-preview",
        config: {
          smoke: { path: "/", expectStatus: 200, expectBody: "OK", attempts: 5, intervalSeconds: 3 },
          prometheus: { url: "http://prom:9090", query: "errors", max: 0.01 },
        },
        after: ["service:demo-preview"],
        guards: "live Service demo -> green",
      },
    ]);
    assert.deepEqual(p.services, [
      { name: "demo-preview", selectorExtra: slot("green"), after: ["workload:demo-green"], purpose: "preview" },
      { name: "demo", selectorExtra: slot("green"), after: ["workload:demo-green", "gate:demo-green-gate"], purpose: "live" },
    ]);
    assert.deepEqual(p.workloads[0], {
      name: "demo-blue",
      kind: "Deployment",
      trackLabels: slot("blue"),
      replicas: 0,
      image: A,
      version: "sha256-aaaaaaaaaaaa",
      update: surge25,
      role: "idle",
      timeoutSeconds: t0,
      after: ["service:demo"],
    });
    assert.deepEqual([p.workloads[1].replicas, p.workloads[1].role, p.workloads[1].after], [4, undefined, []]);
    assert.deepEqual(p.steps, [
      "apply Deployment demo-green (new, 4 pods) and wait until all are available (up to 270s)",
      "point preview Service demo-preview at slot green",
      "gate: HTTP GET / expects 200 and 'OK', Prometheus 'errors' <= 0.01 against demo-preview; a failure stops here with traffic unchanged",
      "point live Service demo at slot green (new) [autoPromote]",
      "scale idle slot blue to 0 after the switch (rollback then needs a redeploy)",
    ]);
    assert.equal(p.podsAfter, 4);
    assert.equal(p.peakPods, 9);
    assert.equal(p.trafficTo, "green (new)");
  });

  it("a gate without autoPromote guards the preview only: live (blue) does not wait for it", () => {
    const p = planApp(app({ live: "blue", gates: { smoke: {} }, slots: { blue: { image: A }, green: {} } }), ctx);
    assert.equal(p.gates[0].guards, "live Service demo -> blue");
    assert.deepEqual(p.services[1].after, ["workload:demo-blue"]);
    assert.equal(p.steps[2], "gate: HTTP GET / expects 200 against demo-preview; a failure stops here with traffic unchanged");
  });
});

describe("strategies/blue-green: continued from the record", () => {
  it("first release: blue takes the image and goes live, green has run nothing (0 pods)", () => {
    const p = planApp(app(), ctx);
    assert.equal(p.strategy, "blue-green (live: blue)");
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.image, w.version, w.replicas, w.role, w.after]),
      [
        ["demo-blue", B, "new", 4, undefined, []],
        ["demo-green", B, "new", 0, "idle", []],
      ],
    );
    assert.deepEqual(p.services, [
      { name: "demo-preview", selectorExtra: slot("blue"), after: ["workload:demo-blue"], purpose: "preview" },
      { name: "demo", selectorExtra: slot("blue"), after: ["workload:demo-blue"], purpose: "live" },
    ]);
    assert.deepEqual(p.steps, [
      "first release: nothing serves yet, so slot blue takes this update's image and goes live once available",
      "apply Deployment demo-blue (new, 4 pods) and wait until all are available (up to 270s)",
      "point preview Service demo-preview at slot blue",
      "point live Service demo at slot blue (new)",
      "idle slot green has run no release yet: 0 pods",
    ]);
    assert.equal(p.podsAfter, 4);
    // only one slot runs: 4 + a surge of 1
    assert.equal(p.peakPods, 5);
    assert.equal(p.minReadyPods, 4);
    assert.deepEqual(p.release, { live: "blue", slots: { blue: { image: B, key: B } } });
  });

  it("first release with a gate: live waits for the gate (the previewed slot is the live one)", () => {
    const p = planApp(app({ gates: { smoke: {} } }), { ...ctx, releaseKey: "k1" });
    assert.deepEqual(p.services[1].after, ["workload:demo-blue", "gate:demo-blue-gate"]);
    assert.equal(p.gates[0].image, B);
    assert.deepEqual(p.release, { live: "blue", slots: { blue: { image: B, key: "k1" } } });
  });

  it("a new release held on green while blue (A) serves: rollback is strategy.rollback", () => {
    const releases = { demo: { live: "blue" as const, slots: { blue: { image: A, key: A } } } };
    const p = planApp(app(), { ...ctx, releases });
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.image, w.replicas, w.role]),
      [
        ["demo-blue", A, 4, undefined],
        ["demo-green", B, 4, "idle"],
      ],
    );
    assert.deepEqual(p.steps, [
      "release: green takes this update's image and is held; live stays on blue until promote: true",
      "apply Deployment demo-green (new, 4 pods) and wait until all are available (up to 270s)",
      "point preview Service demo-preview at slot green",
      "point live Service demo at slot blue (sha256-aaaaaaaaaaaa)",
      "keep idle slot green (new) at 4 pods: rollback = set strategy.rollback: true",
    ]);
    assert.equal(p.peakPods, 9);
    assert.equal(p.podsAfter, 8);
  });

  it("a promoted release with idle scaleDown: the old slot is not the candidate and goes to 0 after the switch", () => {
    const releases = { demo: { live: "blue" as const, slots: { blue: { image: A, key: A } } } };
    const p = planApp(app({ autoPromote: true, idle: "scaleDown" }), { ...ctx, releases });
    assert.equal(p.strategy, "blue-green (live: green)");
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.replicas, w.role, w.after]),
      [
        ["demo-blue", 0, "idle", ["service:demo"]],
        ["demo-green", 4, undefined, []],
      ],
    );
    assert.equal(p.trafficTo, "green (new)");
  });

  it("a held release with idle scaleDown: the held slot is the candidate, so it keeps its pods", () => {
    const releases = { demo: { live: "blue" as const, slots: { blue: { image: A, key: A } } } };
    const p = planApp(app({ idle: "scaleDown" }), { ...ctx, releases });
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.replicas]),
      [
        ["demo-blue", 4],
        ["demo-green", 4],
      ],
    );
  });
});
