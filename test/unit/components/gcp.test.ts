// Every GCP resource the program registers, by exact value: the inputs GCP receives, the parent
// component each belongs to (so a `pulumi up` after a refactor does not replace it), the order the
// engine must create them in, and what is protected. GCP cannot be reached from CI: these inputs,
// the policy pack and the README's manual checks are the whole proof of the GCP side.
import { strict as assert } from "assert";
import type { RecordedResource } from "../../../tools/offline";
import { runOffline } from "../../../tools/offline";
import { appAccountId } from "../../../components/app-identity";
import { committedConfig, one, ofType, projectDir, renderCommitted, sha, stagingImage, T } from "../../support/stacks";

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
    // Staging builds (with gitSha); production promotes staging's image (the reference).
    return runOffline({ ...base, "rollout:cluster": { ...(base["rollout:cluster"] as object), mode: "standard", ...over } }, stack, {
      projectDir,
      gitSha: sha,
      stackReferences: { "acme/rollout/staging": { image: stagingImage, imageCommit: sha } },
    });
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

describe("AppGoogleIdentity", () => {
  it("one account per app, which only the app's Kubernetes ServiceAccount may act as", async () => {
    const r = await renderCommitted("production");
    assert.deepEqual(one(r, T.gsa, "demo-identity-gsa").props, {
      accountId: "production-demo",
      displayName: "App demo in production",
      project: "acme-rollout-prod",
    });
    assert.deepEqual(one(r, "gcp:serviceaccount/iAMMember:IAMMember").props, {
      member: "serviceAccount:acme-rollout-prod.svc.id.goog[production-demo/demo]",
      role: "roles/iam.workloadIdentityUser",
      serviceAccountId: "projects/acme-rollout-prod/serviceAccounts/production-demo@acme-rollout-prod.iam.gserviceaccount.com",
    });
  });

  it("a name over 30 characters is cut to 23 and made unique by 6 hex of its sha256 (sha256sum of the full name), a cut dash dropped", () => {
    // echo -n production-payments-reconciliation | sha256sum  -> c532fa...
    assert.equal(appAccountId({ app: "payments-reconciliation", environment: "production" }), "production-payments-rec-c532fa");
    // echo -n production-abcdefghijk-lmnopqrstuvwxyz | sha256sum -> c22d22...; the 23rd character is a dash
    assert.equal(appAccountId({ app: "abcdefghijk-lmnopqrstuvwxyz", environment: "production" }), "production-abcdefghijk-c22d22");
    // Exactly 30 characters is kept whole; 31 is cut.
    assert.equal(appAccountId({ app: "a".repeat(19), environment: "production" }), `production-${"a".repeat(19)}`);
    assert.match(
      appAccountId({ app: "a".repeat(20), environment: "production" }),
      new RegExp(`^production-${"a".repeat(12)}-[0-9a-f]{6}$`),
    );
  });
});

describe("CdAccess: the CI service account", () => {
  it("pushes to this stack's repository and reads cluster credentials, nothing else", async () => {
    const r = await renderCommitted("staging");
    const member = "serviceAccount:staging-cd-ci@acme-rollout-staging.iam.gserviceaccount.com";
    assert.deepEqual(one(r, T.gsa, "staging-cd-ci").props, {
      accountId: "staging-cd-ci",
      displayName: "CI/CD: pushes images, rolls out releases",
      project: "acme-rollout-staging",
    });
    assert.deepEqual(one(r, T.repoIam, "staging-cd-ci-writer").props, {
      location: "europe-west1",
      member,
      project: "acme-rollout-staging",
      repository: "rollout",
      role: "roles/artifactregistry.writer",
    });
    assert.deepEqual(one(r, T.projectIam, "staging-cd-ci-cluster-viewer").props, {
      member,
      project: "acme-rollout-staging",
      role: "roles/container.clusterViewer",
    });
  });
});

