// strategies/ab-test.ts: the route match of an A/B rule, which variants are tracked, and the plan.
import { strict as assert } from "assert";
import { appSchema } from "../../../config/schema";
import { abMatch, abTestState, isTrackedAbTest } from "../../../strategies/ab-test";
import { planApp } from "../../../strategies/plan";
import { exportedPlan } from "../../support/plans";

const A = `registry.example/team/web@sha256:${"a".repeat(64)}`;
const B = `registry.example/team/web@sha256:${"b".repeat(64)}`;
const gateway = { name: "public", namespace: "gw", hostnames: ["shop.example.com"] };
const app = (strategy: Record<string, unknown>, replicas = 5) =>
  appSchema("local").parse({ name: "web", replicas, strategy: { type: "abTest", gateway, ...strategy } });
const abOf = (a: ReturnType<typeof app>) => {
  if (a.strategy?.type !== "abTest") throw new Error("not an A/B app");
  return a.strategy;
};
const ctx = { environment: "local" as const, image: "<stack>", version: "new" };
const header = { header: { name: "X-Variant", value: "b" } };
const cookie = { cookie: { name: "v", value: "b.2" } };

describe("strategies/ab-test: abMatch", () => {
  it("a header matches exactly", () => {
    assert.deepEqual(abMatch(header), { header: { name: "X-Variant", value: "b", type: "Exact" } });
  });

  it("a cookie matches inside the Cookie header, its dots escaped, anywhere in the list", () => {
    const m = abMatch(cookie);
    assert.deepEqual(m, { header: { name: "Cookie", value: "(^|.*;\\s*)v=b\\.2(;.*|$)", type: "RegularExpression" } });
    const re = new RegExp(`^${m.header.value}$`);
    assert.equal(re.test("v=b.2"), true);
    assert.equal(re.test("a=1; v=b.2; z=3"), true);
    assert.equal(re.test("v=bx2"), false, "an unescaped dot would match any character");
    assert.equal(re.test("xv=b.2"), false);
    assert.equal(re.test("v=b.23"), false);
  });
});

describe("strategies/ab-test: tracked or pinned", () => {
  it("tracked only when neither variant names an image", () => {
    assert.equal(isTrackedAbTest(abOf(app({ match: header }))), true);
    assert.equal(isTrackedAbTest(abOf(app({ match: header, a: { image: A } }))), false);
    assert.equal(isTrackedAbTest(abOf(app({ match: header, b: { image: B } }))), false);
    assert.equal(isTrackedAbTest(abOf(app({ match: header, a: { image: A }, b: { image: B } }))), false);
  });

  it("pinned: each variant runs its image or the stack's, with no decision to show", () => {
    const a = app({ match: header, a: { image: A } });
    assert.deepEqual(abTestState(a, abOf(a), ctx), { a: { image: A, key: A }, b: "stack", decision: "" });
  });

  it("tracked with no record yet (no releases read): both take the stack image", () => {
    const a = app({ match: header });
    const s = abTestState(a, abOf(a), ctx);
    assert.deepEqual([s.a, s.b], ["stack", "stack"]);
    assert.equal(s.decision, "first release: A and B both take this update's image; the next image goes to B alone");
  });
});

describe("strategies/ab-test: planAbTest", () => {
  it("A pinned, B on the stack image by cookie: B gets half of 5 rounded down; peak adds the larger surge", () => {
    const p = exportedPlan(app({ match: cookie, a: { image: A }, b: {} }), ctx);
    assert.equal(p.strategy, "a/b test");
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.image, w.version, w.replicas, w.trackLabels, w.role]),
      [
        ["web-a", A, "sha256-aaaaaaaaaaaa", 5, { "rollout.dev/variant": "a" }, undefined],
        ["web-b", "<stack>", "new", 2, { "rollout.dev/variant": "b" }, "canary"],
      ],
    );
    assert.deepEqual(p.services, [
      { name: "web", selectorExtra: { "rollout.dev/variant": "a" }, after: ["workload:web-a"], purpose: "live" },
      { name: "web-a", selectorExtra: { "rollout.dev/variant": "a" }, after: ["workload:web-a"], purpose: "track" },
      { name: "web-b", selectorExtra: { "rollout.dev/variant": "b" }, after: ["workload:web-b"], purpose: "track" },
    ]);
    assert.deepEqual(p.routes, [
      {
        name: "web",
        gateway,
        rules: [
          {
            match: { header: { name: "Cookie", value: "(^|.*;\\s*)v=b\\.2(;.*|$)", type: "RegularExpression" } },
            backends: [{ service: "web-b", weight: 1 }],
          },
          { backends: [{ service: "web-a", weight: 1 }] },
        ],
        after: ["service:web-a", "service:web-b"],
      },
    ]);
    assert.deepEqual(p.steps, [
      "apply Deployments web-a (sha256-aaaaaaaaaaaa, 5) and web-b (new, 2); wait until available",
      "route requests with cookie v=b.2 to B, everything else to A (HTTPRoute web)",
    ]);
    // 25% surge: 2 of A's 5 (rounded up), 1 of B's 2.
    assert.deepEqual([p.podsAfter, p.peakPods, p.minReadyPods], [7, 9, 5]);
    assert.equal(p.trafficTo, "cookie v=b.2 -> B (new); rest -> A (sha256-aaaaaaaaaaaa)");
    assert.equal("release" in p, false);
  });

  it("tracked by header, bReplicas set: the decision comes first and the record names both", () => {
    const p = planApp(app({ match: header, bReplicas: 3 }, 4), { ...ctx, releaseKey: "commit:1" });
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.replicas]),
      [
        ["web-a", 4],
        ["web-b", 3],
      ],
    );
    assert.deepEqual(p.steps, [
      "first release: A and B both take this update's image; the next image goes to B alone",
      "apply Deployments web-a (new, 4) and web-b (new, 3); wait until available",
      "route requests with header X-Variant: b to B, everything else to A (HTTPRoute web)",
    ]);
    assert.deepEqual([p.podsAfter, p.peakPods, p.minReadyPods], [7, 8, 4]);
    assert.deepEqual(p.release, { a: { image: "<stack>", key: "commit:1" }, b: { image: "<stack>", key: "commit:1" } });
  });

  it("B pinned, 1 replica: B still gets one pod", () => {
    const p = planApp(app({ match: header, b: { image: B } }, 1), ctx);
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.image, w.replicas]),
      [
        ["web-a", "<stack>", 1],
        ["web-b", B, 1],
      ],
    );
    assert.equal(p.trafficTo, "header X-Variant: b -> B (sha256-bbbbbbbbbbbb); rest -> A (new)");
  });
});
