// Every GCP resource the program registers, by exact value: the inputs GCP receives, the parent
// component each belongs to (so a `pulumi up` after a refactor does not replace it), the order the
// engine must create them in, and what is protected. GCP cannot be reached from CI: these inputs,
// the policy pack and the README's manual checks are the whole proof of the GCP side.
import { strict as assert } from "assert";
import type { RecordedResource } from "../../../tools/offline";
import { runOffline } from "../../../tools/offline";
import { committedConfig, one, ofType, projectDir, renderCommitted, sha, T } from "../../support/stacks";

const view = (r: RecordedResource) => ({ parent: r.parent, dependsOn: r.dependsOn, protect: r.protect, props: r.props });
const scopes = ["https://www.googleapis.com/auth/cloud-platform"];
const nodes = (env: string, project: string) => `serviceAccount:${env}-cluster-nodes@${project}.iam.gserviceaccount.com`;

describe("GkeCluster: the node service account and its project roles", () => {
  it("staging: one account for the nodes, with logs and metrics roles only, each a resource named after its role", async () => {
    const r = await renderCommitted("staging");
    assert.deepEqual(view(one(r, T.gsa, "staging-cluster-nodes")), {
      parent: "staging-cluster",
      dependsOn: [],
      protect: false,
      props: { accountId: "staging-cluster-nodes", displayName: "GKE nodes of staging-cluster", project: "acme-rollout-staging" },
    });
    const grants = ofType(r, T.projectIam).filter((g) => g.parent === "staging-cluster");
    assert.deepEqual(
      grants.map((g) => [g.name, g.props]),
      [
        ["staging-cluster-nodes-logging-logWriter", "roles/logging.logWriter"],
        ["staging-cluster-nodes-monitoring-metricWriter", "roles/monitoring.metricWriter"],
        ["staging-cluster-nodes-monitoring-viewer", "roles/monitoring.viewer"],
        ["staging-cluster-nodes-stackdriver-resourceMetadata-writer", "roles/stackdriver.resourceMetadata.writer"],
      ].map(([name, role]) => [name, { member: nodes("staging", "acme-rollout-staging"), project: "acme-rollout-staging", role }]),
    );
    for (const g of grants) assert.deepEqual([g.dependsOn, g.protect], [[], false], g.name);
  });
});

