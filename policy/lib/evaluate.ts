// evaluate(): run every policy of the pack over plain resources, with the enforcement levels of
// policy/config/<environment>.json, without the Pulumi CLI. The main program's tests use it to prove
// each stack passes all mandatory rules. Imports: node's fs/path and this pack's plain TS only.

import * as fs from "fs";
import * as path from "path";
import { CONFIG_PROPERTIES, isPlaceholder, resolveConfig } from "./config";
import { policies } from "./policies";
import { ENVIRONMENTS } from "./types";
import type { EnforcementLevel, Environment, PolicyResource, RolloutConfig, RolloutPolicy } from "./types";

export type { EnforcementLevel, Environment, PolicyResource } from "./types";

/** One entry of a `--policy-pack-config` file: a level, or an object with a level and properties. */
export type PackConfigEntry = string | ({ enforcementLevel?: string } & Record<string, unknown>);
export type PackConfig = Record<string, PackConfigEntry>;

export interface EvaluateOptions {
    environment: Environment;
    /** Overrides the file's allowedRegistries (whose `<placeholder>` entries are ignored here). */
    allowedRegistries?: string[];
    /** Overrides the file's cdServiceAccount (`namespace/name`). */
    cdServiceAccount?: string;
    /** Use this pack config instead of reading policy/config/<environment>.json. */
    packConfig?: PackConfig;
}

export interface Violation {
    policy: string;
    enforcementLevel: EnforcementLevel;
    /** Logical (Pulumi) name of the offending resource; "(stack)" for stack-wide findings. */
    resource: string;
    message: string;
}

export const CONFIG_DIR = path.join(__dirname, "..", "config");

export function configPath(environment: Environment): string {
    return path.join(CONFIG_DIR, `${environment}.json`);
}

export function loadPackConfig(environment: Environment): PackConfig {
    const parsed: unknown = JSON.parse(fs.readFileSync(configPath(environment), "utf8"));
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new Error(`${configPath(environment)} must hold a JSON object`);
    }
    return parsed as PackConfig;
}

function entryLevel(entry: PackConfigEntry | undefined): string | undefined {
    if (entry === undefined) {
        return undefined;
    }
    return typeof entry === "string" ? entry : entry.enforcementLevel;
}

function normalizeLevel(level: string): EnforcementLevel {
    switch (level) {
        case "advisory":
        case "mandatory":
        case "disabled":
            return level;
        case "remediate":
            return "mandatory"; // these policies do not remediate; the CLI reports such violations as mandatory
        default:
            throw new Error(`invalid enforcement level "${level}"`);
    }
}

/** Per-policy level, then `all`, then the policy's own default, as the Pulumi CLI resolves it. */
export function enforcementFor(policy: RolloutPolicy, packConfig: PackConfig): EnforcementLevel {
    const level = entryLevel(packConfig[policy.name]) ?? entryLevel(packConfig.all) ?? policy.enforcementLevel;
    return normalizeLevel(level);
}

/** Schema defaults, then the file's properties, then the options; environment always from options. */
export function configFor(policy: RolloutPolicy, packConfig: PackConfig, options: EvaluateOptions): RolloutConfig {
    const raw: Record<string, unknown> = {};
    for (const key of policy.configKeys) {
        raw[key] = CONFIG_PROPERTIES[key].default;
    }
    const entry = packConfig[policy.name];
    if (entry !== undefined && typeof entry !== "string") {
        for (const key of policy.configKeys) {
            if (entry[key] !== undefined) {
                raw[key] = entry[key];
            }
        }
    }
    if (Array.isArray(raw.allowedRegistries)) {
        raw.allowedRegistries = raw.allowedRegistries.filter((r) => typeof r === "string" && !isPlaceholder(r));
    }
    if (options.allowedRegistries !== undefined) {
        raw.allowedRegistries = options.allowedRegistries;
    }
    if (options.cdServiceAccount !== undefined) {
        raw.cdServiceAccount = options.cdServiceAccount;
    }
    raw.environment = options.environment;
    return resolveConfig(raw);
}

export function evaluate(resources: PolicyResource[], options: EvaluateOptions): Violation[] {
    if (!ENVIRONMENTS.includes(options.environment)) {
        throw new Error(`unknown environment "${String(options.environment)}"; expected one of ${ENVIRONMENTS.join(", ")}`);
    }
    const packConfig = options.packConfig ?? loadPackConfig(options.environment);
    const withUrns = resources.map((r) => ({
        ...r,
        urn: r.urn ?? `urn:pulumi:${options.environment}::rollout::${r.type}::${r.name}`,
    }));
    const nameByUrn = new Map(withUrns.map((r) => [r.urn, r.name]));
    const out: Violation[] = [];
    for (const policy of policies) {
        const enforcementLevel = enforcementFor(policy, packConfig);
        if (enforcementLevel === "disabled") {
            continue;
        }
        const config = configFor(policy, packConfig, options);
        const getConfig = <T extends object>(): T => ({ ...config }) as unknown as T;
        if (policy.kind === "resource") {
            for (const r of withUrns) {
                policy.validateResource({ ...r, getConfig }, (message) => {
                    out.push({ policy: policy.name, enforcementLevel, resource: r.name, message });
                });
            }
        } else {
            policy.validateStack({ resources: withUrns, getConfig }, (message, urn) => {
                const resource = urn === undefined ? "(stack)" : (nameByUrn.get(urn) ?? urn);
                out.push({ policy: policy.name, enforcementLevel, resource, message });
            });
        }
    }
    return out;
}

/** The mandatory subset, e.g. `assert.deepStrictEqual(mandatoryViolations(evaluate(...)), [])`. */
export function mandatoryViolations(violations: Violation[]): Violation[] {
    return violations.filter((v) => v.enforcementLevel === "mandatory");
}
