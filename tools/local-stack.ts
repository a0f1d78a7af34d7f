// Variants of the local stack for the demo, the e2e suite and the benchmark: the same program with
// the image and the apps swapped, run by the real engine (tools/engine.ts) or rendered offline.
import * as path from "path";
import { EngineStack, EngineStackOptions } from "./engine";
import { readStackConfig, renderConfig, RenderResult } from "./render";

export const projectDir = path.resolve(__dirname, "..");

/** A fake but well-formed digest reference per version number (kwok runs no containers). */
export function localImage(version: number): string {
  return `localhost:5001/okeydokey@sha256:${String(version).repeat(64).slice(0, 64)}`;
}

/** The version label the program derives from `localImage(version)`. */
export function localVersion(version: number): string {
  return `sha256-${String(version).repeat(12).slice(0, 12)}`;
}

/**
 * Config overrides for a variant of the local stack. A variant (a stack of its own, e.g. one per
 * e2e scenario) gets its own CD namespace and Gateway namespace: objects of one name applied by two
 * stacks would have two field managers, and the engine's create would fail with an SSA conflict.
 */
export function localConfig(apps: unknown[] | undefined, image: string, variant?: string): Record<string, unknown> {
  return {
    "rollout:image": { source: "prebuilt", ref: image },
    ...(apps ? { "rollout:apps": apps } : {}),
    ...(variant
      ? {
          "rollout:cd": { namespace: `cd-${variant}` },
          "rollout:traffic": { gateway: { namespace: `gw-${variant}`, hostnames: [`${variant}.local.rollout.test`] } },
        }
      : {}),
  };
}

export function renderLocal(apps: unknown[] | undefined, image: string): Promise<RenderResult> {
  const base = readStackConfig(projectDir, "local");
  return renderConfig(projectDir, { ...base, ...localConfig(apps, image) }, "local");
}

/** A variant of the local stack on the real engine, named `<name>`, starting from Pulumi.local.yaml. */
export function openLocalVariant(
  name: string,
  apps: unknown[],
  image: string,
  options: Omit<EngineStackOptions, "stack" | "configFrom" | "config">,
): Promise<EngineStack> {
  return EngineStack.open({ ...options, stack: name, configFrom: "local", config: localConfig(apps, image, name) });
}
