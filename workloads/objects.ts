// Plain Kubernetes objects for one app, computed without Pulumi. The App component registers them;
// the tests and the offline render read them as they are.
import type * as k8s from "@pulumi/kubernetes";
import { revisionConfigData, revisionConfigMapName } from "../lib/config-revisions";
import type { Plain } from "../lib/plain";
import type { AppConfig, DeploymentUpdate, IntOrPercent } from "../config/schema";
import { deploymentUpdateOf } from "../config/schema";
import { AppIdentity, commonLabels, namespaceOf, selectorLabels } from "../lib/labels";
import { podTemplate } from "./pod";
import { httpPortName } from "./probes";
import { awaitTimeoutSeconds } from "./timeouts";
import type { RoutePlan, RouteSpec } from "../strategies/types";

type Meta = Plain<k8s.types.input.meta.v1.ObjectMeta>;
type Labels = Record<string, string>;

export const timeoutAnnotation = "pulumi.com/timeoutSeconds";
export const skipAwaitAnnotation = "pulumi.com/skipAwait";
/** The provider takes fields another field manager changed (a failed canary gate's revert) back instead of failing on the conflict. */
export const patchForceAnnotation = "pulumi.com/patchForce";
export const waitForAnnotation = "pulumi.com/waitFor";
export const changeCauseAnnotation = "kubernetes.io/change-cause";

export interface WorkloadArgs {
  readonly app: AppConfig;
  readonly id: AppIdentity;
  /** Object name, e.g. `demo` or `demo-green`. */
  readonly name: string;
  readonly image: string;
  readonly version: string;
  /** Labels the selector adds on top of the app's selector labels (track, slot, variant). */
  readonly trackLabels: Readonly<Labels>;
  /** Replica count for this workload (strategies split the app's replicas). */
  readonly replicas: number;
  readonly configMapName?: string;
  readonly serviceAccountName: string;
  /** `kubernetes.io/change-cause`: what this revision is, for `kubectl rollout history`. */
  readonly changeCause: string;
  /** Extra workload annotations, e.g. `rollout.dev/role`. */
  readonly annotations?: Readonly<Labels>;
  /** How the Deployment replaces its pods; defaults to the app's. */
  readonly update?: DeploymentUpdate;
  /** Applied with spec.paused (`kubectl rollout pause`): nothing rolls, so nothing is awaited. */
  readonly paused?: boolean;
}

function meta(args: WorkloadArgs, extra: Labels): Meta {
  return {
    name: args.name,
    namespace: namespaceOf(args.id),
    labels: { ...commonLabels(args.id), ...args.trackLabels },
    annotations: { [changeCauseAnnotation]: args.changeCause, ...extra, ...(args.annotations ?? {}) },
  };
}

/**
 * With an HPA this is only the initial count: the component sets ignoreChanges on it, so
 * `pulumi up` never resets what the HPA scaled to.
 */
function initialReplicas(args: WorkloadArgs): number {
  return args.app.hpa ? Math.max(args.app.hpa.minReplicas, args.replicas) : args.replicas;
}

function template(args: WorkloadArgs) {
  return podTemplate({
    app: args.app,
    id: args.id,
    image: args.image,
    version: args.version,
    extraLabels: args.trackLabels,
    configMapName: args.configMapName,
    serviceAccountName: args.serviceAccountName,
  });
}

export function deployment(args: WorkloadArgs): Plain<k8s.types.input.apps.v1.Deployment> {
  const { app } = args;
  const strategy = args.update ?? deploymentUpdateOf(app);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(
      args,
      args.paused
        ? // A paused Deployment never completes a rollout: any await would run into its timeout.
          { [skipAwaitAnnotation]: "true" }
        : { ...deploymentAwait(args), [timeoutAnnotation]: String(awaitTimeoutSeconds(app, args.replicas, strategy)) },
    ),
    spec: {
      replicas: initialReplicas(args),
      selector: { matchLabels: { ...selectorLabels(args.id), ...args.trackLabels } },
      template: template(args),
      strategy:
        strategy.type === "recreate"
          ? { type: "Recreate" }
          : { type: "RollingUpdate", rollingUpdate: { maxSurge: strategy.maxSurge, maxUnavailable: strategy.maxUnavailable } },
      minReadySeconds: app.minReadySeconds,
      progressDeadlineSeconds: app.progressDeadlineSeconds,
      revisionHistoryLimit: app.revisionHistoryLimit,
      ...(args.paused ? { paused: true } : {}),
    },
  };
}

