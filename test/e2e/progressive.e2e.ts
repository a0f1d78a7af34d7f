// Blue/green, canary and A/B on the real engine, with the gates' dynamic provider running inside
// `pulumi up`. Traffic is what the Service's EndpointSlices (or the HTTPRoute) show.
import { strict as assert } from "assert";
import { resourcesSummary } from "../../tools/engine";
import { getJsonSync, podsByVersion } from "../../tools/kube";
import { allServing, observe, readyEndpoints } from "../../tools/observe";
import { e2e } from "./hooks";
import { App, app, FakePrometheus, image, seconds, step, variant, version } from "./support";

const kc = e2e.kubeconfig;

describe("e2e blue/green (real pulumi up)", () => {
  const bg = (strategy: Record<string, unknown>): App[] => [
    app("bg", {
      replicas: 4,
      podAnnotations: { "rollout.dev/ready-delay": "2s" },
      strategy: { type: "blueGreen", slots: { blue: { image: image(1) }, green: {} }, ...strategy },
    }),
  ];
  let stack: Awaited<ReturnType<typeof variant>>;

  it("autoPromote: the live Service never serves green before all 4 green pods are ready and never drops below 4 endpoints", async () => {
    stack = await variant("bg", bg({ live: "blue" }), image(1));
    await stack.up();
    await readyEndpoints(kc, "local-bg", "bg", 4);
    const watch = observe(kc, "local-bg", "bg", "bg");
    await step(stack, bg({ autoPromote: true }), image(2));
    const o = await watch.stop();
    const firstGreen = o.samples.findIndex((s) => s.ready.some((p) => s.versions[p] === version(2)));
    assert.ok(firstGreen >= 0, "traffic never reached green");
    const greenReady = o.samples.findIndex((s) => s.readyPods.filter((p) => s.versions[p] === version(2)).length === 4);
    assert.ok(
      greenReady >= 0 && greenReady <= firstGreen,
      `green served at sample ${firstGreen} but all 4 green pods were ready only at ${greenReady}`,
    );
    assert.ok(o.minReadyEndpoints >= 4, `live endpoints dropped to ${o.minReadyEndpoints}`);
    assert.ok(allServing(o.samples[o.samples.length - 1], version(2), 4), "live must end on green only");
    assert.equal(getJsonSync(kc, ["service/bg", "-n", "local-bg"]).spec.selector["rollout.dev/slot"], "green");
  });

  it("rollback flips live back to the warm blue slot in one quick `pulumi up` (no Service settle wait), without dropping endpoints", async () => {
    await readyEndpoints(kc, "local-bg", "bg", 4);
    const watch = observe(kc, "local-bg", "bg", "bg");
    // Annotation changes bump a Deployment's generation, so "nothing rolled" is read from the
    // revisions and the pods themselves.
    const revisions = () =>
      ["bg-blue", "bg-green"].map(
        (d) => getJsonSync(kc, [`deployment/${d}`, "-n", "local-bg"]).metadata.annotations["deployment.kubernetes.io/revision"] as string,
      );
    const podNames = () =>
      (getJsonSync(kc, ["pods", "-n", "local-bg"]).items as { metadata: { name: string } }[]).map((p) => p.metadata.name).sort();
    const before = { revisions: revisions(), pods: podNames() };
    const r = await step(stack, bg({ live: "blue" }), image(2));
    const o = await watch.stop();
    assert.ok(allServing(o.samples[o.samples.length - 1], version(1), 4), "rollback must put live back on blue");
    assert.ok(o.minReadyEndpoints >= 4, `rollback dropped endpoints to ${o.minReadyEndpoints}`);
    // The live Service's selector moves; the slots only swap their `rollout.dev/role` annotation,
    // which is metadata: neither pod template changes, so no pod is replaced and no revision is made.
    assert.deepEqual(r.changes, { same: r.changes.same, update: 3 });
    assert.deepEqual({ revisions: revisions(), pods: podNames() }, before);
    // Quick because the switch waits for nothing: the Service skips the provider's settle (its time is in the benchmark).
    assert.equal(getJsonSync(kc, ["service/bg", "-n", "local-bg"]).metadata.annotations["pulumi.com/skipAwait"], "true");
  });

  it("a failing smoke gate fails `pulumi up` with the reason and leaves live traffic on the old slot", async () => {
    const gated = bg({ autoPromote: true, gates: { smoke: { path: "/", attempts: 2, intervalSeconds: 1 } } });
    // live is blue (v1) after the rollback; the candidate v3 goes to green. kwok pods serve no HTTP.
    await assert.rejects(step(stack, gated, image(3)), /gate failed for local-bg\/bg-preview/);
    assert.equal(getJsonSync(kc, ["service/bg", "-n", "local-bg"]).spec.selector["rollout.dev/slot"], "blue");
    await readyEndpoints(kc, "local-bg", "bg", 4);
    const o = await observe(kc, "local-bg", "bg", "bg").stop();
    assert.ok(allServing(o.samples[o.samples.length - 1], version(1), 4));
  });
});

