import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../config/defaults";
import { defaultsByEnvironment } from "../config/defaults";
import type { AppConfig } from "../config/schema";
import { AppIdentity, commonLabels, labelValue, namespaceOf, roleAnnotation } from "../lib/labels";
import { planApp, withImage } from "../strategies/plan";
import type { ReleaseRecord } from "../strategies/release";
import { planOrder } from "../strategies/graph";
import type { AppPlan, GatePlan, PlanNode, RevertPlan, RoutePlan, ServicePlan, WorkloadPlan } from "../strategies/types";
import type { Revert } from "../lib/gates";
import * as objects from "../workloads/objects";
import { gkeServiceAccountAnnotation } from "./app-identity";
import { ConfigRevisionPruner } from "./config-revisions";
import { RolloutGate } from "./gate";
import { leafMarker, withLeaves } from "./leaves";
import type { ReleaseInputs } from "./release-history";

/** Placeholder the plan uses for "the stack image"; the component substitutes the real digest. */
export const stackImage = "<stack image>";

export interface AppArgs {
  readonly config: AppConfig;
  readonly environment: Environment;
  /** Stack name, for the change-cause annotation. */
  readonly stack: string;
  /** The stack image, `repo@sha256:...`. */
  readonly image: pulumi.Input<string>;
  /** Version label of the stack image (short commit). */
  readonly version: pulumi.Input<string>;
  /** Blue/green without pinned slots: the stack's last records and this image's identity. */
  readonly releases?: ReleaseInputs;
  readonly provider: k8s.Provider;
  /** How gates reach the API server's service proxy (kubeconfig contents or path, context). */
  readonly kubeAccess?: { readonly kubeconfig?: pulumi.Input<string>; readonly context?: string };
  /** Pulumi `protect` on the namespace (production): deleting it deletes everything in it. */
  readonly protectNamespace?: boolean;
  /** GKE: the app's own Google service account, bound to its ServiceAccount (Workload Identity). */
  readonly googleServiceAccount?: pulumi.Input<string>;
  /** Resources the pods need in the namespace before they start (the secrets' SecretProviderClass). */
  readonly beforePods?: (namespace: pulumi.Output<string>, parent: pulumi.Resource) => pulumi.Resource[];
}

/** The plan names the stack image by a placeholder: swap in the real (possibly unknown) value. */
function orStack(v: string, stackValue: pulumi.Input<string>): pulumi.Input<string> {
  return v === stackImage ? stackValue : v;
}

/**
 * One application in its own namespace: ServiceAccount, immutable ConfigMap, and the workloads,
 * Services, HTTPRoutes and gates its strategy plan names, ordered by the plan with `dependsOn`
 * (so traffic never moves to a version before it is available and has passed its gates),
 * plus a PodDisruptionBudget and an optional HPA.
 */
