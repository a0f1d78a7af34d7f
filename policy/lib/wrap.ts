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

/** What both kinds of policy carry: identity, default level, config schema and the pure check. */
function common<C>(spec: PolicySpec<C>) {
    const configKeys = spec.config ?? [];
    const configSchema = configSchemaFor(configKeys);
    return {
        name: spec.name,
        description: spec.description,
        enforcementLevel: spec.enforcementLevel ?? ("mandatory" as const),
        ...(configSchema ? { configSchema } : {}),
        configKeys,
        check: spec.check,
    };
}

function asPolicyResource(r: PolicyResource): PolicyResource {
    return { type: r.type, name: r.name, urn: r.urn, props: r.props, opts: r.opts };
}

export function resourcePolicy(spec: PolicySpec<ResourceCheck>): RolloutResourcePolicy {
    return {
        kind: "resource",
        ...common(spec),
        validateResource: (args, reportViolation) => {
            const config = resolveConfig(args.getConfig<object>());
            for (const message of spec.check(asPolicyResource(args), config)) {
                reportViolation(message);
            }
        },
    };
}

export function stackPolicy(spec: PolicySpec<StackCheck>): RolloutStackPolicy {
    return {
        kind: "stack",
        ...common(spec),
        validateStack: (args, reportViolation) => {
            const config = resolveConfig(args.getConfig<object>());
            for (const finding of spec.check(args.resources.map(asPolicyResource), config)) {
                reportViolation(finding.message, finding.resource.urn);
            }
        },
    };
}
