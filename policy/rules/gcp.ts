// GCP: GKE cluster baseline, production protection, Artifact Registry, node identities, IAM.

import type { PolicyResource, RolloutConfig } from "../lib/types";
import { Dict, at, describe, list, rec, str, strings } from "../lib/util";
import { resourcePolicy } from "../lib/wrap";

export const GKE_CLUSTER = "gcp:container/cluster:Cluster";
export const GKE_NODE_POOL = "gcp:container/nodePool:NodePool";
export const AR_REPOSITORY = "gcp:artifactregistry/repository:Repository";
export const IAM_MEMBER_TYPES = [
    "gcp:projects/iAMMember:IAMMember",
    "gcp:projects/iAMBinding:IAMBinding",
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
    "gcp:artifactregistry/repositoryIamBinding:RepositoryIamBinding",
    "gcp:serviceaccount/iAMMember:IAMMember",
    "gcp:serviceaccount/iAMBinding:IAMBinding",
];

const CLOUD_PLATFORM_SCOPES = ["https://www.googleapis.com/auth/cloud-platform", "cloud-platform"];
export const PRIMITIVE_ROLES = ["roles/owner", "roles/editor"];
export const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"];

function isAutopilot(r: PolicyResource): boolean {
    return r.props.enableAutopilot === true;
}

function protectMessage(r: PolicyResource): string {
    return `${describe(r)}: the Pulumi resource option protect is not set; in production this ${r.type.split(":").pop()} must be created with { protect: true }`;
}

// ---- gke-workload-identity ----------------------------------------------------------------------

export function checkWorkloadIdentity(r: PolicyResource): string[] {
    if (r.type !== GKE_CLUSTER || isAutopilot(r)) {
        return []; // Autopilot clusters always run Workload Identity
    }
    const pool = str(at(r.props, "workloadIdentityConfig", "workloadPool"));
    if (!pool) {
        return [
            `${describe(r)}: workloadIdentityConfig.workloadPool is not set; enable Workload Identity ` +
                `(workloadPool "<project>.svc.id.goog") or use enableAutopilot: true`,
        ];
    }
    return [];
}

// ---- gke-release-channel ------------------------------------------------------------------------

export function checkReleaseChannel(r: PolicyResource): string[] {
    if (r.type !== GKE_CLUSTER) {
        return [];
    }
    const channel = str(at(r.props, "releaseChannel", "channel"));
    if (channel === undefined) {
        // Autopilot clusters are always enrolled (REGULAR unless told otherwise).
        return isAutopilot(r)
            ? []
            : [
                  `${describe(r)}: releaseChannel.channel is not set; enrol the cluster in a release channel (REGULAR, STABLE, RAPID or EXTENDED)`,
              ];
    }
    if (channel === "UNSPECIFIED") {
        return [`${describe(r)}: releaseChannel.channel is "UNSPECIFIED"; it must be REGULAR, STABLE, RAPID or EXTENDED`];
    }
    return [];
}

// ---- gke-cluster-protected ----------------------------------------------------------------------

export function checkClusterProtected(r: PolicyResource, config: RolloutConfig): string[] {
    if (r.type !== GKE_CLUSTER || config.environment !== "production") {
        return [];
    }
    const out: string[] = [];
    if (r.props.deletionProtection !== true) {
        out.push(
            `${describe(r)}: deletionProtection is ${r.props.deletionProtection === undefined ? "not set" : String(r.props.deletionProtection)}; ` +
                `production clusters must set deletionProtection: true explicitly`,
        );
    }
    if (r.opts?.protect !== true) {
        out.push(protectMessage(r));
    }
    return out;
}

// ---- artifact-registry-protected ----------------------------------------------------------------

export function checkRegistryProtected(r: PolicyResource, config: RolloutConfig): string[] {
    if (r.type !== AR_REPOSITORY || config.environment !== "production") {
        return [];
    }
    const out: string[] = [];
    const format = (str(r.props.format) ?? "DOCKER").toUpperCase();
    const mode = str(r.props.mode) ?? "STANDARD_REPOSITORY";
    if (format === "DOCKER" && mode === "STANDARD_REPOSITORY" && at(r.props, "dockerConfig", "immutableTags") !== true) {
        out.push(
            `${describe(r)}: dockerConfig.immutableTags is not true; production Docker repositories must have immutable tags ` +
                `so a deployed tag can never be moved`,
        );
    }
    if (r.opts?.protect !== true) {
        out.push(protectMessage(r));
    }
    return out;
}

