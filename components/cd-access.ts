import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CdConfig } from "../config/schema";
import { cdRoleRules } from "../lib/rbac";

export interface CdGcpArgs {
  readonly project: string;
  /** The Artifact Registry repository the CD identity pushes to. */
  readonly repository: gcp.artifactregistry.Repository;
}

export interface CdAccessArgs {
  readonly config: CdConfig;
  readonly environment: string;
  /**
   * App namespaces the CD identity may roll out to (outputs of the Namespace resources), keyed by
   * app name: the key names the Role and RoleBinding resources, so adding, removing or reordering
   * apps never renames another app's.
   */
  readonly appNamespaces: readonly { readonly app: string; readonly namespace: pulumi.Input<string> }[];
  readonly provider: k8s.Provider;
  /** GKE stacks: the CI service account, its registry write access and GitHub OIDC trust. */
  readonly gcp?: CdGcpArgs;
}

/** Logical names of an app's CD Role and RoleBinding: keyed by the app, never by its list position. */
export function cdRoleResourceName(component: string, app: string): string {
  return `${component}-role-${app}`;
}
export function cdBindingResourceName(component: string, app: string): string {
  return `${component}-binding-${app}`;
}

/**
 * The identity CI/CD uses: the `cd-agent` ServiceAccount (and on GKE a GCP service account mapped
 * into RBAC by its email), bound by a namespaced Role in each app namespace and nowhere else.
 */
export class CdAccess extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly serviceAccountName: pulumi.Output<string>;
  /** GKE stacks: the email of the CI service account. */
  readonly ciServiceAccountEmail?: pulumi.Output<string>;
  /** GKE stacks with `githubRepository`: the Workload Identity provider for google-github-actions/auth. */
  readonly workloadIdentityProvider?: pulumi.Output<string>;

  constructor(name: string, args: CdAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:cd:CdAccess", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const labels = { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "rollout", "app.kubernetes.io/component": "cd" };

    const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.config.namespace, labels } }, k8sOpts);
    const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
      metadata: { name: args.config.serviceAccount, namespace: ns.metadata.name, labels },
      // The agent asks for short-lived tokens (TokenRequest); nothing mounts one by default.
      automountServiceAccountToken: false,
    }, k8sOpts);
    this.namespace = ns.metadata.name;
    this.serviceAccountName = sa.metadata.name;

    const subjects: pulumi.Input<k8s.types.input.rbac.v1.Subject>[] = [
      { kind: "ServiceAccount", name: sa.metadata.name, namespace: ns.metadata.name },
    ];
    if (args.gcp) {
      const { ci, workloadIdentityProvider } = this.gcpIdentity(name, args.gcp, args.config);
      this.ciServiceAccountEmail = ci.email;
      this.workloadIdentityProvider = workloadIdentityProvider;
      // GKE maps a Google identity into RBAC by its email: same Role, no cluster-wide IAM role.
      subjects.push({ kind: "User", name: ci.email, apiGroup: "rbac.authorization.k8s.io" });
    }

    args.appNamespaces.forEach(({ app, namespace }, i) => {
      // Stacks created before names were keyed by app used the list index: the alias lets them
      // update in place (upgrade with the app list unchanged, then reorder freely).
      const role = new k8s.rbac.v1.Role(cdRoleResourceName(name, app), {
        metadata: { name: "cd-deployer", namespace, labels },
        rules: cdRoleRules(),
      }, { ...k8sOpts, aliases: [{ name: `${name}-role-${i}` }] });
      new k8s.rbac.v1.RoleBinding(cdBindingResourceName(name, app), {
        metadata: { name: "cd-deployer", namespace, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects,
      }, { ...k8sOpts, aliases: [{ name: `${name}-binding-${i}` }] });
    });
    this.registerOutputs({ namespace: this.namespace, serviceAccountName: this.serviceAccountName, ciServiceAccountEmail: this.ciServiceAccountEmail });
  }

  private gcpIdentity(name: string, g: CdGcpArgs, config: CdConfig): { ci: gcp.serviceaccount.Account; workloadIdentityProvider?: pulumi.Output<string> } {
    const opts = { parent: this };
    const ci = new gcp.serviceaccount.Account(`${name}-ci`, {
      project: g.project,
      accountId: `${name}-ci`.slice(0, 30),
      displayName: "CI/CD: pushes images, rolls out releases",
    }, opts);
    const member = pulumi.interpolate`serviceAccount:${ci.email}`;
    new gcp.artifactregistry.RepositoryIamMember(`${name}-ci-writer`, {
      project: g.project,
      location: g.repository.location,
      repository: g.repository.repositoryId,
      role: "roles/artifactregistry.writer",
      member,
    }, opts);
    // Enough to fetch cluster credentials (container.clusters.get); what it may do inside is RBAC's call.
    new gcp.projects.IAMMember(`${name}-ci-cluster-viewer`, { project: g.project, role: "roles/container.clusterViewer", member }, opts);

    if (config.githubRepository) {
      const pool = new gcp.iam.WorkloadIdentityPool(`${name}-github`, {
        project: g.project,
        workloadIdentityPoolId: `${name}-github`.slice(0, 32),
        displayName: "GitHub Actions",
      }, opts);
      const provider = new gcp.iam.WorkloadIdentityPoolProvider(`${name}-github-oidc`, {
        project: g.project,
        workloadIdentityPoolId: pool.workloadIdentityPoolId,
        workloadIdentityPoolProviderId: "github-oidc",
        oidc: { issuerUri: "https://token.actions.githubusercontent.com" },
        attributeMapping: { "google.subject": "assertion.sub", "attribute.repository": "assertion.repository", "attribute.ref": "assertion.ref" },
        // Only this repository's workflows can exchange a token: no exported key exists anywhere.
        attributeCondition: `assertion.repository == '${config.githubRepository}'`,
      }, opts);
      new gcp.serviceaccount.IAMMember(`${name}-ci-wif`, {
        serviceAccountId: ci.name,
        role: "roles/iam.workloadIdentityUser",
        member: pulumi.interpolate`principalSet://iam.googleapis.com/${pool.name}/attribute.repository/${config.githubRepository}`,
      }, opts);
      return { ci, workloadIdentityProvider: provider.name };
    }
    return { ci };
  }
}
