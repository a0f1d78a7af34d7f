// strategies/rolling.ts: the plan of a rolling update, paused or not, from config and the app's record.
import { strict as assert } from "assert";
import { appSchema } from "../../../config/schema";
import { exportedPlan as planApp } from "../../support/plans";

const A = `registry.example/team/okeydokey@sha256:${"a".repeat(64)}`;
const B = `registry.example/team/okeydokey@sha256:${"b".repeat(64)}`;
const app = (strategy: Record<string, unknown> = {}, o: Record<string, unknown> = {}) =>
  appSchema("local").parse({ name: "demo", replicas: 7, ...o, strategy: { type: "rolling", ...strategy } });
const ctx = { environment: "local" as const, image: B, version: "new", releases: {} };

describe("strategies/rolling: planRolling", () => {
  it("25%/25% of 7: 2 extra and 1 unavailable pod at a time, so 9 at peak and 6 ready at least", () => {
    const p = planApp(app(), ctx);
    assert.equal(p.strategy, "rolling");
    assert.equal(p.peakPods, 9);
    assert.equal(p.minReadyPods, 6);
    assert.equal(p.podsAfter, 7);
    assert.equal(p.trafficTo, "new");
    assert.deepEqual(p.steps, [
      "first release: recorded for undo",
      "apply Deployment demo (RollingUpdate): up to 2 extra and 1 unavailable pod(s) at a time; pulumi up waits up to 218s",
    ]);
    assert.equal(p.workloads.length, 1);
    assert.equal(p.workloads[0].name, "demo");
    assert.equal(p.workloads[0].image, B);
    assert.equal(p.workloads[0].version, "new");
    assert.equal("paused" in p.workloads[0], false);
    assert.deepEqual(p.services, [{ name: "demo", selectorExtra: {}, after: [], purpose: "live" }]);
    assert.deepEqual(p.release, { current: { image: B, key: B } });
  });

  it("absolute counts: surge 3 and unavailable 2 of 7", () => {
    const p = planApp(app({ maxSurge: 3, maxUnavailable: 2 }), ctx);
    assert.equal(p.peakPods, 10);
    assert.equal(p.minReadyPods, 5);
    assert.match(p.steps[1], /^apply Deployment demo \(RollingUpdate\): up to 3 extra and 2 unavailable pod\(s\) at a time; /);
  });

  it("the release key names this update's image when given, the image otherwise", () => {
    const p = planApp(app(), { ...ctx, releaseKey: "key-1" });
    assert.deepEqual(p.release, { current: { image: B, key: "key-1" } });
  });

  it("paused: the Deployment is applied paused, nothing rolls, traffic unchanged", () => {
    const p = planApp(app({ pause: true }), ctx);
    assert.equal(p.strategy, "rolling (paused)");
    assert.equal(p.workloads[0].paused, true);
    assert.equal(p.peakPods, 7);
    assert.equal(p.minReadyPods, 7);
    assert.equal(p.podsAfter, 7);
    assert.equal(p.trafficTo, "unchanged (paused; new once resumed)");
    assert.deepEqual(p.steps, [
      "first release: recorded for undo",
      "apply Deployment demo paused (spec.paused): its template is stored, no pod changes and pulumi up does not wait; set pause: false to resume the rollout",
    ]);
    assert.deepEqual(p.services, [{ name: "demo", selectorExtra: {}, after: [], purpose: "live" }]);
    assert.deepEqual(p.release, { current: { image: B, key: B } });
  });

  it("a pinned image: no decision and no record", () => {
    const p = planApp(app({}, { image: A }), ctx);
    assert.equal(p.release, undefined);
    assert.equal("release" in p, false);
    assert.deepEqual(p.steps, [
      "apply Deployment demo (RollingUpdate): up to 2 extra and 1 unavailable pod(s) at a time; pulumi up waits up to 218s",
    ]);
    assert.equal(p.workloads[0].image, A);
    const paused = planApp(app({ pause: true }, { image: A }), ctx);
    assert.equal(paused.steps.length, 1);
  });

  it("undo without a ConfigMap before: the previous image, no ConfigMap, traffic to its digest", () => {
    const releases = { demo: { current: { image: B, key: B }, previous: { image: A, key: A } } };
    const p = planApp(app({ undo: true }), { ...ctx, releases });
    assert.equal(p.strategy, "rolling (undo)");
    assert.deepEqual([p.workloads[0].image, p.workloads[0].version, p.workloads[0].config], [A, "sha256-aaaaaaaaaaaa", {}]);
    assert.equal(p.trafficTo, "sha256-aaaaaaaaaaaa");
    const paused = planApp(app({ undo: true, pause: true }), { ...ctx, releases });
    assert.equal(paused.trafficTo, "unchanged (paused; sha256-aaaaaaaaaaaa once resumed)");
    assert.equal(paused.workloads[0].image, A);
  });

  it("the same image again: the stack's image runs, no undo", () => {
    const releases = { demo: { current: { image: B, key: B }, previous: { image: A, key: A } } };
    const p = planApp(app(), { ...ctx, releases });
    assert.equal(p.strategy, "rolling");
    assert.equal(p.workloads[0].image, B);
    assert.equal(p.workloads[0].config, undefined);
  });
});
