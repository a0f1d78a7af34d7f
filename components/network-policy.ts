import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as netpol from "../workloads/network-policy";

export interface AppNetworkPolicyArgs extends netpol.NetworkPolicyArgs {
  /** The app's namespace (an Output of its Namespace, so the policies come after it). */
  readonly namespace: pulumi.Output<string>;
  readonly provider: k8s.Provider;
}

/** Default-deny for the app namespace plus the app's allow-list (workloads/network-policy.ts). */
export class AppNetworkPolicy extends pulumi.ComponentResource {
  constructor(name: string, args: AppNetworkPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:network:AppNetworkPolicy", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const inNs = <T extends { metadata?: object }>(o: T) => ({ ...o, metadata: { ...o.metadata, namespace: args.namespace } });
    new k8s.networking.v1.NetworkPolicy(`${name}-default-deny`, inNs(netpol.defaultDeny(args.id)), k8sOpts);
    new k8s.networking.v1.NetworkPolicy(`${name}-allow`, inNs(netpol.appNetworkPolicy(args)), k8sOpts);
    this.registerOutputs({});
  }
}
