// Variants of the local stack for the demo, the e2e suite and the benchmark: same program, the
// image and apps swapped, rendered offline and applied by the kubectl driver.
import * as path from "path";
import { readStackConfig, renderConfig, RenderResult } from "./render";

export const projectDir = path.resolve(__dirname, "..");

/** A fake but well-formed digest reference per version number (kwok runs no containers). */
export function localImage(version: number): string {
  return `localhost:5001/okeydokey@sha256:${String(version).repeat(64).slice(0, 64)}`;
}

export function renderLocal(apps: unknown[] | undefined, image: string): Promise<RenderResult> {
  const base = readStackConfig(projectDir, "local");
  return renderConfig(projectDir, { ...base, "rollout:image": { source: "prebuilt", ref: image }, ...(apps ? { "rollout:apps": apps } : {}) }, "local");
}
