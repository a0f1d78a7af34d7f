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

  constructor(name: string, args: CdAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:cd:CdAccess", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const labels = {
      "app.kubernetes.io/managed-by": "pulumi",
      "app.kubernetes.io/part-of": "rollout",
      "app.kubernetes.io/component": "cd",
    };

    const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.config.namespace, labels } }, k8sOpts);
    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      {
        metadata: { name: args.config.serviceAccount, namespace: ns.metadata.name, labels },
        // The agent asks for short-lived tokens (TokenRequest); nothing mounts one by default.
        automountServiceAccountToken: false,
      },
      k8sOpts,
    );
    this.namespace = ns.metadata.name;
    this.serviceAccountName = sa.metadata.name;

    const subjects: pulumi.Input<k8s.types.input.rbac.v1.Subject>[] = [
      { kind: "ServiceAccount", name: sa.metadata.name, namespace: ns.metadata.name },
    ];
    if (args.gcp) {
      const ci = this.gcpIdentity(name, args.gcp);
      this.ciServiceAccountEmail = ci.email;
      // GKE maps a Google identity into RBAC by its email: same Role, no cluster-wide IAM role.
      subjects.push({ kind: "User", name: ci.email, apiGroup: "rbac.authorization.k8s.io" });
    }

    args.appNamespaces.forEach(({ app, namespace }, i) => {
      // Stacks created before names were keyed by app used the list index: the alias lets them
      // update in place (upgrade with the app list unchanged, then reorder freely).
      const role = new k8s.rbac.v1.Role(
        cdRoleResourceName(name, app),
        {
          metadata: { name: "cd-deployer", namespace, labels },
          rules: cdRoleRules(),
        },
        { ...k8sOpts, aliases: [{ name: `${name}-role-${i}` }] },
      );
      new k8s.rbac.v1.RoleBinding(
        cdBindingResourceName(name, app),
        {
          metadata: { name: "cd-deployer", namespace, labels },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
          subjects,
        },
        { ...k8sOpts, aliases: [{ name: `${name}-binding-${i}` }] },
      );
    });
    this.registerOutputs({
      namespace: this.namespace,
      serviceAccountName: this.serviceAccountName,
      ciServiceAccountEmail: this.ciServiceAccountEmail,
    });
  }

  // The GitHub OIDC pool CI signs in with is the bootstrap project's (bootstrap/): a stack cannot
  // create the identity it is deployed with.
  private gcpIdentity(name: string, g: CdGcpArgs): gcp.serviceaccount.Account {
    const opts = { parent: this };
    const ci = new gcp.serviceaccount.Account(
      `${name}-ci`,
      {
        project: g.project,
        accountId: `${name}-ci`.slice(0, 30),
        displayName: "CI/CD: pushes images, rolls out releases",
      },
      opts,
    );
    const member = pulumi.interpolate`serviceAccount:${ci.email}`;
    new gcp.artifactregistry.RepositoryIamMember(
      `${name}-ci-writer`,
      {
        project: g.project,
        location: g.repository.location,
        repository: g.repository.repositoryId,
        role: "roles/artifactregistry.writer",
        member,
      },
      opts,
    );
    // Enough to fetch cluster credentials (container.clusters.get); what it may do inside is RBAC's call.
    new gcp.projects.IAMMember(`${name}-ci-cluster-viewer`, { project: g.project, role: "roles/container.clusterViewer", member }, opts);

    return ci;
  }
}
