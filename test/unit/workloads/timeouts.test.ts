// workloads/timeouts.ts: how long `pulumi up` waits for a workload, from the strategy and the probes.
// Surge rounds up and unavailability down (Kubernetes' rule), so the counts below use replica
// numbers whose percentages are not whole.
import { strict as assert } from "assert";
import { appOf } from "../../support/apps";
import {
  assumedDaemonSetNodes,
  awaitTimeoutSeconds,
  estimatedRolloutSeconds,
  podReadySeconds,
  podStartAllowanceSeconds,
  rolloutWaves,
  slackSeconds,
} from "../../../workloads/timeouts";

const rolling = (maxSurge: number | string, maxUnavailable: number | string) => ({ type: "rolling" as const, maxSurge, maxUnavailable });

describe("workloads/timeouts: podReadySeconds", () => {
  it("the constants", () => {
    assert.equal(podStartAllowanceSeconds, 30);
    assert.equal(assumedDaemonSetNodes, 10);
    assert.equal(slackSeconds, 60);
  });

  it("defaults (local): 30 s start + one 5 s readiness period, no startup probe, minReadySeconds 0", () => {
    assert.equal(podReadySeconds(appOf()), 35);
  });

  it("sums start, the startup budget, readiness to first success and minReadySeconds (30 + 64 + 17 + 11)", () => {
    const app = appOf({
      minReadySeconds: 11,
      probes: {
        startup: { exec: { command: ["/check"] }, initialDelaySeconds: 4, periodSeconds: 2, failureThreshold: 30 },
        readiness: { httpGet: { path: "/r" }, initialDelaySeconds: 3, periodSeconds: 7, successThreshold: 2 },
      },
    });
    assert.equal(podReadySeconds(app), 122);
  });
});

describe("workloads/timeouts: rolloutWaves", () => {
  it("recreate: one wave whatever the replicas", () => {
    assert.equal(rolloutWaves(appOf({ replicas: 4 })), 1);
    assert.equal(rolloutWaves(appOf({ replicas: 4, strategy: { type: "recreate" } }), 9), 1);
  });

  it("rolling 25%/25% of 7: surge rounds up to 2, unavailable down to 1, so 3 pods a wave and 3 waves", () => {
    assert.equal(rolloutWaves(appOf({ replicas: 7 }), 7, rolling("25%", "25%")), 3);
  });

  it("the app's own update and replicas by default (staging: rolling 25%/25%)", () => {
    assert.equal(rolloutWaves(appOf({ replicas: 7 }, "staging")), 3);
    assert.equal(rolloutWaves(appOf({ replicas: 7 }, "staging"), 2), 2);
  });

  it("surge plus unavailability per wave (2 + 1 of 7: 3 waves; 1 + 1 of 5: 3 waves)", () => {
    assert.equal(rolloutWaves(appOf(), 7, rolling(2, 1)), 3);
    assert.equal(rolloutWaves(appOf(), 5, rolling(1, 1)), 3);
  });

  it("at least one pod a wave even when both are 0", () => {
    assert.equal(rolloutWaves(appOf(), 4, rolling(0, 0)), 4);
  });

  it("StatefulSet: one wave per ordinal at or above the partition", () => {
    assert.equal(rolloutWaves(appOf({ kind: "StatefulSet", replicas: 5, statefulSet: { partition: 2 } })), 3);
    assert.equal(rolloutWaves(appOf({ kind: "StatefulSet", replicas: 5 })), 5);
    assert.equal(rolloutWaves(appOf({ kind: "StatefulSet", replicas: 5, statefulSet: { partition: 2 } }), 7), 5);
  });

  it("StatefulSet with every ordinal below the partition: still one wave", () => {
    assert.equal(rolloutWaves(appOf({ kind: "StatefulSet", replicas: 5, statefulSet: { partition: 5 } })), 1);
    assert.equal(rolloutWaves(appOf({ kind: "StatefulSet", replicas: 5, statefulSet: { partition: 4 } })), 1);
  });

  it("an app without its statefulSet or daemonSet block: partition 0; one node at a time", () => {
    const sts = appOf({ kind: "StatefulSet", replicas: 4 });
    assert.equal(rolloutWaves({ ...sts, statefulSet: undefined }), 4);
    const ds = appOf({ kind: "DaemonSet" });
    assert.equal(rolloutWaves({ ...ds, daemonSet: undefined }), 10);
  });

  it("DaemonSet: 10 assumed nodes, one unavailable at a time by default: 10 waves", () => {
    assert.equal(rolloutWaves(appOf({ kind: "DaemonSet" })), 10);
  });

  it("DaemonSet: percentages of 10 nodes round up (25%: 3 a wave, 4 waves; surge 15%: 2 a wave, 5 waves)", () => {
    assert.equal(rolloutWaves(appOf({ kind: "DaemonSet", daemonSet: { maxUnavailable: "25%" } })), 4);
    assert.equal(rolloutWaves(appOf({ kind: "DaemonSet", daemonSet: { maxSurge: "15%" } })), 5);
    assert.equal(rolloutWaves(appOf({ kind: "DaemonSet", daemonSet: { maxSurge: 3 } })), 4);
  });

  it("DaemonSet: at least one node a wave", () => {
    const app = appOf({ kind: "DaemonSet" });
    assert.equal(rolloutWaves({ ...app, daemonSet: { updateStrategy: "RollingUpdate", maxUnavailable: 0, maxSurge: 0 } }), 10);
  });
});

describe("workloads/timeouts: estimatedRolloutSeconds and awaitTimeoutSeconds", () => {
  it("recreate Deployment: every old pod's grace period (5 + 25) first, then one wave of 35 s", () => {
    assert.equal(estimatedRolloutSeconds(appOf({ replicas: 3 })), 65);
  });

  it("recreate with an explicit grace period: 45 + 35", () => {
    assert.equal(estimatedRolloutSeconds(appOf({ lifecycle: { terminationGracePeriodSeconds: 45 } })), 80);
  });

  it("rolling: waves x pod ready, no teardown (3 x 35)", () => {
    assert.equal(estimatedRolloutSeconds(appOf(), 7, rolling("25%", "25%")), 105);
    assert.equal(estimatedRolloutSeconds(appOf({ replicas: 7 }, "staging")), 120);
    assert.equal(estimatedRolloutSeconds(appOf({ replicas: 7 }, "staging"), 2), 80);
  });

  it("a StatefulSet has no recreate teardown", () => {
    assert.equal(estimatedRolloutSeconds(appOf({ kind: "StatefulSet", replicas: 2 }), 2, { type: "recreate" }), 70);
  });

  it("the controller's deadline when it is longer: 120 + 60", () => {
    assert.equal(awaitTimeoutSeconds(appOf()), 180);
  });

  it("1.5 x the estimate, rounded up, when longer: ceil(1.5 x 65) + 60", () => {
    assert.equal(awaitTimeoutSeconds(appOf({ progressDeadlineSeconds: 10 })), 158);
  });

  it("passes replicas and update on: 1.5 x 7 waves of 35 s", () => {
    const app = appOf({ progressDeadlineSeconds: 10 });
    assert.equal(awaitTimeoutSeconds(app, 7, rolling(1, 0)), 428);
    assert.equal(awaitTimeoutSeconds(appOf({ progressDeadlineSeconds: 10, replicas: 7 }, "staging")), 240);
    assert.equal(awaitTimeoutSeconds(appOf({ progressDeadlineSeconds: 10, replicas: 7 }, "staging"), 2), 180);
  });
});