describe("e2e blue/green without pinned digests: three releases in a row, only the image changes (real pulumi up)", () => {
  // The committed config never changes between releases; only the image does (and one flag).
  const tracked = (extra: Record<string, unknown> = {}): App[] => [
    app("rel", {
      replicas: 4,
      podAnnotations: { "rollout.dev/ready-delay": "2s" },
      strategy: { type: "blueGreen", autoPromote: true, ...extra },
    }),
  ];
  const slotOf = () => getJsonSync(kc, ["service/rel", "-n", "local-rel"]).spec.selector["rollout.dev/slot"] as string;
  const slotImages = () =>
    ["rel-blue", "rel-green"].map((d) => {
      const o = getJsonSync(kc, [`deployment/${d}`, "-n", "local-rel"]);
      return [o.spec.replicas as number, o.spec.template.spec.containers[0].image as string];
    });
  const releasesOf = async (s: Awaited<ReturnType<typeof variant>>) => (await s.outputs()).releases;
  let stack: Awaited<ReturnType<typeof variant>>;

  /** One release: live never serves the new version before all its pods are ready, nor drops below 4. */
  async function release(n: number, to: string): Promise<void> {
    await readyEndpoints(kc, "local-rel", "rel", 4);
    const watch = observe(kc, "local-rel", "rel", "rel");
    await step(stack, tracked(), image(n));
    const o = await watch.stop();
    const firstNew = o.samples.findIndex((s) => s.ready.some((p) => s.versions[p] === version(n)));
    const allReady = o.samples.findIndex((s) => s.readyPods.filter((p) => s.versions[p] === version(n)).length === 4);
    assert.ok(firstNew >= 0 && allReady >= 0 && allReady <= firstNew, `v${n} served at sample ${firstNew}, all 4 ready at ${allReady}`);
    assert.ok(o.minReadyEndpoints >= 4, `live endpoints dropped to ${o.minReadyEndpoints}`);
    assert.ok(allServing(o.samples[o.samples.length - 1], version(n), 4), `live must end on v${n} only`);
    assert.equal(slotOf(), to);
  }

  it("first release: blue serves v1, green runs nothing; the stack records it", async () => {
    stack = await variant("rel", tracked(), image(1));
    await stack.up();
    await readyEndpoints(kc, "local-rel", "rel", 4);
    assert.equal(slotOf(), "blue");
    assert.deepEqual(slotImages(), [
      [4, image(1)],
      [0, image(1)],
    ]);
    assert.deepEqual(await releasesOf(stack), { rel: { live: "blue", slots: { blue: { image: image(1), key: image(1) } } } });
  });

  it("releases 2 and 3 go to the slot not serving and switch after it is ready; the previous slot stays warm", async () => {
    await release(2, "green");
    assert.deepEqual(slotImages(), [
      [4, image(1)],
      [4, image(2)],
    ]);
    await release(3, "blue");
    assert.deepEqual(slotImages(), [
      [4, image(3)],
      [4, image(2)],
    ]);
    assert.deepEqual(await releasesOf(stack), {
      rel: { live: "blue", slots: { blue: { image: image(3), key: image(3) }, green: { image: image(2), key: image(2) } } },
    });
  });

  it("rollback: true flips live back to the warm slot without replacing a pod; set again, it stays", async () => {
    const pods = () =>
      (getJsonSync(kc, ["pods", "-n", "local-rel"]).items as { metadata: { name: string } }[]).map((p) => p.metadata.name).sort();
    const before = pods();
    await step(stack, tracked({ rollback: true }), image(3));
    assert.equal(slotOf(), "green");
    const o = await observe(kc, "local-rel", "rel", "rel").stop();
    assert.ok(allServing(o.samples[o.samples.length - 1], version(2), 4));
    assert.deepEqual(pods(), before);
    const again = await step(stack, tracked({ rollback: true }), image(3));
    // Only the plan's wording (an output) differs from the flip: the engine's Resources block lists no change.
    assert.deepEqual(Object.keys(resourcesSummary(again.stdout)), ["same"]);
    assert.equal(slotOf(), "green");
  });

  it("a release that fails its gate leaves live and the record as they were; the next `pulumi up` without the gate completes it", async () => {
    const record = await releasesOf(stack);
    const gated = tracked({ gates: { smoke: { path: "/", attempts: 2, intervalSeconds: 1 } } });
    // kwok pods serve no HTTP, so the smoke gate fails against v4 in the idle slot (blue).
    await assert.rejects(step(stack, gated, image(4)), /gate failed for local-rel\/rel-preview/);
    assert.equal(slotOf(), "green");
    assert.deepEqual(await releasesOf(stack), record);
    await release(4, "blue");
    assert.deepEqual(slotImages(), [
      [4, image(4)],
      [4, image(2)],
    ]);
  });
});

