import * as assert from "assert";
import { createRequire } from "module";
import * as path from "path";
import {
    CONFIG_DIR,
    configFor,
    enforcementFor,
    evaluate,
    loadPackConfig,
    mandatoryViolations,
    type EvaluateOptions,
    type PackConfig,
    type Violation,
} from "../lib/evaluate";
import { policyByName } from "../lib/policies";
import { ENVIRONMENTS } from "../lib/types";
import type { PolicyResource } from "../lib/types";
import { DIGEST, REGISTRY, compliantStack, defaultDeny, deployment, mutate, pdb, role, service } from "./fixtures";

const key = (v: Violation) => `${v.enforcementLevel} ${v.policy} ${v.resource}`;
const keys = (vs: Violation[]) => vs.map(key).sort();

/** App without probes, on :latest, next to a wildcard Role. */
function brokenStack(): PolicyResource[] {
    const web = mutate(deployment({ name: "web", app: "web" }), (p) => {
        const c = p.spec.template.spec.containers[0];
        delete c.readinessProbe;
        delete c.livenessProbe;
        c.image = "ghcr.io/acme/web:latest";
    });
    return [
        web,
        service("web", { "app.kubernetes.io/name": "web" }),
        pdb("web", { "app.kubernetes.io/name": "web" }),
        role("god-mode", [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]),
        defaultDeny(),
    ];
}

