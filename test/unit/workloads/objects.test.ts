// workloads/objects.ts: the workload, Service, budget, autoscaler, ConfigMap and route objects of
// one app, called directly on parsed app configs.
import { strict as assert } from "assert";
import { appOf } from "../../support/apps";
import {
  changeCauseAnnotation,
  configMap,
  daemonSet,
  deployment,
  horizontalPodAutoscaler,
  httpRoute,
  patchForceAnnotation,
  pdbBudget,
  podDisruptionBudget,
  service,
  skipAwaitAnnotation,
  statefulSet,
  timeoutAnnotation,
  waitForAnnotation,
  WorkloadArgs,
} from "../../../workloads/objects";

const image = "registry.example/team/app@sha256:" + "e".repeat(64);
const id = { app: "demo", environment: "local" };
const selector = { "app.kubernetes.io/name": "demo", "app.kubernetes.io/instance": "local-demo" };
const labels = { ...selector, "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "rollout" };

function args(app: Record<string, unknown>, o: Partial<WorkloadArgs> = {}): WorkloadArgs {
  const a = appOf(app);
  return {
    app: a,
    id,
    name: "demo",
    image,
    version: "v1",
    trackLabels: {},
    replicas: a.replicas,
    serviceAccountName: "demo-sa",
    changeCause: "image e1",
    ...o,
  };
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe("workloads/objects: annotation keys", () => {
  it("are the provider's and Kubernetes' own", () => {
    assert.equal(timeoutAnnotation, "pulumi.com/timeoutSeconds");
    assert.equal(skipAwaitAnnotation, "pulumi.com/skipAwait");
    assert.equal(patchForceAnnotation, "pulumi.com/patchForce");
    assert.equal(waitForAnnotation, "pulumi.com/waitFor");
    assert.equal(changeCauseAnnotation, "kubernetes.io/change-cause");
  });
});

describe("workloads/objects: deployment", () => {
  it("a recreate Deployment: metadata, waitFor counts, timeout and spec", () => {
    const d: Any = deployment(
      args({ replicas: 3 }, { trackLabels: { "rollout.dev/track": "stable" }, annotations: { "rollout.dev/role": "x" } }),
    );
    assert.equal(d.apiVersion, "apps/v1");
    assert.equal(d.kind, "Deployment");
    assert.deepEqual(d.metadata, {
      name: "demo",
      namespace: "local-demo",
      labels: { ...labels, "rollout.dev/track": "stable" },
      annotations: {
        "kubernetes.io/change-cause": "image e1",
        "pulumi.com/waitFor":
          '["jsonpath={.status.updatedReplicas}=3","jsonpath={.status.availableReplicas}=3","jsonpath={.status.replicas}=3"]',
        "pulumi.com/timeoutSeconds": "180",
        "rollout.dev/role": "x",
      },
    });
    assert.equal(d.spec.replicas, 3);
    assert.deepEqual(d.spec.selector, { matchLabels: { ...selector, "rollout.dev/track": "stable" } });
    assert.deepEqual(d.spec.strategy, { type: "Recreate" });
    assert.equal(d.spec.minReadySeconds, 0);
    assert.equal(d.spec.progressDeadlineSeconds, 120);
    assert.equal(d.spec.revisionHistoryLimit, 10);
    assert.equal("paused" in d.spec, false);
    assert.equal(d.spec.template.spec.containers[0].image, image);
    assert.equal(d.spec.template.spec.serviceAccountName, "demo-sa");
    assert.deepEqual(d.spec.template.metadata.labels, { ...labels, "app.kubernetes.io/version": "v1", "rollout.dev/track": "stable" });
  });

  it("the template gets the ConfigMap", () => {
    const d: Any = deployment(args({}, { configMapName: "demo-config-abc" }));
    assert.deepEqual(d.spec.template.spec.containers[0].envFrom, [{ configMapRef: { name: "demo-config-abc" } }]);
  });

  it("rolling: surge and unavailability as given; the timeout follows this workload's replicas", () => {
    const d: Any = deployment(
      args(
        { progressDeadlineSeconds: 10, minReadySeconds: 3, revisionHistoryLimit: 4 },
        {
          replicas: 7,
          update: { type: "rolling", maxSurge: 1, maxUnavailable: 0 },
        },
      ),
    );
    assert.deepEqual(d.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    // 7 waves of 38 s (30 + 5 + 3): ceil(1.5 x 266) + 60
    assert.equal(d.metadata.annotations["pulumi.com/timeoutSeconds"], "459");
    assert.equal(d.spec.replicas, 7);
    assert.equal(d.spec.minReadySeconds, 3);
    assert.equal(d.spec.progressDeadlineSeconds, 10);
    assert.equal(d.spec.revisionHistoryLimit, 4);
  });

  it("the app's own update when none is given", () => {
    const d: Any = deployment(args({ strategy: { type: "rolling", maxSurge: 2, maxUnavailable: "10%" } }));
    assert.deepEqual(d.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 2, maxUnavailable: "10%" } });
  });

  it("paused: skipAwait only, and spec.paused", () => {
    const d: Any = deployment(args({ replicas: 2 }, { paused: true }));
    assert.deepEqual(d.metadata.annotations, { "kubernetes.io/change-cause": "image e1", "pulumi.com/skipAwait": "true" });
    assert.equal(d.spec.paused, true);
  });

  it("0 replicas or an HPA: the built-in await (no waitFor), still a timeout", () => {
    const zero: Any = deployment(args({ replicas: 2 }, { replicas: 0 }));
    assert.deepEqual(zero.metadata.annotations, { "kubernetes.io/change-cause": "image e1", "pulumi.com/timeoutSeconds": "180" });
    const hpa: Any = deployment(args({ hpa: { minReplicas: 2, maxReplicas: 5 } }));
    assert.deepEqual(hpa.metadata.annotations, { "kubernetes.io/change-cause": "image e1", "pulumi.com/timeoutSeconds": "180" });
  });

  it("one replica gets its waitFor counts", () => {
    const d: Any = deployment(args({}));
    assert.equal(
      d.metadata.annotations["pulumi.com/waitFor"],
      '["jsonpath={.status.updatedReplicas}=1","jsonpath={.status.availableReplicas}=1","jsonpath={.status.replicas}=1"]',
    );
  });

  it("with an HPA the initial replicas are at least its minimum", () => {
    assert.equal((deployment(args({ hpa: { minReplicas: 4, maxReplicas: 9 } }, { replicas: 3 })) as Any).spec.replicas, 4);
    assert.equal((deployment(args({ hpa: { minReplicas: 4, maxReplicas: 9 } }, { replicas: 5 })) as Any).spec.replicas, 5);
  });
});

describe("workloads/objects: statefulSet", () => {
  const sts = (app: Record<string, unknown>, o: Partial<WorkloadArgs> = {}): Any =>
    statefulSet(args({ kind: "StatefulSet", ...app }, o), "demo-headless");

  it("rolling with a partition: waitFor counts of the ordinals at or above it", () => {
    const s = sts({ replicas: 5, statefulSet: { partition: 2, podManagementPolicy: "Parallel" } });
    assert.deepEqual(s.metadata.annotations, {
      "kubernetes.io/change-cause": "image e1",
      "pulumi.com/waitFor":
        '["jsonpath={.status.updatedReplicas}=3","jsonpath={.status.readyReplicas}=5","jsonpath={.status.availableReplicas}=5"]',
      // 3 waves of 35 s: ceil(1.5 x 105) = 158 > 120, + 60
      "pulumi.com/timeoutSeconds": "218",
    });
    assert.equal(s.apiVersion, "apps/v1");
    assert.equal(s.kind, "StatefulSet");
    assert.equal(s.spec.serviceName, "demo-headless");
    assert.equal(s.spec.replicas, 5);
    assert.equal(s.spec.podManagementPolicy, "Parallel");
    assert.deepEqual(s.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 2 } });
    assert.deepEqual(s.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
    assert.deepEqual(s.spec.selector, { matchLabels: selector });
    assert.equal(s.spec.minReadySeconds, 0);
    assert.equal(s.spec.revisionHistoryLimit, 10);
    assert.equal("progressDeadlineSeconds" in s.spec, false);
    assert.deepEqual(s.spec.volumeClaimTemplates, []);
    assert.equal(s.spec.template.spec.containers[0].image, image);
  });

  it("defaults: OrderedReady, partition 0", () => {
    const s = sts({ replicas: 2 });
    assert.equal(s.spec.podManagementPolicy, "OrderedReady");
    assert.deepEqual(s.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
    assert.equal(
      s.metadata.annotations["pulumi.com/waitFor"],
      '["jsonpath={.status.updatedReplicas}=2","jsonpath={.status.readyReplicas}=2","jsonpath={.status.availableReplicas}=2"]',
    );
  });

  it("partition equal to replicas: no updated count to wait for (the API server omits a 0), one below: 1", () => {
    assert.equal(
      sts({ replicas: 3, statefulSet: { partition: 3 } }).metadata.annotations["pulumi.com/waitFor"],
      '["jsonpath={.status.readyReplicas}=3","jsonpath={.status.availableReplicas}=3"]',
    );
    assert.equal(
      sts({ replicas: 3, statefulSet: { partition: 2 } }).metadata.annotations["pulumi.com/waitFor"],
      '["jsonpath={.status.updatedReplicas}=1","jsonpath={.status.readyReplicas}=3","jsonpath={.status.availableReplicas}=3"]',
    );
  });

  it("OnDelete: skipAwait only", () => {
    const s = sts({ replicas: 2, statefulSet: { updateStrategy: "OnDelete" } });
    assert.deepEqual(s.metadata.annotations, { "kubernetes.io/change-cause": "image e1", "pulumi.com/skipAwait": "true" });
    assert.deepEqual(s.spec.updateStrategy, { type: "OnDelete" });
  });

  it("HPA without a partition: only the timeout; with a partition: the counts too", () => {
    const s = sts({ replicas: 2, hpa: { minReplicas: 2, maxReplicas: 6 } });
    assert.deepEqual(s.metadata.annotations, { "kubernetes.io/change-cause": "image e1", "pulumi.com/timeoutSeconds": "180" });
    assert.equal(s.spec.replicas, 2);
    const p = sts({ replicas: 3, hpa: { minReplicas: 3, maxReplicas: 6 }, statefulSet: { partition: 1 } });
    assert.equal(
      p.metadata.annotations["pulumi.com/waitFor"],
      '["jsonpath={.status.updatedReplicas}=2","jsonpath={.status.readyReplicas}=3","jsonpath={.status.availableReplicas}=3"]',
    );
    assert.equal(sts({ replicas: 2, hpa: { minReplicas: 4, maxReplicas: 6 } }).spec.replicas, 4);
  });

  it("an app without its statefulSet block: RollingUpdate from ordinal 0, OrderedReady, no claims", () => {
    const a = args({ kind: "StatefulSet", replicas: 2 });
    const s: Any = statefulSet({ ...a, app: { ...a.app, statefulSet: undefined } }, "demo-headless");
    assert.equal(s.spec.podManagementPolicy, "OrderedReady");
    assert.deepEqual(s.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
    assert.deepEqual(s.spec.volumeClaimTemplates, []);
    assert.equal(
      s.metadata.annotations["pulumi.com/waitFor"],
      '["jsonpath={.status.updatedReplicas}=2","jsonpath={.status.readyReplicas}=2","jsonpath={.status.availableReplicas}=2"]',
    );
    assert.equal(s.metadata.annotations["pulumi.com/timeoutSeconds"], "180");
  });

  it("volume claim templates: ReadWriteOnce, the size, a storage class only when given", () => {
    const s = sts({
      replicas: 1,
      statefulSet: {
        volumeClaimTemplates: [
          { name: "data", mountPath: "/data", storage: "1Gi", storageClassName: "fast" },
          { name: "logs", mountPath: "/logs", storage: "3Gi" },
        ],
      },
    });
    assert.deepEqual(s.spec.volumeClaimTemplates, [
      {
        metadata: { name: "data", labels: selector },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, storageClassName: "fast" },
      },
      {
        metadata: { name: "logs", labels: selector },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "3Gi" } } },
      },
    ]);
  });
});

