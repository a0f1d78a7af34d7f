// NetworkPolicies of one app namespace, computed without Pulumi: deny everything, then allow the
// Gateway and the app's own pods in, and DNS plus what the app declares out.
import type * as k8s from "@pulumi/kubernetes";
import type { AppConfig } from "../config/schema";
import { AppIdentity, commonLabels, namespaceOf, selectorLabels } from "../lib/labels";
import type { Plain } from "../lib/plain";
import { httpPortName } from "./probes";

type NetworkPolicy = Plain<k8s.types.input.networking.v1.NetworkPolicy>;
type Peer = Plain<k8s.types.input.networking.v1.NetworkPolicyPeer>;

/**
 * Where Google's load balancers (the GKE Gateway's proxies and health checks) connect from:
 * documented ranges of the Google Front End, not something the program can look up.
 */
export const googleFrontEndRanges = ["35.191.0.0/16", "130.211.0.0/22"] as const;
/** NodeLocal DNSCache's address, used instead of kube-dns' Service IP where GKE enables it. */
export const nodeLocalDns = "169.254.20.10/32";
export const defaultDenyName = "default-deny";

const nsSelector = (ns: string) => ({ matchLabels: { "kubernetes.io/metadata.name": ns } });

export interface NetworkPolicyArgs {
  readonly app: AppConfig;
  readonly id: AppIdentity;
  /** Namespace of the environment's Gateway (its traffic may reach the app's port). */
  readonly gatewayNamespace?: string;
  /** GKE: the Gateway's proxies reach pods from Google's front-end ranges, not from a namespace. */
  readonly gke: boolean;
  /** Apps of the environment that declared egress to this app (they may connect in). */
  readonly callers: readonly string[];
}

/** Denies all ingress and egress of every pod in the namespace; the app's policy adds what it needs. */
export function defaultDeny(id: AppIdentity): NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: defaultDenyName, namespace: namespaceOf(id), labels: commonLabels(id) },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
}

export function appNetworkPolicy(args: NetworkPolicyArgs): NetworkPolicy {
  const { app, id } = args;
  const own: Peer = { podSelector: { matchLabels: selectorLabels(id) } };
  const fromGateway: Peer[] = [
    ...(args.gatewayNamespace ? [{ namespaceSelector: nsSelector(args.gatewayNamespace) }] : []),
    ...(args.gatewayNamespace && args.gke ? googleFrontEndRanges.map((cidr) => ({ ipBlock: { cidr } })) : []),
  ];
  const callers: Peer[] = [...args.callers].sort().map((caller) => {
    const callerId = { app: caller, environment: id.environment };
    return { namespaceSelector: nsSelector(namespaceOf(callerId)), podSelector: { matchLabels: selectorLabels(callerId) } };
  });
  // Gates reach the candidate through the API server's service proxy; on GKE that is tunnelled by konnectivity-agent.
  const hasGates = app.strategy !== undefined && "gates" in app.strategy && app.strategy.gates !== undefined;
  const fromApiServer: Peer[] =
    hasGates && args.gke
      ? [{ namespaceSelector: nsSelector("kube-system"), podSelector: { matchLabels: { "k8s-app": "konnectivity-agent" } } }]
      : [];
  const httpPort = [{ protocol: "TCP", port: httpPortName }];

  const dns = {
    to: [
      { namespaceSelector: nsSelector("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } },
      { ipBlock: { cidr: nodeLocalDns } },
    ],
    ports: [
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ],
  };
  const declared = app.egress.map((e) => ({
    to: [
      e.app !== undefined
        ? {
            namespaceSelector: nsSelector(namespaceOf({ app: e.app, environment: id.environment })),
            podSelector: { matchLabels: selectorLabels({ app: e.app, environment: id.environment }) },
          }
        : { ipBlock: { cidr: e.cidr! } },
    ],
    ports: e.ports.map((port) => ({ protocol: "TCP", port })),
  }));

  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: app.name, namespace: namespaceOf(id), labels: commonLabels(id) },
    spec: {
      podSelector: { matchLabels: selectorLabels(id) },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        // The app's own pods, on any port (peers of a StatefulSet, a canary and its stable track).
        { from: [own] },
        ...(fromGateway.length + callers.length + fromApiServer.length > 0
          ? [{ from: [...fromGateway, ...callers, ...fromApiServer], ports: httpPort }]
          : []),
      ],
      egress: [{ to: [own] }, dns, ...declared],
    },
  };
}

/** Apps that declared egress to `target`. */
export function callersOf(target: string, apps: readonly AppConfig[]): string[] {
  return apps.filter((a) => a.name !== target && a.egress.some((e) => e.app === target)).map((a) => a.name);
}
