// rollout bootstrap: run once per repository by a human with owner rights (see README, "From an
// empty GCP organisation to a staging rollout"). Its outputs become the repository's GitHub variables.
import * as pulumi from "@pulumi/pulumi";
import { defineBootstrap } from "./bootstrap";
import { parseBootstrapConfig } from "./config";

const out = defineBootstrap(parseBootstrapConfig(pulumi.runtime.allConfig()));

export const workloadIdentityProvider = out.workloadIdentityProvider;
export const previewerServiceAccount = out.previewerServiceAccount;
export const stagingDeployerServiceAccount = out.stagingDeployerServiceAccount;
export const productionDeployerServiceAccount = out.productionDeployerServiceAccount;
export const stateBucket = out.stateBucket;
export const secretsProvider = out.secretsProvider;