describe("workloads/objects: daemonSet", () => {
  it("rolling: the timeout over 10 assumed nodes, one at a time by default", () => {
    const d: Any = daemonSet(args({ kind: "DaemonSet", minReadySeconds: 2 }));
    assert.equal(d.apiVersion, "apps/v1");
    assert.equal(d.kind, "DaemonSet");
    // 10 waves of 37 s: ceil(1.5 x 370) + 60
    assert.deepEqual(d.metadata.annotations, { "kubernetes.io/change-cause": "image e1", "pulumi.com/timeoutSeconds": "615" });
    assert.deepEqual(d.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.deepEqual(d.spec.selector, { matchLabels: selector });
    assert.equal(d.spec.minReadySeconds, 2);
    assert.equal(d.spec.revisionHistoryLimit, 10);
    assert.equal("replicas" in d.spec, false);
    assert.equal(d.spec.template.spec.containers[0].image, image);
  });

  it("an app without its daemonSet block: rolling, one node unavailable at a time", () => {
    const a = args({ kind: "DaemonSet" });
    const d: Any = daemonSet({ ...a, app: { ...a.app, daemonSet: undefined } });
    assert.deepEqual(d.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.deepEqual(d.metadata.annotations, { "kubernetes.io/change-cause": "image e1", "pulumi.com/timeoutSeconds": "585" });
  });

  it("surge instead of unavailability when set", () => {
    const d: Any = daemonSet(args({ kind: "DaemonSet", daemonSet: { maxSurge: "20%" } }));
    assert.deepEqual(d.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "20%" } });
  });

  it("OnDelete: skipAwait only", () => {
    const d: Any = daemonSet(args({ kind: "DaemonSet", daemonSet: { updateStrategy: "OnDelete" } }));
    assert.deepEqual(d.metadata.annotations, { "kubernetes.io/change-cause": "image e1", "pulumi.com/skipAwait": "true" });
    assert.deepEqual(d.spec.updateStrategy, { type: "OnDelete" });
  });
});

