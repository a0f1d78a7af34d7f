import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig } from "../config/schema";
import type { TrafficConfig } from "../config/traffic";
import type { AppIdentity } from "../lib/labels";
import * as edge from "../workloads/gateway";

export interface AppRouteArgs {
  readonly app: AppConfig;
  readonly id: AppIdentity;
  readonly traffic: TrafficConfig;
  /** The app's live Service (an Output, so the route waits for it). */
  readonly liveService: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  /** The environment Gateway: the route is applied after it exists. */
  readonly gateway: pulumi.Resource;
}

/** An app's live HTTPRoute on the environment Gateway's HTTPS listener (strategies that route by weight or header bring their own). */
export class AppRoute extends pulumi.ComponentResource {
  constructor(name: string, args: AppRouteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:traffic:AppRoute", name, {}, opts);
    const spec = args.liveService.apply(
      (svc) =>
        edge.liveRoute(args.app, args.id, args.traffic, svc) as {
          apiVersion: string;
          kind: string;
          metadata: k8s.types.input.meta.v1.ObjectMeta;
          spec: Record<string, unknown>;
        },
    );
    new k8s.apiextensions.CustomResource(
      `${name}-httproute`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: spec.metadata,
        spec: spec.spec,
      },
      { parent: this, provider: args.provider, dependsOn: [args.gateway] },
    );
    this.registerOutputs({});
  }
}
