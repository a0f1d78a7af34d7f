import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig } from "../config/schema";
import type { AppIdentity } from "../lib/labels";
import { secretProviderClass } from "../workloads/secrets";

export interface AppSecretsArgs {
  readonly app: AppConfig;
  readonly id: AppIdentity;
  readonly project: string;
  /** `serviceAccount:<email>` of the app's own Google identity: the only reader of these secrets. */
  readonly reader: pulumi.Input<string>;
  /** The app's namespace (an Output, so the class comes after it). */
  readonly namespace: pulumi.Output<string>;
  readonly provider: k8s.Provider;
}

/**
 * The app's Secret Manager secrets: read access for the app's identity on each secret (never the
 * project), and the SecretProviderClass the pods' CSI volume names. Values never pass through Pulumi.
 */
export class AppSecrets extends pulumi.ComponentResource {
  /** Created before the pods that mount it (the CSI driver fails a mount without its class). */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:secrets:AppSecrets", name, {}, opts);
    const grants = args.app.secrets.map(
      (s) =>
        new gcp.secretmanager.SecretIamMember(
          `${name}-${s.name}-accessor`,
          {
            project: args.project,
            secretId: s.name,
            role: "roles/secretmanager.secretAccessor",
            member: args.reader,
          },
          { parent: this },
        ),
    );
    const spc = secretProviderClass(args.app, args.id, args.project) as {
      apiVersion: string;
      kind: string;
      metadata: Record<string, unknown>;
      spec: Record<string, unknown>;
    };
    const cls = new k8s.apiextensions.CustomResource(
      `${name}-secretproviderclass`,
      {
        apiVersion: spc.apiVersion,
        kind: spc.kind,
        metadata: { ...spc.metadata, namespace: args.namespace },
        spec: spc.spec,
      },
      { parent: this, provider: args.provider },
    );
    this.ready = [cls, ...grants];
    this.registerOutputs({});
  }
}