describe("workloads/objects: service", () => {
  it("ClusterIP on the service port to the named container port", () => {
    assert.deepEqual(service({ app: appOf({ servicePort: 8081 }), id, name: "demo", selectorExtra: { "rollout.dev/slot": "blue" } }), {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "demo", namespace: "local-demo", labels },
      spec: {
        type: "ClusterIP",
        selector: { ...selector, "rollout.dev/slot": "blue" },
        ports: [{ name: "http", port: 8081, targetPort: "http", protocol: "TCP" }],
      },
    });
  });

  it("headless with annotations", () => {
    const s: Any = service({ app: appOf(), id, name: "demo-h", selectorExtra: {}, headless: true, annotations: { a: "b" } });
    assert.deepEqual(s.metadata.annotations, { a: "b" });
    assert.equal(s.spec.clusterIP, "None");
    assert.equal(s.spec.publishNotReadyAddresses, true);
    assert.deepEqual(s.spec.selector, selector);
  });
});

describe("workloads/objects: PodDisruptionBudget", () => {
  it("none for pdb: false or a DaemonSet, even where the environment wants one", () => {
    assert.equal(pdbBudget(appOf({ replicas: 3, pdb: false }), true), undefined);
    assert.equal(pdbBudget({ ...appOf({ kind: "DaemonSet" }), pdb: { maxUnavailable: 1 } }, true), undefined);
  });

  it("the app's own budget as given", () => {
    assert.deepEqual(pdbBudget(appOf({ replicas: 3, pdb: { minAvailable: "50%" } }), false), { minAvailable: "50%" });
  });

  it("the environment's: maxUnavailable 1 from 2 replicas (or HPA minimum) up, none at 1", () => {
    const app = { ...appOf({ replicas: 2 }), pdb: undefined as never };
    assert.deepEqual(pdbBudget(app, true), { maxUnavailable: 1 });
    assert.equal(pdbBudget(app, false), undefined);
    assert.equal(pdbBudget({ ...app, replicas: 1 }, true), undefined);
    assert.deepEqual(pdbBudget({ ...app, replicas: 1, hpa: { minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercent: 70 } }, true), {
      maxUnavailable: 1,
    });
    assert.equal(
      pdbBudget({ ...app, replicas: 3, hpa: { minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercent: 70 } }, true),
      undefined,
    );
  });

  it("the object: every track, the budget, AlwaysAllow for unready pods", () => {
    assert.deepEqual(podDisruptionBudget(appOf(), id, { maxUnavailable: 1 }), {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "demo", namespace: "local-demo", labels },
      spec: { selector: { matchLabels: selector }, maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" },
    });
  });
});

