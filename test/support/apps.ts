// One app's config with every default resolved, straight from the schema: the input of the pure
// workload functions (workloads/*.ts), without a Pulumi program around them.
import { parseStackConfig } from "../../config/load";
import type { AppConfig } from "../../config/schema";
import { localBase } from "./stacks";

export type Env = "local" | "staging" | "production";

/** The app `demo` (unless `name` is given) in a kubeconfig stack of the environment. */
export function appOf(app: Record<string, unknown> = {}, env: Env = "local"): AppConfig {
  return parseStackConfig(
    { ...localBase, "rollout:environment": env, "rollout:apps": [{ name: "demo", ...app }] },
    env === "local" ? "local" : `x-${env}`,
  ).apps[0];
}

export const demoId = { app: "demo", environment: "local" } as const;