export class App extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly plan: AppPlan;
  readonly serviceName: pulumi.Output<string>;
  /** Tracked blue/green or canary: the record this update leaves, resolved only once every workload, gate and Service or route is done. */
  readonly release?: pulumi.Output<ReleaseRecord>;

  constructor(name: string, args: AppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:app:App", name, {}, opts);
    const { config: app, environment } = args;
    const id: AppIdentity = { app: app.name, environment };
    const k8sOpts = { parent: this, provider: args.provider };
    this.plan = planApp(app, { environment, image: stackImage, version: stackImage, ...args.releases });

    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: namespaceOf(id),
          labels: {
            ...commonLabels(id),
            // The restricted Pod Security Standard: the API server itself rejects unsafe pods.
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
          },
        },
      },
      { ...k8sOpts, protect: args.protectNamespace ?? false },
    );
    this.namespace = ns.metadata.name;
    const inNs = { ...k8sOpts, dependsOn: [ns] };

    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-serviceaccount`,
      {
        metadata: {
          name: app.name,
          namespace: ns.metadata.name,
          labels: commonLabels(id),
          ...(args.googleServiceAccount ? { annotations: { [gkeServiceAccountAnnotation]: args.googleServiceAccount } } : {}),
        },
        automountServiceAccountToken: false,
      },
      inNs,
    );

    const cmSpec = objects.configMap(app, id);
    const cm =
      cmSpec &&
      new k8s.core.v1.ConfigMap(`${name}-configmap-${cmSpec.metadata!.name}`, cmSpec, {
        ...inNs,
        // Older revisions keep their config: `kubectl rollout undo` brings back pods that still find it.
        retainOnDelete: true,
      });
    const podDeps: pulumi.Resource[] = [ns, sa, ...(cm ? [cm] : []), ...(args.beforePods?.(ns.metadata.name, this) ?? [])];

    // Each node of the plan becomes one resource, after the nodes it comes `after` (as dependsOn).
    const created = new Map<PlanNode, pulumi.CustomResource>();
    for (const n of planOrder(this.plan)) {
      const deps = n.node.after.map((a) => created.get(a)!);
      switch (n.kind) {
        case "workload": {
          const w = n.node;
          created.set(
            w,
            this.workload(
              w,
              app,
              id,
              {
                image: orStack(w.image, args.image),
                version: orStack(w.version, args.version),
                // `kubectl rollout history` shows it (it replaces kubectl's deprecated --record). It
                // names what this workload runs, so a pinned slot is not touched by a new stack image.
                changeCause: pulumi.interpolate`pulumi up --stack ${args.stack}: ${orStack(w.version, args.version)} (${orStack(w.image, args.image)})`,
                // An undo's pods read the ConfigMap of the revision they return to (retained, and kept by the pruner).
                configMapName: w.config ? w.config.name : cmSpec ? (cmSpec.metadata!.name as string) : undefined,
                serviceAccountName: app.name,
              },
              { ...inNs, dependsOn: [...podDeps, ...deps] },
            ),
          );
          break;
        }
        case "service":
          created.set(n.node, this.service(n.node, app, id, { ...inNs, dependsOn: [ns, ...deps] }));
          break;
        case "gate":
          created.set(n.node, this.gate(n.node, app, id, args, { parent: this, dependsOn: deps }));
          break;
        case "route":
          created.set(n.node, this.route(n.node, app, id, { ...inNs, dependsOn: [ns, ...deps] }));
          break;
      }
    }
    const live = this.plan.services.find((s) => s.purpose === "live");
    this.serviceName = live ? (created.get(live) as k8s.core.v1.Service).metadata.name : pulumi.output("");

    // Retained ConfigMaps that no kept ReplicaSet names any more go after a config change.
    const recorded = recordedConfig(this.plan);
    if (cmSpec && app.kind === "Deployment" && args.kubeAccess)
      new ConfigRevisionPruner(
        `${name}-config-revisions`,
        {
          namespace: ns.metadata.name,
          app: app.name,
          current: cmSpec.metadata!.name as string,
          ...(recorded ? { recorded } : {}),
          kubeconfig: args.kubeAccess.kubeconfig,
          context: args.kubeAccess.context,
        },
        { parent: this, dependsOn: [...created.values()] },
      );

    const budget = objects.pdbBudget(app, defaultsByEnvironment[environment].pdb);
    if (budget) new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, objects.podDisruptionBudget(app, id, budget), inNs);
    const main = this.plan.workloads[0];
    const hpa = objects.horizontalPodAutoscaler(app, id, { kind: app.kind, name: main.name });
    if (hpa)
      new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, hpa, {
        ...inNs,
        dependsOn: [ns, created.get(main)!],
      });

    if (this.plan.release) {
      // An id resolves once its create or update is done (and never when it failed).
      const done = [...created.values()].map((r) => r.id);
      this.release = pulumi
        .all([args.image, args.version, ...done])
        .apply(([image, version]) => withImage(this.plan, stackImage, image as string, version as string).release!);
    }
    this.registerOutputs({ namespace: this.namespace, serviceName: this.serviceName, plan: this.plan, release: this.release });
  }

  private workload(
    w: WorkloadPlan,
    app: AppConfig,
    id: AppIdentity,
    inputs: {
      image: pulumi.Input<string>;
      version: pulumi.Input<string>;
      changeCause: pulumi.Output<string>;
      configMapName?: string;
      /** Known: the ServiceAccount's own name (the pods depend on the ServiceAccount resource). */
      serviceAccountName: string;
    },
    opts: pulumi.CustomResourceOptions,
  ): pulumi.CustomResource {
    // Built once with markers for the three values a preview may not know (a new digest, its
    // version label, the change-cause naming it): every other field is known in the preview.
    const args: objects.WorkloadArgs = {
      app,
      id,
      name: w.name,
      image: leafMarker("image"),
      version: leafMarker("version"),
      trackLabels: w.trackLabels,
      replicas: w.replicas,
      update: w.update,
      paused: w.paused,
      configMapName: inputs.configMapName,
      serviceAccountName: inputs.serviceAccountName,
      changeCause: leafMarker("changeCause"),
      annotations:
        w.role || w.revertible
          ? { ...(w.role ? { [roleAnnotation]: w.role } : {}), ...(w.revertible ? { [objects.patchForceAnnotation]: "true" } : {}) }
          : undefined,
    };
    // The version is only ever a label value, which the builders sanitise.
    const leaves = { image: inputs.image, version: pulumi.output(inputs.version).apply(labelValue), changeCause: inputs.changeCause };
    const build = <M, S>(o: { metadata?: M; spec?: S }) => ({
      metadata: withLeaves(o.metadata as NonNullable<M>, leaves),
      spec: withLeaves(o.spec as NonNullable<S>, leaves),
    });
    const resourceName = `${w.name}-${w.kind.toLowerCase()}`;
    // The HPA owns spec.replicas after creation; the provider then keeps the live value.
    if (app.hpa && w.role === undefined) opts = { ...opts, ignoreChanges: ["spec.replicas"] };
    switch (w.kind) {
      case "StatefulSet":
        return new k8s.apps.v1.StatefulSet(resourceName, build(objects.statefulSet(args, `${app.name}-headless`)), opts);
      case "DaemonSet":
        return new k8s.apps.v1.DaemonSet(resourceName, build(objects.daemonSet(args)), opts);
      default:
        return new k8s.apps.v1.Deployment(resourceName, build(objects.deployment(args)), opts);
    }
  }

  private service(s: ServicePlan, app: AppConfig, id: AppIdentity, opts: pulumi.CustomResourceOptions): k8s.core.v1.Service {
    // A Service that comes after awaited workloads (a blue/green switch, a canary's Service) is safe
    // once applied: its targets are already available. The provider's own Service await would add
    // a fixed 10 s endpoint "settle" to every switch and rollback, so it is skipped there.
    const annotations = s.after.length > 0 ? { [objects.skipAwaitAnnotation]: "true" } : undefined;
    const spec = objects.service({
      app,
      id,
      name: s.name,
      selectorExtra: s.selectorExtra,
      headless: s.purpose === "headless",
      annotations,
    });
    return new k8s.core.v1.Service(`${s.name}-service`, spec, opts);
  }

  private route(r: RoutePlan, app: AppConfig, id: AppIdentity, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
    const o = objects.httpRoute(app, id, r) as {
      apiVersion: string;
      kind: string;
      metadata: k8s.types.input.meta.v1.ObjectMeta;
      spec: Record<string, unknown>;
    };
    return new k8s.apiextensions.CustomResource(
      `${r.name}-httproute`,
      { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata, spec: o.spec },
      opts,
    );
  }

  private gate(g: GatePlan, app: AppConfig, id: AppIdentity, args: AppArgs, opts: pulumi.CustomResourceOptions): RolloutGate {
    return new RolloutGate(
      g.name,
      {
        namespace: namespaceOf(id),
        service: g.service.name,
        config: g.config,
        candidate: orStack(g.image, args.image),
        ...(g.step ? { step: g.step } : {}),
        ...(g.onFailure ? { revert: renderRevert(g.onFailure, app, id) } : {}),
        kubeconfig: args.kubeAccess?.kubeconfig,
        context: args.kubeAccess?.context,
      },
      opts,
    );
  }
}

/** The ConfigMap a rolling app's record keeps for `undo` (the previous revision's), if any. */
function recordedConfig(plan: AppPlan): string | undefined {
  const r = plan.release;
  return r && "current" in r ? r.previous?.config : undefined;
}

/** A failed gate's revert as kubectl applies it: the route's rules rendered as the program renders them. */
function renderRevert(r: RevertPlan, app: AppConfig, id: AppIdentity): Revert {
  return {
    scale: r.scale,
    ...(r.route ? { route: { name: r.route.name, rules: (objects.httpRoute(app, id, r.route).spec as { rules: unknown[] }).rules } } : {}),
    summary: r.summary,
  };
}
