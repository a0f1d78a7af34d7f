import { strict as assert } from "assert";
import { validateObject } from "../../support/schema";
import { one, ofType, runApps, T } from "../../support/stacks";
import { parseStackConfig } from "../../../config/load";
import { localBase } from "../../support/stacks";
import { awaitTimeoutSeconds, estimatedRolloutSeconds, rolloutWaves, slackSeconds } from "../../../workloads/timeouts";

async function validateAll(r: { resources: { type: string; props: Record<string, unknown> }[] }): Promise<void> {
  for (const x of r.resources.filter((x) => x.type.startsWith("kubernetes:") && typeof x.props.kind === "string"))
    await validateObject(x.props);
}

function appConfig(app: Record<string, unknown>, env: "local" | "staging" | "production" = "local") {
  return parseStackConfig(
    { ...localBase, "rollout:environment": env, "rollout:apps": [{ name: "demo", ...app }] },
    env === "local" ? "local" : `x-${env}`,
  ).apps[0];
}

describe("workloads: Deployment pod lifecycle", () => {
  const full = {
    replicas: 3,
    probes: {
      readiness: {
        httpGet: { path: "/ready" },
        initialDelaySeconds: 2,
        periodSeconds: 3,
        timeoutSeconds: 2,
        successThreshold: 2,
        failureThreshold: 4,
      },
      liveness: { tcpSocket: {}, periodSeconds: 15, failureThreshold: 5 },
      startup: { exec: { command: ["/app", "--check"] }, periodSeconds: 2, failureThreshold: 30 },
    },
    initContainers: [{ name: "migrate", command: ["/app", "migrate"] }],
    readinessGates: ["example.com/feature-1"],
    lifecycle: {
      drainSeconds: 8,
      terminationGracePeriodSeconds: 45,
      postStart: { command: ["/app", "warm"] },
      shareProcessNamespace: true,
    },
    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    podAnnotations: { "rollout.dev/ready-delay": "2s" },
    config: { GREETING: "OK", MODE: "fast" },
  };

  it("renders every probe with all five timing fields, init containers, readiness gates and hooks", async () => {
    const r = await runApps([{ name: "demo", ...full }]);
    await validateAll(r);
    const pod = one(r, T.deployment).props.spec.template.spec;
    const c = pod.containers[0];
    assert.deepEqual(c.readinessProbe, {
      httpGet: { path: "/ready", port: "http" },
      initialDelaySeconds: 2,
      periodSeconds: 3,
      timeoutSeconds: 2,
      successThreshold: 2,
      failureThreshold: 4,
    });
    assert.deepEqual(c.livenessProbe.tcpSocket, { port: "http" });
    assert.equal(c.livenessProbe.failureThreshold, 5);
    assert.deepEqual(c.startupProbe.exec, { command: ["/app", "--check"] });
    assert.equal(pod.initContainers[0].name, "migrate");
    assert.equal(pod.initContainers[0].image, c.image, "init containers default to the app image");
    assert.deepEqual(pod.readinessGates, [{ conditionType: "example.com/feature-1" }]);
    assert.deepEqual(c.lifecycle.preStop, { sleep: { seconds: 8 } });
    assert.deepEqual(c.lifecycle.postStart, { exec: { command: ["/app", "warm"] } });
    assert.equal(pod.terminationGracePeriodSeconds, 45);
    assert.equal(pod.shareProcessNamespace, true);
    // Ephemeral storage was not given: the defaults apply (the kubelet evicts a pod above its limit).
    assert.deepEqual(c.resources, {
      requests: { cpu: "250m", memory: "256Mi", "ephemeral-storage": "128Mi" },
      limits: { cpu: "1", memory: "512Mi", "ephemeral-storage": "512Mi" },
    });
    assert.deepEqual(one(r, T.deployment).props.spec.template.metadata.annotations, { "rollout.dev/ready-delay": "2s" });
  });

  it("defaults to a drain shorter than the grace period, a restrictive security context and requests/limits", async () => {
    const r = await runApps([{ name: "demo" }]);
    const pod = one(r, T.deployment).props.spec.template.spec;
    const c = pod.containers[0];
    assert.deepEqual(c.lifecycle.preStop, { sleep: { seconds: 5 } });
    assert.equal(pod.terminationGracePeriodSeconds, 30);
    assert.equal(pod.automountServiceAccountToken, false);
    assert.deepEqual(pod.securityContext, {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      seccompProfile: { type: "RuntimeDefault" },
    });
    assert.deepEqual(c.securityContext, {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
    assert.deepEqual(c.resources, {
      requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "128Mi" },
      limits: { memory: "256Mi", "ephemeral-storage": "512Mi" },
    });
    assert.deepEqual(c.readinessProbe.httpGet, { path: "/ready", port: "http" });
    assert.deepEqual(c.livenessProbe.httpGet, { path: "/healthz", port: "http" });
    assert.equal(ofType(r, T.namespace)[0].props.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
  });

  it("records the change cause and derives the await timeout from the strategy", async () => {
    const r = await runApps([{ name: "demo", replicas: 10, strategy: { type: "rolling", maxSurge: 2, maxUnavailable: 0 } }]);
    const d = one(r, T.deployment).props;
    assert.match(
      d.metadata.annotations["kubernetes.io/change-cause"],
      /^pulumi up --stack local: 0123456789ab \(registry\.example\/team\/okeydokey@sha256:a{64}\)$/,
    );
    const app = appConfig({ replicas: 10, strategy: { type: "rolling", maxSurge: 2, maxUnavailable: 0 } });
    assert.equal(rolloutWaves(app), 5);
    assert.equal(d.metadata.annotations["pulumi.com/timeoutSeconds"], String(awaitTimeoutSeconds(app)));
    assert.ok(Number(d.metadata.annotations["pulumi.com/timeoutSeconds"]) > d.spec.progressDeadlineSeconds);
    assert.deepEqual(d.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } });
    assert.equal(d.spec.minReadySeconds, 0);
    assert.equal(d.spec.revisionHistoryLimit, 10);
  });

  it("pause: the Deployment is applied with spec.paused and skipAwait, and no await annotation that could only time out", async () => {
    const r = await runApps([{ name: "demo", replicas: 3, strategy: { type: "rolling", maxSurge: 1, maxUnavailable: 0, pause: true } }]);
    const d = one(r, T.deployment).props;
    assert.equal(d.spec.paused, true);
    const awaits = Object.fromEntries(
      Object.entries(d.metadata.annotations as Record<string, string>).filter(([k]) => k.startsWith("pulumi.com/")),
    );
    assert.deepEqual(awaits, { "pulumi.com/skipAwait": "true" });
    const resumed = one(
      await runApps([{ name: "demo", replicas: 3, strategy: { type: "rolling", maxSurge: 1, maxUnavailable: 0 } }]),
      T.deployment,
    ).props;
    assert.equal(resumed.spec.paused, undefined);
    assert.equal(resumed.metadata.annotations["pulumi.com/skipAwait"], undefined);
    assert.equal(
      resumed.metadata.annotations["pulumi.com/waitFor"],
      JSON.stringify(["jsonpath={.status.updatedReplicas}=3", "jsonpath={.status.availableReplicas}=3", "jsonpath={.status.replicas}=3"]),
    );
  });

  it("names in each workload's change cause what it runs: a pinned slot its own digest, not the stack image", async () => {
    const pinned = `registry.example/team/okeydokey@sha256:${"1".repeat(64)}`;
    const r = await runApps([
      { name: "demo", replicas: 2, strategy: { type: "blueGreen", live: "blue", slots: { blue: { image: pinned }, green: {} } } },
    ]);
    const cause = (n: string) => one(r, T.deployment, n).props.metadata.annotations["kubernetes.io/change-cause"];
    assert.equal(cause("demo-blue"), `pulumi up --stack local: sha256-111111111111 (${pinned})`);
    assert.match(cause("demo-green"), /^pulumi up --stack local: 0123456789ab \(registry\.example\/team\/okeydokey@sha256:a{64}\)$/);
  });

  it("sizes the timeout above the slowest healthy rollout and above the progress deadline", () => {
    const slow = appConfig({
      replicas: 6,
      strategy: { type: "rolling", maxSurge: 1, maxUnavailable: 0 },
      probes: { startup: { httpGet: { path: "/healthz" }, periodSeconds: 10, failureThreshold: 30 } },
    });
    assert.ok(awaitTimeoutSeconds(slow) >= Math.ceil(1.5 * estimatedRolloutSeconds(slow)) + slackSeconds);
    assert.ok(estimatedRolloutSeconds(slow) >= 6 * 300, "six waves, each allowing a 300 s startup probe");
    const fast = appConfig({ replicas: 2, progressDeadlineSeconds: 120 });
    assert.equal(awaitTimeoutSeconds(fast), 120 + slackSeconds);
    const recreate = appConfig({ replicas: 4, strategy: { type: "recreate" } });
    assert.equal(rolloutWaves(recreate), 1);
    assert.equal(recreate.strategy?.type, "recreate");
  });

  it("names the ConfigMap by a hash of its content, marks it immutable and keeps old ones for rollbacks", async () => {
    const a = await runApps([{ name: "demo", config: { GREETING: "OK" } }]);
    const b = await runApps([{ name: "demo", config: { GREETING: "hello" } }]);
    const cmA = one(a, T.configMap);
    const cmB = one(b, T.configMap);
    assert.equal(cmA.props.immutable, true);
    assert.equal(cmA.retainOnDelete, true);
    assert.match(cmA.props.metadata.name, /^demo-config-[0-9a-f]{10}$/);
    assert.notEqual(cmA.props.metadata.name, cmB.props.metadata.name);
    assert.notEqual(cmA.name, cmB.name, "a new Pulumi resource per content, so the old one is never replaced in place");
    assert.deepEqual(one(a, T.deployment).props.spec.template.spec.containers[0].envFrom, [
      { configMapRef: { name: cmA.props.metadata.name } },
    ]);
    assert.ok(one(a, T.deployment).dependsOn.includes(cmA.name), "the Deployment waits for its ConfigMap");
  });

  it("spreads replicas over zones in production and over nodes elsewhere, per revision", async () => {
    const prod = await runApps([{ name: "demo", replicas: 3 }], "production");
    const spread = one(prod, T.deployment).props.spec.template.spec.topologySpreadConstraints;
    assert.deepEqual(
      spread.map((s: { topologyKey: string }) => s.topologyKey),
      ["topology.kubernetes.io/zone", "kubernetes.io/hostname"],
    );
    assert.equal(spread[0].whenUnsatisfiable, "DoNotSchedule");
    assert.deepEqual(spread[0].matchLabelKeys, ["pod-template-hash"]);
    const single = await runApps([{ name: "demo", replicas: 1 }]);
    assert.equal(one(single, T.deployment).props.spec.template.spec.topologySpreadConstraints, undefined);
  });

  it("uses per-environment defaults: production 3 replicas, maxUnavailable 0 and a PDB; local recreate without one", async () => {
    const prod = await runApps([{ name: "demo" }], "production");
    const d = one(prod, T.deployment).props;
    assert.equal(d.spec.replicas, 3);
    assert.deepEqual(d.spec.strategy.rollingUpdate, { maxSurge: "25%", maxUnavailable: 0 });
    assert.equal(d.spec.minReadySeconds, 10);
    assert.equal(one(prod, T.pdb).props.spec.maxUnavailable, 1);
    const local = await runApps([{ name: "demo" }]);
    assert.deepEqual(one(local, T.deployment).props.spec.strategy, { type: "Recreate" });
    assert.equal(ofType(local, T.pdb).length, 0);
  });

  it("with an HPA, sets replicas only on create and lets the HPA own them afterwards", async () => {
    const r = await runApps([{ name: "demo", replicas: 2, hpa: { minReplicas: 3, maxReplicas: 10 } }], "staging");
    await validateAll(r);
    const d = one(r, T.deployment);
    assert.equal(d.props.spec.replicas, 3);
    assert.deepEqual(d.ignoreChanges, ["spec.replicas"]);
    const hpa = one(r, T.hpa);
    assert.deepEqual(hpa.props.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "demo" });
    assert.equal(hpa.props.spec.metrics[0].resource.target.averageUtilization, 70);
    assert.ok(hpa.dependsOn.includes("demo-deployment"));
  });

  it("keeps the selector stable across versions (selectors are immutable: a change would replace the Deployment)", async () => {
    const a = await runApps([{ name: "demo" }]);
    const b = await runApps([{ name: "demo", image: `registry.example/team/okeydokey@sha256:${"c".repeat(64)}` }]);
    assert.deepEqual(one(a, T.deployment).props.spec.selector, one(b, T.deployment).props.spec.selector);
    assert.notEqual(
      one(a, T.deployment).props.spec.template.metadata.labels["app.kubernetes.io/version"],
      one(b, T.deployment).props.spec.template.metadata.labels["app.kubernetes.io/version"],
    );
    const svc = one(a, T.service).props;
    for (const [k, v] of Object.entries(svc.spec.selector)) assert.equal(one(a, T.deployment).props.spec.template.metadata.labels[k], v);
  });
});

