// rollout:traffic and the per-app route and egress keys, alone: the schema's patterns on both sides,
// every cross-field rule of checkTraffic with its exact path, input and message, and the stack Gateway
// a weighted strategy inherits.
import { strict as assert } from "assert";
import { z } from "zod";
import {
  appTrafficKeys,
  checkTraffic,
  gatewayClassOf,
  gkeGatewayClass,
  localGatewayClass,
  needsGateway,
  trafficSchema,
  withStackGateway,
} from "../../../config/traffic";

type Problem = [(string | number)[], unknown, string];
function check(stack: Parameters<typeof checkTraffic>[0]): Problem[] {
  const found: Problem[] = [];
  checkTraffic(stack, (path, input, message) => found.push([path, input, message]));
  return found;
}
const issues = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  assert.equal(r.success, false, JSON.stringify(value));
  return r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};
const traffic = trafficSchema.parse({ gateway: { hostnames: ["demo.example.com"] } });
const app = z.object(appTrafficKeys);

const hostMessage =
  "expected a fully qualified host name such as 'demo.example.com' (no wildcard: a Google-managed certificate needs exact names)";
const labelMessage = "expected a DNS label: lower-case letters, digits and '-', starting with a letter, at most 40 characters";

describe("config/traffic: the Gateway", () => {
  it("defaults name and namespace to gateway, leaves the class to the provider", () => {
    assert.deepEqual(traffic, { gateway: { name: "gateway", namespace: "gateway", hostnames: ["demo.example.com"] } });
  });

  it("host names are fully qualified, without wildcards", () => {
    for (const h of ["a.b", "demo.example.com", "a-1.b-2.c", "1.2"])
      assert.deepEqual(trafficSchema.parse({ gateway: { hostnames: [h] } }).gateway.hostnames, [h], h);
    for (const h of [
      "example",
      "*.example.com",
      "Demo.example.com",
      "-a.example.com",
      "a-.example.com",
      "a..b",
      "a.b.",
      ".a.b",
      "a_b.c",
      "a.b c",
    ])
      assert.deepEqual(issues(trafficSchema, { gateway: { hostnames: [h] } }), [`gateway.hostnames.0: ${hostMessage}`], h);
    assert.deepEqual(issues(trafficSchema, { gateway: { hostnames: [] } }), [
      "gateway.hostnames: expected at least one host name (the certificate is issued for these)",
    ]);
  });

  it("name and namespace: DNS labels of at most 40 characters", () => {
    const ok = `a${"b".repeat(38)}c`;
    assert.equal(trafficSchema.parse({ gateway: { name: ok, namespace: "a", hostnames: ["a.b"] } }).gateway.name, ok);
    assert.equal(trafficSchema.parse({ gateway: { name: "a1", namespace: "a-b", hostnames: ["a.b"] } }).gateway.namespace, "a-b");
    for (const bad of [`${ok}d`, "1a", "a-", "A", "", "a_b"])
      assert.deepEqual(issues(trafficSchema, { gateway: { name: bad, hostnames: ["a.b"] } }), [`gateway.name: ${labelMessage}`], bad);
  });

  it("a class of lower-case letters, digits, '-' and '.'", () => {
    assert.equal(trafficSchema.parse({ gateway: { className: "gke-l7.rilb", hostnames: ["a.b"] } }).gateway.className, "gke-l7.rilb");
    assert.equal(trafficSchema.parse({ gateway: { className: "a", hostnames: ["a.b"] } }).gateway.className, "a");
    for (const bad of ["-a", "a-", "A", "a_b", ""])
      assert.equal(issues(trafficSchema, { gateway: { className: bad, hostnames: ["a.b"] } }).length, 1, bad);
  });

  it("the class: the configured one, else GKE's managed class on GKE and a placeholder elsewhere", () => {
    assert.equal(gkeGatewayClass, "gke-l7-global-external-managed");
    assert.equal(localGatewayClass, "rollout-local");
    assert.equal(gatewayClassOf(traffic, "gke"), "gke-l7-global-external-managed");
    assert.equal(gatewayClassOf(traffic, "kubeconfig"), "rollout-local");
    assert.equal(gatewayClassOf({ gateway: { ...traffic.gateway, className: "istio" } }, "gke"), "istio");
  });
});

