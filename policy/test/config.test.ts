import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CONFIG_PROPERTIES, DEFAULT_CONFIG, configSchemaFor, isPlaceholder, resolveConfig } from "../lib/config";
import { configPath, enforcementFor, loadPackConfig } from "../lib/evaluate";
import { policies, policyByName } from "../lib/policies";
import { ENVIRONMENTS, type ConfigPropertySchema } from "../lib/types";

const LEVELS = ["advisory", "mandatory", "disabled"];

/** The subset of JSON schema the CLI checks for our config properties. */
function schemaErrors(schema: ConfigPropertySchema, value: unknown): string[] {
    if (schema.type === "string") {
        if (typeof value !== "string") return ["not a string"];
        if (schema.enum && !schema.enum.includes(value)) return [`not one of ${schema.enum.join(", ")}`];
        if (schema.pattern && !new RegExp(schema.pattern).test(value)) return [`does not match ${schema.pattern}`];
        return [];
    }
    if (!Array.isArray(value)) return ["not an array"];
    return value.filter((v) => typeof v !== "string" || v.length < (schema.items?.minLength ?? 0)).map(() => "bad item");
}

describe("policy pack config files", () => {
    it("exist for every stack and are plain JSON objects", () => {
        assert.deepStrictEqual(fs.readdirSync(path.join(__dirname, "..", "config")).sort(), [
            "local.json",
            "production.json",
            "staging.json",
        ]);
    });

    for (const env of ENVIRONMENTS) {
        describe(`config/${env}.json`, () => {
            const file = loadPackConfig(env);

            it("configures exactly the pack's policies (no typos, none forgotten)", () => {
                assert.deepStrictEqual(Object.keys(file).sort(), policies.map((p) => p.name).sort());
            });

            it("gives every policy a valid level and only the properties its schema declares, valid against it", () => {
                for (const [name, entry] of Object.entries(file)) {
                    assert.ok(typeof entry === "object", name);
                    const { enforcementLevel, ...props } = entry as Record<string, unknown>;
                    assert.ok(LEVELS.includes(String(enforcementLevel)), `${name}: ${String(enforcementLevel)}`);
                    const policy = policyByName(name);
                    assert.deepStrictEqual(Object.keys(props).sort(), [...policy.configKeys].sort(), name);
                    for (const key of policy.configKeys) {
                        assert.deepStrictEqual(schemaErrors(CONFIG_PROPERTIES[key], props[key]), [], `${name}.${key}`);
                    }
                    if ("environment" in props) {
                        assert.strictEqual(props.environment, env, `${name}.environment`);
                    }
                }
            });

            it("uses registry placeholders of the form <region>-docker.pkg.dev/<project>/<repo>/", () => {
                const entry = file["image-registry-allowlist"] as { allowedRegistries: string[] };
                for (const r of entry.allowedRegistries) {
                    assert.ok(isPlaceholder(r), r);
                    assert.strictEqual(r, "<region>-docker.pkg.dev/<project>/<repo>/");
                }
            });

            it("never disables a policy", () => {
                for (const p of policies) {
                    assert.notStrictEqual(enforcementFor(p, file), "disabled", p.name);
                }
            });
        });
    }

    it("makes every policy mandatory in production", () => {
        const file = loadPackConfig("production");
        for (const p of policies) {
            assert.strictEqual(enforcementFor(p, file), "mandatory", p.name);
        }
    });

    it("keeps the correctness and baseline-security rules mandatory in staging", () => {
        const file = loadPackConfig("staging");
        for (const name of [
            "workload-probes",
            "container-resources",
            "pod-security-context",
            "image-tag-pinned",
            "pdb-allows-eviction",
            "progress-deadline-below-await-timeout",
            "service-selects-workload",
            "httproute-backends",
            "rbac-no-wildcards",
            "rbac-no-secrets-access",
            "rbac-no-pod-access",
            "rbac-no-escalation-verbs",
            "rbac-cd-least-privilege",
            "gke-workload-identity",
            "gke-release-channel",
        ]) {
            assert.strictEqual(enforcementFor(policyByName(name), file), "mandatory", name);
        }
    });

    it("resolves missing or invalid config to the strict defaults", () => {
        assert.deepStrictEqual(resolveConfig({}), { environment: "production", allowedRegistries: [], cdServiceAccount: "cd/cd-agent" });
        assert.deepStrictEqual(resolveConfig(undefined), { ...DEFAULT_CONFIG, allowedRegistries: [] });
        assert.strictEqual(resolveConfig({ environment: "prod" }).environment, "production");
        assert.strictEqual(resolveConfig({ cdServiceAccount: "not an account" }).cdServiceAccount, "cd/cd-agent");
        assert.deepStrictEqual(resolveConfig({ environment: "staging", allowedRegistries: ["a/", 3, ""] }), {
            environment: "staging",
            allowedRegistries: ["a/"],
            cdServiceAccount: "cd/cd-agent",
        });
    });

    it("documents the same levels in README.md (a literal row, not a pattern)", () => {
        const lines = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8").split("\n");
        const files = Object.fromEntries(ENVIRONMENTS.map((env) => [env, loadPackConfig(env)]));
        for (const p of policies) {
            const levels = ENVIRONMENTS.map((env) => enforcementFor(p, files[env] ?? {})).join(" | ");
            const row = lines.find((l) => l.startsWith(`| \`${p.name}\` |`));
            assert.ok(row, `README.md has no row for ${p.name}`);
            const cells = row.split("|").map((c) => c.trim());
            assert.strictEqual(`${cells[3]} | ${cells[4]} | ${cells[5]} | ${cells[6]}`, `${p.kind} | ${levels}`, p.name);
        }
    });

    it("sets exactly these levels per stack (local | staging | production)", () => {
        const A = "advisory";
        const M = "mandatory";
        const expected: Record<string, [string, string, string]> = {
            "workload-probes": [A, M, M],
            "namespace-network-policy": [A, M, M],
            "gateway-https-only": [A, M, M],
            "no-secret-values-in-config": [M, M, M],
            "app-identity-not-shared": [M, M, M],
            "workload-startup-probe": [A, A, M],
            "workload-graceful-shutdown": [A, A, M],
            "workload-exec-form-entrypoint": [A, A, M],
            "container-resources": [A, M, M],
            "pod-security-context": [A, M, M],
            "image-tag-pinned": [A, M, M],
            "image-digest-production": [A, A, M],
            "image-registry-allowlist": [A, A, M],
            "production-replicas": [A, A, M],
            "production-pdb-coverage": [A, A, M],
            "pdb-allows-eviction": [A, M, M],
            "production-zero-unavailable-rollout": [A, A, M],
            "workload-min-ready-seconds": [A, A, M],
            "progress-deadline-below-await-timeout": [A, M, M],
            "on-delete-skip-await": [A, M, M],
            "service-selects-workload": [M, M, M],
            "httproute-backends": [M, M, M],
            "rbac-no-wildcards": [A, M, M],
            "rbac-no-secrets-access": [A, M, M],
            "rbac-no-pod-access": [A, M, M],
            "rbac-no-escalation-verbs": [A, M, M],
            "rbac-cd-least-privilege": [A, M, M],
            "gke-workload-identity": [A, M, M],
            "gke-release-channel": [A, M, M],
            "gke-cluster-protected": [A, A, M],
            "artifact-registry-protected": [A, A, M],
            "gke-node-service-account": [A, A, M],
            "gcp-iam-no-primitive-roles": [A, M, M],
        };
        const files = ENVIRONMENTS.map((env) => loadPackConfig(env));
        const actual = Object.fromEntries(policies.map((p) => [p.name, files.map((f) => enforcementFor(p, f))]));
        assert.deepStrictEqual(actual, expected);
    });

    it("points evaluate() at policy/config/<environment>.json", () => {
        assert.strictEqual(configPath("staging"), path.join(__dirname, "..", "config", "staging.json"));
    });
});

