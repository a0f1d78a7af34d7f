// `rollout:traffic` (the environment's Gateway) and the per-app keys that use it (`route`,
// `egress`). Hooked into config/schema.ts; the cross-field rules run from the stack check.
import { z } from "zod";

const dnsLabel = z.string().regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, {
  error: "expected a DNS label: lower-case letters, digits and '-', starting with a letter, at most 40 characters",
});
const hostname = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, {
  error: "expected a fully qualified host name such as 'demo.example.com' (no wildcard: a Google-managed certificate needs exact names)",
});

/** GKE Gateway controller class: global external Application Load Balancer, the one Certificate Manager maps attach to. */
export const gkeGatewayClass = "gke-l7-global-external-managed";
/** Class of the local stack's Gateway: any name is accepted by the API server; no controller programs it. */
export const localGatewayClass = "rollout-local";

export const trafficSchema = z.strictObject({
  gateway: z.strictObject({
    name: dnsLabel.default("gateway"),
    namespace: dnsLabel.default("gateway"),
    /** @default gke-l7-global-external-managed on GKE, rollout-local on a kubeconfig cluster */
    className: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)
      .optional(),
    /** Names on the certificate and the routes' default hostnames. */
    hostnames: z.array(hostname).min(1, { error: "expected at least one host name (the certificate is issued for these)" }),
  }),
});
export type TrafficConfig = z.infer<typeof trafficSchema>;

const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/, { error: "expected an IPv4 CIDR such as '10.0.0.0/8'" });

/** Per-app keys spread into the app schema. */
export const appTrafficKeys = {
  /** The app's live HTTPRoute on the environment's Gateway (HTTPS listener); `false`: no route. */
  route: z
    .union([
      z.literal(false),
      z.strictObject({
        /** @default the Gateway's host names */
        hostnames: z.array(hostname).default([]),
        pathPrefix: z
          .string()
          .regex(/^\/[-A-Za-z0-9._~/]*$/, { error: "expected a path prefix starting with '/'" })
          .default("/"),
      }),
    ])
    .optional(),
  /** What the pods may connect to besides DNS: another app of this environment, or a CIDR, on the given ports. */
  egress: z
    .array(
      z.strictObject({
        app: dnsLabel.optional(),
        cidr: cidr.optional(),
        ports: z.array(z.int().min(1).max(65535)).min(1, { error: "expected at least one port" }),
      }),
    )
    .default([]),
};

type Push = (path: (string | number)[], input: unknown, message: string) => void;
interface StackLike {
  readonly cluster?: { readonly provider?: string };
  readonly traffic?: TrafficConfig;
  readonly apps?: readonly {
    readonly name?: string;
    readonly strategy?: { readonly type?: string; readonly traffic?: string; readonly gateway?: unknown };
    readonly route?: unknown;
    readonly egress?: readonly { readonly app?: string; readonly cidr?: string }[];
  }[];
}

/** Strategies that route by weight or header: they attach to a Gateway. */
export function needsGateway(strategy: { type?: string; traffic?: string } | undefined): boolean {
  return strategy?.type === "abTest" || (strategy?.type === "canary" && strategy.traffic === "gateway");
}

/** Rules across `rollout:traffic` and the apps. */
export function checkTraffic(stack: StackLike, push: Push): void {
  // Runs even when parts of the stack failed to parse: skip what is not a mapping (already reported).
  const apps = (Array.isArray(stack.apps) ? stack.apps : []).map((a) => (a && typeof a === "object" && !Array.isArray(a) ? a : undefined));
  const names = new Set(apps.map((a) => a?.name));
  apps.forEach((app, i) => {
    if (!app) return;
    if (needsGateway(app.strategy) && !app.strategy?.gateway && !stack.traffic) {
      push(
        ["apps", i, "strategy", "gateway"],
        undefined,
        `expected a gateway {name, namespace}, or rollout:traffic.gateway for the stack's own Gateway, for strategy ${app.strategy?.type}${app.strategy?.type === "canary" ? " with traffic 'gateway'" : ""}`,
      );
    }
    if (app.route && !stack.traffic)
      push(["apps", i, "route"], app.route, "expected no route without rollout:traffic.gateway (there is no Gateway to attach it to)");
    (Array.isArray(app.egress) ? app.egress : []).forEach((e: { app?: string; cidr?: string }, j: number) => {
      if (!e || typeof e !== "object") return;
      if ((e.app === undefined) === (e.cidr === undefined)) push(["apps", i, "egress", j], e, "expected exactly one of app or cidr");
      else if (e.app !== undefined && !names.has(e.app))
        push(["apps", i, "egress", j, "app"], e.app, `expected the name of an app of this stack (${[...names].join(", ")})`);
    });
  });
}

/** The Gateway's class: the GKE controller's managed class on GKE, a placeholder class elsewhere. */
export function gatewayClassOf(traffic: TrafficConfig, provider: string): string {
  return traffic.gateway.className ?? (provider === "gke" ? gkeGatewayClass : localGatewayClass);
}

/** A weighted canary or A/B test without its own gateway uses the stack's, on its HTTPS listener's host names. */
export function withStackGateway<A extends { strategy?: unknown; route?: false | { hostnames: string[] } }>(
  app: A,
  traffic: TrafficConfig | undefined,
): A {
  const s = app.strategy as { type?: string; traffic?: string; gateway?: unknown } | undefined;
  if (!traffic || !needsGateway(s) || s?.gateway) return app;
  const hostnames = app.route && app.route.hostnames.length > 0 ? app.route.hostnames : traffic.gateway.hostnames;
  return {
    ...app,
    strategy: { ...s, gateway: { name: traffic.gateway.name, namespace: traffic.gateway.namespace, hostnames: [...hostnames] } },
  };
}
