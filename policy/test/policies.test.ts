// lib/policies.ts: the pack's wiring, compared by exact equality. The names, kinds, config keys and
// descriptions are what the Pulumi CLI prints, so a changed word must show up here.

import * as assert from "assert";
import { CD_ACCOUNT_PATTERN, CONFIG_PROPERTIES } from "../lib/config";
import { policies, policyByName } from "../lib/policies";

type Row = [name: string, kind: "resource" | "stack", configKeys: string[], description: string];

const EXPECTED: Row[] = [
    ["workload-probes", "resource", [], "Every container of a Deployment, StatefulSet or DaemonSet has a readiness and a liveness probe."],
    [
        "workload-startup-probe",
        "resource",
        [],
        "Containers whose liveness probe waits more than 30s (initialDelaySeconds) must use a startup probe instead.",
    ],
    [
        "workload-graceful-shutdown",
        "resource",
        [],
        "Every container has a preStop drain (lifecycle.preStop.sleep.seconds or exec sleep N) and terminationGracePeriodSeconds (default 30) is longer than the drain.",
    ],
    [
        "workload-exec-form-entrypoint",
        "resource",
        [],
        "Containers must not run `sh -c`/`bash -c` scripts that do not start with `exec `: the shell stays PID 1 and ignores SIGTERM.",
    ],
    ["container-resources", "resource", [], "Every container, init containers included, sets cpu and memory requests and a memory limit."],
    [
        "pod-security-context",
        "resource",
        [],
        "Pods run as non-root (runAsNonRoot true at pod or container level), no container is privileged and allowPrivilegeEscalation is false.",
    ],
    ["image-tag-pinned", "resource", [], "Container images name a tag or digest, and never the :latest tag."],
    [
        "image-digest-production",
        "resource",
        ["environment"],
        "In production every container image is referenced by digest (@sha256:<64 hex>).",
    ],
    [
        "image-registry-allowlist",
        "resource",
        ["allowedRegistries"],
        "When allowedRegistries is configured, every container image comes from one of those registry prefixes.",
    ],
    [
        "production-replicas",
        "stack",
        ["environment"],
        "In production every Deployment/StatefulSet (except rollout.dev/role idle|canary) runs more than 1 replica, or has an HPA with minReplicas > 1.",
    ],
    [
        "production-pdb-coverage",
        "stack",
        ["environment"],
        "In production every Deployment/StatefulSet (except rollout.dev/role idle|canary) is selected by a PodDisruptionBudget in its namespace.",
    ],
    [
        "pdb-allows-eviction",
        "stack",
        [],
        "Every PodDisruptionBudget selects at least one workload and still allows evictions (minAvailable below the replica count, or maxUnavailable >= 1 / > 0%).",
    ],
    [
        "production-zero-unavailable-rollout",
        "resource",
        ["environment"],
        "In production Deployments use RollingUpdate with maxUnavailable 0 (new pods surge in before old ones go).",
    ],
    ["workload-min-ready-seconds", "resource", [], "Deployments, StatefulSets and DaemonSets set minReadySeconds > 0."],
    [
        "progress-deadline-below-await-timeout",
        "resource",
        [],
        "Deployment progressDeadlineSeconds (default 600) is strictly less than the pulumi.com/timeoutSeconds annotation (default 600).",
    ],
    ["on-delete-skip-await", "resource", [], 'StatefulSets/DaemonSets with updateStrategy OnDelete carry pulumi.com/skipAwait: "true".'],
    [
        "service-selects-workload",
        "stack",
        [],
        "Every Service with a selector selects the pod template labels of at least one workload of the stack in its namespace.",
    ],
    [
        "httproute-backends",
        "stack",
        [],
        "HTTPRoute backendRefs have integer weights 0..1000000, at least one weight > 0 per rule, and name Services of the stack in the route's namespace.",
    ],
    ["rbac-no-wildcards", "resource", [], 'Roles and ClusterRoles do not use "*" in apiGroups, resources, verbs or nonResourceURLs.'],
    ["rbac-no-secrets-access", "resource", [], "Roles and ClusterRoles do not grant any access to Secrets."],
    [
        "rbac-no-pod-access",
        "resource",
        [],
        "Roles and ClusterRoles do not grant pods/exec, pods/attach, pods/portforward, pods/ephemeralcontainers, nodes/proxy or serviceaccounts/token.",
    ],
    ["rbac-no-escalation-verbs", "resource", [], "Roles and ClusterRoles do not grant the bind, escalate or impersonate verbs."],
    [
        "rbac-cd-least-privilege",
        "resource",
        ["cdServiceAccount"],
        "The CD service account is never bound by a ClusterRoleBinding, nor by a RoleBinding to the cluster-admin, admin or edit ClusterRoles.",
    ],
    [
        "gke-workload-identity",
        "resource",
        [],
        "GKE clusters run Workload Identity (workloadIdentityConfig.workloadPool set, or Autopilot).",
    ],
    ["gke-release-channel", "resource", [], "GKE clusters are enrolled in a release channel (not UNSPECIFIED)."],
    [
        "gke-cluster-protected",
        "resource",
        ["environment"],
        "In production GKE clusters set deletionProtection: true and the Pulumi protect option.",
    ],
    [
        "artifact-registry-protected",
        "resource",
        ["environment"],
        "In production Artifact Registry Docker repositories set dockerConfig.immutableTags: true and the Pulumi protect option.",
    ],
    [
        "gke-node-service-account",
        "resource",
        [],
        "GKE node pools do not run as the default compute service account with the cloud-platform scope.",
    ],
    [
        "gcp-iam-no-primitive-roles",
        "resource",
        [],
        "IAM members/bindings grant neither roles/owner nor roles/editor, and nothing to allUsers/allAuthenticatedUsers.",
    ],
    ["namespace-network-policy", "stack", [], "Every namespace that runs pods has a default-deny ingress NetworkPolicy."],
    ["gateway-https-only", "stack", [], "Gateway listeners are HTTPS; a plain-HTTP listener only redirects to HTTPS."],
    [
        "no-secret-values-in-config",
        "resource",
        [],
        "No credential values in ConfigMaps or container env: secrets come from Secret Manager by name.",
    ],
    [
        "app-identity-not-shared",
        "stack",
        [],
        "Each Google service account is bound to one Kubernetes ServiceAccount, and each ServiceAccount to one Google account.",
    ],
];

