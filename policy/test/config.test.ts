import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CONFIG_PROPERTIES, DEFAULT_CONFIG, isPlaceholder, resolveConfig } from "../lib/config";
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

    it("documents the same levels in README.md", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
        const files = Object.fromEntries(ENVIRONMENTS.map((env) => [env, loadPackConfig(env)]));
        for (const p of policies) {
            const levels = ENVIRONMENTS.map((env) => enforcementFor(p, files[env] ?? {})).join(" | ");
            const row = new RegExp(`^\\| \`${p.name}\` \\| [a-z-]+ \\| ${p.kind} \\| ${levels} \\|`, "m");
            assert.match(readme, row, p.name);
        }
    });

    it("points evaluate() at policy/config/<environment>.json", () => {
        assert.strictEqual(configPath("staging"), path.join(__dirname, "..", "config", "staging.json"));
    });
});