describe("e2e Prometheus gate (real pulumi up, a Prometheus API on the loopback)", () => {
  const prom = new FakePrometheus("0.01");
  before(() => prom.start());
  after(() => prom.stop());
  // The slot not named takes this update's image; the other is pinned to what it runs.
  const gated = (max: number, slots: Record<string, unknown> = { blue: { image: image(1) }, green: {} }): App[] => {
    const url = prom.url;
    return [
      app("prom", {
        replicas: 2,
        strategy: {
          type: "blueGreen",
          autoPromote: true,
          slots,
          gates: { prometheus: { url, query: 'sum(rate(http_errors_total{app="prom"}[1m]))', max } },
        },
      }),
    ];
  };
  let stack: Awaited<ReturnType<typeof variant>>;

  it("a passing query lets the switch happen, and the gate asked the query it was given", async () => {
    // First release: both slots v1, green live.
    stack = await variant("prom", gated(0.05), image(1));
    await stack.up();
    prom.queries.length = 0;
    // Green is live: pin it, and the candidate v2 goes to blue.
    await step(stack, gated(0.05, { blue: {}, green: { image: image(1) } }), image(2));
    assert.deepEqual(prom.queries, ['sum(rate(http_errors_total{app="prom"}[1m]))']);
    assert.equal(getJsonSync(kc, ["service/prom", "-n", "local-prom"]).spec.selector["rollout.dev/slot"], "blue");
  });

  it("a value above max fails `pulumi up` naming the value and traffic stays; the next `pulumi up` re-runs the gate and switches", async () => {
    prom.value = "0.2";
    const next = { blue: { image: image(2) }, green: {} };
    await assert.rejects(step(stack, gated(0.05, next), image(3)), /= 0\.2 > 0\.05/);
    assert.equal(getJsonSync(kc, ["service/prom", "-n", "local-prom"]).spec.selector["rollout.dev/slot"], "blue");
    prom.value = "0";
    await step(stack, gated(0.05, next), image(3));
    assert.equal(getJsonSync(kc, ["service/prom", "-n", "local-prom"]).spec.selector["rollout.dev/slot"], "green");
    assert.deepEqual(podsByVersion(kc, "local-prom", "prom"), { [version(2)]: 2, [version(3)]: 2 });
  });
});