describe("workloads: StatefulSet", () => {
  it("rolls ordinals >= partition and waits for exactly those instead of hanging on the built-in await", async () => {
    const r = await runApps(
      [
        {
          name: "db",
          kind: "StatefulSet",
          replicas: 5,
          statefulSet: {
            partition: 3,
            podManagementPolicy: "Parallel",
            volumeClaimTemplates: [{ name: "data", mountPath: "/data", storage: "1Gi" }],
          },
        },
      ],
      "staging",
    );
    await validateAll(r);
    const s = one(r, T.statefulSet).props;
    assert.deepEqual(s.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 3 } });
    assert.equal(s.spec.podManagementPolicy, "Parallel");
    assert.equal(s.spec.serviceName, "db-headless");
    assert.deepEqual(JSON.parse(s.metadata.annotations["pulumi.com/waitFor"]), [
      "jsonpath={.status.updatedReplicas}=2",
      "jsonpath={.status.readyReplicas}=5",
      "jsonpath={.status.availableReplicas}=5",
    ]);
    assert.equal(s.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "1Gi");
    assert.deepEqual(
      s.spec.template.spec.containers[0].volumeMounts.find((m: { name: string }) => m.name === "data"),
      { name: "data", mountPath: "/data" },
    );
    const headless = one(r, T.service, "db-headless").props;
    assert.equal(headless.spec.clusterIP, "None");
  });

  it("awaits a RollingUpdate without a partition by counts too: all 3 updated, ready and available", async () => {
    const r = await runApps([{ name: "db", kind: "StatefulSet", replicas: 3 }], "staging");
    assert.deepEqual(JSON.parse(one(r, T.statefulSet).props.metadata.annotations["pulumi.com/waitFor"]), [
      "jsonpath={.status.updatedReplicas}=3",
      "jsonpath={.status.readyReplicas}=3",
      "jsonpath={.status.availableReplicas}=3",
    ]);
  });

  it("does not make pulumi up wait for OnDelete", async () => {
    const r = await runApps([{ name: "db", kind: "StatefulSet", replicas: 3, statefulSet: { updateStrategy: "OnDelete" } }]);
    const s = one(r, T.statefulSet).props;
    assert.deepEqual(s.spec.updateStrategy, { type: "OnDelete" });
    assert.equal(s.metadata.annotations["pulumi.com/skipAwait"], "true");
    assert.equal(s.metadata.annotations["pulumi.com/waitFor"], undefined);
  });
});

describe("workloads: DaemonSet", () => {
  it("rolls node by node with maxUnavailable, or surges with maxSurge", async () => {
    const r = await runApps([{ name: "agent", kind: "DaemonSet", daemonSet: { maxUnavailable: 0, maxSurge: 1 } }]);
    await validateAll(r);
    const d = one(r, T.daemonSet).props;
    assert.deepEqual(d.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    assert.ok(Number(d.metadata.annotations["pulumi.com/timeoutSeconds"]) > 0);
    assert.equal(ofType(r, T.pdb).length, 0);
    assert.equal(d.spec.template.spec.topologySpreadConstraints, undefined);
  });

  it("does not make pulumi up wait for OnDelete", async () => {
    const r = await runApps([{ name: "agent", kind: "DaemonSet", daemonSet: { updateStrategy: "OnDelete" } }]);
    const d = one(r, T.daemonSet).props;
    assert.deepEqual(d.spec.updateStrategy, { type: "OnDelete" });
    assert.equal(d.metadata.annotations["pulumi.com/skipAwait"], "true");
  });
});
