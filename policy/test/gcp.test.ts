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
import type { PolicyResource } from "../lib/types";
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

describe("gcp (exact findings and boundaries)", () => {
    const local = resolveConfig({ environment: "local" });
    const CLUSTER = "Cluster rollout-prod";
    const noWorkloadIdentity = `${CLUSTER}: workloadIdentityConfig.workloadPool is not set; enable Workload Identity (workloadPool "<project>.svc.id.goog") or use enableAutopilot: true`;
    const noChannel = `${CLUSTER}: releaseChannel.channel is not set; enrol the cluster in a release channel (REGULAR, STABLE, RAPID or EXTENDED)`;
    const clusterProtect = `${CLUSTER}: the Pulumi resource option protect is not set; in production this Cluster must be created with { protect: true }`;
    const registryProtect =
        "Repository images: the Pulumi resource option protect is not set; in production this Repository must be created with { protect: true }";
    const mutableTags =
        "Repository images: dockerConfig.immutableTags is not true; production Docker repositories must have immutable tags so a deployed tag can never be moved";
    const defaultSa = (path: string, what = "NodePool primary") =>
        `${what}: ${path} uses the default compute service account with the cloud-platform scope; set ${path}.serviceAccount to a dedicated least-privilege service account`;
    const other: PolicyResource = { type: "gcp:compute/network:Network", name: "vpc", props: { name: "vpc" } };

    describe("gke-workload-identity", () => {
        it("reports an empty pool, and Autopilot only when enableAutopilot is exactly true", () => {
            assert.deepStrictEqual(checkWorkloadIdentity(gkeCluster({ workloadIdentityConfig: { workloadPool: "" } })), [
                noWorkloadIdentity,
            ]);
            assert.deepStrictEqual(checkWorkloadIdentity(gkeCluster({ workloadIdentityConfig: undefined, enableAutopilot: "true" })), [
                noWorkloadIdentity,
            ]);
            assert.deepStrictEqual(checkWorkloadIdentity(other), []);
            assert.deepStrictEqual(checkWorkloadIdentity(nodePool()), []);
        });
    });

    describe("gke-release-channel", () => {
        it("gives the exact message for a missing channel, passes RAPID and EXTENDED, and flags UNSPECIFIED on Autopilot", () => {
            assert.deepStrictEqual(checkReleaseChannel(gkeCluster({ releaseChannel: undefined })), [noChannel]);
            assert.deepStrictEqual(checkReleaseChannel(gkeCluster({ releaseChannel: { channel: "RAPID" } })), []);
            assert.deepStrictEqual(checkReleaseChannel(gkeCluster({ releaseChannel: { channel: "EXTENDED" } })), []);
            assert.deepStrictEqual(checkReleaseChannel(gkeCluster({ releaseChannel: { channel: "UNSPECIFIED" }, enableAutopilot: true })), [
                'Cluster rollout-prod: releaseChannel.channel is "UNSPECIFIED"; it must be REGULAR, STABLE, RAPID or EXTENDED',
            ]);
            assert.deepStrictEqual(checkReleaseChannel(other), []);
        });
    });

    describe("gke-cluster-protected", () => {
        it("reports a deletionProtection that is not set or not exactly true", () => {
            const unset = gkeCluster({ deletionProtection: undefined });
            assert.deepStrictEqual(checkClusterProtected(unset, production), [
                "Cluster rollout-prod: deletionProtection is not set; production clusters must set deletionProtection: true explicitly",
            ]);
            assert.deepStrictEqual(checkClusterProtected(gkeCluster({ deletionProtection: "true" }), production), [
                "Cluster rollout-prod: deletionProtection is true; production clusters must set deletionProtection: true explicitly",
            ]);
        });

        it("reports the protect option alone, also when opts is absent", () => {
            assert.deepStrictEqual(checkClusterProtected(gkeCluster({}, false), production), [clusterProtect]);
            const noOpts = { ...gkeCluster(), opts: undefined };
            assert.deepStrictEqual(checkClusterProtected(noOpts, production), [clusterProtect]);
        });

        it("reports nothing in local, or for other resources", () => {
            assert.deepStrictEqual(checkClusterProtected(gkeCluster({ deletionProtection: false }, false), local), []);
            assert.deepStrictEqual(checkClusterProtected(registry({}, false), production), []);
        });
    });

    describe("artifact-registry-protected", () => {
        it("requires immutable tags for Docker standard repositories only (format defaults to DOCKER, any case)", () => {
            assert.deepStrictEqual(checkRegistryProtected(registry({ dockerConfig: undefined }), production), [mutableTags]);
            assert.deepStrictEqual(checkRegistryProtected(registry({ dockerConfig: { immutableTags: "true" } }), production), [
                mutableTags,
            ]);
            assert.deepStrictEqual(checkRegistryProtected(registry({ format: "docker", dockerConfig: undefined }), production), [
                mutableTags,
            ]);
            assert.deepStrictEqual(checkRegistryProtected(registry({ format: undefined, dockerConfig: undefined }), production), [
                mutableTags,
            ]);
            assert.deepStrictEqual(checkRegistryProtected(registry({ mode: "STANDARD_REPOSITORY", dockerConfig: undefined }), production), [
                mutableTags,
            ]);
            assert.deepStrictEqual(checkRegistryProtected(registry({ format: "MAVEN", dockerConfig: undefined }), production), []);
            assert.deepStrictEqual(
                checkRegistryProtected(registry({ mode: "REMOTE_REPOSITORY", dockerConfig: undefined }), production),
                [],
            );
        });

        it("reports the protect option alone, and nothing in local or for other resources", () => {
            assert.deepStrictEqual(checkRegistryProtected(registry({}, false), production), [registryProtect]);
            assert.deepStrictEqual(checkRegistryProtected({ ...registry(), opts: undefined }, production), [registryProtect]);
            assert.deepStrictEqual(checkRegistryProtected(registry({ dockerConfig: undefined }, false), local), []);
            assert.deepStrictEqual(checkRegistryProtected(gkeCluster({}, false), production), []);
        });
    });

    describe("gke-node-service-account", () => {
        it("treats an absent, 'default' or *-compute@developer account as the default one", () => {
            for (const serviceAccount of [undefined, "", "default", "123456-compute@developer.gserviceaccount.com"]) {
                assert.deepStrictEqual(
                    checkNodeServiceAccount(nodePool({ serviceAccount })),
                    [defaultSa("nodeConfig")],
                    String(serviceAccount),
                );
            }
            for (const serviceAccount of [
                "defaults",
                "123456-compute@developer.gserviceaccount.com.example",
                "gke@p.iam.gserviceaccount.com",
            ]) {
                assert.deepStrictEqual(checkNodeServiceAccount(nodePool({ serviceAccount })), [], serviceAccount);
            }
        });

        it("needs the cloud-platform scope, full URL or short alias", () => {
            assert.deepStrictEqual(checkNodeServiceAccount(nodePool({ serviceAccount: "default", oauthScopes: ["cloud-platform"] })), [
                defaultSa("nodeConfig"),
            ]);
            assert.deepStrictEqual(
                checkNodeServiceAccount(
                    nodePool({ serviceAccount: "default", oauthScopes: ["https://www.googleapis.com/auth/devstorage.read_only"] }),
                ),
                [],
            );
            assert.deepStrictEqual(checkNodeServiceAccount({ ...nodePool(), props: { name: "primary" } }), []);
        });

        it("checks a cluster's default pool unless it is removed, and every inline node pool", () => {
            const cloud = { serviceAccount: "default", oauthScopes: ["cloud-platform"] };
            const withPools = gkeCluster({
                nodeConfig: cloud,
                nodePools: [{ nodeConfig: { serviceAccount: "gke@p.iam.gserviceaccount.com" } }, { nodeConfig: cloud }],
            });
            assert.deepStrictEqual(checkNodeServiceAccount(withPools), [defaultSa("nodePools[1].nodeConfig", CLUSTER)]);
            const keepDefault = gkeCluster({ removeDefaultNodePool: false, nodeConfig: cloud });
            assert.deepStrictEqual(checkNodeServiceAccount(keepDefault), [defaultSa("nodeConfig", CLUSTER)]);
            assert.deepStrictEqual(
                checkNodeServiceAccount(gkeCluster({ removeDefaultNodePool: false, nodeConfig: cloud, enableAutopilot: true })),
                [],
            );
            // without nodeConfig GKE grants its default scopes, which do not include cloud-platform
            assert.deepStrictEqual(checkNodeServiceAccount(gkeCluster({ removeDefaultNodePool: false, nodePools: [null] })), []);
            assert.deepStrictEqual(checkNodeServiceAccount(other), []);
        });
    });

    describe("gcp-iam-no-primitive-roles", () => {
        const types = [
            "gcp:projects/iAMMember:IAMMember",
            "gcp:projects/iAMBinding:IAMBinding",
            "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
            "gcp:artifactregistry/repositoryIamBinding:RepositoryIamBinding",
            "gcp:serviceaccount/iAMMember:IAMMember",
            "gcp:serviceaccount/iAMBinding:IAMBinding",
        ];

        it("checks each IAM member and binding type, and no other", () => {
            for (const type of types) {
                const kind = type.split(":").pop();
                assert.deepStrictEqual(
                    checkIamBindings(iamMember("roles/owner", "group:ops@acme.example", type)),
                    [`${kind} iam-roles-owner: role is "roles/owner"; grant a predefined or custom role instead of a primitive one`],
                    type,
                );
            }
            assert.deepStrictEqual(checkIamBindings(iamMember("roles/owner", "allUsers", "gcp:projects/iAMCustomRole:IAMCustomRole")), []);
        });

        it("passes roles/viewer and look-alikes of the primitive roles", () => {
            for (const role of ["roles/viewer", "roles/owners", "roles/editor.x", "owner"]) {
                assert.deepStrictEqual(checkIamBindings(iamMember(role, "group:ops@acme.example")), [], role);
            }
        });

        it("reports each public member of members[] and member, and a primitive role as well", () => {
            const b = {
                ...iamMember("roles/editor", "allAuthenticatedUsers", "gcp:projects/iAMBinding:IAMBinding"),
            };
            b.props = { ...b.props, members: ["group:ops@acme.example", "allUsers", "allAuthenticatedUsers"] };
            assert.deepStrictEqual(checkIamBindings(b), [
                'IAMBinding iam-roles-editor: role is "roles/editor"; grant a predefined or custom role instead of a primitive one',
                'IAMBinding iam-roles-editor: member "allAuthenticatedUsers" makes roles/editor public; grant it to specific principals',
                'IAMBinding iam-roles-editor: member "allUsers" makes roles/editor public; grant it to specific principals',
                'IAMBinding iam-roles-editor: member "allAuthenticatedUsers" makes roles/editor public; grant it to specific principals',
            ]);
        });

        it('says "the role" when the role is not set, and passes principals that only contain allUsers', () => {
            const r: PolicyResource = { type: "gcp:projects/iAMMember:IAMMember", name: "m", props: { member: "allUsers" } };
            assert.deepStrictEqual(checkIamBindings(r), [
                'IAMMember m: member "allUsers" makes the role public; grant it to specific principals',
            ]);
            assert.deepStrictEqual(checkIamBindings(iamMember("roles/viewer", "group:allUsers@acme.example")), []);
        });
    });
});

describe("gcp (look-alikes)", () => {
    it("reads node configs of GKE clusters and node pools only", () => {
        const dataproc: PolicyResource = {
            type: "gcp:dataproc/cluster:Cluster",
            name: "d",
            props: { nodeConfig: { serviceAccount: "default", oauthScopes: ["cloud-platform"] } },
        };
        assert.deepStrictEqual(checkNodeServiceAccount(dataproc), []);
    });

    it("reads members[] when no single member is set", () => {
        const b: PolicyResource = {
            type: "gcp:projects/iAMBinding:IAMBinding",
            name: "b",
            props: { role: "roles/viewer", members: ["allUsers", "group:ops@acme.example"] },
        };
        assert.deepStrictEqual(checkIamBindings(b), [
            'IAMBinding b: member "allUsers" makes roles/viewer public; grant it to specific principals',
        ]);
    });
});
