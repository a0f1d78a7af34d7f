// `rollout:gitops`: GitOps mode. Instead of CI running `pulumi up`, the stack renders what the
// Pulumi Kubernetes Operator (v2) needs to reconcile this very stack from git: a namespace, the
// workspace's service account, and a `pulumi.com/v1` Stack pointing at this repository and
// stack, with the state backend's credentials by reference only (GKE Workload Identity or named
// Secret keys: no secret value is ever in the config or the program).
import { z } from "zod";

const dnsLabel = z.string().regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, {
  error: "expected a DNS label (lower-case letters, digits and '-', at most 63 characters)",
});
const secretKeyRef = z.strictObject({
  /** Secret in the gitops namespace. */
  name: dnsLabel,
  key: z.string().regex(/^[-._a-zA-Z0-9]+$/, { error: "expected a Secret key ([-._a-zA-Z0-9]+)" }),
});
const envName = /^[A-Z_][A-Z0-9_]*$/;

export const gitopsSchema = z.strictObject({
  /** The git repository the Operator fetches, `https://…` or `git@…:owner/name.git`. */
  repository: z.string().regex(/^(https:\/\/[^\s]+|git@[^\s:]+:[^\s]+)$/, { error: "expected an https:// or git@host:owner/name git URL" }),
  /** Branch to follow. @default "main" */
  branch: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/, { error: "expected a branch name" })
    .default("main"),
  /** Directory of Pulumi.yaml inside the repository. @default "." */
  repoDir: z
    .string()
    // No '..' component: the Operator's workspace must stay inside the repository it fetched.
    .regex(/^(?!(.*\/)?\.\.(\/|$))(\.|[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*)$/, { error: "expected '.' or a relative path without '..'" })
    .default("."),
  /** Stack name as the backend knows it. @default the Pulumi stack name */
  stack: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/, { error: "expected a stack name" })
    .optional(),
  /** Namespace of the Stack object and its workspace. @default "pulumi-gitops" */
  namespace: dnsLabel.default("pulumi-gitops"),
  /** Service account the workspace pod runs as. @default "pulumi-workspace" */
  serviceAccount: dnsLabel.default("pulumi-workspace"),
  /** The state backend (the one CI uses). */
  backend: z.string().regex(/^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/\S*)?$/, { error: "expected gs://<bucket>[/<prefix>]" }),
  /** The stacks' secrets provider. */
  secretsProvider: z.string().regex(/^gcpkms:\/\/projects\/[^/\s]+\/locations\/[^/\s]+\/keyRings\/[^/\s]+\/cryptoKeys\/[^/\s]+$/, {
    error: "expected gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>",
  }),
  /** How the workspace reaches the backend, KMS and the cloud: exactly one of the two. */
  credentials: z.union(
    [
      z.strictObject({
        /** GKE Workload Identity: the Google service account (the environment's deployer) the workspace's Kubernetes service account acts as. */
        workloadIdentity: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/, {
          error: "expected a Google service account email",
        }),
      }),
      z.strictObject({
        /** Environment variables of the workspace taken from Secret keys (created out of band). */
        secretEnv: z
          .record(z.string().regex(envName, { error: "expected an environment variable name" }), secretKeyRef)
          .refine((env) => Object.keys(env).length > 0, { error: "expected at least one variable" }),
      }),
    ],
    { error: "expected exactly one of {workloadIdentity: <email>} or {secretEnv: {VAR: {name, key}}}" },
  ),
  /** A Secret key holding a git access token, for a private repository. */
  gitAuth: secretKeyRef.optional(),
  /** Reconcile (refresh + up, reverting drift) at least this often, also without new commits. @default 300 */
  resyncSeconds: z
    .int({ error: "expected an integer number of seconds" })
    .min(60, { error: "expected at least 60 seconds" })
    .max(86_400, { error: "expected at most 86400 seconds" })
    .default(300),
  /** Workspace image (needs gke-gcloud-auth-plugin for a GKE kubeconfig). @default the Operator's */
  workspaceImage: z
    .string()
    .regex(/^[^\s:@]+(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$/, { error: "expected an image pinned by tag or digest" })
    .refine((ref) => !ref.endsWith(":latest"), { error: "expected a tag other than latest" })
    .optional(),
});

export type GitopsConfig = z.infer<typeof gitopsSchema>;

/** Cross-key rules of GitOps mode, as `{path, input, message}` for the stack schema to report. */
export function gitopsProblems(stack: {
  gitops?: GitopsConfig;
  image?: { source: string };
}): Array<{ path: (string | number)[]; input: unknown; message: string }> {
  if (!stack.gitops || !stack.image || stack.image.source === "prebuilt") return [];
  // git must hold the desired state: the digest itself. `build` cannot run in the workspace pod,
  // and `promote` would let every resync deploy whatever staging exports now, with no commit and
  // no review.
  const why =
    stack.image.source === "build"
      ? "the Operator's workspace pod cannot build images (CI builds, tests and pushes, then the digest is committed)"
      : "every resync would deploy whatever the source stack exports now, without a commit or a review (commit the promoted digest instead)";
  return [
    { path: ["image", "source"], input: stack.image.source, message: `expected 'prebuilt' (a digest in git) with rollout:gitops: ${why}` },
  ];
}
