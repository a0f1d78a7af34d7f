import { strict as assert } from "assert";
import { parseStackConfig } from "../../../config/load";
import { appSchema } from "../../../config/schema";
import { prometheusVerdict, revertCommands, serviceProxyPath, smokeVerdict, smokeVerdictOfAttempts } from "../../../lib/gates";
import { planApp } from "../../../strategies/plan";
import { formatPlan } from "../../../strategies/format";
import { validateObject } from "../../support/schema";
import { localBase, one, ofType, runApps, T } from "../../support/stacks";

const v1 = `registry.example/team/okeydokey@sha256:${"1".repeat(64)}`;
const v2 = `registry.example/team/okeydokey@sha256:${"2".repeat(64)}`;
const gateway = { name: "public", namespace: "gateways" };
const route = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const gateType = "pulumi-nodejs:dynamic/rollout-gate:Resource";

async function validateAll(r: { resources: { type: string; props: Record<string, unknown> }[] }): Promise<void> {
  for (const x of r.resources.filter((x) => x.type.startsWith("kubernetes:") && typeof x.props.kind === "string"))
    await validateObject(x.props);
}

function configError(app: Record<string, unknown>): string[] {
  try {
    parseStackConfig({ ...localBase, "rollout:apps": [{ name: "demo", replicas: 4, ...app }] }, "local");
  } catch (e) {
    return (e as { problems: string[] }).problems;
  }
  return [];
}

function plan(app: Record<string, unknown>, env: "local" | "production" = "local") {
  return planApp(appSchema(env).parse({ name: "demo", replicas: 4, ...app }), { environment: env, image: v2, version: "new" });
}

describe("strategy: blue/green", () => {
  const bg = (over: Record<string, unknown> = {}) => ({
    type: "blueGreen",
    live: "blue",
    slots: { blue: { image: v1 }, green: {} },
    ...over,
  });

  it("deploys the new version to the idle slot and keeps live traffic on the old one", async () => {
    const r = await runApps([{ name: "demo", replicas: 4, strategy: bg() }]);
    await validateAll(r);
    const blue = one(r, T.deployment, "demo-blue").props;
    const green = one(r, T.deployment, "demo-green").props;
    assert.equal(blue.spec.template.spec.containers[0].image, v1);
    assert.equal(green.spec.template.spec.containers[0].image, "registry.example/team/okeydokey@sha256:" + "a".repeat(64));
    assert.deepEqual(blue.spec.selector.matchLabels["rollout.dev/slot"], "blue");
    assert.equal(green.metadata.annotations["rollout.dev/role"], "idle");
    assert.equal(one(r, T.service, "demo").props.spec.selector["rollout.dev/slot"], "blue");
    assert.equal(one(r, T.service, "demo-preview").props.spec.selector["rollout.dev/slot"], "green");
  });

  it("switches the live Service only after the target slot's Deployment (its await) completes", async () => {
    const r = await runApps([{ name: "demo", replicas: 4, strategy: bg({ live: undefined, autoPromote: true }) }]);
    const live = one(r, T.service, "demo");
    assert.equal(live.props.spec.selector["rollout.dev/slot"], "green");
    assert.ok(live.dependsOn.includes("demo-green-deployment"), `live Service depends on ${live.dependsOn}`);
    const order = r.resources.map((x) => x.name);
    assert.ok(order.indexOf("demo-green-deployment") < order.indexOf("demo-service"));
  });

  it("promotes by a config change (live: green) and rolls back by flipping live back, with the idle slot kept warm", async () => {
    const promoted = await runApps([{ name: "demo", replicas: 4, strategy: bg({ live: "green" }) }]);
    assert.equal(one(promoted, T.service, "demo").props.spec.selector["rollout.dev/slot"], "green");
    assert.equal(one(promoted, T.deployment, "demo-blue").props.spec.replicas, 4, "kept for instant rollback");
    const rolledBack = await runApps([{ name: "demo", replicas: 4, strategy: bg({ live: "blue" }) }]);
    assert.equal(one(rolledBack, T.service, "demo").props.spec.selector["rollout.dev/slot"], "blue");
    assert.deepEqual(
      one(rolledBack, T.deployment, "demo-green").props.spec.template.spec.containers[0].image,
      one(promoted, T.deployment, "demo-green").props.spec.template.spec.containers[0].image,
    );
  });

  it("scales an old idle slot down only after the switch", async () => {
    const r = await runApps([{ name: "demo", replicas: 4, strategy: bg({ live: undefined, autoPromote: true, idle: "scaleDown" }) }]);
    const blue = one(r, T.deployment, "demo-blue");
    assert.equal(blue.props.spec.replicas, 0);
    assert.ok(blue.dependsOn.includes("demo-service"), `blue depends on ${blue.dependsOn}`);
  });

  it("puts a gate between the candidate and the switch", async () => {
    const r = await runApps([
      {
        name: "demo",
        replicas: 4,
        strategy: bg({ live: undefined, autoPromote: true, gates: { smoke: { path: "/", expectBody: "OK" } } }),
      },
    ]);
    const gate = ofType(r, gateType);
    assert.equal(gate.length, 1);
    assert.equal(gate[0].props.service, "demo-preview");
    assert.equal(gate[0].props.namespace, "local-demo");
    assert.ok(gate[0].dependsOn.includes("demo-preview-service"));
    assert.ok(one(r, T.service, "demo").dependsOn.includes("demo-green-gate"));
  });

  it("plans peak pods, the switch and the rollback", () => {
    const p = plan({ strategy: bg({ live: undefined, autoPromote: true }) }, "production");
    assert.equal(p.peakPods, 4 + 4 + 1);
    assert.equal(p.minReadyPods, 4);
    assert.equal(p.trafficTo, "green (new)");
    assert.ok(p.steps.some((s) => s.includes("point live Service demo at slot green")));
    assert.ok(p.steps.some((s) => s.includes("rollback = set live: blue")));
  });

  it("rejects impossible blue/green configs", () => {
    assert.ok(
      configError({ strategy: bg({ slots: { blue: {}, green: {} } }) }).some((p) =>
        p.startsWith("rollout:apps[0].strategy.slots: expected at most one slot without an image"),
      ),
    );
    assert.ok(
      configError({ strategy: bg({ live: undefined }) }).some((p) =>
        p.startsWith("rollout:apps[0].strategy.live: expected 'blue' or 'green'"),
      ),
    );
    assert.ok(
      configError({ strategy: bg({ autoPromote: true }) }).some((p) =>
        p.startsWith("rollout:apps[0].strategy.live: expected no live slot with autoPromote"),
      ),
    );
  });
});

