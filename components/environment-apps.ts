// Every app of an environment with what surrounds it: the environment Gateway and each app's live
// route, NetworkPolicies, and on GKE its own Google identity and its secrets.
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import { gatewayClassOf, withStackGateway } from "../config/traffic";
import { namespaceOf } from "../lib/labels";
import { appHostnames } from "../workloads/gateway";
import { callersOf } from "../workloads/network-policy";
import { App, AppArgs } from "./app";
import { AppGoogleIdentity } from "./app-identity";
import { AppRoute } from "./app-route";
import { AppSecrets } from "./app-secrets";
import { EnvironmentGateway } from "./gateway";
import { AppNetworkPolicy } from "./network-policy";

export interface EnvironmentAppsArgs extends Pick<AppArgs, "stack" | "image" | "version" | "releases" | "kubeAccess" | "protectNamespace"> {
  readonly config: StackConfig;
  readonly provider: k8s.Provider;
}

export interface EnvironmentApps {
  readonly apps: App[];
  readonly gateway?: EnvironmentGateway;
}

export function defineEnvironmentApps(args: EnvironmentAppsArgs): EnvironmentApps {
  const { config, provider } = args;
  const env = config.environment;
  const project = config.cluster.provider === "gke" ? config.cluster.project : undefined;
  const traffic = config.traffic;
  const appConfigs = config.apps.map((a) => withStackGateway(a, traffic));
  const routed = appConfigs.filter((a) => a.route !== false);

  const gateway =
    traffic &&
    new EnvironmentGateway(`${env}-gateway`, {
      traffic,
      className: gatewayClassOf(traffic, config.cluster.provider),
      routeNamespaces: routed.map((a) => namespaceOf({ app: a.name, environment: env })),
      hostnames: [...new Set(routed.flatMap((a) => appHostnames(a, traffic)))],
      provider,
      gcpProject: project,
      protect: args.protectNamespace,
    });

  const apps = appConfigs.map((appConfig) => {
    const id = { app: appConfig.name, environment: env };
    const identity = project
      ? new AppGoogleIdentity(`${appConfig.name}-identity`, { id, project, kubernetesServiceAccount: appConfig.name })
      : undefined;
    const app = new App(appConfig.name, {
      config: appConfig,
      environment: env,
      stack: args.stack,
      image: args.image,
      version: args.version,
      releases: args.releases,
      provider,
      kubeAccess: args.kubeAccess,
      protectNamespace: args.protectNamespace,
      googleServiceAccount: identity?.email,
      beforePods:
        identity && project && appConfig.secrets.length > 0
          ? (namespace, parent) =>
              new AppSecrets(
                `${appConfig.name}-secrets`,
                { app: appConfig, id, project, reader: identity.member, namespace, provider },
                { parent },
              ).ready
          : undefined,
    });
    new AppNetworkPolicy(`${appConfig.name}-network`, {
      app: appConfig,
      id,
      namespace: app.namespace,
      provider,
      gke: project !== undefined,
      gatewayNamespace: traffic?.gateway.namespace,
      callers: callersOf(appConfig.name, appConfigs),
    });
    // Weighted and header routes of the strategy are the app's routes; otherwise one live route.
    if (gateway && traffic && appConfig.route !== false && app.plan.routes.length === 0) {
      new AppRoute(`${appConfig.name}-route`, { app: appConfig, id, traffic, liveService: app.serviceName, provider, gateway });
    }
    return app;
  });
  return { apps, gateway };
}

/** The address the environment's host names must resolve to (GKE), or nothing. */
export function gatewayAddressOf(e: EnvironmentApps): pulumi.Output<string> | undefined {
  return e.gateway?.address;
}
