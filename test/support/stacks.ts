import * as path from "path";
import { runOffline, OfflineResult, RecordedResource } from "../../tools/offline";
import { readStackConfig, renderStack, RenderResult } from "../../tools/render";

export const projectDir = path.resolve(__dirname, "../..");
export const sha = "0123456789abcdef0123456789abcdef01234567";
export const digestA = `sha256:${"a".repeat(64)}`;
export const digestB = `sha256:${"b".repeat(64)}`;

const renders = new Map<string, Promise<RenderResult>>();
// Under Stryker every test renders for itself: its per-test coverage would credit a shared render to
// the first test that asked for it, and a mutant would then run only that test, not the ones that check it.
const shareRenders = process.env.STRYKER_MUTATOR_WORKER === undefined;
/** The committed stack, rendered once per test run (once per test under Stryker). */
export function renderCommitted(stack: string): Promise<RenderResult> {
  if (!shareRenders) return renderStack(projectDir, stack, sha);
  if (!renders.has(stack)) renders.set(stack, renderStack(projectDir, stack, sha));
  return renders.get(stack)!;
}

export function committedConfig(stack: string): Record<string, unknown> {
  return readStackConfig(projectDir, stack);
}

export const localBase = {
  "rollout:cluster": { provider: "kubeconfig" },
  "rollout:image": { source: "prebuilt", ref: `registry.example/team/okeydokey@${digestA}`, commit: sha },
};

/** A local stack with the given apps. */
export const stagingImage = `europe-west1-docker.pkg.dev/acme-rollout-staging/rollout/okeydokey@${digestA}`;

/** A stack with the given apps: production on its committed GKE config (promoting `stagingImage`), others on a kubeconfig. */
export function runApps(apps: unknown[], env = "local", extra: Record<string, unknown> = {}): Promise<OfflineResult> {
  if (env === "production") {
    return runOffline({ ...committedConfig("production"), "rollout:apps": apps, ...extra }, "production", {
      projectDir,
      stackReferences: { "acme/rollout/staging": { image: stagingImage, imageCommit: sha } },
    });
  }
  return runOffline(
    { ...localBase, "rollout:environment": env, "rollout:apps": apps, ...extra },
    env === "local" ? "local" : `test-${env}`,
    { projectDir, gitSha: sha },
  );
}

export function ofType(result: { resources: RecordedResource[] }, type: string): RecordedResource[] {
  return result.resources.filter((r) => r.type === type);
}

export function one(result: { resources: RecordedResource[] }, type: string, name?: string): RecordedResource {
  const found = ofType(result, type).filter((r) => name === undefined || r.name === name || r.props?.metadata?.name === name);
  if (found.length !== 1)
    throw new Error(
      `expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`,
    );
  return found[0];
}

export const T = {
  namespace: "kubernetes:core/v1:Namespace",
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  service: "kubernetes:core/v1:Service",
  configMap: "kubernetes:core/v1:ConfigMap",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  clusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
  clusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
  cluster: "gcp:container/cluster:Cluster",
  nodePool: "gcp:container/nodePool:NodePool",
  repository: "gcp:artifactregistry/repository:Repository",
  repoIam: "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
  projectIam: "gcp:projects/iAMMember:IAMMember",
  gsa: "gcp:serviceaccount/account:Account",
  image: "docker:index/image:Image",
  stackRef: "pulumi:pulumi:StackReference",
  provider: "pulumi:providers:kubernetes",
} as const;
