// workloads/gateway.ts: the environment's Gateway, its HTTPS redirect, and each app's live route.
import { strict as assert } from "assert";
import { appOf } from "../../support/apps";
import type { TrafficConfig } from "../../../config/traffic";
import {
  appHostnames,
  gateway,
  gatewayGroup,
  gkeCertMapAnnotation,
  httpListener,
  httpsListener,
  httpsRedirectRoute,
  liveRoute,
} from "../../../workloads/gateway";

const traffic: TrafficConfig = { gateway: { name: "edge", namespace: "edge-ns", hostnames: ["shop.example.com", "api.example.com"] } };
const gatewayLabels = {
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/part-of": "rollout",
  "app.kubernetes.io/component": "gateway",
};
const httpRoutes = [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }];
const id = { app: "demo", environment: "local" };
// A route needs rollout:traffic in the stack: it is set on a parsed app.
const routed = (route: { hostnames: string[]; pathPrefix: string }, o: Record<string, unknown> = {}) => ({ ...appOf(o), route });

describe("workloads/gateway: gateway", () => {
  it("the names", () => {
    assert.equal(gatewayGroup, "gateway.networking.k8s.io");
    assert.equal(httpsListener, "https");
    assert.equal(httpListener, "http");
    assert.equal(gkeCertMapAnnotation, "networking.gke.io/certmap");
  });

  it("elsewhere: a TLS Secret on HTTPS, routes from the app namespaces only (sorted), HTTP from its own", () => {
    assert.deepEqual(gateway({ traffic, className: "rollout-local", routeNamespaces: ["local-web", "local-api"] }), {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: "edge", namespace: "edge-ns", labels: gatewayLabels },
      spec: {
        gatewayClassName: "rollout-local",
        listeners: [
          {
            name: "https",
            protocol: "HTTPS",
            port: 443,
            tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "edge-tls" }] },
            allowedRoutes: {
              kinds: httpRoutes,
              namespaces: {
                from: "Selector",
                selector: {
                  matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["local-api", "local-web"] }],
                },
              },
            },
          },
          { name: "http", protocol: "HTTP", port: 80, allowedRoutes: { kinds: httpRoutes, namespaces: { from: "Same" } } },
        ],
      },
    });
  });

  it("GKE: the certificate map annotation and the named address instead of a Secret", () => {
    const g = gateway({
      traffic,
      className: "gke-l7-global-external-managed",
      routeNamespaces: ["production-demo"],
      gke: { certificateMap: "edge-map", addressName: "edge-ip" },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
    }) as any;
    assert.deepEqual(g.metadata, {
      name: "edge",
      namespace: "edge-ns",
      labels: gatewayLabels,
      annotations: { "networking.gke.io/certmap": "edge-map" },
    });
    assert.deepEqual(g.spec.addresses, [{ type: "NamedAddress", value: "edge-ip" }]);
    assert.equal(g.spec.gatewayClassName, "gke-l7-global-external-managed");
    assert.deepEqual(g.spec.listeners[0], {
      name: "https",
      protocol: "HTTPS",
      port: 443,
      allowedRoutes: {
        kinds: httpRoutes,
        namespaces: {
          from: "Selector",
          selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["production-demo"] }] },
        },
      },
    });
  });
});

describe("workloads/gateway: httpsRedirectRoute", () => {
  it("a 301 to https for every host name, once each, sorted, on the HTTP listener", () => {
    assert.deepEqual(httpsRedirectRoute(traffic, ["shop.example.com", "api.example.com", "shop.example.com"]), {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "edge-https-redirect", namespace: "edge-ns", labels: gatewayLabels },
      spec: {
        parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "edge", namespace: "edge-ns", sectionName: "http" }],
        hostnames: ["api.example.com", "shop.example.com"],
        rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
      },
    });
  });
});

describe("workloads/gateway: the live route", () => {
  it("host names: the app's own, else the Gateway's", () => {
    assert.deepEqual(appHostnames(appOf(), traffic), ["shop.example.com", "api.example.com"]);
    assert.deepEqual(appHostnames(routed({ hostnames: [], pathPrefix: "/" }), traffic), ["shop.example.com", "api.example.com"]);
    assert.deepEqual(appHostnames(routed({ hostnames: ["x.example.com"], pathPrefix: "/" }), traffic), ["x.example.com"]);
  });

  it("the whole route: the HTTPS listener, path prefix '/', the live Service on the service port", () => {
    assert.deepEqual(liveRoute(appOf({ servicePort: 8081 }), id, traffic, "demo-live"), {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: {
        name: "demo",
        namespace: "local-demo",
        labels: {
          "app.kubernetes.io/name": "demo",
          "app.kubernetes.io/instance": "local-demo",
          "app.kubernetes.io/managed-by": "pulumi",
          "app.kubernetes.io/part-of": "rollout",
        },
      },
      spec: {
        parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "edge", namespace: "edge-ns", sectionName: "https" }],
        hostnames: ["shop.example.com", "api.example.com"],
        rules: [
          {
            matches: [{ path: { type: "PathPrefix", value: "/" } }],
            backendRefs: [{ group: "", kind: "Service", name: "demo-live", port: 8081 }],
          },
        ],
      },
    });
  });

  it("the app's path prefix", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const r = liveRoute(routed({ hostnames: [], pathPrefix: "/shop" }), id, traffic, "demo") as any;
    assert.deepEqual(r.spec.rules[0].matches, [{ path: { type: "PathPrefix", value: "/shop" } }]);
  });
});
