// The plan graph: creation order, edges by reference, and the exported form. Expected orders are
// written out by hand from the strategies' dependency rules.
import { strict as assert } from "assert";
import { appSchema } from "../../../config/schema";
import { exportPlan, planOrder } from "../../../strategies/graph";
import { planApp } from "../../../strategies/plan";
import type { AppPlan, PlanNode } from "../../../strategies/types";

const A = `registry.example/team/okeydokey@sha256:${"a".repeat(64)}`;
const B = `registry.example/team/okeydokey@sha256:${"b".repeat(64)}`;
const C = `registry.example/team/okeydokey@sha256:${"c".repeat(64)}`;
const gateway = { name: "public", namespace: "gw", hostnames: [] };
const smoke = { smoke: { path: "/" } };

const plan = (strategy: Record<string, unknown>, releases: Record<string, unknown> = {}, key = C, replicas = 4): AppPlan =>
  planApp(appSchema("local").parse({ name: "demo", replicas, strategy }), {
    environment: "local",
    image: "<stack>",
    version: "new",
    releases: releases as never,
    releaseKey: key,
  });
const keys = (p: AppPlan) => planOrder(p).map((n) => `${n.kind}:${n.node.name}`);
const bgRecord = { demo: { live: "green", slots: { blue: { image: A, key: A }, green: { image: B, key: B } } } };

