import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { AppIdentity, namespaceOf } from "../lib/labels";

/** Annotation binding a Kubernetes ServiceAccount to a Google service account (GKE Workload Identity). */
export const gkeServiceAccountAnnotation = "iam.gke.io/gcp-service-account";

/**
 * `<environment>-<app>`, within the 6-30 characters a service account ID allows; when it must be
 * cut, a hash of the full name keeps two long app names from sharing one account.
 */
export function appAccountId(id: AppIdentity): string {
  const full = `${id.environment}-${id.app}`;
  if (full.length <= 30) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 6);
  return `${full.slice(0, 23).replace(/-+$/, "")}-${hash}`;
}

/** The Workload Identity member of a Kubernetes ServiceAccount: `serviceAccount:<project>.svc.id.goog[<ns>/<name>]`. */
export function kubernetesMember(project: string, namespace: string, serviceAccount: string): string {
  return `serviceAccount:${project}.svc.id.goog[${namespace}/${serviceAccount}]`;
}

export interface AppGoogleIdentityArgs {
  readonly id: AppIdentity;
  readonly project: string;
  /** Name of the app's Kubernetes ServiceAccount (the app's name). */
  readonly kubernetesServiceAccount: string;
}

/** The app's own Google service account; only the app's Kubernetes ServiceAccount may act as it. */
export class AppGoogleIdentity extends pulumi.ComponentResource {
  readonly email: pulumi.Output<string>;
  readonly member: pulumi.Output<string>;

  constructor(name: string, args: AppGoogleIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:identity:AppGoogleIdentity", name, {}, opts);
    const sa = new gcp.serviceaccount.Account(
      `${name}-gsa`,
      {
        project: args.project,
        accountId: appAccountId(args.id),
        displayName: `App ${args.id.app} in ${args.id.environment}`,
      },
      { parent: this },
    );
    new gcp.serviceaccount.IAMMember(
      `${name}-gsa-workload-identity`,
      {
        serviceAccountId: sa.name,
        role: "roles/iam.workloadIdentityUser",
        member: kubernetesMember(args.project, namespaceOf(args.id), args.kubernetesServiceAccount),
      },
      { parent: this },
    );
    this.email = sa.email;
    this.member = pulumi.interpolate`serviceAccount:${sa.email}`;
    this.registerOutputs({ email: this.email });
  }
}
