// The Policy objects are thin wrappers: call validateResource / validateStack directly with a
// minimal fake `args` (type, name, urn, props, opts, getConfig) and a reportViolation collector.

import * as assert from "assert";
import type { Policies } from "@pulumi/policy";
import { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import { policies, policyByName } from "../lib/policies";
import type { PolicyResource, RolloutResourcePolicy, RolloutStackPolicy } from "../lib/types";
import {
    CD_SUBJECT,
    binding,
    defaultDeny,
    deployment,
    deployerRole,
    gkeCluster,
    hpa,
    httpRoute,
    iamMember,
    mutate,
    nodePool,
    pdb,
    registry,
    role,
    service,
    statefulSet,
} from "./fixtures";

// Compile-time proof that the pack's policies are what @pulumi/policy's PolicyPack accepts.
const asSdkPolicies: Policies = policies;

interface Reported {
    message: string;
    urn?: string;
}

function runResource(name: string, r: PolicyResource, config: object = {}): Reported[] {
    const policy = policyByName(name) as RolloutResourcePolicy;
    assert.strictEqual(policy.kind, "resource");
    const reported: Reported[] = [];
    policy.validateResource(
        {
            type: r.type,
            name: r.name,
            urn: `urn:pulumi:test::rollout::${r.type}::${r.name}`,
            props: r.props,
            opts: { protect: r.opts?.protect ?? false },
            getConfig: <T extends object>() => config as T,
        },
        (message, urn) => reported.push({ message, ...(urn ? { urn } : {}) }),
    );
    return reported;
}

function runStack(name: string, resources: PolicyResource[], config: object = {}): Reported[] {
    const policy = policyByName(name) as RolloutStackPolicy;
    assert.strictEqual(policy.kind, "stack");
    const reported: Reported[] = [];
    policy.validateStack(
        {
            resources: resources.map((r) => ({
                type: r.type,
                name: r.name,
                urn: `urn:pulumi:test::rollout::${r.type}::${r.name}`,
                props: r.props,
                opts: { protect: r.opts?.protect ?? false },
            })),
            getConfig: <T extends object>() => config as T,
        },
        (message, urn) => reported.push({ message, ...(urn ? { urn } : {}) }),
    );
    return reported;
}

const DEMO = { "app.kubernetes.io/name": "demo" };

interface ResourceCase {
    pass: PolicyResource;
    fail: PolicyResource;
    expect: RegExp;
    config?: object;
}

const resourceCases: Record<string, ResourceCase> = {
    "workload-probes": {
        pass: deployment(),
        fail: mutate(deployment(), (p) => delete p.spec.template.spec.containers[0].livenessProbe),
        expect: /containers\[0\]\.livenessProbe is missing/,
    },
    "workload-startup-probe": {
        pass: deployment(),
        fail: mutate(deployment(), (p) => {
            delete p.spec.template.spec.containers[0].startupProbe;
            p.spec.template.spec.containers[0].livenessProbe.initialDelaySeconds = 60;
        }),
        expect: /initialDelaySeconds is 60/,
    },
    "workload-graceful-shutdown": {
        pass: deployment(),
        fail: mutate(deployment(), (p) => (p.spec.template.spec.terminationGracePeriodSeconds = 10)),
        expect: /terminationGracePeriodSeconds is 10/,
    },
    "workload-exec-form-entrypoint": {
        pass: deployment(),
        fail: mutate(deployment(), (p) => (p.spec.template.spec.containers[0].command = ["/bin/sh", "-c", "node server.js"])),
        expect: /runs "\/bin\/sh -c"/,
    },
    "container-resources": {
        pass: deployment(),
        fail: mutate(deployment(), (p) => delete p.spec.template.spec.containers[0].resources.requests.cpu),
        expect: /resources\.requests\.cpu is missing/,
    },
    "pod-security-context": {
        pass: deployment(),
        fail: mutate(deployment(), (p) => (p.spec.template.spec.containers[0].securityContext.privileged = true)),
        expect: /privileged is true/,
    },
    "image-tag-pinned": {
        pass: deployment(),
        fail: mutate(deployment(), (p) => (p.spec.template.spec.containers[0].image = "nginx:latest")),
        expect: /uses the :latest tag/,
    },
    "image-digest-production": {
        pass: deployment(),
        fail: mutate(deployment(), (p) => (p.spec.template.spec.containers[0].image = "nginx:1.27")),
        expect: /is not pinned by digest/,
    },
    "image-registry-allowlist": {
        pass: deployment(),
        fail: mutate(deployment(), (p) => (p.spec.template.spec.containers[0].image = "docker.io/library/nginx:1.27")),
        expect: /is not from an allowed registry/,
        config: { allowedRegistries: ["us-central1-docker.pkg.dev/acme-prod/rollout/"] },
    },
    "production-zero-unavailable-rollout": {
        pass: deployment(),
        fail: mutate(deployment(), (p) => (p.spec.strategy.rollingUpdate.maxUnavailable = 1)),
        expect: /maxUnavailable is 1; it must be 0/,
    },
    "workload-min-ready-seconds": {
        pass: deployment(),
        fail: mutate(deployment(), (p) => delete p.spec.minReadySeconds),
        expect: /spec\.minReadySeconds is not set/,
    },
    "progress-deadline-below-await-timeout": {
        pass: deployment(),
        fail: mutate(deployment(), (p) => (p.spec.progressDeadlineSeconds = 900)),
        expect: /progressDeadlineSeconds is 900 but/,
    },
    "on-delete-skip-await": {
        pass: statefulSet(),
        fail: mutate(statefulSet(), (p) => (p.spec.updateStrategy = { type: "OnDelete" })),
        expect: /updateStrategy\.type is OnDelete/,
    },
    "rbac-no-wildcards": {
        pass: deployerRole(),
        fail: role("all", [{ apiGroups: [""], resources: ["*"], verbs: ["get"] }]),
        expect: /rules\[0\]\.resources contains "\*"/,
    },
    "rbac-no-secrets-access": {
        pass: deployerRole(),
        fail: role("secrets", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]),
        expect: /grants "secrets"/,
    },
    "rbac-no-pod-access": {
        pass: deployerRole(),
        fail: role("debug", [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }]),
        expect: /grants "pods\/exec"/,
    },
    "rbac-no-escalation-verbs": {
        pass: deployerRole(),
        fail: role("esc", [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["escalate"] }], {
            cluster: true,
        }),
        expect: /contains "escalate"/,
    },
    "rbac-cd-least-privilege": {
        pass: binding("cd", { kind: "Role", name: "cd-deployer" }, [CD_SUBJECT]),
        fail: binding("cd", { kind: "ClusterRole", name: "edit" }, [CD_SUBJECT], { cluster: true }),
        expect: /bound cluster-wide/,
    },
    "gke-workload-identity": {
        pass: gkeCluster(),
        fail: gkeCluster({ workloadIdentityConfig: {} }),
        expect: /workloadIdentityConfig\.workloadPool is not set/,
    },
    "gke-release-channel": {
        pass: gkeCluster(),
        fail: gkeCluster({ releaseChannel: { channel: "UNSPECIFIED" } }),
        expect: /"UNSPECIFIED"/,
    },
    "gke-cluster-protected": {
        pass: gkeCluster(),
        fail: gkeCluster({}, false),
        expect: /protect is not set/,
    },
    "artifact-registry-protected": {
        pass: registry(),
        fail: registry({ dockerConfig: { immutableTags: false } }),
        expect: /immutableTags is not true/,
    },
    "gke-node-service-account": {
        pass: nodePool(),
        fail: nodePool({ serviceAccount: "default" }),
        expect: /default compute service account/,
    },
    "gcp-iam-no-primitive-roles": {
        pass: iamMember("roles/container.developer", "group:platform@acme.example"),
        fail: iamMember("roles/owner", "group:platform@acme.example"),
        expect: /roles\/owner/,
    },
    "no-secret-values-in-config": {
        pass: mutate(deployment(), (p) => (p.spec.template.spec.containers[0].env = [{ name: "PORT", value: "8080" }])),
        fail: mutate(deployment(), (p) => (p.spec.template.spec.containers[0].env = [{ name: "API_TOKEN", value: "abc123" }])),
        expect: /the key name 'API_TOKEN' says it holds a credential/,
    },
};