describe("strategy: canary", () => {
  it("by replicas: one Service over both tracks, pod counts in proportion, stable shrinks after the canary is up", async () => {
    const r = await runApps([
      { name: "demo", replicas: 10, strategy: { type: "canary", stable: { image: v1 }, weight: 20, steps: [10, 20, 50] } },
    ]);
    await validateAll(r);
    assert.equal(one(r, T.deployment, "demo").props.spec.replicas, 8);
    const canary = one(r, T.deployment, "demo-canary");
    assert.equal(canary.props.spec.replicas, 2);
    assert.equal(canary.props.metadata.annotations["rollout.dev/role"], "canary");
    assert.deepEqual(one(r, T.service, "demo").props.spec.selector, {
      "app.kubernetes.io/name": "demo",
      "app.kubernetes.io/instance": "local-demo",
    });
    assert.ok(one(r, T.deployment, "demo").dependsOn.includes("demo-canary-deployment"));
    assert.equal(ofType(r, route).length, 0);
    const p = plan({ replicas: 10, strategy: { type: "canary", stable: { image: v1 }, weight: 20, steps: [10, 20, 50] } });
    assert.equal(p.strategy, "canary 20% (replicas) step 2/3");
    assert.equal(p.trafficTo, "sha256-111111111111 (80%) / new (20%)");
  });

  it("by gateway: an HTTPRoute with exact weights, applied after the canary is available", async () => {
    const r = await runApps([
      {
        name: "demo",
        replicas: 4,
        strategy: { type: "canary", traffic: "gateway", gateway, stable: { image: v1 }, weight: 5, gates: { smoke: { path: "/healthz" } } },
      },
    ]);
    await validateAll(r);
    const hr = one(r, route);
    assert.deepEqual(hr.props.spec.parentRefs, [
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "public", namespace: "gateways" },
    ]);
    assert.deepEqual(
      hr.props.spec.rules[0].backendRefs.map((b: { name: string; weight: number }) => [b.name, b.weight]),
      [
        ["demo", 95],
        ["demo-canary", 5],
      ],
    );
    assert.ok(
      hr.dependsOn.includes("demo-canary-deployment") && hr.dependsOn.includes("demo-canary-gate"),
      `route depends on ${hr.dependsOn}`,
    );
    assert.equal(one(r, T.deployment, "demo").props.spec.replicas, 4, "stable keeps full size: the route carries the split");
    assert.equal(one(r, T.deployment, "demo-canary").props.spec.replicas, 1);
    assert.equal(one(r, T.service, "demo").props.spec.selector["rollout.dev/track"], "stable");
  });

  it("promotion: stable runs the candidate, the canary is gone", async () => {
    const r = await runApps([
      {
        name: "demo",
        replicas: 4,
        strategy: { type: "canary", traffic: "gateway", gateway, stable: { image: v1 }, weight: 100, promote: true },
      },
    ]);
    assert.equal(ofType(r, T.deployment).length, 1);
    assert.equal(
      one(r, T.deployment, "demo").props.spec.template.spec.containers[0].image,
      "registry.example/team/okeydokey@sha256:" + "a".repeat(64),
    );
    assert.deepEqual(
      one(r, route).props.spec.rules[0].backendRefs.map((b: { name: string; weight: number }) => [b.name, b.weight]),
      [["demo", 100]],
    );
  });

  it("rollback: weight 0 removes the canary and leaves stable whole", async () => {
    const r = await runApps([{ name: "demo", replicas: 4, strategy: { type: "canary", stable: { image: v1 }, weight: 0 } }]);
    assert.equal(ofType(r, T.deployment).length, 1);
    assert.equal(one(r, T.deployment, "demo").props.spec.replicas, 4);
  });

  it("rejects impossible canary plans", () => {
    const c = (over: Record<string, unknown>) => ({ strategy: { type: "canary", stable: { image: v1 }, weight: 10, ...over } });
    assert.ok(
      configError(c({ weight: 101 })).some((p) =>
        p.startsWith("rollout:apps[0].strategy.weight: expected an integer percentage between 0 and 100"),
      ),
    );
    assert.ok(
      configError(c({ steps: [10, 50, 25], weight: 10 })).some((p) =>
        p.startsWith("rollout:apps[0].strategy.steps[2]: expected weights increasing"),
      ),
    );
    assert.ok(
      configError(c({ steps: [10, 50], weight: 20 })).some((p) =>
        p.startsWith("rollout:apps[0].strategy.weight: expected one of the planned steps 10, 50"),
      ),
    );
    assert.ok(configError(c({ weight: 75 })).some((p) => p.includes("canary replicas may not exceed stable's")));
    assert.ok(configError(c({ traffic: "gateway" })).some((p) => p.startsWith("rollout:apps[0].strategy.gateway: expected a gateway")));
    assert.ok(
      configError(c({ promote: true, weight: 30 })).some((p) => p.startsWith("rollout:apps[0].strategy.promote: expected weight 100")),
    );
    assert.ok(
      configError({ ...c({}), hpa: { minReplicas: 2, maxReplicas: 5 } }).some((p) =>
        p.startsWith("rollout:apps[0].hpa: expected no hpa with strategy canary"),
      ),
    );
  });
});