describe("e2e canary (real pulumi up)", () => {
  const can = (strategy: Record<string, unknown>): App[] => [
    app("can", { replicas: 10, strategy: { type: "canary", stable: { image: image(1) }, ...strategy } }),
  ];

  it("by replicas: pod counts per version at each step, then promotion rolls stable and deletes the canary", async () => {
    const s = await variant("can", can({ weight: 0 }), image(1));
    await s.up();
    assert.deepEqual(podsByVersion(kc, "local-can", "can"), { [version(1)]: 10 });
    await step(s, can({ weight: 20, steps: [20, 50] }), image(2));
    await settle(() => podsByVersion(kc, "local-can", "can"), { [version(1)]: 8, [version(2)]: 2 });
    await step(s, can({ weight: 50, steps: [20, 50] }), image(2));
    await settle(() => podsByVersion(kc, "local-can", "can"), { [version(1)]: 5, [version(2)]: 5 });
    const r = await step(s, can({ weight: 100, promote: true }), image(2));
    assert.ok((r.changes.delete ?? 0) >= 1, `the canary Deployment must be deleted: ${JSON.stringify(r.changes)}`);
    assert.throws(() => getJsonSync(kc, ["deployment/can-canary", "-n", "local-can"]), /NotFound/);
    await settle(() => podsByVersion(kc, "local-can", "can"), { [version(2)]: 10 });
  });

  it("by gateway: the API server holds the HTTPRoute with the step's weights", async () => {
    const gw = { traffic: "gateway", gateway: { name: "public", namespace: "default" } };
    const s = await variant("cangw", [{ ...can({ ...gw, weight: 0 })[0], name: "cangw" }], image(1));
    await s.up();
    await step(s, [{ ...can({ ...gw, weight: 10 })[0], name: "cangw" }], image(2));
    const route = getJsonSync(kc, ["httproute/cangw", "-n", "local-cangw"]);
    assert.deepEqual(
      route.spec.rules[0].backendRefs.map((b: { name: string; weight: number }) => [b.name, b.weight]),
      [
        ["cangw", 90],
        ["cangw-canary", 10],
      ],
    );
    assert.deepEqual(route.spec.parentRefs[0], {
      group: "gateway.networking.k8s.io",
      kind: "Gateway",
      name: "public",
      namespace: "default",
    });
  });
});

describe("e2e canary without a pinned stable: releases walk their steps, one per `pulumi up` (real pulumi up)", () => {
  // The same config for every `up`: only the image (and the pause flag) changes.
  const walk = (extra: Record<string, unknown> = {}): App[] => [
    app("walk", { replicas: 10, strategy: { type: "canary", steps: [20, 50], ...extra } }),
  ];
  const pods = () => podsByVersion(kc, "local-walk", "walk");
  let s: Awaited<ReturnType<typeof variant>>;

  it("release 1 is stable; release 2 walks 20% and 50% and is promoted; the canary Deployment is then gone", async () => {
    s = await variant("walk", walk(), image(1));
    await s.up();
    await settle(pods, { [version(1)]: 10 });
    await step(s, walk(), image(2));
    await settle(pods, { [version(1)]: 8, [version(2)]: 2 });
    await step(s, walk(), image(2));
    await settle(pods, { [version(1)]: 5, [version(2)]: 5 });
    await step(s, walk(), image(2));
    await settle(pods, { [version(2)]: 10 });
    assert.throws(() => getJsonSync(kc, ["deployment/walk-canary", "-n", "local-walk"]), /NotFound/);
    assert.deepEqual((await s.outputs()).releases, { walk: { stable: { image: image(2), key: image(2) } } });
  });

  it("release 3: pause holds step 1, resuming takes step 2; releasing stable's image again aborts the canary", async () => {
    await step(s, walk(), image(3));
    await settle(pods, { [version(2)]: 8, [version(3)]: 2 });
    await step(s, walk({ pause: true }), image(3));
    await settle(pods, { [version(2)]: 8, [version(3)]: 2 });
    assert.deepEqual((await s.outputs()).releases, {
      walk: { stable: { image: image(2), key: image(2) }, canary: { image: image(3), key: image(3), step: 0 } },
    });
    await step(s, walk(), image(3));
    await settle(pods, { [version(2)]: 5, [version(3)]: 5 });
    await step(s, walk(), image(2));
    await settle(pods, { [version(2)]: 10 });
    assert.deepEqual((await s.outputs()).releases, { walk: { stable: { image: image(2), key: image(2) } } });
  });
});