describe("lib/config (exact values)", () => {
    it("freezes the defaults", () => {
        assert.deepStrictEqual(DEFAULT_CONFIG, { environment: "production", allowedRegistries: [], cdServiceAccount: "cd/cd-agent" });
        assert.strictEqual(Object.isFrozen(DEFAULT_CONFIG), true);
    });

    it("builds a schema of exactly the given keys, none for no keys", () => {
        assert.strictEqual(configSchemaFor([]), undefined);
        assert.deepStrictEqual(configSchemaFor(["cdServiceAccount", "environment"]), {
            properties: { cdServiceAccount: CONFIG_PROPERTIES.cdServiceAccount, environment: CONFIG_PROPERTIES.environment },
        });
        assert.deepStrictEqual(Object.keys(configSchemaFor(["cdServiceAccount", "environment"])?.properties ?? {}), [
            "cdServiceAccount",
            "environment",
        ]);
    });

    it("reads each environment and falls back to production for anything else", () => {
        for (const environment of ["local", "staging", "production"]) {
            assert.strictEqual(resolveConfig({ environment }).environment, environment);
        }
        for (const environment of ["Staging", "", 1, null, ["staging"]]) {
            assert.strictEqual(resolveConfig({ environment }).environment, "production", String(environment));
        }
    });

    it("falls back to the defaults for null, strings and arrays", () => {
        for (const raw of [null, "staging", 3, ["staging"]]) {
            assert.deepStrictEqual(resolveConfig(raw), {
                environment: "production",
                allowedRegistries: [],
                cdServiceAccount: "cd/cd-agent",
            });
        }
    });

    it("keeps only non-empty string registries, and none when the value is not a list", () => {
        assert.deepStrictEqual(resolveConfig({ allowedRegistries: ["a/", "", null, 1, "b"] }).allowedRegistries, ["a/", "b"]);
        assert.deepStrictEqual(resolveConfig({ allowedRegistries: "a/" }).allowedRegistries, []);
        const fresh = resolveConfig({});
        fresh.allowedRegistries.push("x/");
        assert.deepStrictEqual(DEFAULT_CONFIG.allowedRegistries, []);
    });

    it("accepts namespace/name accounts with DNS-1123 parts only", () => {
        for (const account of ["cd/cd-agent", "a/b", "delivery/argo.cd", "n1/x-9"]) {
            assert.strictEqual(resolveConfig({ cdServiceAccount: account }).cdServiceAccount, account);
        }
        for (const account of [
            "Cd/agent",
            "cd/",
            "/agent",
            "cd/agent.",
            "-cd/agent",
            "cd-/agent",
            "cd/agent/x",
            "x cd/agent",
            "cd.x/agent",
            7,
        ]) {
            assert.strictEqual(resolveConfig({ cdServiceAccount: account }).cdServiceAccount, "cd/cd-agent", String(account));
        }
    });

    it("calls a value with < or > a placeholder", () => {
        assert.strictEqual(isPlaceholder("<region>-docker.pkg.dev/p/r/"), true);
        assert.strictEqual(isPlaceholder("us-docker.pkg.dev/<project>"), true);
        assert.strictEqual(isPlaceholder("a>b"), true);
        assert.strictEqual(isPlaceholder("us-central1-docker.pkg.dev/acme-prod/rollout/"), false);
    });
});

describe("lib/config (non-string accounts)", () => {
    it("rejects an account given as a list, even one that would match as text", () => {
        assert.strictEqual(resolveConfig({ cdServiceAccount: ["delivery/argo"] }).cdServiceAccount, "cd/cd-agent");
    });
});
