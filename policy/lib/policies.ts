// Every policy of the pack, in report order. index.ts hands this list to PolicyPack and
// lib/evaluate.ts runs the same objects, so the CLI and the tests share one wiring.

import type { RolloutPolicy } from "./types";
import { availabilityPolicies } from "../rules/availability";
import { gcpPolicies } from "../rules/gcp";
import { imagePolicies } from "../rules/images";
import { networkPolicies } from "../rules/network";
import { podSafetyPolicies } from "../rules/pod-safety";
import { rbacPolicies } from "../rules/rbac";
import { trafficPolicies } from "../rules/traffic";

export const policies: RolloutPolicy[] = [
    ...podSafetyPolicies,
    ...imagePolicies,
    ...availabilityPolicies,
    ...trafficPolicies,
    ...rbacPolicies,
    ...gcpPolicies,
    ...networkPolicies,
];

export function policyByName(name: string): RolloutPolicy {
    const p = policies.find((x) => x.name === name);
    if (!p) {
        throw new Error(`unknown policy ${name}`);
    }
    return p;
}
