import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { GitopsConfig } from "../config/gitops";
import { gitopsObjects, Manifest } from "../lib/gitops";

export interface GitOpsArgs {
  readonly config: GitopsConfig;
  /** The Pulumi stack this program runs as; the Operator's Stack reconciles it. */
  readonly stack: string;
  readonly environment: string;
  /** The cluster the Operator runs in (this stack's). */
  readonly provider: k8s.Provider;
}

/**
 * GitOps mode: what the Pulumi Kubernetes Operator (v2, installed beforehand with its CRDs) needs
 * to reconcile this stack from git and revert drift: namespace, workspace service account (GKE
 * Workload Identity or Secret references, never a secret value), its auth-delegator binding, and
 * the `pulumi.com/v1` Stack. The objects themselves come from the pure `gitopsObjects`.
 */
export class GitOps extends pulumi.ComponentResource {
  /** `<namespace>/<name>` of the Stack object. */
  readonly stackObject: pulumi.Output<string>;

  constructor(name: string, args: GitOpsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:gitops:GitOps", name, {}, opts);
    const objects = gitopsObjects(args.config, { stack: args.stack, environment: args.environment });
    const k8sOpts = { parent: this, provider: args.provider };
    const ns = new k8s.core.v1.Namespace(`${name}-ns`, objects.namespace as k8s.core.v1.NamespaceArgs, k8sOpts);
    const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, objects.serviceAccount as k8s.core.v1.ServiceAccountArgs, {
      ...k8sOpts,
      dependsOn: [ns],
    });
    const binding = new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-auth-delegator`,
      objects.authDelegator as k8s.rbac.v1.ClusterRoleBindingArgs,
      k8sOpts,
    );
    const stack = new k8s.apiextensions.CustomResource(`${name}-stack`, customResourceArgs(objects.stack), {
      ...k8sOpts,
      dependsOn: [sa, binding],
    });
    this.stackObject = pulumi.interpolate`${stack.metadata.namespace}/${stack.metadata.name}`;
    this.registerOutputs({ stackObject: this.stackObject });
  }
}

function customResourceArgs(m: Manifest): k8s.apiextensions.CustomResourceArgs {
  const { apiVersion, kind, metadata, ...rest } = m;
  return { apiVersion, kind, metadata, ...rest };
}