/**
 * The provider's built-in Deployment await reads the Progressing condition and the new
 * ReplicaSet, and can take a stale state for completion: a Recreate update was measured returning
 * at 0.5 s with 0 of 3 new pods ready (the old ReplicaSet scaled to 0), and a blue/green release
 * once returned before its 10 green pods could have been ready. Every `dependsOn` on a Deployment
 * (a traffic switch, a gate, a stable shrink) relies on its await, so waitFor replaces it with
 * counts only the new revision satisfies: every pod updated, available, and no other pod left. The
 * provider checks them only once status.observedGeneration caught up with the update. With an HPA
 * the count is not known here, and with 0 replicas there is nothing to count (a scaled-down idle
 * slot): the built-in await stays there.
 */
function deploymentAwait(args: WorkloadArgs): Labels {
  if (args.app.hpa || args.replicas === 0) return {};
  const n = args.replicas;
  return {
    [waitForAnnotation]: JSON.stringify([
      `jsonpath={.status.updatedReplicas}=${n}`,
      `jsonpath={.status.availableReplicas}=${n}`,
      `jsonpath={.status.replicas}=${n}`,
    ]),
  };
}

export function statefulSet(args: WorkloadArgs, serviceName: string): Plain<k8s.types.input.apps.v1.StatefulSet> {
  const { app } = args;
  const s = app.statefulSet ?? {
    updateStrategy: "RollingUpdate",
    partition: 0,
    podManagementPolicy: "OrderedReady",
    volumeClaimTemplates: [],
  };
  const expectedUpdated = args.replicas - s.partition;
  const awaitAnnotations: Labels =
    s.updateStrategy === "OnDelete"
      ? // Pods change only when someone deletes them: there is nothing for `pulumi up` to wait for.
        { [skipAwaitAnnotation]: "true" }
      : app.hpa && s.partition === 0
        ? // The HPA owns the replica count, so no count can be written here.
          { [timeoutAnnotation]: String(awaitTimeoutSeconds(app, args.replicas)) }
        : // The built-in await wants every replica updated, which a partition forbids, and was measured
          // returning mid-rollout without one (10 replicas, one ordinal at a time: `pulumi up` back
          // after 4.5 s of a 20 s rollout). Counts only the new revision satisfies replace it: the
          // ordinals >= partition updated, every replica ready and available.
          {
            // waitFor replaces the built-in await (provider >= 4.18.4); all conditions must hold, and
            // only once status.observedGeneration caught up. A partition equal to replicas updates
            // no ordinal, and the API server omits a 0 updatedReplicas, which a jsonpath never matches.
            [waitForAnnotation]: JSON.stringify([
              ...(expectedUpdated > 0 ? [`jsonpath={.status.updatedReplicas}=${expectedUpdated}`] : []),
              `jsonpath={.status.readyReplicas}=${args.replicas}`,
              `jsonpath={.status.availableReplicas}=${args.replicas}`,
            ]),
            [timeoutAnnotation]: String(awaitTimeoutSeconds(app, args.replicas)),
          };
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: meta(args, awaitAnnotations),
    spec: {
      replicas: initialReplicas(args),
      serviceName,
      selector: { matchLabels: { ...selectorLabels(args.id), ...args.trackLabels } },
      template: template(args),
      podManagementPolicy: s.podManagementPolicy,
      updateStrategy:
        s.updateStrategy === "OnDelete" ? { type: "OnDelete" } : { type: "RollingUpdate", rollingUpdate: { partition: s.partition } },
      minReadySeconds: app.minReadySeconds,
      revisionHistoryLimit: app.revisionHistoryLimit,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      volumeClaimTemplates: s.volumeClaimTemplates.map((v) => ({
        metadata: { name: v.name, labels: selectorLabels(args.id) },
        spec: {
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: v.storage } },
          ...(v.storageClassName ? { storageClassName: v.storageClassName } : {}),
        },
      })),
    },
  };
}

export function daemonSet(args: WorkloadArgs): Plain<k8s.types.input.apps.v1.DaemonSet> {
  const { app } = args;
  const d = app.daemonSet ?? { updateStrategy: "RollingUpdate", maxUnavailable: 1, maxSurge: 0 };
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: meta(
      args,
      d.updateStrategy === "OnDelete" ? { [skipAwaitAnnotation]: "true" } : { [timeoutAnnotation]: String(awaitTimeoutSeconds(app)) },
    ),
    spec: {
      selector: { matchLabels: { ...selectorLabels(args.id), ...args.trackLabels } },
      template: template(args),
      updateStrategy:
        d.updateStrategy === "OnDelete"
          ? { type: "OnDelete" }
          : { type: "RollingUpdate", rollingUpdate: { maxUnavailable: d.maxUnavailable, maxSurge: d.maxSurge } },
      minReadySeconds: app.minReadySeconds,
      revisionHistoryLimit: app.revisionHistoryLimit,
    },
  };
}

