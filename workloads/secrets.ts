// Secret Manager secrets reach the pod through GKE's Secret Manager add-on: a SecretProviderClass
// names them, the CSI driver fetches them as the pod's own Google identity (Workload Identity) and
// mounts them read-only as files. Nothing is copied into a Kubernetes Secret or into Pulumi state.
import type * as k8s from "@pulumi/kubernetes";
import type { AppConfig } from "../config/schema";
import { secretsMountPath } from "../config/secrets";
import { AppIdentity, commonLabels, namespaceOf } from "../lib/labels";
import type { Plain } from "../lib/plain";

/** The GKE add-on's CSI driver (not the open-source secrets-store.csi.k8s.io one). */
export const gkeSecretsCsiDriver = "secrets-store-gke.csi.k8s.io";
const volumeName = "secrets";

export function secretProviderClassName(app: string): string {
  return `${app}-secrets`;
}

/** The pod volume and the app container's mount, or undefined when the app declares no secrets. */
export function secretsVolume(
  app: AppConfig,
): { volume: Plain<k8s.types.input.core.v1.Volume>; mount: Plain<k8s.types.input.core.v1.VolumeMount> } | undefined {
  if (app.secrets.length === 0) return undefined;
  return {
    volume: {
      name: volumeName,
      csi: { driver: gkeSecretsCsiDriver, readOnly: true, volumeAttributes: { secretProviderClass: secretProviderClassName(app.name) } },
    },
    mount: { name: volumeName, mountPath: secretsMountPath, readOnly: true },
  };
}

/** The SecretProviderClass listing the app's secrets, each as `projects/<p>/secrets/<name>/versions/<v>`. */
export function secretProviderClass(app: AppConfig, id: AppIdentity, project: string): Record<string, unknown> | undefined {
  if (app.secrets.length === 0) return undefined;
  // The add-on's parameter is YAML; JSON is YAML, and needs no YAML writer here.
  const secrets = app.secrets.map((s) => ({
    resourceName: `projects/${project}/secrets/${s.name}/versions/${s.version}`,
    path: s.file ?? s.name,
  }));
  return {
    apiVersion: "secrets-store.csi.x-k8s.io/v1",
    kind: "SecretProviderClass",
    metadata: { name: secretProviderClassName(id.app), namespace: namespaceOf(id), labels: commonLabels(id) },
    spec: { provider: "gke", parameters: { secrets: JSON.stringify(secrets) } },
  };
}