describe("plan graph: creation order (strategies/graph.ts)", () => {
  it("blue/green, scaleDown: the old slot scales down after the live Service switched, which waits for the new slot", () => {
    const p = plan({ type: "blueGreen", autoPromote: true, idle: "scaleDown" }, bgRecord);
    assert.deepEqual(keys(p), ["workload:demo-blue", "service:demo-preview", "service:demo", "workload:demo-green"]);
    assert.equal(p.workloads[1].after[0], p.services[1], "the edge is the live Service node itself");
  });

  it("blue/green, held release with a gate: the gate checks the idle slot through preview; live waits only for its own slot", () => {
    const p = plan({ type: "blueGreen", autoPromote: false, gates: smoke }, bgRecord);
    assert.deepEqual(keys(p), ["workload:demo-blue", "workload:demo-green", "service:demo-preview", "service:demo", "gate:demo-blue-gate"]);
    assert.deepEqual(
      exportPlan(p).services.map((s) => [s.name, s.after]),
      [
        ["demo-preview", ["workload:demo-blue"]],
        ["demo", ["workload:demo-green"]],
      ],
    );
    assert.equal(p.gates[0].image, "<stack>", "the gate tests the image the preview slot runs");
  });

  it("canary by gateway with a gate: the route's weights change last, after both tracks, the canary Service and the gate", () => {
    const p = plan({ type: "canary", traffic: "gateway", gateway, stable: { image: A }, weight: 20, steps: [20], gates: smoke });
    assert.deepEqual(keys(p), [
      "workload:demo",
      "workload:demo-canary",
      "service:demo",
      "service:demo-canary",
      "gate:demo-canary-gate",
      "route:demo",
    ]);
    const exported = exportPlan(p);
    assert.deepEqual(exported.routes[0].after, ["workload:demo", "workload:demo-canary", "service:demo-canary", "gate:demo-canary-gate"]);
    assert.deepEqual([exported.gates[0].service, exported.gates[0].after], ["demo-canary", ["service:demo-canary"]]);
    assert.equal(p.gates[0].service, p.services[1]);
  });

  it("canary promotion with a gate: stable rolls only after the gate passed against the canary Service", () => {
    const p = plan({ type: "canary", stable: { image: A }, weight: 100, promote: true, steps: [20], gates: smoke });
    assert.deepEqual(keys(p), ["service:demo", "service:demo-canary", "gate:demo-canary-gate", "workload:demo"]);
    assert.equal(p.workloads[0].after[0], p.gates[0]);
    assert.equal(p.gates[0].image, "<stack>");
  });

  it("canary by replicas: stable shrinks after the canary is available and its gate passed", () => {
    const p = plan({ type: "canary", stable: { image: A }, weight: 25, steps: [25], gates: smoke });
    assert.deepEqual(keys(p), ["workload:demo-canary", "service:demo", "service:demo-canary", "gate:demo-canary-gate", "workload:demo"]);
    assert.deepEqual(
      exportPlan(p).workloads.map((w) => [w.name, w.after]),
      [
        ["demo", ["workload:demo-canary", "gate:demo-canary-gate"]],
        ["demo-canary", []],
      ],
    );
  });

  it("A/B: the route comes after both track Services, each after its own Deployment", () => {
    const p = plan({ type: "abTest", gateway, match: { header: { name: "X-Variant", value: "b" } } });
    assert.deepEqual(keys(p), ["workload:demo-a", "workload:demo-b", "service:demo", "service:demo-a", "service:demo-b", "route:demo"]);
    assert.deepEqual(exportPlan(p).routes[0].after, ["service:demo-a", "service:demo-b"]);
  });

  it("every strategy's plan orders each node once, after every node it comes after", () => {
    const plans = [
      plan({ type: "recreate" }),
      plan({ type: "rolling" }),
      plan({ type: "blueGreen", autoPromote: true }),
      plan({ type: "blueGreen", autoPromote: true, gates: smoke }, bgRecord),
      plan({ type: "blueGreen", rollback: true, gates: smoke, idle: "scaleDown" }, bgRecord, B),
      plan({ type: "blueGreen", live: "blue", idle: "scaleDown", slots: { blue: { image: A }, green: { image: B } }, gates: smoke }),
      plan(
        { type: "canary", steps: [20, 50], gates: smoke },
        { demo: { stable: { image: A, key: A }, canary: { image: C, key: C, step: 1 } } },
      ),
      plan({ type: "canary", traffic: "gateway", gateway, steps: [10], gates: smoke }, { demo: { stable: { image: A, key: A } } }),
      plan(
        { type: "abTest", gateway, match: { cookie: { name: "v", value: "b" } } },
        { demo: { a: { image: A, key: A }, b: { image: A, key: A } } },
      ),
    ];
    for (const p of plans) {
      const order = planOrder(p).map((n) => n.node);
      const all = [...p.workloads, ...p.services, ...p.gates, ...p.routes];
      assert.equal(order.length, all.length, p.strategy);
      assert.equal(new Set(order).size, all.length, p.strategy);
      order.forEach((n, i) => n.after.forEach((a) => assert.ok(order.indexOf(a) >= 0 && order.indexOf(a) < i, `${p.strategy}: ${n.name}`)));
    }
  });

  it("all-pinned blue/green with scaleDown: preview shows the idle slot, which scales down only after live moved", () => {
    const p = plan({ type: "blueGreen", live: "blue", idle: "scaleDown", slots: { blue: { image: A }, green: { image: B } } });
    assert.deepEqual(keys(p), ["workload:demo-blue", "service:demo", "workload:demo-green", "service:demo-preview"]);
  });

  it("an edge to a node outside the plan, or a cycle, is refused with the node's key", () => {
    const p = plan({ type: "blueGreen", autoPromote: true, idle: "scaleDown" }, bgRecord);
    const outside = { ...p, services: [p.services[0]] };
    assert.throws(() => planOrder(outside), /^Error: rollout plan: workload:demo-green comes after a node the plan does not contain$/);
    assert.deepEqual(exportPlan(outside).workloads[1].after, ["(not in the plan)"]);
    const w = { ...p.workloads[0], after: [] as PlanNode[] };
    const s = { ...p.services[0], after: [w] };
    w.after.push(s);
    assert.throws(
      () => planOrder({ ...p, workloads: [w], services: [s] }),
      /^Error: rollout plan has a dependency cycle among workload:demo-blue, service:demo-preview$/,
    );
  });
});
