// Pure builder of the GitOps mode's objects (config in, Kubernetes manifests out), for the
// Pulumi Kubernetes Operator v2 (CRDs of v2.9.0: pulumi.com/v1 Stack). components/gitops.ts
// registers them; the tests check them against the CRD schema and the API server.
import type { GitopsConfig } from "../config/gitops";
import { managedBy, partOf } from "./labels";

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
} & Record<string, unknown>;

export interface GitopsObjects {
  readonly namespace: Manifest;
  readonly serviceAccount: Manifest;
  /** PKO v2: the workspace's service account must be able to review tokens (the Operator authenticates to the workspace's agent). */
  readonly authDelegator: Manifest & {
    roleRef: { apiGroup: string; kind: string; name: string };
    subjects: Array<{ kind: string; name: string; namespace: string }>;
  };
  readonly stack: Manifest;
}

/** A git branch as the Operator wants it: a fully qualified ref. */
export function branchRef(branch: string): string {
  return branch.startsWith("refs/") ? branch : `refs/heads/${branch}`;
}

export function gitopsObjects(config: GitopsConfig, ctx: { stack: string; environment: string }): GitopsObjects {
  const labels = {
    "app.kubernetes.io/managed-by": managedBy,
    "app.kubernetes.io/part-of": partOf,
    "rollout.dev/environment": ctx.environment,
  };
  const ns = config.namespace;
  const stackName = config.stack ?? ctx.stack;
  const objectName =
    stackName
      .replace(/[^a-z0-9-]/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 63) || "stack";

  const creds = config.credentials;
  const envRefs =
    "secretEnv" in creds
      ? Object.fromEntries(
          Object.entries(creds.secretEnv)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, ref]) => [name, { type: "Secret", secret: { name: ref.name, key: ref.key } }]),
        )
      : undefined;

  const stackSpec: Record<string, unknown> = {
    stack: stackName,
    projectRepo: config.repository,
    branch: branchRef(config.branch),
    ...(config.repoDir !== "." ? { repoDir: config.repoDir } : {}),
    serviceAccountName: config.serviceAccount,
    backend: config.backend,
    secretsProvider: config.secretsProvider,
    ...(envRefs ? { envRefs } : {}),
    ...(config.gitAuth
      ? { gitAuth: { accessToken: { type: "Secret", secret: { name: config.gitAuth.name, key: config.gitAuth.key } } } }
      : {}),
    // Reverting drift: refresh before every update, and keep reconciling on a timer even when the
    // commit has not moved (otherwise a hand edit would stay until the next commit).
    refresh: true,
    continueResyncOnCommitMatch: true,
    resyncFrequencySeconds: config.resyncSeconds,
    // The stack exists (bootstrap, then the first pulumi up): never create one from a typo.
    useLocalStackOnly: true,
    // Deleting the Stack object stops reconciliation; it must never destroy the environment.
    destroyOnFinalize: false,
    ...(config.workspaceImage ? { workspaceTemplate: { spec: { image: config.workspaceImage } } } : {}),
  };

  return {
    namespace: {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: ns,
        labels: { ...labels, "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" },
      },
    },
    serviceAccount: {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: {
        name: config.serviceAccount,
        namespace: ns,
        labels,
        ...("workloadIdentity" in creds ? { annotations: { "iam.gke.io/gcp-service-account": creds.workloadIdentity } } : {}),
      },
    },
    authDelegator: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: `${ns}:${config.serviceAccount}:system:auth-delegator`, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
      subjects: [{ kind: "ServiceAccount", name: config.serviceAccount, namespace: ns }],
    },
    stack: {
      apiVersion: "pulumi.com/v1",
      kind: "Stack",
      metadata: { name: objectName, namespace: ns, labels },
      spec: stackSpec,
    },
  };
}