describe("e2e canary by gateway weights without a pinned stable (real pulumi up)", () => {
  it("each `pulumi up` of the same image sets the next step's weights on the HTTPRoute; the last promotes and routes 100% to stable", async () => {
    const walk = [
      app("gwalk", {
        replicas: 4,
        strategy: { type: "canary", traffic: "gateway", gateway: { name: "public", namespace: "default" }, steps: [10, 40] },
      }),
    ];
    const weights = () =>
      (getJsonSync(kc, ["httproute/gwalk", "-n", "local-gwalk"]).spec.rules[0].backendRefs as { name: string; weight: number }[]).map(
        (b) => [b.name, b.weight],
      );
    const s = await variant("gwalk", walk, image(1));
    await s.up();
    assert.deepEqual(weights(), [["gwalk", 100]]);
    await step(s, walk, image(2));
    assert.deepEqual(weights(), [
      ["gwalk", 90],
      ["gwalk-canary", 10],
    ]);
    await step(s, walk, image(2));
    assert.deepEqual(weights(), [
      ["gwalk", 60],
      ["gwalk-canary", 40],
    ]);
    // Stable keeps its full size while the route moves weight: 4 stable pods and the canary beside them.
    assert.deepEqual(podsByVersion(kc, "local-gwalk", "gwalk"), { [version(1)]: 4, [version(2)]: 2 });
    await step(s, walk, image(2));
    assert.deepEqual(weights(), [["gwalk", 100]]);
    assert.equal(getJsonSync(kc, ["deployment/gwalk", "-n", "local-gwalk"]).spec.template.spec.containers[0].image, image(2));
    assert.deepEqual((await s.outputs()).releases, { gwalk: { stable: { image: image(2), key: image(2) } } });
  });
});

