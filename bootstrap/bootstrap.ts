// The bootstrap stack as a function of its validated config, so the program and the tests run the same code.
import * as pulumi from "@pulumi/pulumi";
import { CdIdentity } from "./components/cd-identity";
import { GithubFederation } from "./components/github-federation";
import { ProjectApis } from "./components/project-apis";
import { StateBackend } from "./components/state-backend";
import type { BootstrapConfig } from "./config";
import {
  accountIds,
  apisByProject,
  attributeCondition,
  attributeMapping,
  DeployLane,
  deployerProjectRoles,
  lanePrincipal,
  previewerProjectRoles,
  stateBucketName,
} from "./plan";

/** The names match the GitHub variables the workflows read (README: "From an empty GCP organisation"). */
export interface BootstrapOutputs {
  readonly workloadIdentityProvider: pulumi.Output<string>;
  readonly previewerServiceAccount: pulumi.Output<string>;
  readonly stagingDeployerServiceAccount: pulumi.Output<string>;
  readonly productionDeployerServiceAccount: pulumi.Output<string>;
  readonly stateBucket: pulumi.Output<string>;
  readonly secretsProvider: pulumi.Output<string>;
}

export function defineBootstrap(c: BootstrapConfig): BootstrapOutputs {
  const apis = [...apisByProject(c)].map(([project, list]) => new ProjectApis(`apis-${project}`, { project, apis: list }));
  const afterApis = { dependsOn: apis };
  const github = new GithubFederation(
    "github",
    { project: c.project, attributeCondition: attributeCondition(c), attributeMapping: attributeMapping(c) },
    afterApis,
  );

  const envProjects = [c.environments.staging.project, c.environments.production.project];
  const previewer = new CdIdentity(
    "previewer",
    {
      project: c.project,
      accountId: accountIds.preview,
      displayName: "CD: pull-request previews (read-only)",
      principal: github.poolName.apply((pool) => lanePrincipal(pool, "preview")),
      grants: [...new Set(envProjects)].flatMap((project) => previewerProjectRoles().map((grant) => ({ project, grant }))),
    },
    afterApis,
  );
  const deployer = (lane: DeployLane) =>
    new CdIdentity(
      `deployer-${lane}`,
      {
        project: c.project,
        accountId: accountIds[lane],
        displayName: `CD: pulumi up of the ${lane} stack`,
        principal: github.poolName.apply((pool) => lanePrincipal(pool, lane)),
        grants: deployerProjectRoles().map((grant) => ({ project: c.environments[lane].project, grant })),
      },
      afterApis,
    );
  const staging = deployer("staging");
  const production = deployer("production");

  const state = new StateBackend(
    "rollout-state",
    {
      project: c.project,
      region: c.region,
      bucketName: stateBucketName(c),
      versionsKept: c.stateVersionsKept,
      // Production reads staging's outputs (the promoted digest) through a StackReference, which only
      // works within one backend: both deployers share the bucket.
      writers: [staging.member, production.member],
      readers: [previewer.member],
    },
    afterApis,
  );

  return {
    workloadIdentityProvider: github.providerName,
    previewerServiceAccount: previewer.email,
    stagingDeployerServiceAccount: staging.email,
    productionDeployerServiceAccount: production.email,
    stateBucket: state.url,
    secretsProvider: state.secretsProvider,
  };
}
