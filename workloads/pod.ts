import type * as k8s from "@pulumi/kubernetes";
import type { Plain } from "../lib/plain";
import type { AppConfig } from "../config/schema";
import { AppIdentity, commonLabels, selectorLabels } from "../lib/labels";
import { httpPortName, probeSpec } from "./probes";
import { secretsVolume } from "./secrets";

type PodTemplateSpec = Plain<k8s.types.input.core.v1.PodTemplateSpec>;
type Container = Plain<k8s.types.input.core.v1.Container>;

export const appContainerName = "app";
const tmpVolume = "tmp";

export interface PodTemplateArgs {
  readonly app: AppConfig;
  readonly id: AppIdentity;
  /** `repo@sha256:...` */
  readonly image: string;
  /** Value of the `app.kubernetes.io/version` label. */
  readonly version: string;
  /** Strategy labels (track, slot, variant) added to the pods. */
  readonly extraLabels?: Readonly<Record<string, string>>;
  /** Name of the immutable ConfigMap holding `app.config`, if any. */
  readonly configMapName?: string;
  /** ServiceAccount the pods run as. */
  readonly serviceAccountName: string;
}

/** Seconds between SIGTERM after the drain and SIGKILL: drain plus time to finish in-flight work. */
export function terminationGraceSeconds(app: AppConfig): number {
  return app.lifecycle.terminationGracePeriodSeconds ?? app.lifecycle.drainSeconds + 25;
}

/** The pod template of an app: probes, lifecycle hooks, resources and a restrictive security context. */
export function podTemplate(args: PodTemplateArgs): PodTemplateSpec {
  const { app, id } = args;
  const labels = { ...commonLabels(id, args.version), ...(args.extraLabels ?? {}) };
  const securityContext = {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: app.security.readOnlyRootFilesystem,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
  };
  const { requests, limits } = app.resources;
  const resources = {
    requests: { cpu: requests.cpu, memory: requests.memory, "ephemeral-storage": requests.ephemeralStorage },
    limits: { ...(limits.cpu ? { cpu: limits.cpu } : {}), memory: limits.memory, "ephemeral-storage": limits.ephemeralStorage },
  };
  const secrets = secretsVolume(app);
  const volumeMounts = [
    ...(app.security.readOnlyRootFilesystem ? [{ name: tmpVolume, mountPath: "/tmp" }] : []),
    ...(app.statefulSet?.volumeClaimTemplates ?? []).map((v) => ({ name: v.name, mountPath: v.mountPath })),
    ...(secrets ? [secrets.mount] : []),
  ];
  const container: Container = {
    name: appContainerName,
    image: args.image,
    imagePullPolicy: "IfNotPresent",
    ...(app.command ? { command: app.command } : {}),
    ...(app.args ? { args: app.args } : {}),
    ports: [{ name: httpPortName, containerPort: app.port, protocol: "TCP" }],
    env: [
      { name: "PORT", value: String(app.port) },
      ...Object.keys(app.env)
        .sort()
        .map((name) => ({ name, value: app.env[name] })),
    ],
    ...(args.configMapName ? { envFrom: [{ configMapRef: { name: args.configMapName } }] } : {}),
    readinessProbe: probeSpec(app.probes.readiness),
    livenessProbe: probeSpec(app.probes.liveness),
    ...(app.probes.startup ? { startupProbe: probeSpec(app.probes.startup) } : {}),
    lifecycle: {
      // Endpoints are removed while the pod sleeps, so no new request reaches a process that got
      // SIGTERM. `sleep` is a kubelet action: distroless images have no sleep binary.
      ...(app.lifecycle.drainSeconds > 0 ? { preStop: { sleep: { seconds: app.lifecycle.drainSeconds } } } : {}),
      ...(app.lifecycle.postStart ? { postStart: { exec: { command: app.lifecycle.postStart.command } } } : {}),
    },
    resources,
    securityContext,
    volumeMounts,
  };
  const initContainers: Container[] = app.initContainers.map((init) => ({
    name: init.name,
    image: init.image ?? args.image,
    imagePullPolicy: "IfNotPresent",
    command: init.command,
    resources,
    securityContext,
    volumeMounts: app.security.readOnlyRootFilesystem ? [{ name: tmpVolume, mountPath: "/tmp" }] : [],
  }));
  return {
    metadata: {
      labels,
      ...(app.podAnnotations && Object.keys(app.podAnnotations).length > 0 ? { annotations: { ...app.podAnnotations } } : {}),
    },
    spec: {
      serviceAccountName: args.serviceAccountName,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: terminationGraceSeconds(app),
      ...(app.lifecycle.shareProcessNamespace ? { shareProcessNamespace: true } : {}),
      ...(app.readinessGates.length > 0 ? { readinessGates: app.readinessGates.map((conditionType) => ({ conditionType })) } : {}),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: app.security.runAsUser,
        runAsGroup: app.security.runAsUser,
        fsGroup: app.security.runAsUser,
        seccompProfile: { type: "RuntimeDefault" },
      },
      ...(initContainers.length > 0 ? { initContainers } : {}),
      containers: [container],
      ...podVolumes([
        ...(app.security.readOnlyRootFilesystem ? [{ name: tmpVolume, emptyDir: { sizeLimit: "64Mi" } }] : []),
        ...(secrets ? [secrets.volume] : []),
      ]),
      ...topologySpread(app, id),
    },
  };
}

/**
 * Spread replicas so one zone or node going away takes only its share. `matchLabelKeys` with the
 * pod-template-hash makes the scheduler balance each revision on its own during a rollout.
 */
export function topologySpread(
  app: AppConfig,
  id: AppIdentity,
): { topologySpreadConstraints?: Plain<k8s.types.input.core.v1.TopologySpreadConstraint>[] } {
  if (app.kind === "DaemonSet" || app.spread === "none" || app.replicas < 2) return {};
  const labelSelector = { matchLabels: selectorLabels(id) };
  const byNode = {
    maxSkew: 1,
    topologyKey: "kubernetes.io/hostname",
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector,
    matchLabelKeys: ["pod-template-hash"],
  };
  if (app.spread === "node") return { topologySpreadConstraints: [byNode] };
  return {
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector,
        matchLabelKeys: ["pod-template-hash"],
      },
      byNode,
    ],
  };
}

function podVolumes(volumes: Plain<k8s.types.input.core.v1.Volume>[]): { volumes?: Plain<k8s.types.input.core.v1.Volume>[] } {
  return volumes.length > 0 ? { volumes } : {};
}
