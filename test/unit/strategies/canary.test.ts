// strategies/canary.ts: canary pod counts per weight, and the plan of a canary step (by replicas or by
// Gateway weights, pinned in config or continued from the record), its gate and the revert a failed gate does.
import { strict as assert } from "assert";
import { appSchema } from "../../../config/schema";
import { canaryReplicas } from "../../../strategies/canary";
import { exportedPlan as planApp } from "../../support/plans";

const A = `registry.example/team/okeydokey@sha256:${"a".repeat(64)}`;
const B = `registry.example/team/okeydokey@sha256:${"b".repeat(64)}`;
const vA = "sha256-aaaaaaaaaaaa";
const app = (replicas: number, strategy: Record<string, unknown>) =>
  appSchema("local").parse({ name: "demo", replicas, strategy: { type: "canary", ...strategy } });
const ctx = { environment: "local" as const, image: B, version: "new", releases: {} };
const track = (t: string) => ({ "rollout.dev/track": t });
const surge25 = { type: "rolling", maxSurge: "25%", maxUnavailable: 0 };
const gw = { name: "gw", namespace: "gw-ns" };
const smokeDefaults = { smoke: { path: "/", expectStatus: 200, attempts: 5, intervalSeconds: 3 } };

describe("strategies/canary: canaryReplicas", () => {
  it("weight 0: no canary pod, by either traffic", () => {
    assert.equal(canaryReplicas(7, 0, "replicas"), 0);
    assert.equal(canaryReplicas(7, 0, "gateway"), 0);
  });
  it("by replicas the split rounds to the nearest pod (30% of 7 = 2.1: 2; 50% of 7 = 3.5: 4)", () => {
    assert.equal(canaryReplicas(7, 30, "replicas"), 2);
    assert.equal(canaryReplicas(7, 50, "replicas"), 4);
  });
  it("by gateway the canary is sized up to its share (30% of 7 = 2.1: 3)", () => {
    assert.equal(canaryReplicas(7, 30, "gateway"), 3);
    assert.equal(canaryReplicas(10, 30, "gateway"), 3);
  });
  it("at least one pod for any weight above 0 (10% of 4 = 0.4; 1% of 4 = 0.04)", () => {
    assert.equal(canaryReplicas(4, 10, "replicas"), 1);
    assert.equal(canaryReplicas(4, 1, "gateway"), 1);
  });
});

