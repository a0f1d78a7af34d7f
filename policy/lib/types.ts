// Plain types shared by the rules, the Pulumi wrappers and evaluate().
//
// Nothing in this file (or in rules/ and lib/) imports @pulumi/policy at run time, so the main
// program's tests can import lib/evaluate.ts without policy/node_modules being loaded. The shapes
// below are structural subsets of @pulumi/policy's ResourceValidationArgs / StackValidationArgs /
// ResourceValidationPolicy / StackValidationPolicy; index.ts hands the policies to PolicyPack,
// so the compiler proves they stay compatible.

import { environments, type Environment } from "../../lib/contract";

export type { Environment } from "../../lib/contract";

/** The program's environments (lib/contract.ts): the pack and the config schema share one list. */
export const ENVIRONMENTS: readonly Environment[] = environments;

export type EnforcementLevel = "advisory" | "mandatory" | "disabled";

/** A resource as seen by the rules: Pulumi type token, logical name, props (inputs or outputs). */
export interface PolicyResource {
    type: string;
    name: string;
    urn?: string;
    props: Record<string, unknown>;
    opts?: { protect?: boolean };
}

/** The resolved (defaults applied) custom configuration every rule receives. */
export interface RolloutConfig {
    environment: Environment;
    /** Registry prefixes, e.g. `us-central1-docker.pkg.dev/acme-prod/rollout/`. Empty: not enforced. */
    allowedRegistries: string[];
    /** `namespace/name` of the CD agent's Kubernetes service account. */
    cdServiceAccount: string;
}

export type ConfigKey = keyof RolloutConfig;

/** A finding of a stack rule: the offending resource plus the message. */
export interface StackFinding {
    resource: PolicyResource;
    message: string;
}

export type ResourceCheck = (resource: PolicyResource, config: RolloutConfig) => string[];
export type StackCheck = (resources: PolicyResource[], config: RolloutConfig) => StackFinding[];

// ---- Structural views of the @pulumi/policy callback arguments ---------------------------------

export type ReportViolation = (message: string, urn?: string) => void;

export interface ResourceArgsLike {
    type: string;
    name: string;
    urn?: string;
    props: Record<string, unknown>;
    opts?: { protect?: boolean };
    getConfig<T extends object>(): T;
}

export interface StackArgsLike {
    resources: {
        type: string;
        name: string;
        urn: string;
        props: Record<string, unknown>;
        opts?: { protect?: boolean };
    }[];
    getConfig<T extends object>(): T;
}

/** The subset of JSON schema used by the config schemas (assignable to PolicyConfigJSONSchema). */
export interface ConfigPropertySchema {
    type: "string" | "array";
    description: string;
    enum?: string[];
    items?: { type: "string"; minLength?: number };
    pattern?: string;
    default?: string | string[];
}

export interface ConfigSchemaLike {
    properties: { [key: string]: ConfigPropertySchema };
}

interface PolicyBase {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: ConfigSchemaLike;
    /** Which custom config keys the policy reads (empty: none). */
    configKeys: ConfigKey[];
}

export interface RolloutResourcePolicy extends PolicyBase {
    kind: "resource";
    check: ResourceCheck;
    validateResource: (args: ResourceArgsLike, reportViolation: ReportViolation) => void;
}

export interface RolloutStackPolicy extends PolicyBase {
    kind: "stack";
    check: StackCheck;
    validateStack: (args: StackArgsLike, reportViolation: ReportViolation) => void;
}

export type RolloutPolicy = RolloutResourcePolicy | RolloutStackPolicy;