describe("e2e canary: a failed analysis puts traffic back on stable; the next `pulumi up` retries the step (real pulumi up)", () => {
  const prom = new FakePrometheus("0");
  before(() => prom.start());
  after(() => prom.stop());
  beforeEach(() => {
    prom.value = "0";
  });
  const gates = () => ({ prometheus: { url: prom.url, query: "errors", max: 0.05 } });

  it("by replicas: step 50% fails its query; stable is back at 10 pods (never below its 8 ready) and the canary at 0; the next up takes 50% again", async () => {
    const walk = (): App[] => [app("fail", { replicas: 10, strategy: { type: "canary", steps: [20, 50], gates: gates() } })];
    const pods = () => podsByVersion(kc, "local-fail", "fail");
    const s = await variant("fail", walk(), image(1));
    await s.up();
    await step(s, walk(), image(2));
    await settle(pods, { [version(1)]: 8, [version(2)]: 2 });
    const record = (await s.outputs()).releases;
    assert.deepEqual(record, { fail: { stable: { image: image(1), key: image(1) }, canary: { image: image(2), key: image(2), step: 0 } } });

    prom.value = "0.2";
    prom.queries.length = 0;
    const watch = observe(kc, "local-fail", "fail", "fail");
    await assert.rejects(step(s, walk(), image(2)), (e: Error) => {
      assert.match(
        e.message,
        /gate failed for local-fail\/fail-canary \(.*, weight 50%\): 'errors' = 0\.2 > 0\.05; traffic is back on stable: stable fail \(.*\) scaled back to 10 pods and the canary to 0/,
      );
      return true;
    });
    // The same image at the next step re-ran the gate (its step changed) instead of skipping it.
    assert.equal(prom.queries.length, 1);
    await settle(pods, { [version(1)]: 10 });
    const o = await watch.stop();
    const stableReady = Math.min(...o.samples.map((x) => x.readyPods.filter((p) => x.versions[p] === version(1)).length));
    assert.ok(stableReady >= 8, `stable's ready pods dropped to ${stableReady}`);
    assert.deepEqual((await s.outputs()).releases, record, "a failed step leaves the record at the step before");

    prom.value = "0";
    await step(s, walk(), image(2));
    await settle(pods, { [version(1)]: 5, [version(2)]: 5 });
    assert.deepEqual((await s.outputs()).releases, {
      fail: { stable: { image: image(1), key: image(1) }, canary: { image: image(2), key: image(2), step: 1 } },
    });
  });

  it("by gateway weights: step 40% fails; the HTTPRoute sends 100% to stable at once; the next up sets 60/40", async () => {
    const walk = (): App[] => [
      app("gfail", {
        replicas: 4,
        strategy: {
          type: "canary",
          traffic: "gateway",
          gateway: { name: "public", namespace: "default" },
          steps: [10, 40],
          gates: gates(),
        },
      }),
    ];
    const weights = () =>
      (getJsonSync(kc, ["httproute/gfail", "-n", "local-gfail"]).spec.rules[0].backendRefs as { name: string; weight: number }[]).map(
        (b) => [b.name, b.weight],
      );
    const s = await variant("gfail", walk(), image(1));
    await s.up();
    await step(s, walk(), image(2));
    assert.deepEqual(weights(), [
      ["gfail", 90],
      ["gfail-canary", 10],
    ]);
    prom.value = "0.2";
    await assert.rejects(step(s, walk(), image(2)), /traffic is back on stable: HTTPRoute gfail sends 100% to stable/);
    assert.deepEqual(weights(), [["gfail", 100]]);
    assert.deepEqual(podsByVersion(kc, "local-gfail", "gfail"), { [version(1)]: 4, [version(2)]: 2 }, "stable keeps its 4 pods");
    prom.value = "0";
    await step(s, walk(), image(2));
    assert.deepEqual(weights(), [
      ["gfail", 60],
      ["gfail-canary", 40],
    ]);
  });
});

describe("e2e A/B testing (real pulumi up)", () => {
  it("the header-matching HTTPRoute sends X-Variant: b to B and the rest to A; the live Service selects A; B runs half of A's pods", async () => {
    const ab = [
      app("ab", {
        replicas: 2,
        strategy: {
          type: "abTest",
          gateway: { name: "public", namespace: "default" },
          a: { image: image(1) },
          b: {},
          match: { header: { name: "X-Variant", value: "b" } },
        },
      }),
    ];
    const s = await variant("ab", ab, image(2));
    await s.up();
    const route = getJsonSync(kc, ["httproute/ab", "-n", "local-ab"]);
    assert.deepEqual(route.spec.rules[0].matches[0].headers[0], { type: "Exact", name: "X-Variant", value: "b" });
    assert.deepEqual(
      route.spec.rules[0].backendRefs.map((b: { name: string }) => b.name),
      ["ab-b"],
    );
    assert.deepEqual(
      route.spec.rules[1].backendRefs.map((b: { name: string }) => b.name),
      ["ab-a"],
    );
    assert.equal(getJsonSync(kc, ["service/ab", "-n", "local-ab"]).spec.selector["rollout.dev/variant"], "a");
    assert.deepEqual(podsByVersion(kc, "local-ab", "ab"), { [version(1)]: 2, [version(2)]: 1 });
  });
});

