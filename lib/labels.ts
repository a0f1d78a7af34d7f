// Label sets and names, derived once so a Service selector can never drift from its pods' labels.

export const managedBy = "pulumi";
export const partOf = "rollout";

import { annotationKeys, labelKeys } from "./contract";

/** Keys the strategies use to tell the pods of one app apart (lib/contract.ts, shared with the policy pack). */
export const trackLabel = labelKeys.track;
export const slotLabel = labelKeys.slot;
export const variantLabel = labelKeys.variant;
/** Annotation marking a workload that is not serving the main track (idle slot, canary). */
export const roleAnnotation = annotationKeys.role;

export interface AppIdentity {
  /** App name from config, e.g. `demo`. */
  readonly app: string;
  /** Environment, e.g. `production`. */
  readonly environment: string;
}

/** Namespace of an app in an environment: `production-demo`. */
export function namespaceOf(id: AppIdentity): string {
  return `${id.environment}-${id.app}`;
}

/** The labels every selector of the app uses: stable for the app's lifetime (selectors are immutable). */
export function selectorLabels(id: AppIdentity): Record<string, string> {
  return {
    "app.kubernetes.io/name": id.app,
    "app.kubernetes.io/instance": namespaceOf(id),
  };
}

/** Labels on every object of the app; `version` goes on pod templates only where it may change. */
export function commonLabels(id: AppIdentity, version?: string): Record<string, string> {
  return {
    ...selectorLabels(id),
    "app.kubernetes.io/managed-by": managedBy,
    "app.kubernetes.io/part-of": partOf,
    ...(version ? { "app.kubernetes.io/version": labelValue(version) } : {}),
  };
}

/** Kubernetes label values: at most 63 characters of [A-Za-z0-9._-], alphanumeric at both ends. */
export function labelValue(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+/, "").replace(/[^A-Za-z0-9]+$/, "");
}
