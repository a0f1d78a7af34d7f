import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { RoleGrant } from "../plan";

export interface CdIdentityArgs {
  /** Project the service account lives in (the shared project). */
  readonly project: string;
  readonly accountId: string;
  readonly displayName: string;
  /** The only principal set allowed to impersonate it (one lane of the GitHub provider). */
  readonly principal: pulumi.Input<string>;
  /** Roles in the environment project(s) it works on, each with the reason. */
  readonly grants: readonly { readonly project: string; readonly grant: RoleGrant }[];
}

/** One CD service account: who may become it (one lane of GitHub tokens) and what it may do. */
export class CdIdentity extends pulumi.ComponentResource {
  readonly email: pulumi.Output<string>;
  readonly member: pulumi.Output<string>;

  constructor(name: string, args: CdIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:bootstrap:CdIdentity", name, {}, opts);
    const sa = new gcp.serviceaccount.Account(
      name,
      {
        project: args.project,
        accountId: args.accountId,
        displayName: args.displayName,
      },
      { parent: this },
    );
    this.email = sa.email;
    this.member = pulumi.interpolate`serviceAccount:${sa.email}`;
    new gcp.serviceaccount.IAMMember(
      `${name}-wif`,
      {
        serviceAccountId: sa.name,
        role: "roles/iam.workloadIdentityUser",
        member: args.principal,
      },
      { parent: this },
    );
    for (const { project, grant } of args.grants) {
      new gcp.projects.IAMMember(
        `${name}-${project}-${grant.role.split("/")[1].replace(/\./g, "-")}`,
        {
          project,
          role: grant.role,
          member: this.member,
          ...(grant.condition
            ? { condition: { title: grant.condition.title, description: grant.why, expression: grant.condition.expression } }
            : {}),
        },
        { parent: this },
      );
    }
    this.registerOutputs({ email: this.email });
  }
}