// ---- gke-node-service-account -------------------------------------------------------------------

function defaultSaWithCloudPlatform(nodeConfig: Dict | undefined): boolean {
    const sa = str(nodeConfig?.serviceAccount);
    const isDefault = !sa || sa === "default" || /-compute@developer\.gserviceaccount\.com$/.test(sa);
    const scopes = strings(nodeConfig?.oauthScopes);
    return isDefault && scopes.some((s) => CLOUD_PLATFORM_SCOPES.includes(s));
}

export function checkNodeServiceAccount(r: PolicyResource): string[] {
    const configs: { path: string; nodeConfig: Dict | undefined }[] = [];
    if (r.type === GKE_NODE_POOL) {
        configs.push({ path: "nodeConfig", nodeConfig: rec(r.props.nodeConfig) });
    } else if (r.type === GKE_CLUSTER && !isAutopilot(r)) {
        if (r.props.removeDefaultNodePool !== true) {
            configs.push({ path: "nodeConfig", nodeConfig: rec(r.props.nodeConfig) });
        }
        list(r.props.nodePools).forEach((p, i) =>
            configs.push({ path: `nodePools[${i}].nodeConfig`, nodeConfig: rec(rec(p)?.nodeConfig) }),
        );
    }
    return configs
        .filter((c) => defaultSaWithCloudPlatform(c.nodeConfig))
        .map(
            (c) =>
                `${describe(r)}: ${c.path} uses the default compute service account with the cloud-platform scope; ` +
                `set ${c.path}.serviceAccount to a dedicated least-privilege service account`,
        );
}

// ---- gcp-iam-no-primitive-roles -----------------------------------------------------------------

export function checkIamBindings(r: PolicyResource): string[] {
    if (!IAM_MEMBER_TYPES.includes(r.type)) {
        return [];
    }
    const out: string[] = [];
    const role = str(r.props.role) ?? "";
    if (PRIMITIVE_ROLES.includes(role)) {
        out.push(`${describe(r)}: role is "${role}"; grant a predefined or custom role instead of a primitive one`);
    }
    const members = [...(str(r.props.member) ? [str(r.props.member) as string] : []), ...strings(r.props.members)];
    for (const m of members.filter((x) => PUBLIC_MEMBERS.includes(x))) {
        out.push(`${describe(r)}: member "${m}" makes ${role || "the role"} public; grant it to specific principals`);
    }
    return out;
}

// ---- policies -----------------------------------------------------------------------------------

export const gcpPolicies = [
    resourcePolicy({
        name: "gke-workload-identity",
        description: "GKE clusters run Workload Identity (workloadIdentityConfig.workloadPool set, or Autopilot).",
        check: checkWorkloadIdentity,
    }),
    resourcePolicy({
        name: "gke-release-channel",
        description: "GKE clusters are enrolled in a release channel (not UNSPECIFIED).",
        check: checkReleaseChannel,
    }),
    resourcePolicy({
        name: "gke-cluster-protected",
        description: "In production GKE clusters set deletionProtection: true and the Pulumi protect option.",
        config: ["environment"],
        check: checkClusterProtected,
    }),
    resourcePolicy({
        name: "artifact-registry-protected",
        description:
            "In production Artifact Registry Docker repositories set dockerConfig.immutableTags: true and the Pulumi protect option.",
        config: ["environment"],
        check: checkRegistryProtected,
    }),
    resourcePolicy({
        name: "gke-node-service-account",
        description: "GKE node pools do not run as the default compute service account with the cloud-platform scope.",
        check: checkNodeServiceAccount,
    }),
    resourcePolicy({
        name: "gcp-iam-no-primitive-roles",
        description: "IAM members/bindings grant neither roles/owner nor roles/editor, and nothing to allUsers/allAuthenticatedUsers.",
        check: checkIamBindings,
    }),
];
