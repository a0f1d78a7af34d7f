// Plain Gateway API objects for an environment's edge: the Gateway (HTTPS for the apps, HTTP only
// to redirect), the redirect route, and each app's live HTTPRoute. Computed without Pulumi.
import type { AppConfig } from "../config/schema";
import type { TrafficConfig } from "../config/traffic";
import { AppIdentity, commonLabels, namespaceOf } from "../lib/labels";

export const gatewayGroup = "gateway.networking.k8s.io";
export const httpsListener = "https";
export const httpListener = "http";
/** Annotation attaching a Certificate Manager map to a GKE Gateway. */
export const gkeCertMapAnnotation = "networking.gke.io/certmap";

const gatewayLabels = {
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/part-of": "rollout",
  "app.kubernetes.io/component": "gateway",
};

export interface GatewayArgs {
  readonly traffic: TrafficConfig;
  readonly className: string;
  /** Namespaces whose HTTPRoutes may attach to the HTTPS listener: the apps', nobody else's. */
  readonly routeNamespaces: readonly string[];
  /** GKE: Certificate Manager map and the named global address. Elsewhere: a TLS Secret reference. */
  readonly gke?: { readonly certificateMap: string; readonly addressName: string };
}

export function gateway(args: GatewayArgs): Record<string, unknown> {
  const { name, namespace } = args.traffic.gateway;
  return {
    apiVersion: `${gatewayGroup}/v1`,
    kind: "Gateway",
    metadata: {
      name,
      namespace,
      labels: gatewayLabels,
      ...(args.gke ? { annotations: { [gkeCertMapAnnotation]: args.gke.certificateMap } } : {}),
    },
    spec: {
      gatewayClassName: args.className,
      ...(args.gke ? { addresses: [{ type: "NamedAddress", value: args.gke.addressName }] } : {}),
      listeners: [
        {
          name: httpsListener,
          protocol: "HTTPS",
          port: 443,
          // GKE takes the certificate from the map; the Gateway API's own form is a Secret reference.
          ...(args.gke ? {} : { tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: `${name}-tls` }] } }),
          allowedRoutes: {
            kinds: [{ group: gatewayGroup, kind: "HTTPRoute" }],
            namespaces: {
              from: "Selector",
              selector: {
                matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...args.routeNamespaces].sort() }],
              },
            },
          },
        },
        {
          // Plain HTTP exists only to redirect: routes from the Gateway's own namespace only (the redirect).
          name: httpListener,
          protocol: "HTTP",
          port: 80,
          allowedRoutes: { kinds: [{ group: gatewayGroup, kind: "HTTPRoute" }], namespaces: { from: "Same" } },
        },
      ],
    },
  };
}

/** Every HTTP request gets a 301 to the same URL on https. */
export function httpsRedirectRoute(traffic: TrafficConfig, hostnames: readonly string[]): Record<string, unknown> {
  const { name, namespace } = traffic.gateway;
  return {
    apiVersion: `${gatewayGroup}/v1`,
    kind: "HTTPRoute",
    metadata: { name: `${name}-https-redirect`, namespace, labels: gatewayLabels },
    spec: {
      parentRefs: [{ group: gatewayGroup, kind: "Gateway", name, namespace, sectionName: httpListener }],
      hostnames: [...new Set(hostnames)].sort(),
      rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
    },
  };
}

/** Host names of an app's live route: its own, else the Gateway's. */
export function appHostnames(app: AppConfig, traffic: TrafficConfig): string[] {
  return app.route && app.route.hostnames.length > 0 ? [...app.route.hostnames] : [...traffic.gateway.hostnames];
}

/** The app's live HTTPRoute on the HTTPS listener, to its live Service. */
export function liveRoute(app: AppConfig, id: AppIdentity, traffic: TrafficConfig, liveService: string): Record<string, unknown> {
  const pathPrefix = app.route ? app.route.pathPrefix : "/";
  return {
    apiVersion: `${gatewayGroup}/v1`,
    kind: "HTTPRoute",
    metadata: { name: app.name, namespace: namespaceOf(id), labels: commonLabels(id) },
    spec: {
      parentRefs: [
        {
          group: gatewayGroup,
          kind: "Gateway",
          name: traffic.gateway.name,
          namespace: traffic.gateway.namespace,
          sectionName: httpsListener,
        },
      ],
      hostnames: appHostnames(app, traffic),
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: pathPrefix } }],
          backendRefs: [{ group: "", kind: "Service", name: liveService, port: app.servicePort }],
        },
      ],
    },
  };
}