interface StackCase {
    pass: PolicyResource[];
    fail: PolicyResource[];
    /** Logical name of the resource the violation must point at. */
    culprit: string;
    expect: RegExp;
}

const stackCases: Record<string, StackCase> = {
    "production-replicas": {
        pass: [
            deployment(),
            mutate(deployment({ name: "api", app: "api" }), (p) => delete p.spec.replicas),
            hpa("api", { kind: "Deployment", name: "api" }, 2),
        ],
        fail: [deployment({ replicas: 1 })],
        culprit: "demo",
        expect: /spec\.replicas is 1;/,
    },
    "production-pdb-coverage": {
        pass: [deployment(), pdb("demo", DEMO)],
        fail: [deployment(), pdb("other", { "app.kubernetes.io/name": "other" })],
        culprit: "demo",
        expect: /no PodDisruptionBudget/,
    },
    "pdb-allows-eviction": {
        pass: [deployment(), pdb("demo-pdb", DEMO, { minAvailable: 2 })],
        fail: [deployment(), pdb("demo-pdb", DEMO, { minAvailable: 3 })],
        culprit: "demo-pdb",
        expect: /minAvailable is 3 but the selected workloads run 3 pods/,
    },
    "service-selects-workload": {
        pass: [deployment(), service("demo-svc", DEMO)],
        fail: [deployment(), service("demo-svc", { ...DEMO, "rollout.dev/slot": "green" })],
        culprit: "demo-svc",
        expect: /matches the pod template labels of no Deployment/,
    },
    "httproute-backends": {
        pass: [service("demo", DEMO), httpRoute("demo-route", [[{ name: "demo", weight: 1 }]])],
        fail: [service("demo", DEMO), httpRoute("demo-route", [[{ name: "demo", weight: 0 }]])],
        culprit: "demo-route",
        expect: /no backend with a weight above 0/,
    },
    "namespace-network-policy": {
        pass: [deployment(), defaultDeny()],
        fail: [deployment()],
        culprit: "demo",
        expect: /has no default-deny NetworkPolicy/,
    },
    "gateway-https-only": {
        pass: [gatewayWith({ name: "https", protocol: "HTTPS", port: 443 })],
        fail: [gatewayWith({ name: "plain", protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "Same" } } })],
        culprit: "edge",
        expect: /is plain HTTP with no route redirecting to https/,
    },
    "app-identity-not-shared": {
        pass: [workloadIdentity("a", "staging-a/a"), workloadIdentity("b", "staging-b/b")],
        fail: [workloadIdentity("a", "staging-a/a"), workloadIdentity("a", "staging-b/b")],
        culprit: "wi-a-staging-b",
        expect: /is bound to 2 Kubernetes ServiceAccounts/,
    },
};