describe("strategy: A/B testing", () => {
  it("routes a header or cookie to B and the rest to A", async () => {
    const r = await runApps([
      {
        name: "demo",
        replicas: 4,
        strategy: { type: "abTest", gateway, a: { image: v1 }, b: {}, match: { cookie: { name: "variant", value: "b" } } },
      },
    ]);
    await validateAll(r);
    const rules = one(r, route).props.spec.rules;
    assert.deepEqual(rules[0].matches, [
      { headers: [{ type: "RegularExpression", name: "Cookie", value: "(^|.*;\\s*)variant=b(;.*|$)" }] },
    ]);
    assert.deepEqual(
      rules[0].backendRefs.map((b: { name: string }) => b.name),
      ["demo-b"],
    );
    assert.equal(rules[1].matches, undefined);
    assert.deepEqual(
      rules[1].backendRefs.map((b: { name: string }) => b.name),
      ["demo-a"],
    );
    assert.equal(one(r, T.deployment, "demo-b").props.spec.replicas, 2);
    // The live Service (what the rest of the cluster calls) selects A only, as the plan says.
    assert.deepEqual(
      ["demo", "demo-a", "demo-b"].map((n) => one(r, T.service, n).props.spec.selector),
      [
        { "app.kubernetes.io/name": "demo", "app.kubernetes.io/instance": "local-demo", "rollout.dev/variant": "a" },
        { "app.kubernetes.io/name": "demo", "app.kubernetes.io/instance": "local-demo", "rollout.dev/variant": "a" },
        { "app.kubernetes.io/name": "demo", "app.kubernetes.io/instance": "local-demo", "rollout.dev/variant": "b" },
      ],
    );
    const byHeader = plan({
      strategy: { type: "abTest", gateway, a: { image: v1 }, b: {}, match: { header: { name: "X-Variant", value: "b" } } },
    });
    assert.deepEqual(byHeader.routes[0].rules[0].match, { header: { name: "X-Variant", value: "b", type: "Exact" } });
  });

  it("rejects a match with both or neither of header and cookie", () => {
    assert.ok(
      configError({ strategy: { type: "abTest", gateway, a: { image: v1 }, b: {}, match: {} } }).some((p) =>
        p.startsWith("rollout:apps[0].strategy.match: expected exactly one of header or cookie"),
      ),
    );
  });
});