describe("workloads/objects: horizontalPodAutoscaler", () => {
  it("none without hpa", () => {
    assert.equal(horizontalPodAutoscaler(appOf(), id, { kind: "Deployment", name: "demo" }), undefined);
  });

  it("CPU utilization, the bounds, a 300 s scale-down window", () => {
    assert.deepEqual(
      horizontalPodAutoscaler(appOf({ hpa: { minReplicas: 2, maxReplicas: 7, targetCPUUtilizationPercent: 65 } }), id, {
        kind: "StatefulSet",
        name: "demo-x",
      }),
      {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "demo-x", namespace: "local-demo", labels },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "demo-x" },
          minReplicas: 2,
          maxReplicas: 7,
          metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 65 } } }],
          behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
        },
      },
    );
  });
});

describe("workloads/objects: configMap", () => {
  it("none without config, or with an empty one", () => {
    assert.equal(configMap(appOf(), id), undefined);
    assert.equal(configMap(appOf({ config: {} }), id), undefined);
  });

  it("immutable, named by its content's hash, keys sorted", () => {
    const c: Any = configMap(appOf({ config: { MODE: "fast", GREETING: "OK" } }), id);
    assert.equal(c.apiVersion, "v1");
    assert.equal(c.kind, "ConfigMap");
    assert.match(c.metadata.name, /^demo-config-[0-9a-f]{10}$/);
    assert.equal(c.metadata.namespace, "local-demo");
    assert.deepEqual(c.metadata.labels, labels);
    assert.equal(c.immutable, true);
    assert.deepEqual(Object.entries(c.data), [
      ["GREETING", "OK"],
      ["MODE", "fast"],
    ]);
  });
});

