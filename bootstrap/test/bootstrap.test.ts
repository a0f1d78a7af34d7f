// GCP is never reached: these prove what the bootstrap program asks for, under Pulumi mocks.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseBootstrapConfig } from "../config";
import { Recorded, runBootstrap } from "./run";

const committed = (parse(fs.readFileSync(path.join(__dirname, "..", "Pulumi.acme.yaml"), "utf8")) as { config: Record<string, unknown> })
  .config;
const pool = "projects/123456789012/locations/global/workloadIdentityPools/github-pool";
const sa = (id: string) => `${id}@acme-rollout-staging.iam.gserviceaccount.com`;
const previewer = `serviceAccount:${sa("rollout-previewer")}`;
const stagingDeployer = `serviceAccount:${sa("rollout-deploy-staging")}`;
const productionDeployer = `serviceAccount:${sa("rollout-deploy-production")}`;

const ofType = (rs: Recorded[], type: string) => rs.filter((r) => r.type === type);

describe("bootstrap: config", () => {
  it("parses the committed stack with its defaults", () => {
    const c = parseBootstrapConfig(committed);
    assert.deepEqual(c.environments, {
      staging: { project: "acme-rollout-staging", branch: "main" },
      production: { project: "acme-rollout-prod", environment: "production", tagPrefix: "v" },
    });
    assert.equal(c.stateVersionsKept, 20);
  });

  it("reports every problem at once with its key path, value and expectation", () => {
    assert.throws(
      () =>
        parseBootstrapConfig({
          ...committed,
          "bootstrap:githubRepository": "acme",
          "bootstrap:environments": JSON.stringify({
            staging: { project: "Bad_Project" },
            production: { project: "acme-rollout-prod", tagprefix: "v" },
          }),
          "bootstrap:stateVersionsKept": 0,
          "bootstrap:bucket": "x",
        }),
      (e: Error) => {
        assert.equal(
          e.message,
          [
            "invalid bootstrap config (5 problems):",
            "  - bootstrap:bucket: unknown key; expected one of bootstrap:project, bootstrap:region, bootstrap:githubRepository, bootstrap:stateBucket, bootstrap:stateVersionsKept, bootstrap:environments",
            "  - bootstrap:githubRepository: expected 'owner/name', got \"acme\"",
            "  - bootstrap:stateVersionsKept: expected a valid value (Too small: expected number to be >=1), got 0",
            "  - bootstrap:environments.staging.project: expected a GCP project ID (6-30 lower-case letters, digits, '-'), got \"Bad_Project\"",
            "  - bootstrap:environments.production.tagprefix: unknown key",
          ].join("\n"),
        );
        return true;
      },
    );
  });
});

