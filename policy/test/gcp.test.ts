import * as assert from "assert";
import { resolveConfig } from "../lib/config";
import {
    checkClusterProtected,
    checkIamBindings,
    checkNodeServiceAccount,
    checkRegistryProtected,
    checkReleaseChannel,
    checkWorkloadIdentity,
} from "../rules/gcp";
import { gkeCluster, iamMember, nodePool, registry } from "./fixtures";

const production = resolveConfig({ environment: "production" });
const staging = resolveConfig({ environment: "staging" });

describe("gcp", () => {
    describe("gke-workload-identity", () => {
        it("passes a workload pool or Autopilot", () => {
            assert.deepStrictEqual(checkWorkloadIdentity(gkeCluster()), []);
            assert.deepStrictEqual(checkWorkloadIdentity(gkeCluster({ workloadIdentityConfig: undefined, enableAutopilot: true })), []);
        });

        it("reports a Standard cluster without Workload Identity", () => {
            assert.deepStrictEqual(checkWorkloadIdentity(gkeCluster({ workloadIdentityConfig: undefined })), [
                'Cluster rollout-prod: workloadIdentityConfig.workloadPool is not set; enable Workload Identity (workloadPool "<project>.svc.id.goog") or use enableAutopilot: true',
            ]);
        });
    });

    describe("gke-release-channel", () => {
        it("passes REGULAR/STABLE, and Autopilot without an explicit channel", () => {
            assert.deepStrictEqual(checkReleaseChannel(gkeCluster({ releaseChannel: { channel: "STABLE" } })), []);
            assert.deepStrictEqual(checkReleaseChannel(gkeCluster({ releaseChannel: undefined, enableAutopilot: true })), []);
        });

        it("reports UNSPECIFIED or a missing channel", () => {
            assert.deepStrictEqual(checkReleaseChannel(gkeCluster({ releaseChannel: { channel: "UNSPECIFIED" } })), [
                'Cluster rollout-prod: releaseChannel.channel is "UNSPECIFIED"; it must be REGULAR, STABLE, RAPID or EXTENDED',
            ]);
            assert.strictEqual(checkReleaseChannel(gkeCluster({ releaseChannel: undefined })).length, 1);
        });
    });

    describe("gke-cluster-protected", () => {
        it("passes deletionProtection + protect in production; not checked in staging", () => {
            assert.deepStrictEqual(checkClusterProtected(gkeCluster(), production), []);
            assert.deepStrictEqual(checkClusterProtected(gkeCluster({ deletionProtection: false }, false), staging), []);
        });

        it("reports deletionProtection false and a missing protect option in production", () => {
            assert.deepStrictEqual(checkClusterProtected(gkeCluster({ deletionProtection: false }, false), production), [
                "Cluster rollout-prod: deletionProtection is false; production clusters must set deletionProtection: true explicitly",
                "Cluster rollout-prod: the Pulumi resource option protect is not set; in production this Cluster must be created with { protect: true }",
            ]);
        });
    });

    describe("artifact-registry-protected", () => {
        it("passes immutable tags + protect in production", () => {
            assert.deepStrictEqual(checkRegistryProtected(registry(), production), []);
            assert.deepStrictEqual(checkRegistryProtected(registry({ dockerConfig: undefined }, false), staging), []);
        });

        it("reports mutable tags and a missing protect option in production", () => {
            assert.deepStrictEqual(checkRegistryProtected(registry({ dockerConfig: { immutableTags: false } }, false), production), [
                "Repository images: dockerConfig.immutableTags is not true; production Docker repositories must have immutable tags so a deployed tag can never be moved",
                "Repository images: the Pulumi resource option protect is not set; in production this Repository must be created with { protect: true }",
            ]);
        });
    });

    describe("gke-node-service-account", () => {
        it("passes a dedicated node service account", () => {
            assert.deepStrictEqual(checkNodeServiceAccount(nodePool()), []);
            assert.deepStrictEqual(
                checkNodeServiceAccount(
                    nodePool({ serviceAccount: undefined, oauthScopes: ["https://www.googleapis.com/auth/logging.write"] }),
                ),
                [],
            );
        });

        it("reports the default compute account with cloud-platform (node pool and default pool)", () => {
            assert.deepStrictEqual(checkNodeServiceAccount(nodePool({ serviceAccount: undefined })), [
                "NodePool primary: nodeConfig uses the default compute service account with the cloud-platform scope; set nodeConfig.serviceAccount to a dedicated least-privilege service account",
            ]);
            const cluster = gkeCluster({
                removeDefaultNodePool: false,
                nodeConfig: {
                    serviceAccount: "123-compute@developer.gserviceaccount.com",
                    oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                },
            });
            assert.strictEqual(checkNodeServiceAccount(cluster).length, 1);
        });
    });

    describe("gcp-iam-no-primitive-roles", () => {
        it("passes predefined roles to specific principals", () => {
            assert.deepStrictEqual(
                checkIamBindings(iamMember("roles/container.developer", "serviceAccount:cd@acme-prod.iam.gserviceaccount.com")),
                [],
            );
        });

        it("reports primitive roles and public members", () => {
            assert.match(
                checkIamBindings(iamMember("roles/editor", "serviceAccount:cd@acme-prod.iam.gserviceaccount.com"))[0] ?? "",
                /role is "roles\/editor"; grant a predefined or custom role/,
            );
            const pub = iamMember(
                "roles/artifactregistry.reader",
                "allUsers",
                "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
            );
            assert.deepStrictEqual(checkIamBindings(pub), [
                'RepositoryIamMember iam-roles-artifactregistry-reader: member "allUsers" makes roles/artifactregistry.reader public; grant it to specific principals',
            ]);
        });
    });
});