describe("gates: decisions", () => {
  const smoke = { path: "/", expectStatus: 200, expectBody: "OK", attempts: 3, intervalSeconds: 1 };
  it("smoke: passes on the expected status and body, fails otherwise with the reason", () => {
    assert.deepEqual(smokeVerdict(smoke, { status: 200, body: "OK\n" }), { pass: true, reason: "GET / answered 200" });
    assert.equal(smokeVerdict(smoke, { status: 503, body: "" }).reason, "GET / answered 503, expected 200");
    assert.match(smokeVerdict(smoke, { status: 200, body: "nope" }).reason, /does not contain 'OK'/);
    assert.match(smokeVerdict(smoke, { error: "connection refused" }).reason, /failed: connection refused/);
    assert.equal(smokeVerdictOfAttempts(smoke, [{ error: "x" }, { status: 200, body: "OK" }]).pass, true);
    assert.match(
      smokeVerdictOfAttempts(smoke, [{ error: "x" }, { status: 500 }]).reason,
      /^2 attempt\(s\) failed; last: GET \/ answered 500/,
    );
    assert.equal(serviceProxyPath("ns", "svc", "/ready"), "/api/v1/namespaces/ns/services/svc:http/proxy/ready");
  });

  it("prometheus: every sample must be within the threshold; no samples is not a pass", () => {
    const g = { url: "http://prom:9090", query: "error_ratio", max: 0.01 };
    assert.equal(
      prometheusVerdict(g, {
        status: "success",
        data: { resultType: "vector", result: [{ value: [1, "0.001"] }, { value: [1, "0.009"] }] },
      }).pass,
      true,
    );
    assert.deepEqual(prometheusVerdict(g, { status: "success", data: { resultType: "vector", result: [{ value: [1, "0.05"] }] } }), {
      pass: false,
      reason: "'error_ratio' = 0.05 > 0.01",
    });
    assert.equal(prometheusVerdict(g, { status: "success", data: { resultType: "vector", result: [] } }).pass, false);
    assert.equal(prometheusVerdict(g, { status: "success", data: { resultType: "scalar", result: [1, "0"] } }).pass, true);
    assert.equal(prometheusVerdict(g, { status: "error", error: "bad query" }).reason, "Prometheus query failed: bad query");
  });
});

describe("gates: the revert of a failed canary", () => {
  it("patches the route first (traffic moves at once), then the replica counts in the order given, as field manager rollout-gate", () => {
    const rules = [{ backendRefs: [{ group: "", kind: "Service", name: "c", port: 80, weight: 100 }] }];
    assert.deepEqual(
      revertCommands("prod-c", {
        scale: [
          { workload: "c", replicas: 10 },
          { workload: "c-canary", replicas: 0 },
        ],
        route: { name: "c", rules },
        summary: "s",
      }),
      [
        [
          "patch",
          "httproute/c",
          "-n",
          "prod-c",
          "--type=merge",
          "-p",
          '{"spec":{"rules":[{"backendRefs":[{"group":"","kind":"Service","name":"c","port":80,"weight":100}]}]}}',
          "--field-manager=rollout-gate",
        ],
        ["patch", "deployment/c", "-n", "prod-c", "--type=merge", "-p", '{"spec":{"replicas":10}}', "--field-manager=rollout-gate"],
        ["patch", "deployment/c-canary", "-n", "prod-c", "--type=merge", "-p", '{"spec":{"replicas":0}}', "--field-manager=rollout-gate"],
      ],
    );
    assert.deepEqual(revertCommands("ns", { scale: [], summary: "nothing" }), []);
  });
});

describe("plan: rendering for reviewers", () => {
  it("prints a table with one row per app and numbered steps", () => {
    const p = plan({ strategy: { type: "canary", stable: { image: v1 }, weight: 25 } });
    const md = formatPlan([p], "markdown");
    assert.match(md, /^\| app \| namespace \| strategy \| pods after \| peak pods \| min ready \| traffic to \|$/m);
    assert.match(md, /^\| demo \| local-demo \| canary 25% \(replicas\) \| 4 \| 6 \| 3 \| sha256-111111111111 \(75%\) \/ new \(25%\) \|$/m);
    assert.match(md, /^- demo step 1: apply canary Deployment demo-canary/m);
  });
});