describe("bootstrap: resources under mocks", () => {
  let run: Awaited<ReturnType<typeof runBootstrap>>;
  before(async () => {
    run = await runBootstrap(committed);
  });

  it("exports the six values the workflows sign in with, by their GitHub variable names", () => {
    assert.deepEqual(run.outputs, {
      workloadIdentityProvider: `${pool}/providers/github-oidc`,
      previewerServiceAccount: sa("rollout-previewer"),
      stagingDeployerServiceAccount: sa("rollout-deploy-staging"),
      productionDeployerServiceAccount: sa("rollout-deploy-production"),
      stateBucket: "gs://acme-rollout-staging-pulumi-state",
      secretsProvider:
        "gcpkms://projects/acme-rollout-staging/locations/europe-west1/keyRings/rollout-state-keyring/cryptoKeys/rollout-state-secrets",
    });
  });

  it("keeps state in a versioned, uniform-access, never-public, protected bucket", () => {
    const [bucket] = ofType(run.resources, "gcp:storage/bucket:Bucket");
    assert.equal(bucket.protect, true);
    assert.deepEqual(
      {
        name: bucket.props.name,
        location: bucket.props.location,
        ubla: bucket.props.uniformBucketLevelAccess,
        pap: bucket.props.publicAccessPrevention,
        versioning: bucket.props.versioning,
        forceDestroy: bucket.props.forceDestroy,
        lifecycle: bucket.props.lifecycleRules,
      },
      {
        name: "acme-rollout-staging-pulumi-state",
        location: "europe-west1",
        ubla: true,
        pap: "enforced",
        versioning: { enabled: true },
        forceDestroy: false,
        lifecycle: [{ action: { type: "Delete" }, condition: { numNewerVersions: 20, withState: "ARCHIVED" } }],
      },
    );
    const [key] = ofType(run.resources, "gcp:kms/cryptoKey:CryptoKey");
    assert.deepEqual([key.protect, key.props.purpose, key.props.rotationPeriod], [true, "ENCRYPT_DECRYPT", "7776000s"]);
  });

  it("trusts tokens of the one repository and sorts them into lanes by environment, ref and event", () => {
    const [provider] = ofType(run.resources, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider");
    assert.equal(provider.props.oidc.issuerUri, "https://token.actions.githubusercontent.com");
    assert.equal(provider.props.attributeCondition, "assertion.repository == 'acme/rollout'");
    assert.deepEqual(provider.props.attributeMapping, {
      "google.subject": "assertion.sub",
      "attribute.repository": "assertion.repository",
      "attribute.ref": "assertion.ref",
      "attribute.lane":
        "assertion.sub == 'repo:acme/rollout:environment:production' && assertion.ref.startsWith('refs/tags/v') ? 'production' " +
        ": assertion.ref == 'refs/heads/main' && assertion.event_name != 'pull_request' && !assertion.sub.endsWith(':environment:production') ? 'staging' " +
        ": assertion.event_name == 'pull_request' ? 'preview' : 'none'",
    });
    assert.equal(ofType(run.resources, "gcp:iam/workloadIdentityPool:WorkloadIdentityPool")[0].protect, true);
  });

  it("lets each lane impersonate exactly its own service account", () => {
    const wif = ofType(run.resources, "gcp:serviceaccount/iAMMember:IAMMember").map((r) => [
      r.props.serviceAccountId,
      r.props.role,
      r.props.member,
    ]);
    assert.deepEqual(wif.sort(), [
      [
        `projects/acme-rollout-staging/serviceAccounts/${sa("rollout-deploy-production")}`,
        "roles/iam.workloadIdentityUser",
        `principalSet://iam.googleapis.com/${pool}/attribute.lane/production`,
      ],
      [
        `projects/acme-rollout-staging/serviceAccounts/${sa("rollout-deploy-staging")}`,
        "roles/iam.workloadIdentityUser",
        `principalSet://iam.googleapis.com/${pool}/attribute.lane/staging`,
      ],
      [
        `projects/acme-rollout-staging/serviceAccounts/${sa("rollout-previewer")}`,
        "roles/iam.workloadIdentityUser",
        `principalSet://iam.googleapis.com/${pool}/attribute.lane/preview`,
      ],
    ]);
  });

  it("grants each deployer the listed roles in its own project only, and the previewer only viewer roles", () => {
    const grants = ofType(run.resources, "gcp:projects/iAMMember:IAMMember")
      .map((r) => `${r.props.member} ${r.props.project} ${r.props.role}${r.props.condition ? ` if ${r.props.condition.expression}` : ""}`)
      .sort();
    const onlyGrants =
      "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/container.clusterViewer', 'roles/logging.logWriter', 'roles/monitoring.metricWriter', 'roles/monitoring.viewer', 'roles/stackdriver.resourceMetadata.writer'])";
    const deployer = (m: string, p: string) => [
      `${m} ${p} roles/artifactregistry.admin`,
      `${m} ${p} roles/certificatemanager.editor`,
      `${m} ${p} roles/compute.publicIpAdmin`,
      `${m} ${p} roles/container.admin`,
      `${m} ${p} roles/iam.serviceAccountAdmin`,
      `${m} ${p} roles/iam.serviceAccountUser`,
      `${m} ${p} roles/resourcemanager.projectIamAdmin if ${onlyGrants}`,
      `${m} ${p} roles/secretmanager.admin`,
    ];
    const viewer = (p: string) => [
      `${previewer} ${p} roles/artifactregistry.reader`,
      `${previewer} ${p} roles/certificatemanager.viewer`,
      `${previewer} ${p} roles/compute.viewer`,
      `${previewer} ${p} roles/container.viewer`,
      `${previewer} ${p} roles/iam.securityReviewer`,
      `${previewer} ${p} roles/secretmanager.viewer`,
    ];
    assert.deepEqual(
      grants,
      [
        ...deployer(productionDeployer, "acme-rollout-prod"),
        ...deployer(stagingDeployer, "acme-rollout-staging"),
        ...viewer("acme-rollout-prod"),
        ...viewer("acme-rollout-staging"),
      ].sort(),
    );
  });

  it("lets deployers write state and use the key, and previews only read state and take locks", () => {
    const bucketGrants = ofType(run.resources, "gcp:storage/bucketIAMMember:BucketIAMMember")
      .map((r) => `${r.props.member} ${r.props.role}${r.props.condition ? ` if ${r.props.condition.expression}` : ""}`)
      .sort();
    assert.deepEqual(
      bucketGrants,
      [
        `${previewer} roles/storage.objectUser if resource.name.startsWith('projects/_/buckets/acme-rollout-staging-pulumi-state/objects/.pulumi/locks/')`,
        `${previewer} roles/storage.objectViewer`,
        `${productionDeployer} roles/storage.objectUser`,
        `${stagingDeployer} roles/storage.objectUser`,
      ].sort(),
    );
    const keyGrants = ofType(run.resources, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")
      .map((r) => `${r.props.member} ${r.props.role}`)
      .sort();
    assert.deepEqual(
      keyGrants,
      [
        `${previewer} roles/cloudkms.cryptoKeyDecrypter`,
        `${productionDeployer} roles/cloudkms.cryptoKeyEncrypterDecrypter`,
        `${stagingDeployer} roles/cloudkms.cryptoKeyEncrypterDecrypter`,
      ].sort(),
    );
  });

  it("enables each required API once per project and never disables it on destroy", () => {
    const services = ofType(run.resources, "gcp:projects/service:Service");
    for (const s of services) assert.equal(s.props.disableOnDestroy, false);
    const byProject = (p: string) =>
      services
        .filter((s) => s.props.project === p)
        .map((s) => s.props.service)
        .sort();
    assert.deepEqual(byProject("acme-rollout-staging"), [
      "artifactregistry.googleapis.com",
      "certificatemanager.googleapis.com",
      "cloudkms.googleapis.com",
      "cloudresourcemanager.googleapis.com",
      "compute.googleapis.com",
      "container.googleapis.com",
      "iam.googleapis.com",
      "iamcredentials.googleapis.com",
      "secretmanager.googleapis.com",
      "storage.googleapis.com",
      "sts.googleapis.com",
    ]);
    assert.deepEqual(byProject("acme-rollout-prod"), [
      "artifactregistry.googleapis.com",
      "certificatemanager.googleapis.com",
      "cloudresourcemanager.googleapis.com",
      "compute.googleapis.com",
      "container.googleapis.com",
      "iam.googleapis.com",
      "secretmanager.googleapis.com",
    ]);
  });

  it("parents every resource to a component", () => {
    for (const r of run.resources.filter((x) => x.type.startsWith("gcp:")))
      assert.ok(r.parent && r.parent !== "rollout-bootstrap-acme", `${r.type} ${r.name} has parent ${r.parent}`);
  });
});
