// Workloads on the real engine: every assertion reads what the API server shows while and after
// `pulumi up` runs.
import { strict as assert } from "assert";
import { getJsonSync, podsByVersion } from "../../tools/kube";
import { renderLocal } from "../../tools/local-stack";
import { observe, readyEndpoints } from "../../tools/observe";
import { e2e } from "./hooks";
import { app, image, seconds, step, variant, version } from "./support";

const kc = e2e.kubeconfig;

describe("e2e workloads (real pulumi up)", () => {
  it("pause then resume (`kubectl rollout pause/resume`): a paused release changes no pod and returns at once; resuming rolls it out and awaits it", async () => {
    const rolling = (pause: boolean) => [
      app("pause", {
        replicas: 4,
        strategy: { type: "rolling", maxSurge: 1, maxUnavailable: 0, pause },
        podAnnotations: { "rollout.dev/ready-delay": "2s" },
      }),
    ];
    const s = await variant("pause", rolling(false), image(1));
    await s.up();
    await readyEndpoints(kc, "local-pause", "pause", 4);
    await step(s, rolling(true), image(2));
    const d = getJsonSync(kc, ["deployment/pause", "-n", "local-pause"]);
    assert.equal(d.spec.paused, true);
    assert.equal(d.spec.template.spec.containers[0].image, image(2), "the new template is stored");
    // Give the controller time to (not) act, then count: every pod is still v1.
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(podsByVersion(kc, "local-pause", "pause"), { [version(1)]: 4 });
    // A paused rollout never completes, so `pulumi up` must not wait for it (its time is in the benchmark).
    assert.equal(d.metadata.annotations["pulumi.com/skipAwait"], "true");
    await step(s, rolling(false), image(2));
    // `pulumi up` returned only after the rollout: every pod is v2 and available, no v1 left.
    assert.deepEqual(podsByVersion(kc, "local-pause", "pause"), { [version(2)]: 4 });
    const after = getJsonSync(kc, ["deployment/pause", "-n", "local-pause"]);
    assert.equal(after.spec.paused, undefined);
    assert.equal(after.status.availableReplicas, 4);
  });

  it("undo (`kubectl rollout undo`): one `pulumi up` returns to the previous image and its config; set again it stays; cleared, the stack's image rolls out again", async () => {
    const rolling = (config: Record<string, string>, undo = false) => [
      app("undo", { replicas: 3, config, strategy: { type: "rolling", maxSurge: 1, maxUnavailable: 0, undo } }),
    ];
    const A = { MODE: "a" };
    const B = { MODE: "b" };
    const running = () => {
      const d = getJsonSync(kc, ["deployment/undo", "-n", "local-undo"]);
      const c = d.spec.template.spec.containers[0];
      return [c.image, (c.envFrom as { configMapRef?: { name: string } }[] | undefined)?.find((e) => e.configMapRef)?.configMapRef?.name];
    };
    const s = await variant("undo", rolling(A), image(1));
    await s.up();
    const [, cmA] = running();
    await step(s, rolling(B), image(2));
    const [, cmB] = running();
    assert.notEqual(cmA, cmB);
    assert.deepEqual(((await s.outputs()).releases as Record<string, unknown>).undo, {
      current: { image: image(2), key: image(2), config: cmB },
      previous: { image: image(1), key: image(1), config: cmA },
    });
    await step(s, rolling(B, true), image(2));
    assert.deepEqual(running(), [image(1), cmA]);
    assert.deepEqual(podsByVersion(kc, "local-undo", "undo"), { [version(1)]: 3 });
    assert.equal(getJsonSync(kc, [`configmap/${cmA}`, "-n", "local-undo"]).data.MODE, "a");
    const again = await step(s, rolling(B, true), image(2));
    assert.equal(again.changes.update ?? 0, 0, `a second undo changes nothing: ${JSON.stringify(again.changes)}`);
    assert.deepEqual(running(), [image(1), cmA]);
    await step(s, rolling(B), image(3));
    assert.deepEqual(running(), [image(3), cmB]);
    assert.deepEqual(podsByVersion(kc, "local-undo", "undo"), { [version(3)]: 3 });
    assert.deepEqual(((await s.outputs()).releases as Record<string, unknown>).undo, {
      current: { image: image(3), key: image(3), config: cmB },
      previous: { image: image(1), key: image(1), config: cmA },
    });
  });

  it("undo with recreate: one `pulumi up` brings the previous image back, all pods replaced at once", async () => {
    const recreate = (undo = false) => [app("reundo", { replicas: 2, config: { MODE: "a" }, strategy: { type: "recreate", undo } })];
    const s = await variant("reundo", recreate(), image(1));
    await s.up();
    await step(s, recreate(), image(2));
    assert.deepEqual(podsByVersion(kc, "local-reundo", "reundo"), { [version(2)]: 2 });
    await step(s, recreate(true), image(2));
    assert.deepEqual(podsByVersion(kc, "local-reundo", "reundo"), { [version(1)]: 2 });
    const d = getJsonSync(kc, ["deployment/reundo", "-n", "local-reundo"]);
    assert.equal(d.spec.strategy.type, "Recreate");
    assert.equal(d.spec.template.spec.containers[0].image, image(1));
    const record = (
      (await s.outputs()).releases as Record<string, { current: { image: string }; previous: { image: string }; undone: boolean }>
    ).reundo;
    assert.deepEqual([record.current.image, record.previous.image, record.undone], [image(1), image(2), true]);
  });

  it("rolling: 10 replicas, maxSurge 2, maxUnavailable 0 never drop below 10 ready endpoints, peak at 12 pods, and only the Deployment changes", async () => {
    const apps = [
      app("roll", {
        replicas: 10,
        strategy: { type: "rolling", maxSurge: 2, maxUnavailable: 0 },
        podAnnotations: { "rollout.dev/ready-delay": "2s" },
      }),
    ];
    const s = await variant("roll", apps, image(1));
    await s.up();
    await readyEndpoints(kc, "local-roll", "roll", 10);
    const watch = observe(kc, "local-roll", "roll", "roll");
    const t0 = Date.now();
    const r = await step(s, apps, image(2));
    const took = seconds(t0);
    const o = await watch.stop();
    assert.deepEqual(r.changes.update, 1, JSON.stringify(r.changes));
    assert.equal(r.changes.create ?? 0, 0);
    assert.ok(o.peakPods <= 12, `peak pods ${o.peakPods}`);
    assert.ok(o.minReadyEndpoints >= 10, `min ready endpoints ${o.minReadyEndpoints}`);
    assert.ok(took >= 10, `a 5-wave rollout with a 2 s ready delay cannot take ${took}s`);
    assert.deepEqual(podsByVersion(kc, "local-roll", "roll"), { [version(2)]: 10 });
  });

  it("recreate: over three releases, old and new pods never run side by side and `pulumi up` returns only when every new pod is available", async () => {
    const apps = [app("rec", { replicas: 3, strategy: { type: "recreate" }, podAnnotations: { "rollout.dev/ready-delay": "2s" } })];
    const s = await variant("rec", apps, image(1));
    await s.up();
    for (const v of [2, 3, 4]) {
      await readyEndpoints(kc, "local-rec", "rec", 3);
      const watch = observe(kc, "local-rec", "rec", "rec");
      await step(s, apps, image(v));
      // Read the moment `pulumi up` returned: nothing may still be on its way.
      const d = getJsonSync(kc, ["deployment/rec", "-n", "local-rec"]);
      const o = await watch.stop();
      assert.equal(d.status.availableReplicas, 3, `release ${v}: up returned with ${d.status.availableReplicas ?? 0} of 3 pods available`);
      assert.equal(d.status.updatedReplicas, 3);
      const mixed = o.samples.find((x) => new Set(Object.values(x.versions)).size > 1);
      assert.equal(mixed, undefined, `release ${v}: old and new pods side by side at t=${mixed?.t}s`);
      assert.deepEqual(podsByVersion(kc, "local-rec", "rec"), { [version(v)]: 3 });
    }
  });

  it("a release whose pods never become ready fails `pulumi up` within its derived timeout while every old pod keeps serving; the fixed release then recovers with no hand cleanup", async function () {
    const good = [
      app("stuck", { replicas: 2, strategy: { type: "rolling", maxSurge: 1, maxUnavailable: 0 }, progressDeadlineSeconds: 10 }),
    ];
    const bad = [{ ...good[0], podAnnotations: { "rollout.dev/ready-delay": "1h" } }];
    const timeout = Number((await renderLocal(bad, image(2))).manifests.find((m) => m.kind === "Deployment")!.await.timeoutSeconds);
    this.timeout((timeout + 180) * 1000);
    const s = await variant("stuck", good, image(1));
    await s.up();
    await readyEndpoints(kc, "local-stuck", "stuck", 2);
    const watch = observe(kc, "local-stuck", "stuck", "stuck");
    const t0 = Date.now();
    await assert.rejects(step(s, bad, image(2)), /stuck/);
    const elapsed = seconds(t0);
    const o = await watch.stop();
    // The provider does not stop at ProgressDeadlineExceeded; the program's timeout bounds the wait.
    assert.ok(elapsed >= timeout - 2 && elapsed <= timeout + 30, `failed after ${elapsed}s, timeout ${timeout}s`);
    assert.ok(o.minReadyEndpoints >= 2, `ready endpoints dropped to ${o.minReadyEndpoints}`);
    const progressing = getJsonSync(kc, ["deployment/stuck", "-n", "local-stuck"]).status.conditions.find(
      (c: { type: string }) => c.type === "Progressing",
    );
    assert.equal(progressing.reason, "ProgressDeadlineExceeded");

    // The next release: the engine retries the failed update itself.
    const r = await step(s, good, image(3));
    assert.equal(r.result, "succeeded");
    assert.deepEqual(podsByVersion(kc, "local-stuck", "stuck"), { [version(3)]: 2 });
  });

  it("StatefulSet partition: only ordinals >= partition change, and the waitFor await completes", async () => {
    const db = (partition: number) => [
      app("db", { kind: "StatefulSet", replicas: 3, statefulSet: { partition, podManagementPolicy: "Parallel" } }),
    ];
    const s = await variant("db", db(0), image(1));
    await s.up();
    const t0 = Date.now();
    await step(s, db(2), image(2));
    assert.ok(seconds(t0) < 60, `partitioned update took ${seconds(t0)}s`);
    const pods = getJsonSync(kc, ["pods", "-n", "local-db"]).items as { metadata: { name: string; labels: Record<string, string> } }[];
    assert.deepEqual(Object.fromEntries(pods.map((p) => [p.metadata.name, p.metadata.labels["app.kubernetes.io/version"]])), {
      "db-0": version(1),
      "db-1": version(1),
      "db-2": version(2),
    });
    // Partition 3 of 3: the plan says no ordinal updates, and the real update changes no pod.
    const held = await step(s, db(3), image(3));
    assert.equal(held.result, "succeeded");
    const [plan] = (await s.outputs()).rolloutPlan as { strategy: string; steps: string[] }[];
    assert.deepEqual(
      [plan.strategy, plan.steps],
      [
        "statefulset-partition",
        [
          "apply StatefulSet db: partition 3 = replicas, so no ordinal is updated; lower partition to roll out",
          "ordinals 0..2 keep the current revision until partition is lowered",
        ],
      ],
    );
    assert.deepEqual(podsByVersion(kc, "local-db", "db"), { [version(1)]: 2, [version(2)]: 1 });
    // Partition 0: `pulumi up` returns only when every ordinal runs the new version and is ready.
    await step(s, db(0), image(3));
    const st = getJsonSync(kc, ["statefulset/db", "-n", "local-db"]).status;
    assert.equal(st.updatedReplicas, 3, JSON.stringify(st));
    assert.equal(st.readyReplicas, 3, JSON.stringify(st));
    assert.deepEqual(podsByVersion(kc, "local-db", "db"), { [version(3)]: 3 });
  });

  it("OnDelete StatefulSets and DaemonSets do not make `pulumi up` wait, and their pods change only when deleted", async () => {
    const apps = [
      app("ondel", { kind: "StatefulSet", replicas: 2, statefulSet: { updateStrategy: "OnDelete" } }),
      app("agent", { kind: "DaemonSet", daemonSet: { updateStrategy: "OnDelete" } }),
    ];
    const s = await variant("ondel", apps, image(1));
    await s.up();
    const t0 = Date.now();
    await step(s, apps, image(2));
    assert.ok(seconds(t0) < 30, `an OnDelete update must not wait for pods nobody deletes (${seconds(t0)}s)`);
    assert.deepEqual(podsByVersion(kc, "local-ondel", "ondel"), { [version(1)]: 2 });
    const tmpl = getJsonSync(kc, ["statefulset/ondel", "-n", "local-ondel"]).spec.template.metadata.labels["app.kubernetes.io/version"];
    assert.equal(tmpl, version(2));
  });
});