export interface ServiceArgs {
  readonly app: AppConfig;
  readonly id: AppIdentity;
  readonly name: string;
  /** Selector on top of the app's selector labels: `{}` selects every track; `{slot: "green"}` one slot. */
  readonly selectorExtra: Readonly<Labels>;
  readonly headless?: boolean;
  readonly annotations?: Readonly<Labels>;
}

export function service(args: ServiceArgs): Plain<k8s.types.input.core.v1.Service> {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: args.name,
      namespace: namespaceOf(args.id),
      labels: commonLabels(args.id),
      ...(args.annotations ? { annotations: { ...args.annotations } } : {}),
    },
    spec: {
      type: "ClusterIP",
      ...(args.headless ? { clusterIP: "None", publishNotReadyAddresses: true } : {}),
      selector: { ...selectorLabels(args.id), ...args.selectorExtra },
      ports: [{ name: httpPortName, port: args.app.servicePort, targetPort: httpPortName, protocol: "TCP" }],
    },
  };
}

/** The budget of an app, or undefined when it gets none (one replica, DaemonSet, or `pdb: false`). */
export function pdbBudget(
  app: AppConfig,
  environmentWantsPdb: boolean,
): { minAvailable?: IntOrPercent; maxUnavailable?: IntOrPercent } | undefined {
  if (app.pdb === false || app.kind === "DaemonSet") return undefined;
  if (app.pdb) return app.pdb;
  const replicas = app.hpa?.minReplicas ?? app.replicas;
  return environmentWantsPdb && replicas > 1 ? { maxUnavailable: 1 } : undefined;
}

export function podDisruptionBudget(
  app: AppConfig,
  id: AppIdentity,
  budget: { minAvailable?: IntOrPercent; maxUnavailable?: IntOrPercent },
): Plain<k8s.types.input.policy.v1.PodDisruptionBudget> {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: id.app, namespace: namespaceOf(id), labels: commonLabels(id) },
    spec: {
      // Every track of the app: evictions are budgeted against all serving pods together.
      selector: { matchLabels: selectorLabels(id) },
      ...budget,
      // Pods that never became ready may be evicted without consuming the budget.
      unhealthyPodEvictionPolicy: "AlwaysAllow",
    },
  };
}

export function horizontalPodAutoscaler(
  app: AppConfig,
  id: AppIdentity,
  target: { kind: string; name: string },
): Plain<k8s.types.input.autoscaling.v2.HorizontalPodAutoscaler> | undefined {
  if (!app.hpa) return undefined;
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: target.name, namespace: namespaceOf(id), labels: commonLabels(id) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: target.kind, name: target.name },
      minReplicas: app.hpa.minReplicas,
      maxReplicas: app.hpa.maxReplicas,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: app.hpa.targetCPUUtilizationPercent } },
        },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  };
}

/** Immutable ConfigMap named by a hash of its content: a change makes a new one and rolls the pods. */
export function configMap(app: AppConfig, id: AppIdentity): Plain<k8s.types.input.core.v1.ConfigMap> | undefined {
  const data = revisionConfigData(app.config);
  if (!data) return undefined;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: revisionConfigMapName(id.app, app.config)!, namespace: namespaceOf(id), labels: commonLabels(id) },
    immutable: true,
    data,
  };
}

/** A Gateway API HTTPRoute from a plan's route: weighted backends and header matches. */
export function httpRoute(app: AppConfig, id: AppIdentity, route: RouteSpec & Pick<RoutePlan, "revertible">): Record<string, unknown> {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: {
      name: route.name,
      namespace: namespaceOf(id),
      labels: commonLabels(id),
      ...(route.revertible ? { annotations: { [patchForceAnnotation]: "true" } } : {}),
    },
    spec: {
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: route.gateway.name, namespace: route.gateway.namespace }],
      ...(route.gateway.hostnames.length > 0 ? { hostnames: [...route.gateway.hostnames] } : {}),
      rules: route.rules.map((rule) => ({
        ...(rule.match
          ? { matches: [{ headers: [{ type: rule.match.header.type, name: rule.match.header.name, value: rule.match.header.value }] }] }
          : {}),
        backendRefs: rule.backends.map((b) => ({ group: "", kind: "Service", name: b.service, port: app.servicePort, weight: b.weight })),
      })),
    },
  };
}