describe("GkeCluster: the cluster", () => {
  const common = (env: string, project: string, channel: string) => ({
    gatewayApiConfig: { channel: "CHANNEL_STANDARD" },
    location: "europe-west1",
    masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
    project,
    releaseChannel: { channel },
    resourceLabels: { environment: env, "managed-by": "pulumi" },
    secretManagerConfig: { enabled: true },
    workloadIdentityConfig: { workloadPool: `${project}.svc.id.goog` },
  });
  const grantNames = (env: string) =>
    ["logging-logWriter", "monitoring-metricWriter", "monitoring-viewer", "stackdriver-resourceMetadata-writer"].map(
      (g) => `${env}-cluster-nodes-${g}`,
    );

  it("staging: Autopilot, its nodes provisioned as the node account, created after the account's roles, not protected", async () => {
    const r = await renderCommitted("staging");
    assert.deepEqual(view(one(r, T.cluster)), {
      parent: "staging-cluster",
      dependsOn: grantNames("staging"),
      protect: false,
      props: {
        ...common("staging", "acme-rollout-staging", "REGULAR"),
        name: "staging-cluster",
        enableAutopilot: true,
        deletionProtection: false,
        clusterAutoscaling: {
          autoProvisioningDefaults: {
            oauthScopes: scopes,
            serviceAccount: "staging-cluster-nodes@acme-rollout-staging.iam.gserviceaccount.com",
          },
        },
      },
    });
    assert.deepEqual(ofType(r, T.nodePool), [], "Autopilot has no node pool of ours");
  });

  it("production: protected twice (Pulumi protect and GKE deletion protection), on the STABLE channel, in its maintenance window", async () => {
    const r = await renderCommitted("production");
    const c = one(r, T.cluster);
    assert.deepEqual([c.parent, c.dependsOn, c.protect], ["production-cluster", grantNames("production"), true]);
    assert.deepEqual(c.props, {
      ...common("production", "acme-rollout-prod", "STABLE"),
      name: "production-cluster",
      enableAutopilot: true,
      deletionProtection: true,
      maintenancePolicy: {
        recurringWindow: { startTime: "2026-01-03T02:00:00Z", endTime: "2026-01-03T06:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" },
      },
      clusterAutoscaling: {
        autoProvisioningDefaults: {
          oauthScopes: scopes,
          serviceAccount: "production-cluster-nodes@acme-rollout-prod.iam.gserviceaccount.com",
        },
      },
    });
  });

  const standard = (over: Record<string, unknown>, stack = "staging") => {
    const base = committedConfig(stack);
    return runOffline(
      { ...base, "rollout:cluster": { ...(base["rollout:cluster"] as object), mode: "standard", ...over } },
      stack,
      stack === "production"
        ? {
            projectDir,
            stackReferences: {
              "acme/rollout/staging": {
                image: `europe-west1-docker.pkg.dev/acme-rollout-staging/rollout/okeydokey@sha256:${"a".repeat(64)}`,
                imageCommit: sha,
              },
            },
          }
        : { projectDir, gitSha: sha },
    );
  };
  const pool = (over: Record<string, unknown>, cluster: string) => ({
    autoscaling: { minNodeCount: 1, maxNodeCount: 3 },
    cluster,
    location: "europe-west1",
    management: { autoRepair: true, autoUpgrade: true },
    nodeConfig: {
      diskSizeGb: 50,
      machineType: "e2-standard-4",
      oauthScopes: scopes,
      serviceAccount: "staging-cluster-nodes@acme-rollout-staging.iam.gserviceaccount.com",
      shieldedInstanceConfig: { enableIntegrityMonitoring: true, enableSecureBoot: true },
      spot: false,
      workloadMetadataConfig: { mode: "GKE_METADATA" },
    },
    project: "acme-rollout-staging",
    upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
    ...over,
  });

  it("Standard, with a name of its own: no default pool, and one autoscaled, shielded, surge-upgraded pool with the defaults", async () => {
    const r = await standard({ name: "shop" });
    const c = one(r, T.cluster);
    assert.deepEqual(c.props, {
      ...common("staging", "acme-rollout-staging", "REGULAR"),
      name: "shop",
      deletionProtection: false,
      removeDefaultNodePool: true,
      initialNodeCount: 1,
    });
    assert.deepEqual(view(one(r, T.nodePool)), { parent: "staging-cluster", dependsOn: [], protect: false, props: pool({}, "shop") });
    assert.equal(one(r, T.nodePool).name, "staging-cluster-pool");
    const kubeconfig = JSON.parse(String(r.values.kubeconfig));
    assert.equal(kubeconfig["current-context"], "acme-rollout-staging_europe-west1_shop", "the context names the cluster GKE knows");
  });

  it("Standard with a node pool from config: every field is passed through; production protects the pool", async () => {
    const nodePool = { machineType: "n2-standard-8", minNodes: 2, maxNodes: 7, diskSizeGb: 120, spot: true };
    const r = await standard({ nodePool });
    const p = one(r, T.nodePool).props;
    assert.deepEqual(p.autoscaling, { minNodeCount: 2, maxNodeCount: 7 });
    assert.deepEqual([p.nodeConfig.machineType, p.nodeConfig.diskSizeGb, p.nodeConfig.spot], ["n2-standard-8", 120, true]);
    assert.equal(p.cluster, "staging-cluster");
    const prod = await standard({ nodePool }, "production");
    assert.equal(one(prod, T.nodePool).protect, true);
  });
});

