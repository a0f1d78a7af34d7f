// rollout: the table of contents. Parse the stack config (every problem at once, before any resource
// is registered), build the stack, export what CI and reviewers need.
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "./config/load";
import { readPulumiConfig } from "./config/pulumi-config";
import { formatPlan } from "./strategies/format";
import { defineStack } from "./stack";

const stackName = pulumi.getStack();
const { raw, secretKeys } = readPulumiConfig();
const config = parseStackConfig(raw, stackName, secretKeys);
const stack = defineStack(config, {
  stack: stackName,
  projectDir: __dirname,
  envSha: process.env.GITHUB_SHA,
  expectCommit: process.env.ROLLOUT_EXPECT_COMMIT || undefined,
});

// The plan is printed in `pulumi preview`, so a reviewer sees what this update will do.
// The draft is printed at once (a preview may not know a new image's digest yet).
pulumi.log.info(`rollout plan for ${stackName}:\n${formatPlan(stack.rolloutPlanDraft, "text")}`);

export const environment = stack.environment;
export const clusterName = stack.clusterName;
export const kubeconfig = stack.kubeconfig;
export const registryUrl = stack.registryUrl;
export const image = stack.image;
export const imageDigest = stack.imageDigest;
export const imageCommit = stack.imageCommit;
export const namespaces = stack.namespaces;
export const cdServiceAccount = stack.cdServiceAccount;
export const ciServiceAccountEmail = stack.ciServiceAccountEmail;
export const gatewayAddress = stack.gatewayAddress;
export const rolloutPlan = stack.rolloutPlan;