describe("evaluate()", () => {
    for (const environment of ENVIRONMENTS) {
        it(`finds nothing at all in a compliant stack (${environment})`, () => {
            assert.deepStrictEqual(evaluate(compliantStack(), { environment, allowedRegistries: [REGISTRY] }), []);
        });
    }

    it("reports the broken stack's mandatory violations in production", () => {
        const result = evaluate(brokenStack(), { environment: "production" });
        assert.deepStrictEqual(keys(mandatoryViolations(result)), [
            "mandatory image-digest-production web",
            "mandatory image-tag-pinned web",
            "mandatory rbac-no-wildcards god-mode",
            "mandatory rbac-no-wildcards god-mode",
            "mandatory rbac-no-wildcards god-mode",
            "mandatory workload-probes web",
            "mandatory workload-probes web",
        ]);
        assert.strictEqual(result.length, mandatoryViolations(result).length, "production has no advisory levels");
        const probe = result.find((v) => v.policy === "workload-probes");
        assert.strictEqual(
            probe?.message,
            "Deployment staging-demo/web: spec.template.spec.containers[0].readinessProbe is missing; every container must have a readiness probe",
        );
    });

    it("uses the staging levels and staging semantics", () => {
        const result = evaluate(brokenStack(), { environment: "staging" });
        assert.deepStrictEqual(keys(mandatoryViolations(result)), [
            "mandatory image-tag-pinned web",
            "mandatory rbac-no-wildcards god-mode",
            "mandatory rbac-no-wildcards god-mode",
            "mandatory rbac-no-wildcards god-mode",
            "mandatory workload-probes web",
            "mandatory workload-probes web",
        ]);
        assert.ok(!result.some((v) => v.policy === "image-digest-production"), "digests are a production-only requirement");
    });

    it("keeps local advisory for hardening rules", () => {
        const result = evaluate(brokenStack(), { environment: "local" });
        assert.deepStrictEqual(mandatoryViolations(result), []);
        assert.deepStrictEqual(keys(result), [
            "advisory image-tag-pinned web",
            "advisory rbac-no-wildcards god-mode",
            "advisory rbac-no-wildcards god-mode",
            "advisory rbac-no-wildcards god-mode",
            "advisory workload-probes web",
            "advisory workload-probes web",
        ]);
    });

    it("flags a production single-replica workload without PDB, but exempts idle and canary ones", () => {
        const single = deployment({ name: "solo", app: "solo", replicas: 1 });
        const canary = deployment({
            name: "demo-canary",
            replicas: 1,
            labels: { "rollout.dev/track": "canary" },
            annotations: { "rollout.dev/role": "canary" },
        });
        const result = evaluate([single, canary, defaultDeny()], { environment: "production" });
        assert.deepStrictEqual(keys(result), ["mandatory production-pdb-coverage solo", "mandatory production-replicas solo"]);
        assert.deepStrictEqual(evaluate([single, canary, defaultDeny()], { environment: "staging" }), []);
    });

    it("catches a blue/green Service switched to a missing slot in every environment", () => {
        const stack = compliantStack().map((r) =>
            r.name === "demo" && r.type === "kubernetes:core/v1:Service"
                ? mutate(r, (p) => (p.spec.selector["rollout.dev/slot"] = "purple"))
                : r,
        );
        for (const environment of ENVIRONMENTS) {
            assert.deepStrictEqual(
                keys(evaluate(stack, { environment, allowedRegistries: [REGISTRY] })),
                ["mandatory service-selects-workload demo"],
                environment,
            );
        }
    });

    it("ignores sample placeholders in the file; allowedRegistries comes from the options", () => {
        const foreign = mutate(deployment(), (p) => (p.spec.template.spec.containers[0].image = `docker.io/acme/demo@${DIGEST}`));
        assert.ok(!evaluate([foreign], { environment: "production" }).some((v) => v.policy === "image-registry-allowlist"));
        const result = evaluate([foreign, pdb("demo", { "app.kubernetes.io/name": "demo" }), defaultDeny()], {
            environment: "production",
            allowedRegistries: [REGISTRY],
        });
        assert.deepStrictEqual(keys(result), ["mandatory image-registry-allowlist demo"]);
    });

    it("honours a pack config: per-policy levels, `all`, string entries, remediate and disabled", () => {
        const broken = brokenStack();
        const packConfig: PackConfig = {
            all: "advisory",
            "workload-probes": { enforcementLevel: "remediate" },
            "rbac-no-wildcards": "disabled",
            "image-registry-allowlist": { allowedRegistries: ["ghcr.io/acme/", REGISTRY] },
        };
        const result = evaluate(broken, { environment: "production", packConfig });
        assert.deepStrictEqual(keys(result), [
            "advisory image-digest-production web",
            "advisory image-tag-pinned web",
            "mandatory workload-probes web",
            "mandatory workload-probes web",
        ]);
        const overridden = evaluate(broken, { environment: "production", packConfig, allowedRegistries: ["us-docker.pkg.dev/x/y/"] });
        assert.ok(overridden.some((v) => v.policy === "image-registry-allowlist"));
    });

    it("uses the configured cdServiceAccount", () => {
        const crb: PolicyResource = {
            type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
            name: "argo-admin",
            props: {
                metadata: { name: "argo-admin" },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
                subjects: [{ kind: "ServiceAccount", name: "argo", namespace: "delivery" }],
            },
        };
        assert.deepStrictEqual(evaluate([crb], { environment: "staging" }), []);
        assert.deepStrictEqual(keys(evaluate([crb], { environment: "staging", cdServiceAccount: "delivery/argo" })), [
            "mandatory rbac-cd-least-privilege argo-admin",
        ]);
    });

    it("rejects an unknown environment", () => {
        assert.throws(() => evaluate([], { environment: "prod" as never }), /unknown environment "prod"/);
    });
});