describe("EnvironmentGateway: address and Google-managed certificate", () => {
  const withHosts = (hostnames: string[]) =>
    runOffline({ ...committedConfig("staging"), "rollout:traffic": { gateway: { hostnames } } }, "staging", { projectDir, gitSha: sha });

  it("a global IPv4 address, one managed certificate for every hostname, and a map entry per hostname", async () => {
    const r = await withHosts(["a.example.com", "b.example.com"]);
    const project = "acme-rollout-staging";
    assert.deepEqual(one(r, "gcp:compute/globalAddress:GlobalAddress").props, {
      addressType: "EXTERNAL",
      ipVersion: "IPV4",
      name: "staging-gateway-address",
      project,
    });
    assert.deepEqual(one(r, "gcp:certificatemanager/certificate:Certificate").props, {
      managed: { domains: ["a.example.com", "b.example.com"] },
      name: "staging-gateway-cert",
      project,
      scope: "DEFAULT",
    });
    assert.deepEqual(one(r, "gcp:certificatemanager/certificateMap:CertificateMap").props, { name: "staging-gateway-certmap", project });
    assert.deepEqual(
      ofType(r, "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry").map((e) => [e.name, e.parent, e.props]),
      ["a.example.com", "b.example.com"].map((hostname, i) => [
        `staging-gateway-certmap-${i}`,
        "staging-gateway",
        {
          certificates: ["staging-gateway-cert-id"],
          hostname,
          map: "staging-gateway-certmap",
          name: `staging-gateway-certmap-${i}`,
          project,
        },
      ]),
    );
  });

  it("production protects the address and the certificate, which DNS and clients depend on", async () => {
    const r = await renderCommitted("production");
    const protects = (type: string) => ofType(r, type).map((x) => [x.name, x.protect]);
    assert.deepEqual(protects("gcp:compute/globalAddress:GlobalAddress"), [["production-gateway-address", true]]);
    assert.deepEqual(protects("gcp:certificatemanager/certificate:Certificate"), [["production-gateway-cert", true]]);
    assert.deepEqual(protects("gcp:certificatemanager/certificateMap:CertificateMap"), [["production-gateway-certmap", true]]);
  });
});

describe("AppImage: build", () => {
  it("builds app/ once for the configured platform, tagged with the commit, pushing with a secret short-lived token", async () => {
    const r = await renderCommitted("staging");
    const img = one(r, T.image);
    assert.equal(img.parent, "staging-image");
    assert.deepEqual(img.props, {
      build: {
        args: { COMMIT: sha, VERSION: sha.slice(0, 12) },
        context: `${projectDir}/app`,
        dockerfile: `${projectDir}/app/Dockerfile`,
        platform: "linux/amd64",
      },
      buildOnPreview: false,
      imageName: `europe-west1-docker.pkg.dev/acme-rollout-staging/rollout/okeydokey:${sha}`,
      registry: {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        value: { password: "mock-access-token", server: "europe-west1-docker.pkg.dev", username: "oauth2accesstoken" },
      },
      skipPush: false,
    });
  });

  it("a Dockerfile and platform from config", async () => {
    const base = committedConfig("staging");
    const cfg = {
      ...base,
      "rollout:image": { ...(base["rollout:image"] as object), dockerfile: "build/Containerfile", platform: "linux/arm64" },
    };
    const b = one(await runOffline(cfg, "staging", { projectDir, gitSha: sha }), T.image).props.build;
    assert.deepEqual([b.dockerfile, b.platform], [`${projectDir}/app/build/Containerfile`, "linux/arm64"]);
  });
});

describe("AppImage: promote and prebuilt", () => {
  const promote = (image: string) =>
    runOffline(committedConfig("production"), "production", {
      projectDir,
      stackReferences: { "acme/rollout/staging": { image, imageCommit: 1234 } },
    });

  it("promotes the source stack's digest and commit (as a string), reading it through a reference named after the component", async () => {
    const image = `europe-west1-docker.pkg.dev/acme-rollout-staging/rollout/okeydokey@sha256:${"e".repeat(64)}`;
    const r = await promote(image);
    assert.deepEqual([r.values.image, r.values.imageCommit], [image, "1234"]);
    const ref = one(r, T.stackRef, "production-image-source");
    assert.deepEqual([ref.parent, ref.props.name], ["production-image", "acme/rollout/staging"]);
  });

  it("refuses to promote an image outside Artifact Registry: production's nodes could not be granted pull on it", async () => {
    const image = `docker.io/library/okeydokey@sha256:${"e".repeat(64)}`;
    // The image reference itself fails (every workload reads it), not only the pull grant.
    await assert.rejects(promote(image), (e: Error) => {
      const expected = `promoted image '${image}': expected an Artifact Registry image (<location>-docker.pkg.dev/<project>/<repository>/...)`;
      assert.ok(e.message.endsWith(expected), e.message);
      return true;
    });
  });

  it("a promotion with no nodes to grant pull (a kubeconfig stack) takes an image from any registry", async () => {
    const image = `docker.io/library/okeydokey@sha256:${"e".repeat(64)}`;
    const r = await runOffline(
      { ...committedConfig("local"), "rollout:image": { source: "promote", fromStack: "acme/rollout/ci" } },
      "local",
      {
        projectDir,
        stackReferences: { "acme/rollout/ci": { image, imageCommit: "abc" } },
      },
    );
    assert.equal(one(r, T.deployment).props.spec.template.spec.containers[0].image, image);
    assert.deepEqual(ofType(r, T.repoIam), []);
  });

  it("a prebuilt image without a commit exports an empty commit, not 'undefined'", async () => {
    const base = committedConfig("local");
    const image = base["rollout:image"] as Record<string, unknown>;
    const r = await runOffline({ ...base, "rollout:image": { source: "prebuilt", ref: image.ref } }, "local", { projectDir, gitSha: sha });
    assert.deepEqual([r.values.image, r.values.imageCommit], [image.ref, ""]);
  });
});
