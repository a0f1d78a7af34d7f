import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface GithubFederationArgs {
  readonly project: string;
  /** `assertion.repository == ...`: tokens of other repositories are refused outright. */
  readonly attributeCondition: string;
  readonly attributeMapping: Record<string, string>;
}

/**
 * The Workload Identity pool and GitHub OIDC provider CI signs in with: no service account key
 * exists anywhere. Created here, once, so no deploying stack depends on the identity it logs in with.
 */
export class GithubFederation extends pulumi.ComponentResource {
  /** `projects/<number>/locations/global/workloadIdentityPools/<id>`: the prefix of every principalSet. */
  readonly poolName: pulumi.Output<string>;
  /** Full provider resource name, the `workload_identity_provider` input of google-github-actions/auth. */
  readonly providerName: pulumi.Output<string>;

  constructor(name: string, args: GithubFederationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:bootstrap:GithubFederation", name, {}, opts);
    const pool = new gcp.iam.WorkloadIdentityPool(
      `${name}-pool`,
      {
        project: args.project,
        workloadIdentityPoolId: `${name}-pool`.slice(0, 32),
        displayName: "GitHub Actions",
        description: "Tokens of GitHub Actions workflows of one repository",
      },
      { parent: this, protect: true },
    );
    const provider = new gcp.iam.WorkloadIdentityPoolProvider(
      `${name}-oidc`,
      {
        project: args.project,
        workloadIdentityPoolId: pool.workloadIdentityPoolId,
        workloadIdentityPoolProviderId: "github-oidc",
        displayName: "GitHub OIDC",
        oidc: { issuerUri: "https://token.actions.githubusercontent.com" },
        attributeMapping: args.attributeMapping,
        attributeCondition: args.attributeCondition,
      },
      { parent: this, protect: true },
    );
    this.poolName = pool.name;
    this.providerName = provider.name;
    this.registerOutputs({ poolName: this.poolName, providerName: this.providerName });
  }
}
