// strategies/plan.ts: the plans of StatefulSets, DaemonSets and recreate, and withImage (the plan as
// exported once the stack image is known). The other strategies have their own files.
import { strict as assert } from "assert";
import { appSchema } from "../../../config/schema";
import { AppPlan, withImage } from "../../../strategies/plan";
import { exportedPlan as planApp } from "../../support/plans";

const A = `registry.example/team/db@sha256:${"a".repeat(64)}`;
const B = `registry.example/team/db@sha256:${"b".repeat(64)}`;
const app = (o: Record<string, unknown>) => appSchema("local").parse({ name: "db", ...o });
const ctx = { environment: "local" as const, image: B, version: "new", releases: {} };
const headless = { name: "db-headless", selectorExtra: {}, after: [], purpose: "headless" };
const live = { name: "db", selectorExtra: {}, after: [], purpose: "live" };

describe("strategies/plan: StatefulSet", () => {
  it("partition 2 of 5: ordinals 2..4 update (3 pods), 0..1 stay; one pod down at a time", () => {
    const p = planApp(app({ kind: "StatefulSet", replicas: 5, statefulSet: { partition: 2 } }), ctx);
    assert.equal(p.strategy, "statefulset-partition");
    assert.equal(p.namespace, "local-db");
    assert.deepEqual(p.services, [headless, live]);
    assert.deepEqual(p.steps, [
      "apply StatefulSet db: ordinals 2..4 updated one at a time, highest first (3 pod(s)); wait up to 218s",
      "ordinals 0..1 keep the current revision until partition is lowered",
    ]);
    assert.equal(p.podsAfter, 5);
    assert.equal(p.peakPods, 5);
    assert.equal(p.minReadyPods, 4);
    assert.equal(p.trafficTo, "new on 3 of 5 ordinals");
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.kind, w.replicas, w.image, w.version, w.trackLabels]),
      [["db", "StatefulSet", 5, B, "new", { "rollout.dev/track": "stable" }]],
    );
    assert.equal("release" in p, false);
  });

  it("partition 0 (the default): every ordinal updates, no ordinal is held back", () => {
    const p = planApp(app({ kind: "StatefulSet", replicas: 3 }), ctx);
    assert.equal(p.strategy, "statefulset-rolling");
    assert.equal(p.steps.length, 1);
    assert.match(
      p.steps[0],
      /^apply StatefulSet db: ordinals 0\.\.2 updated one at a time, highest first \(3 pod\(s\)\); wait up to \d+s$/,
    );
    assert.equal(p.minReadyPods, 2);
    assert.equal(p.trafficTo, "new");
  });

  it("partition 1 of 1 replica: nothing updates, so no pod goes down", () => {
    const p = planApp(app({ kind: "StatefulSet", replicas: 1, statefulSet: { partition: 1 } }), ctx);
    assert.equal(p.strategy, "statefulset-partition");
    assert.equal(p.steps[0], "apply StatefulSet db: partition 1 = replicas, so no ordinal is updated; lower partition to roll out");
    assert.equal(p.steps[1], "ordinals 0..0 keep the current revision until partition is lowered");
    assert.equal(p.minReadyPods, 1);
    assert.equal(p.trafficTo, "new on 0 of 1 ordinals");
  });

  it("OnDelete: pulumi up changes no pod, so every pod stays ready", () => {
    const p = planApp(app({ kind: "StatefulSet", replicas: 5, statefulSet: { updateStrategy: "OnDelete" } }), ctx);
    assert.equal(p.strategy, "statefulset-ondelete");
    assert.deepEqual(p.services, [headless, live]);
    assert.deepEqual(p.steps, ["apply StatefulSet db (OnDelete: pods change only when deleted; pulumi up does not wait)"]);
    assert.equal(p.podsAfter, 5);
    assert.equal(p.peakPods, 5);
    assert.equal(p.minReadyPods, 5);
    assert.equal(p.trafficTo, "new");
  });
});

describe("strategies/plan: DaemonSet", () => {
  it("rolling: node by node with the configured budget; pod counts depend on nodes, so 0", () => {
    const p = planApp(app({ kind: "DaemonSet", daemonSet: { maxUnavailable: 2, maxSurge: 0 } }), ctx);
    assert.equal(p.strategy, "daemonset-rolling");
    assert.deepEqual(p.services, [live]);
    assert.deepEqual(p.steps, ["apply DaemonSet db: node by node, maxUnavailable 2, maxSurge 0"]);
    assert.deepEqual([p.podsAfter, p.peakPods, p.minReadyPods], [0, 0, 0]);
    assert.equal(p.trafficTo, "new");
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.kind, w.image]),
      [["db", "DaemonSet", B]],
    );
  });

  it("OnDelete: applied, no pod changes", () => {
    const p = planApp(app({ kind: "DaemonSet", daemonSet: { updateStrategy: "OnDelete" } }), ctx);
    assert.equal(p.strategy, "daemonset-ondelete");
    assert.deepEqual(p.steps, ["apply DaemonSet db (OnDelete: pods change only when deleted; pulumi up does not wait)"]);
  });
});