describe("strategies/canary: a pinned stable", () => {
  it("by replicas, 30% of 7: 2 canary pods, stable shrinks to 5 after them, ~29% effective", () => {
    const p = planApp(app(7, { stable: { image: A }, weight: 30 }), ctx);
    assert.equal(p.strategy, "canary 30% (replicas)");
    assert.deepEqual(p.workloads, [
      {
        name: "demo",
        kind: "Deployment",
        trackLabels: track("stable"),
        replicas: 5,
        image: A,
        version: vA,
        update: surge25,
        timeoutSeconds: 218,
        after: ["workload:demo-canary"],
        revertible: true,
      },
      {
        name: "demo-canary",
        kind: "Deployment",
        trackLabels: track("canary"),
        replicas: 2,
        image: B,
        version: "new",
        update: surge25,
        role: "canary",
        timeoutSeconds: 180,
        after: [],
        revertible: true,
      },
    ]);
    assert.deepEqual(p.services, [
      { name: "demo", selectorExtra: {}, after: [], purpose: "live" },
      { name: "demo-canary", selectorExtra: track("canary"), after: ["workload:demo-canary"], purpose: "track" },
    ]);
    assert.deepEqual(p.routes, []);
    assert.deepEqual(p.gates, []);
    assert.deepEqual(p.steps, [
      "apply canary Deployment demo-canary (new, 2 pod(s)) and wait until available; by replicas its pods join Service demo as soon as they are ready, before any gate, next to stable's current pods",
      "scale stable demo to 5: Service demo spreads traffic over 5 stable + 2 canary pods (~29% canary)",
    ]);
    assert.equal(p.podsAfter, 7);
    // 7 old stable + 2 canary + the canary's surge of 1
    assert.equal(p.peakPods, 10);
    assert.equal(p.minReadyPods, 5);
    assert.equal(p.trafficTo, `${vA} (71%) / new (29%)`);
    assert.equal("release" in p, false);
  });

  it("by replicas with a gate: stable waits for the canary and the gate; a failure scales stable back", () => {
    const p = planApp(app(4, { stable: { image: A }, weight: 25, gates: { smoke: {} } }), ctx);
    assert.deepEqual(p.gates, [
      {
        name: "demo-canary-gate",
        image: B,
        service: "demo-canary",
        config: smokeDefaults,
        after: ["service:demo-canary"],
        guards: "canary weight 25%",
        step: "weight 25%",
        onFailure: {
          scale: [
            { workload: "demo", replicas: 4 },
            { workload: "demo-canary", replicas: 0 },
          ],
          summary: `stable demo (${vA}) scaled back to 4 pods and the canary to 0: all traffic on stable`,
        },
      },
    ]);
    assert.deepEqual(p.workloads[0].after, ["workload:demo-canary", "gate:demo-canary-gate"]);
    assert.equal(
      p.steps[1],
      `gate: HTTP GET / expects 200 against demo-canary; a failure puts traffic back on stable (stable demo (${vA}) scaled back to 4 pods and the canary to 0: all traffic on stable), fails \`pulumi up\` with the reason, and the next \`pulumi up\` retries this step`,
    );
    assert.equal(p.trafficTo, `${vA} (75%) / new (25%)`);
  });

  it("by gateway, 30% of 7 at step 2 of 3: 3 canary pods, stable keeps 7, the route sets the weights after the gate", () => {
    const p = planApp(
      app(7, { traffic: "gateway", gateway: gw, stable: { image: A }, weight: 30, steps: [10, 30, 60], gates: { smoke: {} } }),
      ctx,
    );
    const gateway = { name: "gw", namespace: "gw-ns", hostnames: [] };
    assert.equal(p.strategy, "canary 30% (gateway) step 2/3");
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.replicas, w.after, w.timeoutSeconds]),
      [
        ["demo", 7, [], 270],
        ["demo-canary", 3, [], 218],
      ],
    );
    assert.deepEqual(p.services, [
      { name: "demo", selectorExtra: track("stable"), after: [], purpose: "live" },
      { name: "demo-canary", selectorExtra: track("canary"), after: ["workload:demo-canary"], purpose: "track" },
    ]);
    assert.deepEqual(p.routes, [
      {
        name: "demo",
        gateway,
        rules: [
          {
            backends: [
              { service: "demo", weight: 70 },
              { service: "demo-canary", weight: 30 },
            ],
          },
        ],
        after: ["workload:demo", "workload:demo-canary", "service:demo-canary", "gate:demo-canary-gate"],
        revertible: true,
      },
    ]);
    assert.deepEqual(p.gates[0].onFailure, {
      scale: [],
      route: { name: "demo", gateway, rules: [{ backends: [{ service: "demo", weight: 100 }] }] },
      summary: `HTTPRoute demo sends 100% to stable ${vA}`,
    });
    assert.deepEqual(p.steps, [
      "apply canary Deployment demo-canary (new, 3 pod(s)) and wait until available (it gets no traffic until the route's weights change)",
      `gate: HTTP GET / expects 200 against demo-canary; a failure puts traffic back on stable (HTTPRoute demo sends 100% to stable ${vA}), fails \`pulumi up\` with the reason, and the next \`pulumi up\` retries this step`,
      "set HTTPRoute demo weights: stable 70 / canary 30",
    ]);
    assert.equal(p.podsAfter, 10);
    assert.equal(p.peakPods, 11);
    assert.equal(p.minReadyPods, 7);
    assert.equal(p.trafficTo, `${vA} (70%) / new (30%)`);
  });

  it("weight 0 (rollback): no canary, no gate, all traffic on stable; a weight not in steps gets no step number", () => {
    const p = planApp(app(4, { stable: { image: A }, weight: 0, steps: [10, 20], gates: { smoke: {} } }), ctx);
    assert.equal(p.strategy, "canary 0% (replicas)");
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.replicas, w.image, w.after]),
      [["demo", 4, A, []]],
    );
    assert.deepEqual(p.services, [{ name: "demo", selectorExtra: {}, after: [], purpose: "live" }]);
    assert.deepEqual(p.gates, []);
    assert.deepEqual(p.steps, [`remove the canary: all traffic on stable ${vA} (rollback)`]);
    assert.equal(p.podsAfter, 4);
    assert.equal(p.peakPods, 4);
    assert.equal(p.minReadyPods, 4);
    assert.equal(p.trafficTo, `${vA} (100%)`);
  });

  it("weight 0 by gateway: the route sends everything to stable", () => {
    const p = planApp(app(4, { traffic: "gateway", gateway: gw, stable: { image: A }, weight: 0 }), ctx);
    assert.deepEqual(p.routes[0].rules, [{ backends: [{ service: "demo", weight: 100 }] }]);
    assert.deepEqual(p.routes[0].after, ["workload:demo"]);
    assert.equal(p.steps.length, 1);
  });

  it("promote by replicas with a gate: stable rolls to the candidate after the gate, the canary goes", () => {
    const p = planApp(app(4, { stable: { image: A }, weight: 100, promote: true, gates: { smoke: {} } }), ctx);
    assert.equal(p.strategy, "canary promote (replicas)");
    assert.deepEqual(p.workloads, [
      {
        name: "demo",
        kind: "Deployment",
        trackLabels: track("stable"),
        replicas: 4,
        image: B,
        version: "new",
        update: surge25,
        timeoutSeconds: 270,
        after: ["gate:demo-canary-gate"],
        revertible: true,
      },
    ]);
    assert.deepEqual(p.services, [
      { name: "demo", selectorExtra: {}, after: [], purpose: "live" },
      { name: "demo-canary", selectorExtra: track("canary"), after: [], purpose: "track" },
    ]);
    assert.deepEqual(p.routes, []);
    assert.deepEqual([p.gates[0].image, p.gates[0].guards, p.gates[0].step], [B, "stable -> new", "promote"]);
    assert.deepEqual(p.steps, [
      `gate: HTTP GET / expects 200 against the canary; a failure puts traffic back on stable (stable demo (${vA}) scaled back to 4 pods and the canary to 0: all traffic on stable), fails \`pulumi up\` with the reason, and the next \`pulumi up\` retries this step`,
      "roll stable Deployment demo to new (4 pods, up to 270s)",
      "remove the canary Deployment demo-canary after stable is available",
    ]);
    assert.equal(p.podsAfter, 4);
    // 4 + stable's surge of 1 + a canary of half the pods (2) still running
    assert.equal(p.peakPods, 7);
    assert.equal(p.minReadyPods, 4);
    assert.equal(p.trafficTo, "new (100%)");
  });

  it("promote by gateway without a gate: the route goes to 100% stable after its rollout", () => {
    const p = planApp(app(7, { traffic: "gateway", gateway: gw, stable: { image: A }, weight: 100, promote: true }), ctx);
    assert.equal(p.strategy, "canary promote (gateway)");
    assert.deepEqual(p.workloads[0].after, []);
    assert.deepEqual(p.services, [{ name: "demo", selectorExtra: track("stable"), after: [], purpose: "live" }]);
    assert.deepEqual(p.routes, [
      {
        name: "demo",
        gateway: { name: "gw", namespace: "gw-ns", hostnames: [] },
        rules: [{ backends: [{ service: "demo", weight: 100 }] }],
        after: ["workload:demo"],
        revertible: true,
      },
    ]);
    assert.deepEqual(p.steps, [
      "roll stable Deployment demo to new (7 pods, up to 270s)",
      "route 100% to demo",
      "remove the canary Deployment demo-canary after stable is available",
    ]);
    // 7 + surge 2 + ceil(3.5) = 4
    assert.equal(p.peakPods, 13);
  });
});

