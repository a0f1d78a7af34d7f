// workloads/pod.ts: the pod template (probes, hooks, resources, security context, volumes) and
// the topology spread, called directly on parsed app configs.
import { strict as assert } from "assert";
import { appOf } from "../../support/apps";
import { appContainerName, podTemplate, terminationGraceSeconds, topologySpread } from "../../../workloads/pod";

const image = "registry.example/team/app@sha256:" + "c".repeat(64);
const other = "registry.example/team/tool@sha256:" + "d".repeat(64);
const id = { app: "demo", environment: "local" };
const selector = { "app.kubernetes.io/name": "demo", "app.kubernetes.io/instance": "local-demo" };
const tmpMount = { name: "tmp", mountPath: "/tmp" };
const defaultResources = {
  requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "128Mi" },
  limits: { memory: "256Mi", "ephemeral-storage": "512Mi" },
};
const containerSecurity = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
};

function tpl(app: Record<string, unknown> = {}, extra: Partial<Parameters<typeof podTemplate>[0]> = {}) {
  return podTemplate({ app: appOf(app), id, image, version: "v1.2", serviceAccountName: "demo-sa", ...extra });
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const spec = (t: ReturnType<typeof podTemplate>): any => t.spec;

describe("workloads/pod: terminationGraceSeconds", () => {
  it("the drain plus 25 s by default (5 + 25, 8 + 25)", () => {
    assert.equal(terminationGraceSeconds(appOf()), 30);
    assert.equal(terminationGraceSeconds(appOf({ lifecycle: { drainSeconds: 8 } })), 33);
  });
  it("an explicit grace period as given", () => {
    assert.equal(terminationGraceSeconds(appOf({ lifecycle: { terminationGracePeriodSeconds: 45 } })), 45);
  });
});

describe("workloads/pod: podTemplate", () => {
  it("the container is named 'app'", () => {
    assert.equal(appContainerName, "app");
  });

  it("a default app: every field of the template", () => {
    assert.deepEqual(tpl(), {
      metadata: {
        labels: {
          ...selector,
          "app.kubernetes.io/managed-by": "pulumi",
          "app.kubernetes.io/part-of": "rollout",
          "app.kubernetes.io/version": "v1.2",
        },
      },
      spec: {
        serviceAccountName: "demo-sa",
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 30,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 65532,
          runAsGroup: 65532,
          fsGroup: 65532,
          seccompProfile: { type: "RuntimeDefault" },
        },
        containers: [
          {
            name: "app",
            image,
            imagePullPolicy: "IfNotPresent",
            ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
            env: [{ name: "PORT", value: "8080" }],
            readinessProbe: {
              httpGet: { path: "/ready", port: "http" },
              initialDelaySeconds: 0,
              periodSeconds: 5,
              timeoutSeconds: 1,
              successThreshold: 1,
              failureThreshold: 3,
            },
            livenessProbe: {
              httpGet: { path: "/healthz", port: "http" },
              initialDelaySeconds: 0,
              periodSeconds: 10,
              timeoutSeconds: 1,
              successThreshold: 1,
              failureThreshold: 3,
            },
            lifecycle: { preStop: { sleep: { seconds: 5 } } },
            resources: defaultResources,
            securityContext: containerSecurity,
            volumeMounts: [tmpMount],
          },
        ],
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
      },
    });
  });

  it("strategy labels are added to the pod's labels", () => {
    const t = tpl({}, { extraLabels: { "rollout.dev/track": "canary" } });
    assert.deepEqual(t.metadata?.labels, {
      ...selector,
      "app.kubernetes.io/managed-by": "pulumi",
      "app.kubernetes.io/part-of": "rollout",
      "app.kubernetes.io/version": "v1.2",
      "rollout.dev/track": "canary",
    });
  });

  it("a writable root filesystem: no /tmp volume or mount, and the security context says so", () => {
    const s = spec(tpl({ security: { readOnlyRootFilesystem: false, runAsUser: 1001 }, initContainers: [{ name: "m", command: ["/m"] }] }));
    assert.deepEqual(s.containers[0].volumeMounts, []);
    assert.equal(s.containers[0].securityContext.readOnlyRootFilesystem, false);
    assert.equal("volumes" in s, false);
    assert.deepEqual(s.initContainers[0].volumeMounts, []);
    assert.deepEqual(s.securityContext, {
      runAsNonRoot: true,
      runAsUser: 1001,
      runAsGroup: 1001,
      fsGroup: 1001,
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  it("a CPU limit only when set; requests and limits as configured", () => {
    const s = spec(
      tpl({
        resources: { requests: { cpu: "250m", memory: "200Mi", ephemeralStorage: "1Gi" }, limits: { cpu: "1500m", memory: "300Mi" } },
      }),
    );
    assert.deepEqual(s.containers[0].resources, {
      requests: { cpu: "250m", memory: "200Mi", "ephemeral-storage": "1Gi" },
      limits: { cpu: "1500m", memory: "300Mi", "ephemeral-storage": "512Mi" },
    });
  });

  it("command, args, env sorted after PORT, a ConfigMap and the startup probe", () => {
    const c = spec(
      tpl(
        {
          port: 9090,
          command: ["/srv"],
          args: ["--fast"],
          env: { ZED: "z", ALPHA: "a", MID: "m" },
          probes: { startup: { tcpSocket: {}, periodSeconds: 2, failureThreshold: 30 } },
        },
        { configMapName: "demo-config-0123456789" },
      ),
    ).containers[0];
    assert.deepEqual(c.command, ["/srv"]);
    assert.deepEqual(c.args, ["--fast"]);
    assert.deepEqual(c.ports, [{ name: "http", containerPort: 9090, protocol: "TCP" }]);
    assert.deepEqual(c.env, [
      { name: "PORT", value: "9090" },
      { name: "ALPHA", value: "a" },
      { name: "MID", value: "m" },
      { name: "ZED", value: "z" },
    ]);
    assert.deepEqual(c.envFrom, [{ configMapRef: { name: "demo-config-0123456789" } }]);
    assert.deepEqual(c.startupProbe, {
      tcpSocket: { port: "http" },
      initialDelaySeconds: 0,
      periodSeconds: 2,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 30,
    });
  });

  it("no command, args, envFrom or startup probe unless configured", () => {
    const c = spec(tpl()).containers[0];
    for (const key of ["command", "args", "envFrom", "startupProbe"]) assert.equal(key in c, false, key);
  });

  it("drainSeconds 0: no preStop; drainSeconds 1: a 1 s sleep; postStart as an exec hook", () => {
    assert.deepEqual(spec(tpl({ lifecycle: { drainSeconds: 0 } })).containers[0].lifecycle, {});
    assert.deepEqual(spec(tpl({ lifecycle: { drainSeconds: 1, postStart: { command: ["/warm", "up"] } } })).containers[0].lifecycle, {
      preStop: { sleep: { seconds: 1 } },
      postStart: { exec: { command: ["/warm", "up"] } },
    });
  });

  it("init containers: the app's image unless their own, the app's resources and security, and /tmp", () => {
    const s = spec(
      tpl({
        initContainers: [
          { name: "migrate", command: ["/app", "migrate"] },
          { name: "tool", image: other, command: ["/tool"] },
        ],
      }),
    );
    assert.deepEqual(s.initContainers, [
      {
        name: "migrate",
        image,
        imagePullPolicy: "IfNotPresent",
        command: ["/app", "migrate"],
        resources: defaultResources,
        securityContext: containerSecurity,
        volumeMounts: [tmpMount],
      },
      {
        name: "tool",
        image: other,
        imagePullPolicy: "IfNotPresent",
        command: ["/tool"],
        resources: defaultResources,
        securityContext: containerSecurity,
        volumeMounts: [tmpMount],
      },
    ]);
  });

  it("pod annotations, shared process namespace and readiness gates when set", () => {
    const t = tpl({
      podAnnotations: { "example.com/owner": "team-a" },
      lifecycle: { shareProcessNamespace: true },
      readinessGates: ["example.com/feature-1", "example.com/feature-2"],
    });
    assert.deepEqual(t.metadata?.annotations, { "example.com/owner": "team-a" });
    assert.equal(spec(t).shareProcessNamespace, true);
    assert.deepEqual(spec(t).readinessGates, [{ conditionType: "example.com/feature-1" }, { conditionType: "example.com/feature-2" }]);
  });

  it("none of them by default", () => {
    const t = tpl();
    assert.equal("annotations" in (t.metadata ?? {}), false);
    for (const key of ["shareProcessNamespace", "readinessGates", "initContainers", "topologySpreadConstraints"])
      assert.equal(key in spec(t), false, key);
  });

  it("StatefulSet claims are mounted after /tmp", () => {
    const s = spec(
      tpl({
        kind: "StatefulSet",
        statefulSet: {
          volumeClaimTemplates: [
            { name: "data", mountPath: "/data", storage: "1Gi" },
            { name: "logs", mountPath: "/logs", storage: "2Gi" },
          ],
        },
      }),
    );
    assert.deepEqual(s.containers[0].volumeMounts, [tmpMount, { name: "data", mountPath: "/data" }, { name: "logs", mountPath: "/logs" }]);
  });

  it("secrets: the CSI volume after /tmp and its read-only mount", () => {
    const app = { ...appOf(), secrets: [{ name: "db", version: "latest" }] };
    const s = spec(podTemplate({ app, id, image, version: "v1", serviceAccountName: "sa" }));
    assert.deepEqual(s.containers[0].volumeMounts, [tmpMount, { name: "secrets", mountPath: "/var/run/secrets/app", readOnly: true }]);
    assert.deepEqual(s.volumes, [
      { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
      {
        name: "secrets",
        csi: { driver: "secrets-store-gke.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: "demo-secrets" } },
      },
    ]);
    const writable = { ...appOf({ security: { readOnlyRootFilesystem: false } }), secrets: [{ name: "db", version: "latest" }] };
    assert.deepEqual(spec(podTemplate({ app: writable, id, image, version: "v1", serviceAccountName: "sa" })).volumes, [
      {
        name: "secrets",
        csi: { driver: "secrets-store-gke.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: "demo-secrets" } },
      },
    ]);
  });
});

describe("workloads/pod: topologySpread", () => {
  const byNode = {
    maxSkew: 1,
    topologyKey: "kubernetes.io/hostname",
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: selector },
    matchLabelKeys: ["pod-template-hash"],
  };
  const byZone = {
    maxSkew: 1,
    topologyKey: "topology.kubernetes.io/zone",
    whenUnsatisfiable: "DoNotSchedule",
    labelSelector: { matchLabels: selector },
    matchLabelKeys: ["pod-template-hash"],
  };

  it("none for one replica, spread none, or a DaemonSet", () => {
    assert.deepEqual(topologySpread(appOf({ replicas: 1 }), id), {});
    assert.deepEqual(topologySpread(appOf({ replicas: 3, spread: "none" }), id), {});
    assert.deepEqual(topologySpread(appOf({ kind: "DaemonSet", spread: "zone" }), id), {});
    // staging resolves replicas to 2 even for a DaemonSet: still no spread (one pod per node already)
    assert.deepEqual(topologySpread(appOf({ kind: "DaemonSet" }, "staging"), id), {});
  });

  it("two replicas by node: one soft constraint on the hostname", () => {
    assert.deepEqual(topologySpread(appOf({ replicas: 2 }), id), { topologySpreadConstraints: [byNode] });
  });

  it("by zone: a hard zone constraint, then the node one", () => {
    assert.deepEqual(topologySpread(appOf({ replicas: 2, spread: "zone" }), id), { topologySpreadConstraints: [byZone, byNode] });
  });

  it("rendered into the pod template", () => {
    assert.deepEqual(spec(tpl({ replicas: 3 })).topologySpreadConstraints, [byNode]);
  });
});