describe("strategies/plan: recreate", () => {
  it("on the stack image: recorded for undo, every pod down in between", () => {
    const p = planApp(app({ replicas: 3, strategy: { type: "recreate" } }), ctx);
    assert.equal(p.strategy, "recreate");
    assert.deepEqual(p.services, [live]);
    assert.deepEqual(p.steps, [
      "first release: recorded for undo",
      "apply Deployment db (Recreate): all 3 old pod(s) stop, then 3 new pod(s) start: expect an outage window",
    ]);
    assert.deepEqual([p.podsAfter, p.peakPods, p.minReadyPods], [3, 3, 0]);
    assert.equal(p.trafficTo, "new");
    assert.deepEqual(p.release, { current: { image: B, key: B } });
  });

  it("a pinned image: no decision, no record, not an undo", () => {
    const p = planApp(app({ replicas: 3, image: A, strategy: { type: "recreate" } }), ctx);
    assert.equal(p.strategy, "recreate");
    assert.deepEqual(p.steps, ["apply Deployment db (Recreate): all 3 old pod(s) stop, then 3 new pod(s) start: expect an outage window"]);
    assert.equal(p.trafficTo, "sha256-aaaaaaaaaaaa");
    assert.equal("release" in p, false);
  });

  it("undo: the previous image, traffic to its digest", () => {
    const releases = { db: { current: { image: B, key: B }, previous: { image: A, key: A } } };
    const p = planApp(app({ replicas: 2, strategy: { type: "recreate", undo: true } }), { ...ctx, releases });
    assert.equal(p.strategy, "recreate (undo)");
    assert.equal(p.workloads[0].image, A);
    assert.equal(p.trafficTo, "sha256-aaaaaaaaaaaa");
    assert.deepEqual(p.release, { current: { image: A, key: A }, previous: { image: B, key: B }, undone: true });
  });
});

describe("strategies/plan: withImage", () => {
  const P = "<stack>";
  const image = `registry.example/team/db@sha256:${"c".repeat(64)}`;
  const workload = (name: string, img: string, version: string) => ({
    name,
    kind: "Deployment" as const,
    trackLabels: {},
    replicas: 1,
    image: img,
    version,
    update: { type: "recreate" as const },
    timeoutSeconds: 60,
    after: [],
  });
  const base = (release?: AppPlan["release"]): AppPlan => {
    const pinned = workload("db-a", A, "sha256-aaaaaaaaaaaa");
    const stack = workload("db-b", P, P);
    const service = { name: "db-b", selectorExtra: {}, after: [], purpose: "track" as const };
    const gate = (name: string, img: string) => ({ name, image: img, service, config: {}, after: [], guards: "" });
    return {
      app: "db",
      namespace: "local-db",
      kind: "Deployment",
      strategy: "test",
      workloads: [pinned, stack],
      services: [service],
      routes: [],
      gates: [gate("db-gate-b", P), gate("db-gate-a", A)],
      steps: [`apply ${P} then ${P}`, "nothing to replace"],
      podsAfter: 2,
      peakPods: 2,
      minReadyPods: 1,
      trafficTo: `${P} on db-b`,
      ...(release ? { release } : {}),
    };
  };

  it("only what ran the placeholder takes the image; steps and traffic show the version", () => {
    const p = withImage(base(), P, image, "v-9");
    assert.deepEqual(
      p.workloads.map((w) => [w.name, w.image, w.version]),
      [
        ["db-a", A, "sha256-aaaaaaaaaaaa"],
        ["db-b", image, "v-9"],
      ],
    );
    assert.deepEqual(
      p.gates.map((g) => [g.name, g.image, g.service]),
      [
        ["db-gate-b", image, "db-b"],
        ["db-gate-a", A, "db-b"],
      ],
    );
    assert.deepEqual(p.steps, ["apply v-9 then v-9", "nothing to replace"]);
    assert.equal(p.trafficTo, "v-9 on db-b");
    assert.deepEqual([p.app, p.strategy, p.podsAfter, p.peakPods, p.minReadyPods], ["db", "test", 2, 2, 1]);
    assert.equal("release" in p, false);
  });

  it("a revision record: current and previous", () => {
    const p = withImage(base({ current: { image: P, key: "k2" }, previous: { image: A, key: "k1" }, undone: true }), P, image, "v");
    assert.deepEqual(p.release, { current: { image, key: "k2" }, previous: { image: A, key: "k1" }, undone: true });
    const first = withImage(base({ current: { image: P, key: "k2" } }), P, image, "v");
    assert.deepEqual(first.release, { current: { image, key: "k2" } });
  });

  it("a canary record: stable and canary", () => {
    const p = withImage(base({ stable: { image: A, key: "k1" }, canary: { image: P, key: "k2", step: 1 } }), P, image, "v");
    assert.deepEqual(p.release, { stable: { image: A, key: "k1" }, canary: { image, key: "k2", step: 1 } });
    const promoted = withImage(base({ stable: { image: P, key: "k2" } }), P, image, "v");
    assert.deepEqual(promoted.release, { stable: { image, key: "k2" } });
  });

  it("an A/B record: a and b", () => {
    const p = withImage(base({ a: { image: A, key: "k1" }, b: { image: P, key: "k2" } }), P, image, "v");
    assert.deepEqual(p.release, { a: { image: A, key: "k1" }, b: { image, key: "k2" } });
  });

  it("a blue/green record: every slot, and which one is live", () => {
    const p = withImage(base({ live: "green", slots: { blue: { image: A, key: "k1" }, green: { image: P, key: "k2" } } }), P, image, "v");
    assert.deepEqual(p.release, { live: "green", slots: { blue: { image: A, key: "k1" }, green: { image, key: "k2" } } });
  });
});
