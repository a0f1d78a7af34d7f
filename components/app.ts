import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../config/defaults";
import { defaultsByEnvironment } from "../config/defaults";
import type { AppConfig } from "../config/schema";
import { AppIdentity, commonLabels, namespaceOf, roleAnnotation } from "../lib/labels";
import { AppPlan, planApp, WorkloadPlan } from "../strategies/plan";
import * as objects from "../workloads/objects";

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
  readonly provider: k8s.Provider;
  /** Pulumi `protect` on the namespace (production): deleting it deletes everything in it. */
  readonly protectNamespace?: boolean;
}

/**
 * One application in its own namespace: ServiceAccount, immutable ConfigMap, the workloads and
 * Services its strategy plan names, a PodDisruptionBudget and an optional HPA.
 */
export class App extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly plan: AppPlan;
  readonly serviceName: pulumi.Output<string>;

  constructor(name: string, args: AppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:app:App", name, {}, opts);
    const { config: app, environment } = args;
    const id: AppIdentity = { app: app.name, environment };
    const k8sOpts = { parent: this, provider: args.provider };
    this.plan = planApp(app, { environment, image: stackImage, version: stackImage });

    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, {
      metadata: {
        name: namespaceOf(id),
        labels: {
          ...commonLabels(id),
          // The restricted Pod Security Standard: the API server itself rejects unsafe pods.
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/enforce-version": "latest",
        },
      },
    }, { ...k8sOpts, protect: args.protectNamespace ?? false });
    this.namespace = ns.metadata.name;
    const inNs = { ...k8sOpts, dependsOn: [ns] };

    const sa = new k8s.core.v1.ServiceAccount(`${name}-serviceaccount`, {
      metadata: { name: app.name, namespace: ns.metadata.name, labels: commonLabels(id) },
      automountServiceAccountToken: false,
    }, inNs);

    const cmSpec = objects.configMap(app, id);
    const cm = cmSpec && new k8s.core.v1.ConfigMap(`${name}-configmap-${cmSpec.metadata!.name}`, cmSpec, {
      ...inNs,
      // Older revisions keep their config: `kubectl rollout undo` brings back pods that still find it.
      retainOnDelete: true,
    });
    const configMapName = cmSpec ? (cmSpec.metadata!.name as string) : undefined;

    const changeCause = pulumi.interpolate`pulumi up --stack ${args.stack}: ${args.image}`;
    const workloadResources = new Map<string, pulumi.CustomResource>();
    for (const w of this.plan.workloads) {
      workloadResources.set(w.name, this.workload(name, w, app, id, {
        image: w.image === stackImage ? args.image : w.image,
        version: w.version === stackImage ? args.version : w.version,
        changeCause,
        configMapName,
        serviceAccountName: sa.metadata.name,
      }, { ...inNs, dependsOn: [ns, sa, ...(cm ? [cm] : [])] }));
    }

    let liveService: k8s.core.v1.Service | undefined;
    for (const s of this.plan.services) {
      const spec = objects.service({ app, id, name: s.name, selectorExtra: s.selectorExtra, headless: s.purpose === "headless" });
      const after = s.after.map((w) => workloadResources.get(w)!).filter(Boolean);
      const svc = new k8s.core.v1.Service(`${s.name}-service`, spec, { ...inNs, dependsOn: [ns, ...after] });
      if (s.purpose === "live") liveService = svc;
    }
    this.serviceName = liveService ? liveService.metadata.name : pulumi.output("");

    const budget = objects.pdbBudget(app, defaultsByEnvironment[environment].pdb);
    if (budget) new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, objects.podDisruptionBudget(app, id, budget), inNs);
    const main = this.plan.workloads[0];
    const hpa = objects.horizontalPodAutoscaler(app, id, { kind: app.kind, name: main.name });
    if (hpa) new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, hpa, { ...inNs, dependsOn: [ns, workloadResources.get(main.name)!] });

    this.registerOutputs({ namespace: this.namespace, serviceName: this.serviceName, plan: this.plan });
  }

  private workload(
    name: string,
    w: WorkloadPlan,
    app: AppConfig,
    id: AppIdentity,
    inputs: { image: pulumi.Input<string>; version: pulumi.Input<string>; changeCause: pulumi.Output<string>; configMapName?: string; serviceAccountName: pulumi.Output<string> },
    opts: pulumi.CustomResourceOptions,
  ): pulumi.CustomResource {
    const args = pulumi.all([inputs.image, inputs.version, inputs.changeCause, inputs.serviceAccountName]).apply(([image, version, changeCause, serviceAccountName]): objects.WorkloadArgs => ({
      app, id, name: w.name, image, version, trackLabels: w.trackLabels, replicas: w.replicas,
      configMapName: inputs.configMapName, serviceAccountName, changeCause,
      annotations: w.role ? { [roleAnnotation]: w.role } : undefined,
    }));
    const resourceName = `${w.name}-${w.kind.toLowerCase()}`;
    // The HPA owns spec.replicas after creation; the provider then keeps the live value.
    if (app.hpa) opts = { ...opts, ignoreChanges: ["spec.replicas"] };
    switch (w.kind) {
      case "StatefulSet": {
        const o = args.apply((a) => objects.statefulSet(a, `${app.name}-headless`));
        return new k8s.apps.v1.StatefulSet(resourceName, { metadata: o.metadata, spec: o.spec }, opts);
      }
      case "DaemonSet": {
        const o = args.apply(objects.daemonSet);
        return new k8s.apps.v1.DaemonSet(resourceName, { metadata: o.metadata, spec: o.spec }, opts);
      }
      default: {
        const o = args.apply(objects.deployment);
        return new k8s.apps.v1.Deployment(resourceName, { metadata: o.metadata, spec: o.spec }, opts);
      }
    }
  }
}