describe("evaluate() (exact levels, config and findings)", () => {
    const policy = (name: string) => policyByName(name);
    const tagged = mutate(deployment(), (p) => (p.spec.template.spec.containers[0].image = "ghcr.io/acme/demo:1.4.2"));

    describe("enforcementFor", () => {
        it("takes the policy's entry first, then all, then the policy default", () => {
            const p = policy("image-tag-pinned");
            assert.strictEqual(enforcementFor(p, {}), "mandatory");
            assert.strictEqual(enforcementFor(p, { all: "advisory" }), "advisory");
            assert.strictEqual(enforcementFor(p, { all: { enforcementLevel: "disabled" } }), "disabled");
            assert.strictEqual(enforcementFor(p, { all: "disabled", "image-tag-pinned": "advisory" }), "advisory");
            assert.strictEqual(enforcementFor(p, { all: "advisory", "image-tag-pinned": { enforcementLevel: "mandatory" } }), "mandatory");
            assert.strictEqual(enforcementFor(p, { all: "advisory", "image-tag-pinned": {} }), "advisory");
            assert.strictEqual(enforcementFor(p, { "image-tag-pinned": { environment: "staging" } }), "mandatory");
            assert.strictEqual(enforcementFor(p, { "image-tag-pinned": "remediate" }), "mandatory");
        });

        it("rejects an unknown level", () => {
            assert.throws(() => enforcementFor(policy("image-tag-pinned"), { "image-tag-pinned": "warn" }), {
                message: 'invalid enforcement level "warn"',
            });
            assert.throws(() => enforcementFor(policy("image-tag-pinned"), { all: "" }), { message: 'invalid enforcement level ""' });
        });
    });

    describe("configFor", () => {
        const opts = (o: Partial<EvaluateOptions> = {}): EvaluateOptions => ({ environment: "staging", ...o });

        it("starts from the schema defaults of the keys the policy reads", () => {
            assert.deepStrictEqual(configFor(policy("rbac-cd-least-privilege"), {}, opts()), {
                environment: "staging",
                allowedRegistries: [],
                cdServiceAccount: "cd/cd-agent",
            });
        });

        it("overlays the policy's own entry, only for its keys, and ignores string entries", () => {
            const packConfig: PackConfig = {
                "rbac-cd-least-privilege": { enforcementLevel: "mandatory", cdServiceAccount: "delivery/argo", allowedRegistries: ["x/"] },
                "image-registry-allowlist": "mandatory",
            };
            assert.deepStrictEqual(configFor(policy("rbac-cd-least-privilege"), packConfig, opts()), {
                environment: "staging",
                allowedRegistries: [],
                cdServiceAccount: "delivery/argo",
            });
            assert.deepStrictEqual(configFor(policy("image-registry-allowlist"), packConfig, opts()).allowedRegistries, []);
            const other = configFor(policy("image-tag-pinned"), packConfig, opts());
            assert.strictEqual(other.cdServiceAccount, "cd/cd-agent");
        });

        it("drops placeholders and non-strings from the file's registries; the options replace them", () => {
            const packConfig: PackConfig = { "image-registry-allowlist": { allowedRegistries: ["<r>/", "ghcr.io/acme/", 3] } };
            assert.deepStrictEqual(configFor(policy("image-registry-allowlist"), packConfig, opts()).allowedRegistries, ["ghcr.io/acme/"]);
            assert.deepStrictEqual(
                configFor(policy("image-registry-allowlist"), packConfig, opts({ allowedRegistries: ["<kept>/", "x/"] })).allowedRegistries,
                ["<kept>/", "x/"],
            );
            assert.deepStrictEqual(
                configFor(policy("image-registry-allowlist"), packConfig, opts({ allowedRegistries: [] })).allowedRegistries,
                [],
            );
        });

        it("takes cdServiceAccount from the options over the file, and the environment always from the options", () => {
            const packConfig: PackConfig = {
                "rbac-cd-least-privilege": { cdServiceAccount: "delivery/argo" },
                "image-digest-production": { environment: "production" },
            };
            assert.strictEqual(
                configFor(policy("rbac-cd-least-privilege"), packConfig, opts({ cdServiceAccount: "ops/flux" })).cdServiceAccount,
                "ops/flux",
            );
            assert.strictEqual(
                configFor(policy("image-digest-production"), packConfig, opts({ environment: "local" })).environment,
                "local",
            );
        });
    });

    describe("evaluate", () => {
        it("returns the exact violation with the logical resource name", () => {
            assert.deepStrictEqual(
                evaluate([tagged], { environment: "production", packConfig: { all: "advisory", "image-digest-production": "mandatory" } }),
                [
                    {
                        policy: "image-digest-production",
                        enforcementLevel: "mandatory",
                        resource: "demo",
                        message:
                            'Deployment staging-demo/demo: spec.template.spec.containers[0].image "ghcr.io/acme/demo:1.4.2" is not pinned by digest; production images must be referenced as <repository>@sha256:<64 hex digits>',
                    },
                    {
                        policy: "production-pdb-coverage",
                        enforcementLevel: "advisory",
                        resource: "demo",
                        message:
                            "Deployment staging-demo/demo: no PodDisruptionBudget in namespace staging-demo selects spec.template.metadata.labels {app.kubernetes.io/name=demo, app.kubernetes.io/instance=demo-prod, app.kubernetes.io/version=1.4.2, app.kubernetes.io/managed-by=pulumi, app.kubernetes.io/part-of=rollout, rollout.dev/track=stable}; every production Deployment/StatefulSet must be covered by a PDB",
                    },
                    {
                        policy: "namespace-network-policy",
                        enforcementLevel: "advisory",
                        resource: "demo",
                        message:
                            "Deployment staging-demo/demo: namespace staging-demo has no default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress], no ingress rules); every pod in it accepts connections from anywhere in the cluster",
                    },
                ],
            );
        });

        it("skips disabled policies and names stack findings by logical name, whatever the urn", () => {
            const withUrn = { ...tagged, name: "logical-web", urn: "urn:pulumi:x::y::z::custom" };
            const result = evaluate([withUrn], {
                environment: "staging",
                packConfig: { all: "disabled", "namespace-network-policy": "advisory" },
            });
            assert.deepStrictEqual(
                result.map((v) => [v.policy, v.enforcementLevel, v.resource]),
                [["namespace-network-policy", "advisory", "logical-web"]],
            );
        });

        it("reads a policy's properties from the given pack config, with the default level when it sets none", () => {
            const packConfig: PackConfig = { "image-registry-allowlist": { allowedRegistries: [REGISTRY] } };
            const foreign = mutate(deployment(), (p) => (p.spec.template.spec.containers[0].image = `docker.io/acme/demo@${DIGEST}`));
            const result = evaluate([foreign], { environment: "local", packConfig });
            assert.deepStrictEqual(
                result.filter((v) => v.policy === "image-registry-allowlist").map((v) => v.enforcementLevel),
                ["mandatory"],
            );
        });

        it("uses the levels of config/<environment>.json when no pack config is given", () => {
            const levels = (environment: "local" | "staging" | "production") =>
                evaluate([tagged, defaultDeny(), pdb("demo", { "app.kubernetes.io/name": "demo" })], { environment }).map(
                    (v) => `${v.policy} ${v.enforcementLevel}`,
                );
            assert.deepStrictEqual(levels("local"), []);
            assert.deepStrictEqual(levels("staging"), []);
            assert.deepStrictEqual(levels("production"), ["image-digest-production mandatory"]);
        });

        it("names the allowed environments for an unknown one", () => {
            assert.throws(() => evaluate([], { environment: "qa" as never }), {
                message: 'unknown environment "qa"; expected one of local, staging, production',
            });
        });

        it("mandatoryViolations keeps exactly the mandatory ones", () => {
            const vs: Violation[] = [
                { policy: "a", enforcementLevel: "advisory", resource: "r", message: "m" },
                { policy: "b", enforcementLevel: "mandatory", resource: "r", message: "m" },
                { policy: "c", enforcementLevel: "disabled", resource: "r", message: "m" },
            ];
            assert.deepStrictEqual(mandatoryViolations(vs), [vs[1]]);
        });
    });

    it("rejects a config file that is not a JSON object", () => {
        // The fs module object itself (an `import * as` namespace only has getters).
        const fs = createRequire(__filename)("fs") as { readFileSync: unknown };
        const read = fs.readFileSync;
        const file = path.join(__dirname, "..", "config", "staging.json");
        try {
            for (const text of ["[]", "null", '"advisory"', "3"]) {
                fs.readFileSync = () => text;
                assert.throws(() => loadPackConfig("staging"), { message: `${file} must hold a JSON object` }, text);
            }
        } finally {
            fs.readFileSync = read;
        }
        assert.strictEqual(typeof loadPackConfig("staging"), "object");
    });

    it("reads each stack's config file as an object", () => {
        assert.strictEqual(CONFIG_DIR, path.join(__dirname, "..", "config"));
        for (const env of ENVIRONMENTS) {
            const file = loadPackConfig(env);
            assert.deepStrictEqual(file["rbac-cd-least-privilege"], {
                enforcementLevel: env === "local" ? "advisory" : "mandatory",
                cdServiceAccount: "cd/cd-agent",
            });
        }
    });
});
