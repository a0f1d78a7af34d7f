import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TrafficConfig } from "../config/traffic";
import * as edge from "../workloads/gateway";

export interface EnvironmentGatewayArgs {
  readonly traffic: TrafficConfig;
  readonly className: string;
  /** App namespaces whose routes may attach to the HTTPS listener. */
  readonly routeNamespaces: readonly string[];
  /** Every host name a route of the environment answers for (the redirect covers them all). */
  readonly hostnames: readonly string[];
  readonly provider: k8s.Provider;
  /** GKE: the project the address and the Google-managed certificate live in. */
  readonly gcpProject?: string;
  /** Pulumi `protect` on the address and certificate (production). @default false */
  readonly protect?: boolean;
}

/**
 * The environment's edge: a namespace holding the Gateway (HTTPS for apps, HTTP only to redirect)
 * and the redirect route; on GKE also the global address and a Google-managed certificate from
 * Certificate Manager, attached by a certificate map.
 */
export class EnvironmentGateway extends pulumi.ComponentResource {
  readonly name: string;
  readonly namespace: pulumi.Output<string>;
  /** GKE: the address DNS records of the host names must point at. */
  readonly address?: pulumi.Output<string>;

  constructor(name: string, args: EnvironmentGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:traffic:EnvironmentGateway", name, {}, opts);
    const { traffic } = args;
    const k8sOpts = { parent: this, provider: args.provider };
    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: traffic.gateway.namespace,
          labels: {
            "app.kubernetes.io/managed-by": "pulumi",
            "app.kubernetes.io/part-of": "rollout",
            "app.kubernetes.io/component": "gateway",
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
          },
        },
      },
      { ...k8sOpts, protect: args.protect ?? false },
    );
    this.name = traffic.gateway.name;
    this.namespace = ns.metadata.name;

    let gke: { certificateMap: string; addressName: string } | undefined;
    const gcpDeps: pulumi.Resource[] = [];
    if (args.gcpProject) {
      const project = args.gcpProject;
      const keep = { parent: this, protect: args.protect ?? false };
      const address = new gcp.compute.GlobalAddress(
        `${name}-address`,
        { project, name: `${name}-address`, addressType: "EXTERNAL", ipVersion: "IPV4" },
        keep,
      );
      // Certificate Manager, not the ManagedCertificate CRD: GKE's Gateway controller does not read
      // ManagedCertificate (that is Ingress-only); a certificate map is how it takes Google-managed certificates.
      const cert = new gcp.certificatemanager.Certificate(
        `${name}-cert`,
        {
          project,
          name: `${name}-cert`,
          scope: "DEFAULT",
          // Load-balancer authorization: issued once the host names resolve to the address.
          managed: { domains: [...args.hostnames] },
        },
        keep,
      );
      const map = new gcp.certificatemanager.CertificateMap(`${name}-certmap`, { project, name: `${name}-certmap` }, keep);
      const entries = args.hostnames.map(
        (hostname, i) =>
          new gcp.certificatemanager.CertificateMapEntry(
            `${name}-certmap-${i}`,
            {
              project,
              name: `${name}-certmap-${i}`,
              map: map.name,
              hostname,
              certificates: [cert.id],
            },
            { parent: this },
          ),
      );
      gke = { certificateMap: `${name}-certmap`, addressName: `${name}-address` };
      gcpDeps.push(address, ...entries);
      this.address = address.address;
    }

    const inNs = { ...k8sOpts, dependsOn: [ns, ...gcpDeps] };
    const gw = edge.gateway({ traffic, className: args.className, routeNamespaces: args.routeNamespaces, gke });
    const gateway = new k8s.apiextensions.CustomResource(`${name}-gateway`, gw as k8s.apiextensions.CustomResourceArgs, inNs);
    new k8s.apiextensions.CustomResource(
      `${name}-https-redirect`,
      edge.httpsRedirectRoute(traffic, args.hostnames) as k8s.apiextensions.CustomResourceArgs,
      { ...inNs, dependsOn: [ns, gateway] },
    );
    this.registerOutputs({ namespace: this.namespace, address: this.address });
  }
}
