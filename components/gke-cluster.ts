import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterOptionArgs } from "../config/cluster-options";
import type { GkeClusterConfig } from "../config/schema";

export interface GkeClusterArgs {
  /** Validated cluster config (`rollout:cluster` with provider `gke`). */
  readonly config: GkeClusterConfig;
  /** Environment name, used in resource labels. */
  readonly environment: string;
  /** Pulumi `protect`: a `pulumi up` or `destroy` cannot delete the cluster. @default false */
  readonly protect?: boolean;
}

/** Roles the node service account needs: logs, metrics, and nothing else (image pull is granted per repository). */
export const nodeServiceAccountRoles = [
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/monitoring.viewer",
  "roles/stackdriver.resourceMetadata.writer",
] as const;

/**
 * A GKE cluster (Autopilot by default) with Workload Identity and a release channel, its own
 * least-privilege node service account, and a Kubernetes provider for everything deployed on it.
 */
export class GkeCluster extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;
  readonly location: string;
  /** Secret: a kubeconfig using the exec-based gke-gcloud-auth-plugin (no client certs, no static tokens). */
  readonly kubeconfig: pulumi.Output<string>;
  /** The provider every Kubernetes resource of the stack uses. */
  readonly provider: k8s.Provider;
  /** Service account the nodes run as; granted image pull on the registry. */
  readonly nodeServiceAccountEmail: pulumi.Output<string>;
  readonly project: string;

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:gcp:GkeCluster", name, {}, opts);
    const { config } = args;
    const protect = args.protect ?? false;
    this.project = config.project;
    this.location = config.region;

    const nodeSa = new gcp.serviceaccount.Account(
      `${name}-nodes`,
      {
        project: config.project,
        accountId: `${name}-nodes`.slice(0, 30),
        displayName: `GKE nodes of ${name}`,
      },
      { parent: this },
    );
    this.nodeServiceAccountEmail = nodeSa.email;
    const roleGrants = nodeServiceAccountRoles.map(
      (role) =>
        new gcp.projects.IAMMember(
          `${name}-nodes-${role.split("/")[1].replace(/\./g, "-")}`,
          {
            project: config.project,
            role,
            member: pulumi.interpolate`serviceAccount:${nodeSa.email}`,
          },
          { parent: this },
        ),
    );

    const autopilot = config.mode === "autopilot";
    const cluster = new gcp.container.Cluster(
      name,
      {
        project: config.project,
        name: config.name ?? name,
        location: config.region,
        enableAutopilot: autopilot ? true : undefined,
        releaseChannel: { channel: config.releaseChannel },
        workloadIdentityConfig: { workloadPool: `${config.project}.svc.id.goog` },
        deletionProtection: config.deletionProtection,
        // No basic auth and no client certificates: access goes through IAM + RBAC only.
        masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
        gatewayApiConfig: { channel: "CHANNEL_STANDARD" },
        ...clusterOptionArgs(config),
        resourceLabels: { environment: args.environment, "managed-by": "pulumi" },
        ...(autopilot
          ? {
              clusterAutoscaling: {
                autoProvisioningDefaults: { serviceAccount: nodeSa.email, oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"] },
              },
            }
          : { removeDefaultNodePool: true, initialNodeCount: 1 }),
      },
      { parent: this, protect, dependsOn: roleGrants },
    );
    this.name = cluster.name;

    if (!autopilot) {
      const pool = config.nodePool ?? { machineType: "e2-standard-4", minNodes: 1, maxNodes: 3, diskSizeGb: 50, spot: false };
      new gcp.container.NodePool(
        `${name}-pool`,
        {
          project: config.project,
          cluster: cluster.name,
          location: config.region,
          autoscaling: { minNodeCount: pool.minNodes, maxNodeCount: pool.maxNodes },
          management: { autoRepair: true, autoUpgrade: true },
          // Surge upgrades keep capacity while GKE replaces nodes; PDBs bound the disruption.
          upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
          nodeConfig: {
            machineType: pool.machineType,
            diskSizeGb: pool.diskSizeGb,
            spot: pool.spot,
            serviceAccount: nodeSa.email,
            oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
            workloadMetadataConfig: { mode: "GKE_METADATA" },
            shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
          },
        },
        { parent: this, protect },
      );
    }

    this.kubeconfig = pulumi.secret(
      pulumi.all([cluster.name, cluster.endpoint, cluster.masterAuth]).apply(([clusterName, endpoint, auth]) =>
        gkeKubeconfig({
          contextName: `${config.project}_${config.region}_${clusterName}`,
          endpoint,
          caCertificate: auth.clusterCaCertificate ?? "",
        }),
      ),
    );
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, enableServerSideApply: true }, { parent: this });
    this.registerOutputs({ name: this.name, kubeconfig: this.kubeconfig, nodeServiceAccountEmail: this.nodeServiceAccountEmail });
  }
}

/** A kubeconfig that authenticates with the gke-gcloud-auth-plugin exec credential plugin. */
export function gkeKubeconfig(args: { contextName: string; endpoint: string; caCertificate: string }): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: args.contextName, cluster: { server: `https://${args.endpoint}`, "certificate-authority-data": args.caCertificate } },
    ],
    contexts: [{ name: args.contextName, context: { cluster: args.contextName, user: args.contextName } }],
    "current-context": args.contextName,
    users: [
      {
        name: args.contextName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "gke-gcloud-auth-plugin",
            installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
            provideClusterInfo: true,
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}