describe("config/traffic: route and egress keys", () => {
  it("defaults: no route, no egress; a route's hostnames and path prefix", () => {
    assert.deepEqual(app.parse({}), { egress: [] });
    assert.deepEqual(app.parse({ route: {} }), { route: { hostnames: [], pathPrefix: "/" }, egress: [] });
    assert.deepEqual(app.parse({ route: false }).route, false);
  });

  it("path prefixes start with '/'", () => {
    for (const p of ["/", "/api", "/a-b_c.d~e/f"])
      assert.deepEqual(app.parse({ route: { pathPrefix: p } }).route, { hostnames: [], pathPrefix: p });
    for (const p of ["api", "", "/a b", "/a?b", "x/"])
      assert.deepEqual(issues(app, { route: { pathPrefix: p } }), ["route.pathPrefix: expected a path prefix starting with '/'"], p);
  });

  it("egress: at least one port from 1 to 65535, an app label or an IPv4 CIDR", () => {
    assert.deepEqual(app.parse({ egress: [{ app: "db", ports: [1, 65535] }] }).egress, [{ app: "db", ports: [1, 65535] }]);
    assert.deepEqual(app.parse({ egress: [{ cidr: "10.0.0.0/8", ports: [443] }] }).egress, [{ cidr: "10.0.0.0/8", ports: [443] }]);
    assert.deepEqual(app.parse({ egress: [{ cidr: "0.0.0.0/0", ports: [80] }] }).egress, [{ cidr: "0.0.0.0/0", ports: [80] }]);
    assert.deepEqual(issues(app, { egress: [{ app: "db", ports: [] }] }), ["egress.0.ports: expected at least one port"]);
    assert.deepEqual(issues(app, { egress: [{ app: "db", ports: [0] }] }), ["egress.0.ports.0: Too small: expected number to be >=1"]);
    assert.deepEqual(issues(app, { egress: [{ app: "db", ports: [65536] }] }), [
      "egress.0.ports.0: Too big: expected number to be <=65535",
    ]);
    for (const cidr of ["10.0.0.0", "10.0.0.0/33", "x10.0.0.0/8", "10.0.0.0/8x", "1000.0.0.0/8", "10.0.0.0/32/1"])
      assert.deepEqual(
        issues(app, { egress: [{ cidr, ports: [80] }] }),
        ["egress.0.cidr: expected an IPv4 CIDR such as '10.0.0.0/8'"],
        cidr,
      );
    for (const cidr of ["10.0.0.0/0", "10.0.0.0/9", "10.0.0.0/10", "10.0.0.0/29", "10.0.0.0/30", "10.0.0.0/32"])
      assert.deepEqual(app.parse({ egress: [{ cidr, ports: [80] }] }).egress, [{ cidr, ports: [80] }], cidr);
  });
});

describe("config/traffic: which strategies need a Gateway", () => {
  it("an A/B test, and a canary by gateway; nothing else", () => {
    assert.equal(needsGateway({ type: "abTest" }), true);
    assert.equal(needsGateway({ type: "canary", traffic: "gateway" }), true);
    assert.equal(needsGateway({ type: "canary", traffic: "replicas" }), false);
    assert.equal(needsGateway({ type: "canary" }), false);
    assert.equal(needsGateway({ type: "blueGreen", traffic: "gateway" }), false);
    assert.equal(needsGateway(undefined), false);
  });
});

