// The whole stack as a function of its validated config, so the program, the tests and the offline
// renderer run exactly the same code.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { execFileSync } from "child_process";
import { defaultsByEnvironment } from "./config/defaults";
import type { StackConfig } from "./config/schema";
import { stackImage } from "./components/app";
import { AppImage } from "./components/app-image";
import { CdAccess } from "./components/cd-access";
import { GitOps } from "./components/gitops";
import { defineEnvironmentApps, gatewayAddressOf } from "./components/environment-apps";
import { GkeCluster } from "./components/gke-cluster";
import { ImageRegistry } from "./components/image-registry";
import { kubeconfigProvider } from "./components/kube-provider";
import {
  checkReleases,
  readPromotedImage,
  readReleaseHistory,
  releaseKeyOf,
  ReleaseInputs,
  trackedApps,
} from "./components/release-history";
import { resolveGitSha } from "./lib/image-ref";
import { shortDigest } from "./strategies/pieces";
import { ExportedPlan, withImage } from "./strategies/plan";
import type { ReleaseHistory } from "./strategies/release";

export interface StackOutputs {
  readonly environment: string;
  readonly clusterName: pulumi.Output<string>;
  readonly kubeconfig?: pulumi.Output<string>;
  readonly registryUrl?: pulumi.Output<string>;
  readonly image: pulumi.Output<string>;
  readonly imageDigest: pulumi.Output<string>;
  readonly imageCommit: pulumi.Output<string>;
  readonly namespaces: pulumi.Output<string>[];
  readonly cdServiceAccount: pulumi.Output<string>;
  readonly ciServiceAccountEmail?: pulumi.Output<string>;
  /** GKE with rollout:traffic: the Gateway's address, for the host names' DNS records. */
  readonly gatewayAddress?: pulumi.Output<string>;
  readonly rolloutPlan: pulumi.Output<ExportedPlan[]>;
  /**
   * Blue/green apps: what each slot runs and which one serves, once this update's switch is done.
   * The next update reads it (a stack output is not written when an update fails before it resolves).
   */
  readonly releases: pulumi.Output<ReleaseHistory>;
  /** The same plan before the image is known (a preview of a build): the image shows as a placeholder. */
  readonly rolloutPlanDraft: ExportedPlan[];
}

export interface StackContext {
  readonly stack: string;
  /** Where `app/` and other build contexts are resolved. */
  readonly projectDir: string;
  /** `GITHUB_SHA` or the like. */
  readonly envSha?: string;
  /** `ROLLOUT_EXPECT_COMMIT`: the commit a promoting stack must deploy. */
  readonly expectCommit?: string;
  readonly gitHead?: () => string | undefined;
  /** Blue/green apps without pinned slots: their last records and this image's identity (readReleases). */
  readonly releases?: ReleaseInputs;
}

/** The commit an image this stack builds is tagged with. */
export function gitShaOf(config: StackConfig, ctx: StackContext): string | undefined {
  return config.image.source === "build"
    ? resolveGitSha({ configured: config.image.gitSha, environment: ctx.envSha, fromGit: ctx.gitHead ?? (() => gitHead(ctx.projectDir)) })
    : undefined;
}

/**
 * Blue/green apps without pinned slots continue from this stack's last release: its record and
 * this update's image identity, read (two stack reads, nothing created) and checked before the
 * stack registers anything else. Undefined when no app needs them.
 */
export async function readReleases(config: StackConfig, ctx: StackContext): Promise<ReleaseInputs | undefined> {
  if (trackedApps(config).length === 0) return undefined;
  const promotedRef =
    config.image.source === "promote" ? await readPromotedImage(config.image.fromStack, `${config.environment}-release-source`) : undefined;
  const inputs = {
    releases: await readReleaseHistory(),
    releaseKey: releaseKeyOf(config.image, { gitSha: gitShaOf(config, ctx), promotedRef }),
  };
  checkReleases(config, inputs);
  return inputs;
}

export function gitHead(cwd: string): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

export function defineStack(config: StackConfig, ctx: StackContext): StackOutputs {
  const env = config.environment;
  const protect = config.cluster.provider === "gke" && defaultsByEnvironment[env].protect;

  let provider: k8s.Provider;
  let cluster: GkeCluster | undefined;
  let registry: ImageRegistry | undefined;
  if (config.cluster.provider === "gke") {
    cluster = new GkeCluster(`${env}-cluster`, { config: config.cluster, environment: env, protect });
    provider = cluster.provider;
    registry = new ImageRegistry(`${env}-registry`, {
      config: config.registry!,
      project: config.cluster.project,
      region: config.cluster.region,
      readers: [pulumi.interpolate`serviceAccount:${cluster.nodeServiceAccountEmail}`],
      protect,
    });
  } else {
    provider = kubeconfigProvider(`${env}-k8s`, { context: config.cluster.context, path: config.cluster.path });
  }

  const gitSha = gitShaOf(config, ctx);
  const image = new AppImage(`${env}-image`, {
    config: config.image,
    registryUrl: registry?.url,
    gitSha,
    projectDir: ctx.projectDir,
    pullers: cluster ? [pulumi.interpolate`serviceAccount:${cluster.nodeServiceAccountEmail}`] : [],
    expectCommit: ctx.expectCommit,
  });
  const version = pulumi.all([image.commit, image.ref]).apply(([commit, ref]) => (commit ? commit.slice(0, 12) : shortDigest(ref)));

  const environmentApps = defineEnvironmentApps({
    config,
    stack: ctx.stack,
    image: image.ref,
    version,
    releases: ctx.releases,
    provider,
    kubeAccess: cluster
      ? { kubeconfig: cluster.kubeconfig }
      : config.cluster.provider === "kubeconfig"
        ? { kubeconfig: config.cluster.path, context: config.cluster.context }
        : undefined,
    protectNamespace: protect,
  });
  const apps = environmentApps.apps;

  const cd = new CdAccess(`${env}-cd`, {
    config: config.cd,
    environment: env,
    appNamespaces: apps.map((a, i) => ({ app: config.apps[i].name, namespace: a.namespace })),
    provider,
    gcp: cluster && registry ? { project: cluster.project, repository: registry.repository } : undefined,
  });
  // GitOps mode: the Pulumi Kubernetes Operator reconciles this stack from git (rollout:gitops).
  if (config.gitops) new GitOps(`${env}-gitops`, { config: config.gitops, stack: ctx.stack, environment: env, provider });

  return {
    environment: env,
    clusterName: cluster
      ? cluster.name
      : pulumi.output(config.cluster.provider === "kubeconfig" ? (config.cluster.context ?? "current-context") : ""),
    kubeconfig: cluster?.kubeconfig,
    registryUrl: registry?.url,
    image: image.ref,
    imageDigest: image.digest,
    imageCommit: image.commit,
    namespaces: apps.map((a) => a.namespace),
    cdServiceAccount: pulumi.interpolate`${cd.namespace}/${cd.serviceAccountName}`,
    ciServiceAccountEmail: cd.ciServiceAccountEmail,
    gatewayAddress: gatewayAddressOf(environmentApps),
    rolloutPlanDraft: apps.map((a) => withImage(a.plan, stackImage, "(this update's image)", "(this update's image)")),
    rolloutPlan: pulumi.all([image.ref, version]).apply(([ref, v]) => apps.map((a) => withImage(a.plan, stackImage, ref, v))),
    releases: pulumi
      .all(apps.flatMap((a, i) => (a.release ? [a.release.apply((r) => [config.apps[i].name, r] as const)] : [])))
      .apply((entries) => Object.fromEntries(entries)),
  };
}