function gatewayWith(listener: Record<string, unknown>): PolicyResource {
    return {
        type: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
        name: "edge",
        props: {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "Gateway",
            metadata: { name: "edge", namespace: "gateway" },
            spec: { gatewayClassName: "x", listeners: [listener] },
        },
    };
}

function workloadIdentity(gsa: string, ksa: string): PolicyResource {
    return {
        type: "gcp:serviceaccount/iAMMember:IAMMember",
        name: `wi-${gsa}-${ksa.split("/")[0]}`,
        props: {
            serviceAccountId: `projects/p/serviceAccounts/${gsa}@p.iam.gserviceaccount.com`,
            role: "roles/iam.workloadIdentityUser",
            member: `serviceAccount:p.svc.id.goog[${ksa}]`,
        },
    };
}

describe("policy wrappers", () => {
    it("every policy has a wrapper test case, unique names and a description", () => {
        const names = policies.map((p) => p.name);
        assert.strictEqual(new Set(names).size, names.length);
        assert.deepStrictEqual([...names].sort(), [...Object.keys(resourceCases), ...Object.keys(stackCases)].sort());
        for (const p of policies) {
            assert.ok(p.description.length > 20, p.name);
            assert.strictEqual(p.enforcementLevel, "mandatory", `${p.name} defaults to mandatory`);
        }
        assert.strictEqual(asSdkPolicies.length, policies.length);
    });

    it("declares a config schema exactly for the policies that read config, with safe defaults", () => {
        for (const p of policies) {
            assert.deepStrictEqual(Object.keys(p.configSchema?.properties ?? {}), p.configKeys, p.name);
        }
        assert.strictEqual(policyByName("image-digest-production").configSchema?.properties.environment?.default, "production");
        assert.deepStrictEqual(policyByName("image-registry-allowlist").configSchema?.properties.allowedRegistries?.default, []);
        assert.strictEqual(policyByName("rbac-cd-least-privilege").configSchema?.properties.cdServiceAccount?.default, "cd/cd-agent");
    });

    for (const [name, c] of Object.entries(resourceCases)) {
        it(`${name}: validateResource reports nothing for a compliant resource and the violation for a broken one`, () => {
            assert.deepStrictEqual(runResource(name, c.pass, c.config), []);
            const reported = runResource(name, c.fail, c.config);
            assert.ok(reported.length > 0, `${name} reported nothing`);
            assert.match(reported[0]?.message ?? "", c.expect);
            assert.strictEqual(reported[0]?.urn, undefined, "resource policies report without a urn");
        });
    }

    for (const [name, c] of Object.entries(stackCases)) {
        it(`${name}: validateStack reports nothing for a compliant stack and points at the culprit's urn`, () => {
            assert.deepStrictEqual(runStack(name, c.pass), []);
            const reported = runStack(name, c.fail);
            assert.strictEqual(reported.length, 1, JSON.stringify(reported));
            assert.match(reported[0]?.message ?? "", c.expect);
            assert.match(reported[0]?.urn ?? "", new RegExp(`::${c.culprit}$`));
        });
    }

    it("passes getConfig() through: environment switches production-only rules off", () => {
        const tagged = resourceCases["image-digest-production"]!.fail;
        assert.strictEqual(runResource("image-digest-production", tagged, {}).length, 1, "default environment is production");
        assert.strictEqual(runResource("image-digest-production", tagged, { environment: "production" }).length, 1);
        assert.strictEqual(runResource("image-digest-production", tagged, { environment: "staging" }).length, 0);
        assert.strictEqual(
            runResource("image-digest-production", tagged, { environment: "bogus" }).length,
            1,
            "invalid falls back to production",
        );
        assert.strictEqual(runStack("production-replicas", [deployment({ replicas: 1 })], { environment: "local" }).length, 0);
        assert.strictEqual(runResource("gke-cluster-protected", gkeCluster({}, false), { environment: "staging" }).length, 0);
    });

    it("reads the protect resource option from args.opts", () => {
        assert.strictEqual(runResource("artifact-registry-protected", registry({}, true)).length, 0);
        assert.match(runResource("artifact-registry-protected", registry({}, false))[0]?.message ?? "", /protect is not set/);
    });

    describe("under the SDK's preview proxy", () => {
        // @pulumi/policy wraps props so that reading an unknown (computed) value throws
        // UnknownValueError; the SDK then reports "can't run policy during preview" as advisory.
        const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const proxied = (r: PolicyResource): PolicyResource => ({ ...r, props: unknownCheckingProxy(r.props) as Record<string, unknown> });

        it("evaluates a compliant workload read through the proxy", () => {
            for (const name of Object.keys(resourceCases)) {
                assert.deepStrictEqual(runResource(name, proxied(resourceCases[name]!.pass), resourceCases[name]!.config), [], name);
            }
            for (const name of Object.keys(stackCases)) {
                assert.deepStrictEqual(runStack(name, stackCases[name]!.pass.map(proxied)), [], name);
            }
        });

        it("only the rules that read an unknown image fail to run", () => {
            const r = proxied(mutate(deployment(), (p) => (p.spec.template.spec.containers[0].image = UNKNOWN_STRING)));
            assert.throws(() => runResource("image-digest-production", r), UnknownValueError);
            assert.throws(() => runResource("image-tag-pinned", r), UnknownValueError);
            for (const name of [
                "workload-probes",
                "workload-graceful-shutdown",
                "container-resources",
                "pod-security-context",
                "workload-min-ready-seconds",
            ]) {
                assert.deepStrictEqual(runResource(name, r), [], name);
            }
            assert.deepStrictEqual(runStack("service-selects-workload", [r, service("demo-svc", DEMO)]), []);
        });
    });
});
