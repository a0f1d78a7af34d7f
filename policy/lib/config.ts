// Custom policy configuration: JSON schemas handed to Pulumi (`configSchema`) and the resolution
// of `args.getConfig()` into a RolloutConfig with safe defaults.
//
// How @pulumi/policy passes config: each policy declares `configSchema.properties`; the CLI fills in
// the schema `default`s, overlays the per-policy object of the `--policy-pack-config` file, validates
// the result against the schema and hands it to the pack; `args.getConfig<T>()` then returns that
// policy's properties (without `enforcementLevel`). Config is per policy, so every policy that needs
// `environment` declares it. The defaults are the strict ones: environment `production`.

import { ConfigKey, ConfigPropertySchema, ConfigSchemaLike, ENVIRONMENTS, Environment, RolloutConfig } from "./types";

export const DEFAULT_CONFIG: Readonly<RolloutConfig> = Object.freeze({
    environment: "production",
    allowedRegistries: [],
    cdServiceAccount: "cd/cd-agent",
});

/** `namespace/name` with DNS-1123 parts. */
export const CD_ACCOUNT_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";

export const CONFIG_PROPERTIES: { [K in ConfigKey]: ConfigPropertySchema } = {
    environment: {
        type: "string",
        enum: [...ENVIRONMENTS],
        default: DEFAULT_CONFIG.environment,
        description:
            "Stack environment (local, staging, production). Production-only requirements apply when this is production, the default.",
    },
    allowedRegistries: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: [],
        description:
            "Image registry prefixes allowed for workloads, e.g. us-central1-docker.pkg.dev/acme-prod/rollout/. Empty: no registry restriction.",
    },
    cdServiceAccount: {
        type: "string",
        pattern: CD_ACCOUNT_PATTERN,
        default: DEFAULT_CONFIG.cdServiceAccount,
        description: "Kubernetes service account of the CD agent as namespace/name.",
    },
};

export function configSchemaFor(keys: ConfigKey[]): ConfigSchemaLike | undefined {
    if (keys.length === 0) {
        return undefined;
    }
    const properties: { [key: string]: ConfigPropertySchema } = {};
    for (const k of keys) {
        properties[k] = CONFIG_PROPERTIES[k];
    }
    return { properties };
}

function isEnvironment(v: unknown): v is Environment {
    return typeof v === "string" && (ENVIRONMENTS as readonly string[]).includes(v);
}

/**
 * Applies defaults to whatever getConfig() returned. Invalid values fall back to the strict
 * default rather than loosening a check (an unknown environment is treated as production).
 */
export function resolveConfig(raw: unknown): RolloutConfig {
    const r = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
    const environment = isEnvironment(r.environment) ? r.environment : DEFAULT_CONFIG.environment;
    const allowedRegistries = Array.isArray(r.allowedRegistries)
        ? r.allowedRegistries.filter((x): x is string => typeof x === "string" && x.length > 0)
        : [...DEFAULT_CONFIG.allowedRegistries];
    const cdServiceAccount =
        typeof r.cdServiceAccount === "string" && new RegExp(CD_ACCOUNT_PATTERN).test(r.cdServiceAccount)
            ? r.cdServiceAccount
            : DEFAULT_CONFIG.cdServiceAccount;
    return { environment, allowedRegistries, cdServiceAccount };
}

/** A sample-config placeholder such as `<region>-docker.pkg.dev/<project>/<repo>/`. */
export function isPlaceholder(value: string): boolean {
    return /[<>]/.test(value);
}