describe("GkeCluster: the Kubernetes provider", () => {
  it("uses the secret exec-plugin kubeconfig for this cluster and server-side apply", async () => {
    const r = await renderCommitted("staging");
    const p = one(r, T.provider);
    assert.deepEqual([p.name, p.parent, p.props.enableServerSideApply], ["staging-cluster-k8s", "staging-cluster", "true"]);
    const kc = JSON.parse(p.props.kubeconfig.value);
    const ctx = "acme-rollout-staging_europe-west1_staging-cluster";
    assert.deepEqual(kc, {
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        { name: ctx, cluster: { server: "https://203.0.113.10", "certificate-authority-data": "LS0tLS1CRUdJTi1GQUtFLUNBLS0tLS0=" } },
      ],
      contexts: [{ name: ctx, context: { cluster: ctx, user: ctx } }],
      "current-context": ctx,
      users: [
        {
          name: ctx,
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "gke-gcloud-auth-plugin",
              installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
              provideClusterInfo: true,
              interactiveMode: "Never",
            },
          },
        },
      ],
    });
    assert.ok(r.secretOutputs.includes("kubeconfig"));
  });
});

describe("ImageRegistry", () => {
  const policies = (keep: number) => [
    { action: "KEEP", id: "keep-recent", mostRecentVersions: { keepCount: keep } },
    { action: "DELETE", condition: { olderThan: "1209600s", tagState: "UNTAGGED" }, id: "delete-untagged" },
  ];
  const repo = (project: string, keep: number, immutableTags: boolean, extra: Record<string, unknown> = {}) => ({
    cleanupPolicies: policies(keep),
    cleanupPolicyDryRun: false,
    description: "Images deployed by rollout; tagged with the git SHA, deployed by digest.",
    dockerConfig: { immutableTags },
    format: "DOCKER",
    location: "europe-west1",
    project,
    repositoryId: "rollout",
    ...extra,
  });

  it("staging: a Docker repository that really cleans up, and pull for the cluster's nodes as its only reader", async () => {
    const r = await renderCommitted("staging");
    assert.deepEqual(view(one(r, T.repository)), {
      parent: "staging-registry",
      dependsOn: [],
      protect: false,
      props: repo("acme-rollout-staging", 20, false),
    });
    const readers = ofType(r, T.repoIam).filter((g) => g.parent === "staging-registry");
    assert.deepEqual(
      readers.map((g) => [g.name, g.props]),
      [
        [
          "staging-registry-reader-0",
          {
            location: "europe-west1",
            member: nodes("staging", "acme-rollout-staging"),
            project: "acme-rollout-staging",
            repository: "rollout",
            role: "roles/artifactregistry.reader",
          },
        ],
      ],
    );
  });

  it("production: protected, with immutable tags and the default of 10 versions kept", async () => {
    const r = await renderCommitted("production");
    const x = one(r, T.repository);
    assert.deepEqual([x.parent, x.protect, x.props], ["production-registry", true, repo("acme-rollout-prod", 10, true)]);
  });

  it("a location and repository from config are used by the repository, its reader grant and the push URL", async () => {
    const cfg = {
      ...committedConfig("staging"),
      "rollout:registry": { repository: "imgs", location: "europe", deleteUntaggedAfterDays: 3 },
    };
    const r = await runOffline(cfg, "staging", { projectDir, gitSha: sha });
    const x = one(r, T.repository).props;
    assert.deepEqual([x.location, x.repositoryId, x.cleanupPolicies[1].condition.olderThan], ["europe", "imgs", "259200s"]);
    const reader = one(r, T.repoIam, "staging-registry-reader-0").props;
    assert.deepEqual([reader.location, reader.repository], ["europe", "imgs"]);
    assert.equal(one(r, T.image).props.imageName, `europe-docker.pkg.dev/acme-rollout-staging/imgs/okeydokey:${sha}`);
  });
});
