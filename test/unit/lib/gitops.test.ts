// The GitOps builder alone: every object of both credential forms written out in full, and the Stack
// object's name derived from stack names that are not DNS labels.
import { strict as assert } from "assert";
import type { GitopsConfig } from "../../../config/gitops";
import { branchRef, gitopsObjects } from "../../../lib/gitops";

const KMS = "gcpkms://projects/acme-rollout-prod/locations/europe-west1/keyRings/rollout/cryptoKeys/pulumi";
const DEPLOYER = "production-deployer@acme-rollout-prod.iam.gserviceaccount.com";
/** A parsed config, every default written out. */
const config = (over: Partial<GitopsConfig> = {}): GitopsConfig =>
  ({
    repository: "https://github.com/acme/rollout.git",
    branch: "main",
    repoDir: ".",
    namespace: "ops",
    serviceAccount: "ws",
    backend: "gs://acme-rollout-state",
    secretsProvider: KMS,
    credentials: { workloadIdentity: DEPLOYER },
    resyncSeconds: 600,
    ...over,
  }) as GitopsConfig;
const ctx = { stack: "production", environment: "production" };
const labels = {
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/part-of": "rollout",
  "rollout.dev/environment": "production",
};

describe("lib/gitops: branch refs", () => {
  it("qualifies a branch name, keeps a ref", () => {
    assert.equal(branchRef("main"), "refs/heads/main");
    assert.equal(branchRef("release/1.2"), "refs/heads/release/1.2");
    assert.equal(branchRef("refs/tags/v1"), "refs/tags/v1");
    assert.equal(branchRef("refs/heads/main"), "refs/heads/main");
    assert.equal(branchRef("refsx"), "refs/heads/refsx");
  });
});

describe("lib/gitops: objects", () => {
  it("Workload Identity: every object in full", () => {
    assert.deepEqual(gitopsObjects(config(), ctx), {
      namespace: {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
          name: "ops",
          labels: { ...labels, "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" },
        },
      },
      serviceAccount: {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "ws", namespace: "ops", labels, annotations: { "iam.gke.io/gcp-service-account": DEPLOYER } },
      },
      authDelegator: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "ops:ws:system:auth-delegator", labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
        subjects: [{ kind: "ServiceAccount", name: "ws", namespace: "ops" }],
      },
      stack: {
        apiVersion: "pulumi.com/v1",
        kind: "Stack",
        metadata: { name: "production", namespace: "ops", labels },
        spec: {
          stack: "production",
          projectRepo: "https://github.com/acme/rollout.git",
          branch: "refs/heads/main",
          serviceAccountName: "ws",
          backend: "gs://acme-rollout-state",
          secretsProvider: KMS,
          refresh: true,
          continueResyncOnCommitMatch: true,
          resyncFrequencySeconds: 600,
          useLocalStackOnly: true,
          destroyOnFinalize: false,
        },
      },
    });
  });

  it("Secret references: env refs sorted by name, the git token by reference, repoDir, image; no annotation", () => {
    const o = gitopsObjects(
      config({
        credentials: {
          secretEnv: {
            GOOGLE_CREDENTIALS: { name: "state-creds", key: "json" },
            AWS_REGION: { name: "env", key: "region" },
            B_VAR: { name: "b", key: "k" },
          },
        },
        gitAuth: { name: "git", key: "token" },
        repoDir: "infra/rollout",
        stack: "acme/rollout/staging",
        workspaceImage: "pulumi/pulumi:3.259.0-nonroot",
        branch: "refs/heads/release",
      }),
      { stack: "staging", environment: "staging" },
    );
    assert.deepEqual(o.serviceAccount.metadata, {
      name: "ws",
      namespace: "ops",
      labels: { ...labels, "rollout.dev/environment": "staging" },
    });
    assert.deepEqual(o.stack.metadata, {
      name: "acme-rollout-staging",
      namespace: "ops",
      labels: { ...labels, "rollout.dev/environment": "staging" },
    });
    assert.deepEqual(o.stack.spec, {
      stack: "acme/rollout/staging",
      projectRepo: "https://github.com/acme/rollout.git",
      branch: "refs/heads/release",
      repoDir: "infra/rollout",
      serviceAccountName: "ws",
      backend: "gs://acme-rollout-state",
      secretsProvider: KMS,
      envRefs: {
        AWS_REGION: { type: "Secret", secret: { name: "env", key: "region" } },
        B_VAR: { type: "Secret", secret: { name: "b", key: "k" } },
        GOOGLE_CREDENTIALS: { type: "Secret", secret: { name: "state-creds", key: "json" } },
      },
      gitAuth: { accessToken: { type: "Secret", secret: { name: "git", key: "token" } } },
      refresh: true,
      continueResyncOnCommitMatch: true,
      resyncFrequencySeconds: 600,
      useLocalStackOnly: true,
      destroyOnFinalize: false,
      workspaceTemplate: { spec: { image: "pulumi/pulumi:3.259.0-nonroot" } },
    });
    assert.deepEqual(Object.keys((o.stack.spec as { envRefs: object }).envRefs), ["AWS_REGION", "B_VAR", "GOOGLE_CREDENTIALS"]);
  });

  it("names the Stack object after the stack, as a DNS label", () => {
    const name = (stack: string) => gitopsObjects(config({ stack }), ctx).stack.metadata.name;
    assert.equal(name("acme/rollout.prod"), "acme-rollout-prod");
    assert.equal(name("Acme/Prod"), "cme--rod");
    assert.equal(name("--x--"), "x");
    assert.equal(name("/x/"), "x");
    assert.equal(name("a_b"), "a-b");
    assert.equal(name("-"), "stack");
    assert.equal(name("ABC"), "stack");
    assert.equal(name("a".repeat(63)), "a".repeat(63));
    assert.equal(name("a".repeat(64)), "a".repeat(63));
    assert.equal(name(`-${"b".repeat(63)}`), "b".repeat(63));
    // The Stack's spec keeps the name the backend knows.
    assert.equal((gitopsObjects(config({ stack: "Acme/Prod" }), ctx).stack.spec as { stack: string }).stack, "Acme/Prod");
    // Without rollout:gitops.stack, the Pulumi stack's own name.
    assert.equal(gitopsObjects(config(), { stack: "my.stack", environment: "staging" }).stack.metadata.name, "my-stack");
  });
});
