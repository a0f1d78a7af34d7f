// What tracked apps (blue/green, canary, rolling, A/B) continue from: this stack's own `releases` output,
// read through a StackReference to itself before anything is registered, and the identity of this
// update's image. A stack output is written only when every value in it resolved, and each app's
// record resolves only after its switch was applied, so a failed update leaves the last good record.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config/load";
import type { AppConfig, ImageConfig, StackConfig } from "../config/schema";
import { isTrackedAbTest } from "../strategies/ab-test";
import { planApp } from "../strategies/plan";
import { ReleaseConflict, ReleaseHistory, parseReleaseHistory } from "../strategies/release";

/** What the plan of a tracked blue/green app needs (PlanContext's `releases` and `releaseKey`). */
export interface ReleaseInputs {
  readonly releases: ReleaseHistory;
  readonly releaseKey: string;
}

/**
 * Apps whose releases the program tracks: blue/green without `slots`, canary without `stable`,
 * rolling or recreate on the stack image, A/B with neither variant pinned.
 */
export function isTracked(app: AppConfig): boolean {
  const s = app.strategy;
  return (
    (s?.type === "blueGreen" && s.slots === undefined) ||
    (s?.type === "canary" && s.stable === undefined) ||
    ((s?.type === "rolling" || s?.type === "recreate") && app.image === undefined) ||
    (s?.type === "abTest" && isTrackedAbTest(s))
  );
}

export function trackedApps(config: StackConfig): StackConfig["apps"] {
  return config.apps.filter(isTracked);
}

/**
 * Identity of this update's image, known before it is built: a prebuilt or promoted reference as
 * it is, an image this stack builds by its commit (the digest exists only after the build).
 */
export function releaseKeyOf(image: ImageConfig, known: { gitSha?: string; promotedRef?: string }): string {
  switch (image.source) {
    case "prebuilt":
      return image.ref;
    case "build":
      if (!known.gitSha) throw new Error("releaseKeyOf: a build needs its git commit");
      return `commit:${known.gitSha}`;
    case "promote":
      if (!known.promotedRef) throw new Error("releaseKeyOf: a promotion needs the source stack's image");
      return known.promotedRef;
  }
}

/** This stack's `releases` output from its last completed update ({} when there is none). */
export async function readReleaseHistory(): Promise<ReleaseHistory> {
  const self = new pulumi.StackReference("release-history", {
    name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
  });
  const details = await self.getOutputDetails("releases");
  return parseReleaseHistory(details.value ?? details.secretValue);
}

/** The image a promoting stack will deploy: the source stack's `image` output. */
export async function readPromotedImage(fromStack: string, name: string): Promise<string> {
  const source = new pulumi.StackReference(name, { name: fromStack });
  const details = await source.getOutputDetails("image");
  const ref = details.value ?? details.secretValue;
  if (typeof ref !== "string" || ref === "")
    throw new ConfigError([`rollout:image.fromStack: ${fromStack} exports no 'image' yet: deploy it first`]);
  return ref;
}

/**
 * Every tracked app's decision checked against its record, before the stack registers anything:
 * a rollback with nothing to return to, or a promote of a release not deployed yet, is a ConfigError
 * naming the key to change.
 */
export function checkReleases(config: StackConfig, inputs: ReleaseInputs): void {
  const problems: string[] = [];
  config.apps.forEach((app, i) => {
    if (!isTracked(app)) return;
    const ctx = { environment: config.environment, image: inputs.releaseKey, version: "", ...inputs };
    try {
      // The plan runs the same decision as the App component will, so a conflict shows here first.
      planApp(app, ctx);
    } catch (e) {
      if (!(e instanceof ReleaseConflict)) throw e;
      problems.push(`rollout:apps[${i}].strategy.${e.key}: ${e.message}`);
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
}