describe("e2e A/B testing without pinned variants: releases go to B, the routes stay (real pulumi up)", () => {
  const ab = (extra: Record<string, unknown> = {}): App[] => [
    app("abt", {
      replicas: 3,
      strategy: {
        type: "abTest",
        gateway: { name: "public", namespace: "default" },
        match: { cookie: { name: "variant", value: "b" } },
        ...extra,
      },
    }),
  ];
  const pods = () => podsByVersion(kc, "local-abt", "abt");
  const rules = () => JSON.stringify(getJsonSync(kc, ["httproute/abt", "-n", "local-abt"]).spec.rules);
  /** The pods behind the live Service, by the variant and version labels of each endpoint's pod. */
  const liveServes = () => {
    const slices = getJsonSync(kc, ["endpointslices", "-n", "local-abt", "-l", "kubernetes.io/service-name=abt"]).items as {
      endpoints?: { targetRef?: { name: string }; conditions?: { ready?: boolean } }[];
    }[];
    const served: Record<string, number> = {};
    for (const e of slices.flatMap((x) => x.endpoints ?? [])) {
      if (!e.conditions?.ready || !e.targetRef) continue;
      const labels = getJsonSync(kc, ["pod", e.targetRef.name, "-n", "local-abt"]).metadata.labels as Record<string, string>;
      const key = `${labels["rollout.dev/variant"]}:${labels["app.kubernetes.io/version"]}`;
      served[key] = (served[key] ?? 0) + 1;
    }
    return served;
  };
  const generationOfA = () => getJsonSync(kc, ["deployment/abt-a", "-n", "local-abt"]).metadata.generation as number;

  it("release 1 runs in A and B; releases 2 and 3 replace B only, A is not touched; the live Service serves A", async () => {
    const s = await variant("abt", ab(), image(1));
    await s.up();
    await settle(pods, { [version(1)]: 4 });
    const route = rules();
    const generation = generationOfA();
    await step(s, ab(), image(2));
    await settle(pods, { [version(1)]: 3, [version(2)]: 1 });
    await step(s, ab(), image(3));
    await settle(pods, { [version(1)]: 3, [version(3)]: 1 });
    assert.equal(rules(), route, "the HTTPRoute is the same across releases");
    assert.equal(generationOfA(), generation, "a new image does not touch A's Deployment");
    assert.deepEqual(liveServes(), { [`a:${version(1)}`]: 3 });
    assert.deepEqual((await s.outputs()).releases, {
      abt: { a: { image: image(1), key: image(1) }, b: { image: image(3), key: image(3) } },
    });

    // B won: promote moves A to B's image; then a new candidate, then A's image again ends it.
    await step(s, ab({ promote: true }), image(3));
    await settle(pods, { [version(3)]: 4 });
    assert.deepEqual(liveServes(), { [`a:${version(3)}`]: 3 });
    await step(s, ab(), image(4));
    await settle(pods, { [version(3)]: 3, [version(4)]: 1 });
    await step(s, ab(), image(3));
    await settle(pods, { [version(3)]: 4 });
    assert.equal(rules(), route);
    assert.deepEqual((await s.outputs()).releases, {
      abt: { a: { image: image(3), key: image(3) }, b: { image: image(3), key: image(3) } },
    });
  });
});

/** Waits (up to 20 s) for pods still terminating to go: kwok deletes them after the drain. */
async function settle(read: () => Record<string, number>, expected: Record<string, number>): Promise<void> {
  const t0 = Date.now();
  let last = read();
  while (JSON.stringify(last) !== JSON.stringify(expected) && seconds(t0) < 20) {
    await new Promise((r) => setTimeout(r, 250));
    last = read();
  }
  assert.deepEqual(last, expected);
}
