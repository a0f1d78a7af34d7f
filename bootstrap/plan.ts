// Pure decisions of the bootstrap stack: which APIs, which roles for whom and why, and the CEL the
// GitHub OIDC provider evaluates. Tested without Pulumi; the components only register them.
import { nodeServiceAccountRoles } from "../components/gke-cluster";
import type { BootstrapConfig } from "./config";

/** The CD identities a workflow can become. `preview` is read-only; each deployer acts in one environment. */
export const lanes = ["preview", "staging", "production"] as const;
export type Lane = (typeof lanes)[number];
export type DeployLane = Exclude<Lane, "preview">;

/** APIs the rollout stacks call in every environment project. */
export const environmentApis = [
  "artifactregistry.googleapis.com",
  "certificatemanager.googleapis.com",
  "cloudresourcemanager.googleapis.com",
  "compute.googleapis.com",
  "container.googleapis.com",
  "iam.googleapis.com",
  "secretmanager.googleapis.com",
] as const;

/** APIs the shared project needs: state, the secrets key and the token exchange. */
export const sharedApis = [
  "cloudkms.googleapis.com",
  "cloudresourcemanager.googleapis.com",
  "iam.googleapis.com",
  "iamcredentials.googleapis.com",
  "storage.googleapis.com",
  "sts.googleapis.com",
] as const;

/** Each API once per project (the shared project may also be an environment project). */
export function apisByProject(c: BootstrapConfig): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  const add = (project: string, apis: readonly string[]) => {
    const set = out.get(project) ?? new Set<string>();
    apis.forEach((a) => set.add(a));
    out.set(project, set);
  };
  add(c.project, sharedApis);
  add(c.environments.staging.project, environmentApis);
  add(c.environments.production.project, environmentApis);
  return new Map([...out].map(([p, s]) => [p, [...s].sort()]));
}

/** The one project role a deployer may grant, each only to the members the main stacks name (see grantableRoles). */
export const ciClusterViewerRole = "roles/container.clusterViewer";

/**
 * Project roles the main stacks' own resources receive: a deployer may grant these and no other
 * (roles/resourcemanager.projectIamAdmin is conditioned on this list).
 */
export const grantableRoles: readonly string[] = [...nodeServiceAccountRoles, ciClusterViewerRole].sort();

export interface RoleGrant {
  readonly role: string;
  /** Why the main stack needs it: which of its resources it creates. */
  readonly why: string;
  readonly condition?: { readonly title: string; readonly expression: string };
}

/** The IAM condition that limits projectIamAdmin to granting (and revoking) `roles` only. */
export function onlyGrantsCondition(roles: readonly string[]): { title: string; expression: string } {
  return {
    title: "only the roles the rollout stack grants",
    expression: `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([${roles.map((r) => `'${r}'`).join(", ")}])`,
  };
}

/**
 * The narrowest predefined roles that let `pulumi up` of a main stack create what it creates, in
 * its environment project only. There is no narrower predefined role for any of them; each names the resource.
 */
export function deployerProjectRoles(): RoleGrant[] {
  return [
    {
      role: "roles/container.admin",
      why: "GKE cluster and node pool, and inside it namespaces, RBAC Roles/RoleBindings (RBAC escalation checks need the permissions granted), workloads",
    },
    {
      role: "roles/iam.serviceAccountAdmin",
      why: "service accounts for nodes, CI and each app, and their roles/iam.workloadIdentityUser bindings",
    },
    { role: "roles/iam.serviceAccountUser", why: "actAs on the node service account the cluster runs as" },
    {
      role: "roles/resourcemanager.projectIamAdmin",
      why: "the node service account's logging/monitoring roles and CI's cluster viewer role, nothing else (conditioned)",
      condition: onlyGrantsCondition(grantableRoles),
    },
    {
      role: "roles/artifactregistry.admin",
      why: "the image repository, its cleanup policy and per-repository reader/writer IAM; pushes the build",
    },
    {
      role: "roles/secretmanager.admin",
      why: "per-secret secretAccessor bindings for each app's service account (setIamPolicy on a secret exists in no smaller predefined role); values are never read by the stack",
    },
    { role: "roles/certificatemanager.editor", why: "the Google-managed certificate, certificate map and map entry of the Gateway" },
    {
      role: "roles/compute.publicIpAdmin",
      why: "the Gateway's global static IP address (DNS points at it before the certificate can be issued)",
    },
  ];
}

/** Read-only roles for `pulumi preview` of pull requests, in each environment project. */
export function previewerProjectRoles(): RoleGrant[] {
  return [
    { role: "roles/container.viewer", why: "cluster credentials and read access to Kubernetes objects for the provider's diff" },
    { role: "roles/artifactregistry.reader", why: "read the repository and image digests" },
    { role: "roles/iam.securityReviewer", why: "read IAM policies when a preview refreshes" },
    { role: "roles/secretmanager.viewer", why: "secret metadata only, never a secret's value" },
    { role: "roles/certificatemanager.viewer", why: "read certificates and maps" },
    { role: "roles/compute.viewer", why: "read the Gateway's address" },
  ];
}

/** Objects Pulumi's lock files live under in a GCS backend: the only objects a preview writes. */
export function lockObjectsCondition(bucket: string): { title: string; expression: string } {
  return {
    title: "Pulumi lock files only",
    expression: `resource.name.startsWith('projects/_/buckets/${bucket}/objects/.pulumi/locks/')`,
  };
}

export function stateBucketName(c: BootstrapConfig): string {
  return c.stateBucket ?? `${c.project}-pulumi-state`;
}

/** GitHub OIDC claims mapped to Google attributes (`attribute.lane` is what the bindings use). */
export function attributeMapping(c: BootstrapConfig): Record<string, string> {
  return {
    "google.subject": "assertion.sub",
    "attribute.repository": "assertion.repository",
    "attribute.ref": "assertion.ref",
    "attribute.lane": laneExpression(c),
  };
}

/**
 * CEL that puts a token in exactly one lane. GitHub's `sub` is `repo:<repo>:environment:<env>` for a
 * job in an environment and `repo:<repo>:pull_request` for a pull request, and `ref` is the ref
 * the workflow runs on; production needs both the protected environment and a release tag.
 */
export function laneExpression(c: BootstrapConfig): string {
  const repo = c.githubRepository;
  const { staging, production } = c.environments;
  const prodSub = `repo:${repo}:environment:${production.environment}`;
  return [
    `assertion.sub == '${prodSub}' && assertion.ref.startsWith('refs/tags/${production.tagPrefix}') ? 'production'`,
    `: assertion.ref == 'refs/heads/${staging.branch}' && assertion.event_name != 'pull_request' && !assertion.sub.endsWith(':environment:${production.environment}') ? 'staging'`,
    `: assertion.event_name == 'pull_request' ? 'preview'`,
    `: 'none'`,
  ].join(" ");
}

/** The provider refuses tokens from any other repository before any mapping is used. */
export function attributeCondition(c: BootstrapConfig): string {
  return `assertion.repository == '${c.githubRepository}'`;
}

/** The member allowed to impersonate a lane's service account. */
export function lanePrincipal(poolName: string, lane: Lane): string {
  return `principalSet://iam.googleapis.com/${poolName}/attribute.lane/${lane}`;
}

export const accountIds: Readonly<Record<Lane, string>> = {
  preview: "rollout-previewer",
  staging: "rollout-deploy-staging",
  production: "rollout-deploy-production",
};