describe("strategies/canary: continued from the record", () => {
  it("first release: stable takes the image, no canary", () => {
    const p = planApp(app(4, { steps: [20, 50] }), ctx);
    assert.equal(p.strategy, "canary 0% (replicas)");
    assert.deepEqual(p.steps, [
      "first release: nothing serves yet, so stable takes this update's image (no canary)",
      "no canary: all traffic on stable new",
    ]);
    assert.deepEqual(p.release, { stable: { image: B, key: B } });
  });

  it("a new image: step 1 of 2 at 20% (1 of 4 pods)", () => {
    const releases = { demo: { stable: { image: A, key: A } } };
    const p = planApp(app(4, { steps: [20, 50] }), { ...ctx, releases, releaseKey: "kB" });
    assert.equal(p.strategy, "canary 20% (replicas) step 1/2");
    assert.deepEqual(p.steps, [
      "new canary: step 1/2 at 20%",
      "apply canary Deployment demo-canary (new, 1 pod(s)) and wait until available; by replicas its pods join Service demo as soon as they are ready, before any gate, next to stable's current pods",
      "scale stable demo to 3: Service demo spreads traffic over 3 stable + 1 canary pods (~25% canary)",
    ]);
    assert.deepEqual(p.release, { stable: { image: A, key: A }, canary: { image: B, key: "kB", step: 0 } });
    assert.equal(p.trafficTo, `${vA} (75%) / new (25%)`);
  });

  it("after the last step: promote", () => {
    const releases = { demo: { stable: { image: A, key: A }, canary: { image: B, key: B, step: 1 } } };
    const p = planApp(app(4, { steps: [20, 50] }), { ...ctx, releases });
    assert.equal(p.strategy, "canary promote (replicas)");
    assert.deepEqual(p.steps, [
      "every step passed: promote, stable rolls to it",
      "roll stable Deployment demo to new (4 pods, up to 270s)",
      "remove the canary Deployment demo-canary after stable is available",
    ]);
    assert.deepEqual(p.release, { stable: { image: B, key: B } });
  });
});
