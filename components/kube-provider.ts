import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface KubeconfigProviderArgs {
  /** kubeconfig context; undefined means the current context. */
  readonly context?: string;
  /** kubeconfig file; undefined means $KUBECONFIG or ~/.kube/config. */
  readonly path?: string;
}

/** The `local` stack's Kubernetes provider: whatever cluster a kubeconfig points at. No cloud account needed. */
export function kubeconfigProvider(name: string, args: KubeconfigProviderArgs, opts?: pulumi.CustomResourceOptions): k8s.Provider {
  return new k8s.Provider(
    name,
    {
      ...(args.path ? { kubeconfig: args.path } : {}),
      ...(args.context ? { context: args.context } : {}),
      enableServerSideApply: true,
    },
    opts,
  );
}
