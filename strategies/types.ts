import type { AppConfig, DeploymentUpdate, GatesConfig } from "../config/schema";
import type { Environment } from "../config/defaults";
import type { ReleaseHistory, ReleaseRecord } from "./release";

export interface WorkloadPlan {
  /** Kubernetes object name. */
  readonly name: string;
  readonly kind: AppConfig["kind"];
  /** Labels that tell this workload's pods apart (part of its selector). */
  readonly trackLabels: Readonly<Record<string, string>>;
  readonly replicas: number;
  readonly image: string;
  readonly version: string;
  readonly update: DeploymentUpdate;
  /** `idle` or `canary`: not the main serving track (policies exempt it from replicas > 1). */
  readonly role?: "idle" | "canary";
  /** Applied with spec.paused: the controller holds the rollout, `pulumi up` does not wait for it. */
  readonly paused?: boolean;
  /** Seconds `pulumi up` waits for it. */
  readonly timeoutSeconds: number;
  /** The ConfigMap its pods read when it is not this update's (an undo); `{}`: none. */
  readonly config?: { readonly name?: string };
  /** A failed gate may scale it (canary tracks): the next `pulumi up` takes its replicas back by force. */
  readonly revertible?: boolean;
  /** Nodes of the plan that must complete first, e.g. the live Service before an idle slot scales down. */
  readonly after: readonly PlanNode[];
}

export interface ServicePlan {
  readonly name: string;
  /** Selector on top of the app's selector labels. */
  readonly selectorExtra: Readonly<Record<string, string>>;
  /** Nodes that must be fully available/passed before this Service is applied (its targets, a gate). */
  readonly after: readonly PlanNode[];
  readonly purpose: "live" | "preview" | "headless" | "track";
}

export interface RouteBackend {
  readonly service: string;
  readonly weight: number;
}

export interface RouteRule {
  /** Requests matching this (all of it) use the rule; no match means "everything else". */
  readonly match?: { readonly header: { readonly name: string; readonly value: string; readonly type: "Exact" | "RegularExpression" } };
  readonly backends: readonly RouteBackend[];
}

/** An HTTPRoute as the program renders it. */
export interface RouteSpec {
  readonly name: string;
  readonly gateway: { readonly name: string; readonly namespace: string; readonly hostnames: readonly string[] };
  readonly rules: readonly RouteRule[];
}

export interface RoutePlan extends RouteSpec {
  /** Nodes that must complete first: the backends' workloads and Services, and the gate. */
  readonly after: readonly PlanNode[];
  /** A failed gate may set its weights (canary): the next `pulumi up` takes them back by force. */
  readonly revertible?: boolean;
}

/**
 * What a failed gate does to the live objects before it fails `pulumi up`, so traffic is back on
 * stable at once (Flagger's and Argo Rollouts' abort). The stack's state still holds the step; the
 * next `pulumi up` refreshes (Pulumi.yaml `refresh: always`), sees the reverted objects and
 * re-applies the step, which re-runs the gate.
 */
export interface RevertPlan {
  /** Replica counts to set, in this order: stable back to its full size before the canary goes to 0. */
  readonly scale: readonly { readonly workload: string; readonly replicas: number }[];
  /** The route as it is with all traffic on stable. */
  readonly route?: RouteSpec;
  /** What traffic is on once reverted, for the error message. */
  readonly summary: string;
}

export interface GatePlan {
  readonly name: string;
  /** The image under test (the stack image's placeholder until it is known). */
  readonly image: string;
  /** The Service whose pods the gate checks (through the API server's service proxy). */
  readonly service: ServicePlan;
  readonly config: GatesConfig;
  readonly after: readonly PlanNode[];
  /** What the gate protects: the step that moves traffic. */
  readonly guards: string;
  /**
   * The traffic step under test (canary: `weight 20%`, `promote`): a new step re-runs the gate even
   * when the candidate image is the same.
   */
  readonly step?: string;
  /** Canary: what a failure puts back before `pulumi up` fails. */
  readonly onFailure?: RevertPlan;
}

/**
 * A node of the plan graph: each becomes one resource of the App component, created after the
 * nodes in its `after` (as `dependsOn`). Edges are references to the nodes themselves, so an edge
 * to a node the plan lacks cannot be written; strategies/graph.ts orders them.
 */
export type PlanNode = WorkloadPlan | ServicePlan | GatePlan | RoutePlan;

export interface AppPlan {
  readonly app: string;
  readonly namespace: string;
  readonly kind: AppConfig["kind"];
  readonly strategy: string;
  readonly workloads: readonly WorkloadPlan[];
  readonly services: readonly ServicePlan[];
  readonly routes: readonly RoutePlan[];
  readonly gates: readonly GatePlan[];
  /** Human-readable steps of this `pulumi up`, in order. */
  readonly steps: readonly string[];
  /** Pods of the app when the update is done. */
  readonly podsAfter: number;
  /** Most pods of the app alive at once during the update. */
  readonly peakPods: number;
  /** Fewest ready pods serving during the update (0 means an outage window). */
  readonly minReadyPods: number;
  /** Which version receives traffic after this update. */
  readonly trafficTo: string;
  /** Tracked blue/green or canary: the record this update leaves (exported as `releases`, read by the next update). */
  readonly release?: ReleaseRecord;
}

export interface PlanContext {
  readonly environment: Environment;
  /** The stack image (`repo@sha256:...`), used by slots that name none; may be a placeholder. */
  readonly image: string;
  /** Version label of the stack image (short commit or digest); may be a placeholder. */
  readonly version: string;
  /** Tracked blue/green and canary apps: each app's record from the stack's last completed update. */
  readonly releases?: ReleaseHistory;
  /** Identity of this update's image, known before it is built (strategies/release.ts). */
  readonly releaseKey?: string;
}