describe("config/traffic: cross-field rules", () => {
  const ab = { type: "abTest" };
  it("a strategy that needs a Gateway without its own or the stack's", () => {
    assert.deepEqual(check({ apps: [{ name: "demo", strategy: ab }] }), [
      [
        ["apps", 0, "strategy", "gateway"],
        undefined,
        "expected a gateway {name, namespace}, or rollout:traffic.gateway for the stack's own Gateway, for strategy abTest",
      ],
    ]);
    assert.deepEqual(check({ apps: [{ name: "a" }, { name: "demo", strategy: { type: "canary", traffic: "gateway" } }] }), [
      [
        ["apps", 1, "strategy", "gateway"],
        undefined,
        "expected a gateway {name, namespace}, or rollout:traffic.gateway for the stack's own Gateway, for strategy canary with traffic 'gateway'",
      ],
    ]);
    assert.deepEqual(check({ apps: [{ name: "demo", strategy: { ...ab, gateway: { name: "g", namespace: "n" } } }] }), []);
    assert.deepEqual(check({ traffic, apps: [{ name: "demo", strategy: ab }] }), []);
    assert.deepEqual(check({ apps: [{ name: "demo", strategy: { type: "canary", traffic: "replicas" } }] }), []);
  });

  it("a route without the stack's Gateway", () => {
    const route = { hostnames: [], pathPrefix: "/" };
    assert.deepEqual(check({ apps: [{ name: "demo", route }] }), [
      [["apps", 0, "route"], route, "expected no route without rollout:traffic.gateway (there is no Gateway to attach it to)"],
    ]);
    assert.deepEqual(check({ traffic, apps: [{ name: "demo", route }] }), []);
    assert.deepEqual(check({ apps: [{ name: "demo", route: false }] }), []);
  });

  it("egress: exactly one of app or cidr, and an app of this stack", () => {
    const e = [{ app: "db" }, { cidr: "10.0.0.0/8" }, { app: "db", cidr: "10.0.0.0/8" }, {}, { app: "nope" }];
    assert.deepEqual(check({ apps: [{ name: "web", egress: e }, { name: "db" }] }), [
      [["apps", 0, "egress", 2], { app: "db", cidr: "10.0.0.0/8" }, "expected exactly one of app or cidr"],
      [["apps", 0, "egress", 3], {}, "expected exactly one of app or cidr"],
      [["apps", 0, "egress", 4, "app"], "nope", "expected the name of an app of this stack (web, db)"],
    ]);
  });

  it("skips what failed to parse", () => {
    const apps = [null, "x", ["a"], { name: "a", egress: [null, "x", { app: "b" }] }] as unknown as NonNullable<
      Parameters<typeof checkTraffic>[0]["apps"]
    >;
    assert.deepEqual(check({ apps }), [[["apps", 3, "egress", 2, "app"], "b", "expected the name of an app of this stack (, a)"]]);
    assert.deepEqual(check({ apps: [{ name: "a", egress: "b" as unknown as [] }] }), []);
    assert.deepEqual(check({ apps: "x" as unknown as [] }), []);
    assert.deepEqual(check({}), []);
  });
});

describe("config/traffic: the stack Gateway a strategy inherits", () => {
  it("an A/B test or canary by gateway without a gateway gets the stack's and its host names", () => {
    assert.deepEqual(withStackGateway({ strategy: { type: "abTest" } }, traffic), {
      strategy: { type: "abTest", gateway: { name: "gateway", namespace: "gateway", hostnames: ["demo.example.com"] } },
    });
    assert.deepEqual(
      withStackGateway({ strategy: { type: "canary", traffic: "gateway" }, route: { hostnames: ["a.example.com"] } }, traffic),
      {
        strategy: { type: "canary", traffic: "gateway", gateway: { name: "gateway", namespace: "gateway", hostnames: ["a.example.com"] } },
        route: { hostnames: ["a.example.com"] },
      },
    );
    assert.deepEqual(withStackGateway({ strategy: { type: "abTest" }, route: { hostnames: [] } }, traffic), {
      strategy: { type: "abTest", gateway: { name: "gateway", namespace: "gateway", hostnames: ["demo.example.com"] } },
      route: { hostnames: [] },
    });
    assert.deepEqual(withStackGateway({ strategy: { type: "abTest" }, route: false }, traffic), {
      strategy: { type: "abTest", gateway: { name: "gateway", namespace: "gateway", hostnames: ["demo.example.com"] } },
      route: false,
    });
  });

  it("the host names are a copy", () => {
    const out = withStackGateway({ strategy: { type: "abTest" } }, traffic) as unknown as {
      strategy: { gateway: { hostnames: string[] } };
    };
    assert.notEqual(out.strategy.gateway.hostnames, traffic.gateway.hostnames);
  });

  it("leaves an app alone without traffic, without the need, or with its own gateway", () => {
    const own = { strategy: { type: "abTest", gateway: { name: "g", namespace: "n" } } };
    assert.equal(withStackGateway(own, traffic), own);
    const replicas = { strategy: { type: "canary", traffic: "replicas" } };
    assert.equal(withStackGateway(replicas, traffic), replicas);
    const ab = { strategy: { type: "abTest" } };
    assert.equal(withStackGateway(ab, undefined), ab);
    const none = {};
    assert.equal(withStackGateway(none, traffic), none);
  });
});
