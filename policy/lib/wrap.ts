// Thin wrappers turning pure checks into Pulumi policies: read config, call the check, report.

import { configSchemaFor, resolveConfig } from "./config";
import type {
    ConfigKey,
    EnforcementLevel,
    PolicyResource,
    ResourceCheck,
    RolloutResourcePolicy,
    RolloutStackPolicy,
    StackCheck,
} from "./types";

interface PolicySpec<C> {
    name: string;
    description: string;
    /** Default when the config file says nothing about the policy. Safety rules default to mandatory. */
    enforcementLevel?: EnforcementLevel;
    config?: ConfigKey[];
    check: C;
}

export function resourcePolicy(spec: PolicySpec<ResourceCheck>): RolloutResourcePolicy {
    const configKeys = spec.config ?? [];
    const configSchema = configSchemaFor(configKeys);
    return {
        kind: "resource",
        name: spec.name,
        description: spec.description,
        enforcementLevel: spec.enforcementLevel ?? "mandatory",
        ...(configSchema ? { configSchema } : {}),
        configKeys,
        check: spec.check,
        validateResource: (args, reportViolation) => {
            const config = resolveConfig(args.getConfig<object>());
            const resource: PolicyResource = { type: args.type, name: args.name, urn: args.urn, props: args.props, opts: args.opts };
            for (const message of spec.check(resource, config)) {
                reportViolation(message);
            }
        },
    };
}

export function stackPolicy(spec: PolicySpec<StackCheck>): RolloutStackPolicy {
    const configKeys = spec.config ?? [];
    const configSchema = configSchemaFor(configKeys);
    return {
        kind: "stack",
        name: spec.name,
        description: spec.description,
        enforcementLevel: spec.enforcementLevel ?? "mandatory",
        ...(configSchema ? { configSchema } : {}),
        configKeys,
        check: spec.check,
        validateStack: (args, reportViolation) => {
            const config = resolveConfig(args.getConfig<object>());
            const resources: PolicyResource[] = args.resources.map((r) => ({
                type: r.type,
                name: r.name,
                urn: r.urn,
                props: r.props,
                opts: r.opts,
            }));
            for (const finding of spec.check(resources, config)) {
                reportViolation(finding.message, finding.resource.urn);
            }
        },
    };
}