const ENVIRONMENT_SCHEMA = {
    type: "string",
    enum: ["local", "staging", "production"],
    default: "production",
    description: "Stack environment (local, staging, production). Production-only requirements apply when this is production, the default.",
};
const REGISTRIES_SCHEMA = {
    type: "array",
    items: { type: "string", minLength: 1 },
    default: [],
    description:
        "Image registry prefixes allowed for workloads, e.g. us-central1-docker.pkg.dev/acme-prod/rollout/. Empty: no registry restriction.",
};
const CD_ACCOUNT_SCHEMA = {
    type: "string",
    pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
    default: "cd/cd-agent",
    description: "Kubernetes service account of the CD agent as namespace/name.",
};

describe("lib/policies", () => {
    it("lists exactly these policies, in report order, with their kind, config keys and description", () => {
        assert.deepStrictEqual(
            policies.map((p) => [p.name, p.kind, p.configKeys, p.description]),
            EXPECTED,
        );
    });

    it("defaults every policy to mandatory", () => {
        assert.deepStrictEqual(
            policies.filter((p) => p.enforcementLevel !== "mandatory").map((p) => p.name),
            [],
        );
    });

    it("declares the exact config schema of each key a policy reads, and none for the others", () => {
        const schemas: Record<string, object> = {
            environment: ENVIRONMENT_SCHEMA,
            allowedRegistries: REGISTRIES_SCHEMA,
            cdServiceAccount: CD_ACCOUNT_SCHEMA,
        };
        for (const [name, , keys] of EXPECTED) {
            const policy = policyByName(name);
            if (keys.length === 0) {
                assert.strictEqual(policy.configSchema, undefined, name);
                assert.ok(!("configSchema" in policy), `${name} carries no configSchema key`);
            } else {
                assert.deepStrictEqual(policy.configSchema, { properties: Object.fromEntries(keys.map((k) => [k, schemas[k]])) }, name);
            }
        }
        assert.deepStrictEqual(CONFIG_PROPERTIES, {
            environment: ENVIRONMENT_SCHEMA,
            allowedRegistries: REGISTRIES_SCHEMA,
            cdServiceAccount: CD_ACCOUNT_SCHEMA,
        });
        assert.strictEqual(CD_ACCOUNT_PATTERN, CD_ACCOUNT_SCHEMA.pattern);
    });

    it("finds a policy by name and rejects an unknown one", () => {
        assert.strictEqual(policyByName("rbac-no-wildcards").name, "rbac-no-wildcards");
        assert.strictEqual(policyByName("rbac-no-wildcards").kind, "resource");
        assert.strictEqual(policyByName("httproute-backends").kind, "stack");
        assert.throws(() => policyByName("rbac-no-wildcard"), { message: "unknown policy rbac-no-wildcard" });
    });
});
