import { PolicyPack } from "@pulumi/policy";
import { policies } from "./lib/policies";

// Per-stack enforcement levels and settings come from policy/config/<stack>.json
// (pulumi preview --policy-pack policy --policy-pack-config policy/config/<stack>.json).
// Without a config file every policy is mandatory and the environment is production.
new PolicyPack("rollout-policies", { policies, enforcementLevel: "mandatory" });