describe("workloads/objects: httpRoute", () => {
  const gateway = { name: "gw", namespace: "gw-ns", hostnames: ["a.example.com"] };
  it("weighted backends on the service port, a header match, patchForce when revertible", () => {
    const r = httpRoute(appOf({ servicePort: 8081 }), id, {
      name: "demo",
      gateway,
      after: [],
      revertible: true,
      rules: [
        { match: { header: { type: "Exact", name: "x-variant", value: "b" } }, backends: [{ service: "demo-b", weight: 100 }] },
        {
          backends: [
            { service: "demo", weight: 80 },
            { service: "demo-canary", weight: 20 },
          ],
        },
      ],
    } as never);
    assert.deepEqual(r, {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "demo", namespace: "local-demo", labels, annotations: { "pulumi.com/patchForce": "true" } },
      spec: {
        parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "gw", namespace: "gw-ns" }],
        hostnames: ["a.example.com"],
        rules: [
          {
            matches: [{ headers: [{ type: "Exact", name: "x-variant", value: "b" }] }],
            backendRefs: [{ group: "", kind: "Service", name: "demo-b", port: 8081, weight: 100 }],
          },
          {
            backendRefs: [
              { group: "", kind: "Service", name: "demo", port: 8081, weight: 80 },
              { group: "", kind: "Service", name: "demo-canary", port: 8081, weight: 20 },
            ],
          },
        ],
      },
    });
  });

  it("no hostnames and no annotations unless given", () => {
    const r: Any = httpRoute(appOf(), id, { name: "demo", gateway: { ...gateway, hostnames: [] }, rules: [] });
    assert.equal("hostnames" in r.spec, false);
    assert.equal("annotations" in r.metadata, false);
    assert.deepEqual(r.spec.rules, []);
  });
});
