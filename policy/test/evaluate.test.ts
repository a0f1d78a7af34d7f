import * as assert from "assert";
import { evaluate, mandatoryViolations, type PackConfig, type Violation } from "../lib/evaluate";
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
