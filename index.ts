// rollout: the table of contents. Parse the stack config (every problem at once, before any resource
// is registered), read what blue/green apps continue from, build the stack, export what CI and
// reviewers need. The program is a function so those reads finish before anything is registered.
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "./config/load";
import { readPulumiConfig } from "./config/pulumi-config";
import { formatPlan } from "./strategies/format";
import { defineStack, readReleases, StackContext } from "./stack";

export = async () => {
  const stackName = pulumi.getStack();
  const { raw, secretKeys } = readPulumiConfig();
  const config = parseStackConfig(raw, stackName, secretKeys);
  const ctx: StackContext = {
    stack: stackName,
    projectDir: __dirname,
    envSha: process.env.GITHUB_SHA,
    expectCommit: process.env.ROLLOUT_EXPECT_COMMIT || undefined,
  };
  const stack = defineStack(config, { ...ctx, releases: await readReleases(config, ctx) });

  // The plan is printed in `pulumi preview`, so a reviewer sees what this update will do.
  // The draft is printed at once (a preview may not know a new image's digest yet).
  pulumi.log.info(`rollout plan for ${stackName}:\n${formatPlan(stack.rolloutPlanDraft, "text")}`);

  return {
    environment: stack.environment,
    clusterName: stack.clusterName,
    kubeconfig: stack.kubeconfig,
    registryUrl: stack.registryUrl,
    image: stack.image,
    imageDigest: stack.imageDigest,
    imageCommit: stack.imageCommit,
    namespaces: stack.namespaces,
    cdServiceAccount: stack.cdServiceAccount,
    ciServiceAccountEmail: stack.ciServiceAccountEmail,
    gatewayAddress: stack.gatewayAddress,
    rolloutPlan: stack.rolloutPlan,
    releases: stack.releases,
  };
};
