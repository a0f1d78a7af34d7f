// Per-environment defaults. Every default the program applies lives here, so the README's
// config reference and the code cannot drift apart (test/unit/config/defaults.test.ts checks
// the README table against this object).

import type { Environment } from "../lib/contract";

export { environments } from "../lib/contract";
export type { Environment } from "../lib/contract";

export interface EnvironmentDefaults {
  /** Pod replicas of a Deployment/StatefulSet. */
  readonly replicas: number;
  /** Deployment strategy when an app names none. */
  readonly strategy: "recreate" | "rolling";
  /** RollingUpdate surge: percentages scale with replicas, as the seeds advise. */
  readonly maxSurge: string;
  /** RollingUpdate unavailability: 0 in production, so capacity never dips. */
  readonly maxUnavailable: number | string;
  /** Seconds a new pod must stay ready before it counts as available. */
  readonly minReadySeconds: number;
  /** Seconds the Deployment controller waits for progress before marking the rollout failed. */
  readonly progressDeadlineSeconds: number;
  /** Create a PodDisruptionBudget with maxUnavailable 1 when the app has more than one replica. */
  readonly pdb: boolean;
  /** Spread replicas over zones (production) or nodes (elsewhere). */
  readonly spread: "zone" | "node";
  /** GKE: deletion protection and Pulumi `protect` on the cluster and registry. */
  readonly protect: boolean;
  /** Artifact Registry: immutable tags. */
  readonly immutableTags: boolean;
}

export const defaultsByEnvironment: Readonly<Record<Environment, EnvironmentDefaults>> = {
  local: {
    replicas: 1,
    strategy: "recreate",
    maxSurge: "25%",
    maxUnavailable: "25%",
    minReadySeconds: 0,
    progressDeadlineSeconds: 120,
    pdb: false,
    spread: "node",
    protect: false,
    immutableTags: false,
  },
  staging: {
    replicas: 2,
    strategy: "rolling",
    maxSurge: "25%",
    maxUnavailable: "25%",
    minReadySeconds: 5,
    progressDeadlineSeconds: 180,
    pdb: true,
    spread: "node",
    protect: false,
    immutableTags: false,
  },
  production: {
    replicas: 3,
    strategy: "rolling",
    maxSurge: "25%",
    maxUnavailable: 0,
    minReadySeconds: 10,
    progressDeadlineSeconds: 300,
    pdb: true,
    spread: "zone",
    protect: true,
    immutableTags: true,
  },
};

/** Defaults that do not depend on the environment. */
export const commonDefaults = {
  port: 8080,
  servicePort: 80,
  drainSeconds: 5,
  /** Added to the preStop drain to get terminationGracePeriodSeconds: time to finish in-flight work. */
  shutdownSeconds: 25,
  revisionHistoryLimit: 10,
  readinessPath: "/ready",
  livenessPath: "/healthz",
  // Ephemeral storage too: the kubelet evicts a pod over its limit instead of letting it fill the node's disk.
  requests: { cpu: "100m", memory: "128Mi", ephemeralStorage: "128Mi" },
  limits: { memory: "256Mi", ephemeralStorage: "512Mi" },
  runAsUser: 65532,
  registryRepository: "rollout",
  keepVersions: 10,
  deleteUntaggedAfterDays: 14,
  releaseChannel: "REGULAR",
  clusterMode: "autopilot",
  cdNamespace: "cd",
  cdServiceAccount: "cd-agent",
} as const;
