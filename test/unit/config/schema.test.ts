// Cross-field rules of config/schema.ts (checkStrategy, checkFieldsOfKind, checkKeys and the app checks),
// each with the exact messages a user sees and, for every limit, the value just inside it (no problem).
import { strict as assert } from "assert";
import { ConfigError, parseStackConfig } from "../../../config/load";
import { committedConfig, digestA, localBase } from "../../support/stacks";

const D = `registry.example/team/okeydokey@${digestA}`;
const gw = { name: "gw", namespace: "gw" };

function problems(o: Record<string, unknown>): string[] {
  try {
    parseStackConfig({ ...localBase, "rollout:apps": [{ name: "demo", ...o }] }, "local");
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return [...e.problems];
  }
}
const A = problems;
/** Problems of a whole raw config (none: []). */
function p(raw: Record<string, unknown>, stack = "local"): string[] {
  try {
    parseStackConfig(raw, stack);
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return [...e.problems];
  }
}
const staging = committedConfig("staging");
const gke = staging["rollout:cluster"] as Record<string, unknown>;
const C = (o: Record<string, unknown>) => p({ ...staging, "rollout:cluster": { ...gke, ...o } }, "staging");
const I = (image: unknown) => p({ ...localBase, "rollout:image": image, "rollout:apps": [{ name: "demo" }] });
const S = (strategy: Record<string, unknown>, o: Record<string, unknown> = {}) => problems({ strategy, ...o });

const cases: [string, () => string[], string[]][] = [
  [
    "blue/green: live without slots",
    () => S({ type: "blueGreen", live: "blue" }),
    [
      'rollout:apps[0].strategy.live: expected no live slot without slots: the program continues from the stack\'s last release, got "blue"',
    ],
  ],
  [
    "blue/green: promote with autoPromote",
    () => S({ type: "blueGreen", promote: true, autoPromote: true }),
    ["rollout:apps[0].strategy.promote: expected false with autoPromote: true (every release is promoted), got true"],
  ],
  [
    "blue/green: promote with rollback",
    () => S({ type: "blueGreen", promote: true, rollback: true }),
    [
      "rollout:apps[0].strategy.rollback: expected false with promote: true (one moves to the new release, the other away from it), got true",
    ],
  ],
  ["blue/green: promote alone is fine", () => S({ type: "blueGreen", promote: true }), []],
  [
    "blue/green: promote and rollback with pinned slots",
    () => S({ type: "blueGreen", slots: { blue: { image: D }, green: {} }, live: "blue", promote: true, rollback: true }),
    [
      "rollout:apps[0].strategy.promote: expected false with pinned slots (set live instead), or remove slots to let the program track releases, got true",
      "rollout:apps[0].strategy.rollback: expected false with pinned slots (set live instead), or remove slots to let the program track releases, got true",
    ],
  ],
  [
    "blue/green: both slots without an image",
    () => S({ type: "blueGreen", slots: { blue: {}, green: {} }, live: "blue" }),
    [
      'rollout:apps[0].strategy.slots: expected at most one slot without an image (that slot runs the stack image); pin the other slot to the digest it runs now, got {"blue":{},"green":{}}',
    ],
  ],
  [
    "blue/green: empty slots (both default to no image)",
    () => S({ type: "blueGreen", slots: {}, live: "blue" }),
    [
      'rollout:apps[0].strategy.slots: expected at most one slot without an image (that slot runs the stack image); pin the other slot to the digest it runs now, got {"blue":{},"green":{}}',
    ],
  ],
  [
    "blue/green: autoPromote with both slots pinned",
    () => S({ type: "blueGreen", slots: { blue: { image: D }, green: { image: D } }, autoPromote: true }),
    ["rollout:apps[0].strategy.autoPromote: expected one slot without an image (the new version) to promote to, got true"],
  ],
  [
    "blue/green: both slots pinned with live is fine",
    () => S({ type: "blueGreen", slots: { blue: { image: D }, green: { image: D } }, live: "green" }),
    [],
  ],
  [
    "blue/green: autoPromote with live",
    () => S({ type: "blueGreen", slots: { blue: { image: D }, green: {} }, autoPromote: true, live: "green" }),
    ['rollout:apps[0].strategy.live: expected no live slot with autoPromote: live becomes the slot running the new version, got "green"'],
  ],
  [
    "blue/green: pinned slots without live or autoPromote",
    () => S({ type: "blueGreen", slots: { blue: { image: D }, green: {} } }),
    ["rollout:apps[0].strategy.live: expected 'blue' or 'green': the slot the live Service selects, got nothing (the key is missing)"],
  ],
  [
    "blue/green: autoPromote with one fresh slot is fine",
    () => S({ type: "blueGreen", slots: { blue: { image: D }, green: {} }, autoPromote: true }),
    [],
  ],
  [
    "canary: steps not increasing (equal, then lower)",
    () => S({ type: "canary", steps: [10, 10, 5] }, { replicas: 2 }),
    [
      "rollout:apps[0].strategy.steps[1]: expected weights increasing within a rollout (after 10), got 10",
      "rollout:apps[0].strategy.steps[2]: expected weights increasing within a rollout (after 10), got 5",
    ],
  ],
  ["canary: a step of 50 by replicas is fine", () => S({ type: "canary", steps: [10, 50] }, { replicas: 2 }), []],
  [
    "canary: a step of 51 by replicas",
    () => S({ type: "canary", steps: [10, 51] }, { replicas: 2 }),
    ["rollout:apps[0].strategy.steps[1]: expected at most 50 with traffic 'replicas': canary replicas may not exceed stable's, got 51"],
  ],
  [
    "canary: tracked steps by replicas with one replica",
    () => S({ type: "canary", steps: [10, 20] }),
    [
      "rollout:apps[0].strategy.steps[0]: expected at least 2 replicas to split by pod count, got 1, got 10",
      "rollout:apps[0].strategy.steps[1]: expected at least 2 replicas to split by pod count, got 1, got 20",
    ],
  ],
  [
    "canary: weight without stable",
    () => S({ type: "canary", steps: [10], weight: 10 }, { replicas: 2 }),
    ["rollout:apps[0].strategy.weight: expected no weight without stable: the program takes the next of steps each pulumi up, got 10"],
  ],
  [
    "canary: neither stable nor steps",
    () => S({ type: "canary" }, { replicas: 2 }),
    [
      "rollout:apps[0].strategy.steps: expected the planned weights (the program walks them without stable), got nothing (the key is missing)",
    ],
  ],
  [
    "canary: a canary image without stable",
    () => S({ type: "canary", steps: [10], canary: { image: D } }, { replicas: 2 }),
    [
      'rollout:apps[0].strategy.canary.image: expected no canary image without stable: the canary runs the stack image, got "registry.example/team/okeydokey@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"',
    ],
  ],
  [
    "canary: tracked promote with pause",
    () => S({ type: "canary", steps: [10], promote: true, pause: true }, { replicas: 2 }),
    ["rollout:apps[0].strategy.pause: expected false with promote: true (promote ends the canary, pause holds it), got true"],
  ],
  ["canary: steps above 50 by gateway are fine", () => S({ type: "canary", traffic: "gateway", gateway: gw, steps: [10, 80] }), []],
  [
    "canary: stable without weight",
    () => S({ type: "canary", stable: { image: D } }, { replicas: 2 }),
    ["rollout:apps[0].strategy.weight: expected an integer percentage between 0 and 100, got nothing (the key is missing)"],
  ],
  [
    "canary: pause with a pinned stable",
    () => S({ type: "canary", stable: { image: D }, weight: 10, pause: true }, { replicas: 2 }),
    ["rollout:apps[0].strategy.pause: expected false with a pinned stable (hold by leaving weight as it is), got true"],
  ],
  ["canary: pinned weight 50 by replicas is fine", () => S({ type: "canary", stable: { image: D }, weight: 50 }, { replicas: 2 }), []],
  [
    "canary: pinned weight 51 by replicas",
    () => S({ type: "canary", stable: { image: D }, weight: 51 }, { replicas: 2 }),
    [
      "rollout:apps[0].strategy.weight: expected at most 50 with traffic 'replicas': canary replicas may not exceed stable's; promote instead, got 51",
    ],
  ],
  [
    "canary: pinned weight 10 by replicas with one replica",
    () => S({ type: "canary", stable: { image: D }, weight: 10 }),
    ["rollout:apps[0].strategy.weight: expected at least 2 replicas to split by pod count, got 1, got 10"],
  ],
  ["canary: pinned weight 0 with one replica is fine", () => S({ type: "canary", stable: { image: D }, weight: 0 }), []],
  [
    "canary: promote at weight 60",
    () => S({ type: "canary", stable: { image: D }, weight: 60, promote: true }, { replicas: 2 }),
    ["rollout:apps[0].strategy.promote: expected weight 100 (or 0) when promoting, got 60, got true"],
  ],
  [
    "canary: promote at weight 100 is fine",
    () => S({ type: "canary", stable: { image: D }, weight: 100, promote: true }, { replicas: 2 }),
    [],
  ],
  ["canary: promote at weight 0 is fine", () => S({ type: "canary", stable: { image: D }, weight: 0, promote: true }, { replicas: 2 }), []],
  [
    "canary: promote at weight 99 by gateway",
    () => S({ type: "canary", traffic: "gateway", gateway: gw, stable: { image: D }, weight: 99, promote: true }),
    ["rollout:apps[0].strategy.promote: expected weight 100 (or 0) when promoting, got 99, got true"],
  ],
  [
    "canary: a pinned weight that is not a planned step",
    () => S({ type: "canary", stable: { image: D }, steps: [10, 20], weight: 15 }, { replicas: 2 }),
    ["rollout:apps[0].strategy.weight: expected one of the planned steps 10, 20, got 15"],
  ],
  [
    "canary: a pinned weight that is the last step is fine",
    () => S({ type: "canary", stable: { image: D }, steps: [10, 20], weight: 20 }, { replicas: 2 }),
    [],
  ],
  [
    "canary: a pinned weight 0 with steps is fine",
    () => S({ type: "canary", stable: { image: D }, steps: [10, 20], weight: 0 }, { replicas: 2 }),
    [],
  ],
  [
    "canary: a gateway with traffic replicas",
    () => S({ type: "canary", gateway: gw, steps: [10] }, { replicas: 2 }),
    [
      'rollout:apps[0].strategy.gateway: expected no gateway with traffic \'replicas\' (set traffic: gateway to route by weight), got {"name":"gw","namespace":"gw","hostnames":[]}',
    ],
  ],
  [
    "A/B: both header and cookie",
    () =>
      S({
        type: "abTest",
        gateway: gw,
        a: { image: D },
        b: {},
        match: { header: { name: "X", value: "b" }, cookie: { name: "c", value: "v" } },
      }),
    [
      'rollout:apps[0].strategy.match: expected exactly one of header or cookie, got {"header":{"name":"X","value":"b"},"cookie":{"name":"c","value":"v"}}',
    ],
  ],
  [
    "A/B: neither header nor cookie",
    () => S({ type: "abTest", gateway: gw, a: { image: D }, b: {}, match: {} }),
    ["rollout:apps[0].strategy.match: expected exactly one of header or cookie, got {}"],
  ],
  [
    "A/B: neither variant pinned is tracked",
    () => S({ type: "abTest", gateway: gw, a: {}, b: {}, match: { cookie: { name: "c", value: "v" } } }),
    [],
  ],
  [
    "A/B: promote with a pinned variant",
    () => S({ type: "abTest", gateway: gw, a: {}, b: { image: D }, promote: true, match: { cookie: { name: "c", value: "v" } } }),
    [
      "rollout:apps[0].strategy.promote: expected false with A or B pinned to a digest: promote moves a tracked A to B's image; pin A to B's digest instead, or unpin both, got true",
    ],
  ],
  [
    "an app image with blue/green",
    () => S({ type: "blueGreen", autoPromote: true }, { image: D }),
    [`rollout:apps[0].image: expected no app image with strategy blueGreen: it would be ignored; pin strategy.slots instead, got "${D}"`],
  ],
  [
    "an app image with a canary",
    () => S({ type: "canary", steps: [20] }, { image: D, replicas: 4 }),
    [`rollout:apps[0].image: expected no app image with strategy canary: it would be ignored; pin strategy.stable instead, got "${D}"`],
  ],
  [
    "an app image with A/B",
    () => S({ type: "abTest", gateway: gw, match: { cookie: { name: "c", value: "v" } } }, { image: D }),
    [
      `rollout:apps[0].image: expected no app image with strategy abTest: it would be ignored; pin strategy.a or strategy.b instead, got "${D}"`,
    ],
  ],
  ["an app image with rolling is its own release", () => S({ type: "rolling" }, { image: D }), []],
  [
    "A/B: promote tracked is fine",
    () => S({ type: "abTest", gateway: gw, promote: true, match: { cookie: { name: "c", value: "v" } } }),
    [],
  ],
  [
    "A/B: only B pinned is fine",
    () => S({ type: "abTest", gateway: gw, a: {}, b: { image: D }, match: { cookie: { name: "c", value: "v" } } }),
    [],
  ],
  [
    "StatefulSet with a strategy",
    () => A({ kind: "StatefulSet", strategy: { type: "recreate" } }),
    [
      'rollout:apps[0].strategy: expected no strategy for a StatefulSet; use statefulSet.updateStrategy, got {"type":"recreate","undo":false}',
    ],
  ],
  [
    "DaemonSet with a strategy",
    () => A({ kind: "DaemonSet", strategy: { type: "recreate" } }),
    ['rollout:apps[0].strategy: expected no strategy for a DaemonSet; use daemonSet.updateStrategy, got {"type":"recreate","undo":false}'],
  ],
  [
    "Deployment with statefulSet",
    () => A({ statefulSet: {} }),
    [
      'rollout:apps[0].statefulSet: expected statefulSet only with kind StatefulSet, got kind Deployment, got {"updateStrategy":"RollingUpdate","podManagementPolicy":"OrderedReady","volumeClaimTemplates":[]}',
    ],
  ],
  [
    "DaemonSet with statefulSet",
    () => A({ kind: "DaemonSet", statefulSet: {} }),
    [
      'rollout:apps[0].statefulSet: expected statefulSet only with kind StatefulSet, got kind DaemonSet, got {"updateStrategy":"RollingUpdate","podManagementPolicy":"OrderedReady","volumeClaimTemplates":[]}',
    ],
  ],
  [
    "Deployment with daemonSet",
    () => A({ daemonSet: {} }),
    ['rollout:apps[0].daemonSet: expected daemonSet only with kind DaemonSet, got kind Deployment, got {"updateStrategy":"RollingUpdate"}'],
  ],
  [
    "DaemonSet with replicas",
    () => A({ kind: "DaemonSet", replicas: 2 }),
    [
      "rollout:apps[0].replicas: expected no replicas for a DaemonSet: it runs one pod on every eligible node, so this would be ignored, got 2",
    ],
  ],
  [
    "DaemonSet with a pdb",
    () => A({ kind: "DaemonSet", pdb: { maxUnavailable: 1 } }),
    [
      'rollout:apps[0].pdb: expected no pdb for a DaemonSet: the program renders none (node drains skip DaemonSet pods), so it would be ignored, got {"maxUnavailable":1}',
    ],
  ],
  [
    "StatefulSet with progressDeadlineSeconds",
    () => A({ kind: "StatefulSet", progressDeadlineSeconds: 60 }),
    [
      "rollout:apps[0].progressDeadlineSeconds: expected no progressDeadlineSeconds for a StatefulSet: only Deployments have it, so it would be ignored, got 60",
    ],
  ],
  [
    "DaemonSet with progressDeadlineSeconds",
    () => A({ kind: "DaemonSet", progressDeadlineSeconds: 60 }),
    [
      "rollout:apps[0].progressDeadlineSeconds: expected no progressDeadlineSeconds for a DaemonSet: only Deployments have it, so it would be ignored, got 60",
    ],
  ],
  [
    "StatefulSet OnDelete with partition 0",
    () => A({ kind: "StatefulSet", statefulSet: { updateStrategy: "OnDelete", partition: 0 } }),
    [
      "rollout:apps[0].statefulSet.partition: expected no partition with updateStrategy OnDelete: partition only applies to RollingUpdate, so it would be ignored, got 0",
    ],
  ],
  [
    "DaemonSet OnDelete with maxSurge and maxUnavailable",
    () => A({ kind: "DaemonSet", daemonSet: { updateStrategy: "OnDelete", maxSurge: 1, maxUnavailable: 0 } }),
    [
      "rollout:apps[0].daemonSet.maxUnavailable: expected no maxUnavailable with updateStrategy OnDelete: it only applies to RollingUpdate, so it would be ignored, got 0",
      "rollout:apps[0].daemonSet.maxSurge: expected no maxSurge with updateStrategy OnDelete: it only applies to RollingUpdate, so it would be ignored, got 1",
    ],
  ],
  [
    "DaemonSet maxSurge 0 and maxUnavailable 0%",
    () => A({ kind: "DaemonSet", daemonSet: { maxSurge: 0, maxUnavailable: "0%" } }),
    [
      "rollout:apps[0].daemonSet.maxSurge: expected exactly one of daemonSet.maxSurge and daemonSet.maxUnavailable to be above 0 (the API server rejects both, and both 0 never progresses), got 0",
    ],
  ],
  [
    "DaemonSet maxUnavailable 0 alone (maxSurge defaults to 0)",
    () => A({ kind: "DaemonSet", daemonSet: { maxUnavailable: 0 } }),
    [
      "rollout:apps[0].daemonSet.maxSurge: expected exactly one of daemonSet.maxSurge and daemonSet.maxUnavailable to be above 0 (the API server rejects both, and both 0 never progresses), got 0",
    ],
  ],
  ["DaemonSet maxSurge 1 alone is fine", () => A({ kind: "DaemonSet", daemonSet: { maxSurge: 1 } }), []],
  ["DaemonSet maxSurge 0% alone is fine (maxUnavailable becomes 1)", () => A({ kind: "DaemonSet", daemonSet: { maxSurge: "0%" } }), []],
  ["DaemonSet maxUnavailable 1 alone is fine", () => A({ kind: "DaemonSet", daemonSet: { maxUnavailable: 1 } }), []],
  [
    "DaemonSet maxSurge 10% and maxUnavailable 1",
    () => A({ kind: "DaemonSet", daemonSet: { maxSurge: "10%", maxUnavailable: 1 } }),
    [
      'rollout:apps[0].daemonSet.maxSurge: expected exactly one of daemonSet.maxSurge and daemonSet.maxUnavailable to be above 0 (the API server rejects both, and both 0 never progresses), got "10%"',
    ],
  ],
  [
    "successThreshold above 1 on liveness and startup (readiness may)",
    () =>
      A({
        probes: {
          liveness: { httpGet: { path: "/h" }, successThreshold: 2 },
          startup: { exec: { command: ["/x"] }, successThreshold: 3 },
          readiness: { tcpSocket: {}, successThreshold: 2 },
        },
      }),
    [
      "rollout:apps[0].probes.liveness.successThreshold: expected 1 (Kubernetes requires it for liveness and startup probes), got 2",
      "rollout:apps[0].probes.startup.successThreshold: expected 1 (Kubernetes requires it for liveness and startup probes), got 3",
    ],
  ],
  [
    "an HPA with a canary",
    () => S({ type: "canary", steps: [10] }, { replicas: 2, hpa: { minReplicas: 2, maxReplicas: 3 } }),
    [
      'rollout:apps[0].hpa: expected no hpa with strategy canary: the strategy sets the replicas of each track, an HPA would fight it, got {"minReplicas":2,"maxReplicas":3,"targetCPUUtilizationPercent":70}',
    ],
  ],
  [
    "an HPA on a DaemonSet",
    () => A({ kind: "DaemonSet", hpa: { minReplicas: 2, maxReplicas: 3 } }),
    [
      'rollout:apps[0].hpa: expected no hpa for a DaemonSet (it runs one pod per node), got {"minReplicas":2,"maxReplicas":3,"targetCPUUtilizationPercent":70}',
    ],
  ],
  ["an HPA with minReplicas = maxReplicas is fine", () => A({ hpa: { minReplicas: 3, maxReplicas: 3 } }), []],
  [
    "an HPA with minReplicas one above maxReplicas",
    () => A({ hpa: { minReplicas: 4, maxReplicas: 3 } }),
    ["rollout:apps[0].hpa.minReplicas: expected an integer <= hpa.maxReplicas (3), got 4"],
  ],
  [
    "config keys: a space, 253 characters (fine) and 254",
    () => A({ config: { "a b": "x", ["k".repeat(253)]: "y", ["k".repeat(254)]: "z" } }),
    [
      "rollout:apps[0].config[\"a b\"]: expected a ConfigMap key: 1 to 253 letters, digits, '-', '_' and '.', got \"a b\"",
      "rollout:apps[0].config.kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk: expected a ConfigMap key: 1 to 253 letters, digits, '-', '_' and '.', got \"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...",
    ],
  ],
  [
    "an annotation key starting with '-'",
    () => A({ podAnnotations: { "-x": "1", "example.com/ok": "2" } }),
    [
      "rollout:apps[0].podAnnotations.-x: expected an annotation key such as 'example.com/owner' (the name must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit), got \"-x\"",
    ],
  ],
  [
    "a readiness gate with a space",
    () => A({ readinessGates: ["example.com/ok", "a b"] }),
    [
      "rollout:apps[0].readinessGates[1]: expected a condition type in label-key form, e.g. 'example.com/feature-1' (the name must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit), got \"a b\"",
    ],
  ],
  [
    "env PORT with port 9090",
    () => A({ port: 9090, env: { PORT: "1" } }),
    ['rollout:apps[0].env.PORT: expected no PORT: the program sets it from port (9090) and would override this value, got "1"'],
  ],
  [
    "env PORT with the default port",
    () => A({ env: { PORT: "1" } }),
    ['rollout:apps[0].env.PORT: expected no PORT: the program sets it from port (8080) and would override this value, got "1"'],
  ],
  [
    "env that overrides a config key",
    () => A({ env: { GREETING: "1" }, config: { GREETING: "x" } }),
    [
      'rollout:apps[0].env.GREETING: expected a name that is not also a config key: env GREETING would silently override config.GREETING, got "1"',
    ],
  ],
  [
    "env name starting with a digit",
    () => A({ env: { "1A": "1" } }),
    ["rollout:apps[0].env.1A: expected an environment variable name: letters, digits and '_', not starting with a digit, got \"1A\""],
  ],
  [
    "minAvailable 1 with hpa.minReplicas 1 (3 replicas do not count)",
    () => A({ replicas: 3, hpa: { minReplicas: 1, maxReplicas: 3 }, pdb: { minAvailable: 1 } }),
    [
      "rollout:apps[0].pdb.minAvailable: expected a budget that still allows one voluntary eviction with 1 replica(s); this one blocks node drains forever, got 1",
    ],
  ],
  [
    "minAvailable 1 with hpa.minReplicas 2 is fine (1 replica does not count)",
    () => A({ replicas: 1, hpa: { minReplicas: 2, maxReplicas: 3 }, pdb: { minAvailable: 1 } }),
    [],
  ],
  ["maxUnavailable 1 with one replica is fine", () => A({ pdb: { maxUnavailable: 1 } }), []],
  [
    "minAvailable 1 with one replica",
    () => A({ pdb: { minAvailable: 1 } }),
    [
      "rollout:apps[0].pdb.minAvailable: expected a budget that still allows one voluntary eviction with 1 replica(s); this one blocks node drains forever, got 1",
    ],
  ],
  [
    "terminationGracePeriodSeconds one above drainSeconds is fine",
    () => A({ lifecycle: { drainSeconds: 10, terminationGracePeriodSeconds: 11 } }),
    [],
  ],
  [
    "terminationGracePeriodSeconds one below drainSeconds",
    () => A({ lifecycle: { drainSeconds: 10, terminationGracePeriodSeconds: 9 } }),
    [
      "rollout:apps[0].lifecycle.terminationGracePeriodSeconds: expected an integer > lifecycle.drainSeconds (10), or SIGKILL arrives before the drain ends, got 9",
    ],
  ],
  ["rolling maxSurge 0 and maxUnavailable 1 is fine", () => S({ type: "rolling", maxSurge: 0, maxUnavailable: 1 }), []],
  [
    "rolling maxSurge 0% and maxUnavailable 0",
    () => S({ type: "rolling", maxSurge: "0%", maxUnavailable: 0 }),
    [
      "rollout:apps[0].strategy.maxUnavailable: expected maxSurge or maxUnavailable to be above 0 (with both 0 the rollout can never progress), got 0",
    ],
  ],
];

describe("config/schema: cross-field rules of an app (local, 1 replica unless set)", () => {
  for (const [what, run, expected] of cases) it(what, () => assert.deepEqual(run(), expected));
});

const stackCases: [string, () => string[], string[]][] = [
  ["GCP project ID of 6 characters", () => C({ project: "abcdef" }), []],
  ["GCP project ID of 30 characters", () => C({ project: "a" + "b".repeat(28) + "c" }), []],
  [
    "GCP project ID of 5 characters",
    () => C({ project: "abcde" }),
    [
      "rollout:cluster.project: expected a GCP project ID: 6 to 30 lower-case letters, digits and '-', starting with a letter, got \"abcde\"",
    ],
  ],
  [
    "GCP project ID of 31 characters",
    () => C({ project: "a" + "b".repeat(29) + "c" }),
    [
      "rollout:cluster.project: expected a GCP project ID: 6 to 30 lower-case letters, digits and '-', starting with a letter, got \"abbbbbbbbbbbbbbbbbbbbbbbbbbbbbc\"",
    ],
  ],
  [
    "GCP project ID starting with a digit",
    () => C({ project: "1bcdef" }),
    [
      "rollout:cluster.project: expected a GCP project ID: 6 to 30 lower-case letters, digits and '-', starting with a letter, got \"1bcdef\"",
    ],
  ],
  [
    "GCP project ID ending with '-'",
    () => C({ project: "abcde-" }),
    [
      "rollout:cluster.project: expected a GCP project ID: 6 to 30 lower-case letters, digits and '-', starting with a letter, got \"abcde-\"",
    ],
  ],
  ["GCP region europe-west1", () => C({ region: "europe-west1" }), []],
  ["GCP region with a two-digit number", () => C({ region: "europe-west12" }), []],
  [
    "GCP region with text after its number",
    () => C({ region: "europe-west1a" }),
    ["rollout:cluster.region: expected a GCP region such as 'europe-west1', got \"europe-west1a\""],
  ],
  [
    "GCP region with text before it",
    () => C({ region: "x-europe-west1" }),
    ["rollout:cluster.region: expected a GCP region such as 'europe-west1', got \"x-europe-west1\""],
  ],
  [
    "GCP region without its number",
    () => C({ region: "europe-west" }),
    ["rollout:cluster.region: expected a GCP region such as 'europe-west1', got \"europe-west\""],
  ],
  [
    "GCP region without its area",
    () => C({ region: "west1" }),
    ["rollout:cluster.region: expected a GCP region such as 'europe-west1', got \"west1\""],
  ],
  [
    "cluster name with upper case",
    () => C({ name: "Cluster" }),
    [
      "rollout:cluster.name: expected a DNS label: lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most 40 characters, got \"Cluster\"",
    ],
  ],
  ["unknown cluster mode", () => C({ mode: "hybrid" }), ["rollout:cluster.mode: expected one of 'autopilot', 'standard', got \"hybrid\""]],
  [
    "release channel in lower case",
    () => C({ releaseChannel: "rapid" }),
    ["rollout:cluster.releaseChannel: expected one of 'RAPID', 'REGULAR', 'STABLE', got \"rapid\""],
  ],
  [
    "a node pool with Autopilot",
    () => C({ nodePool: {} }),
    [
      'rollout:cluster.nodePool: expected no nodePool with mode \'autopilot\' (Autopilot manages the nodes and would ignore it); set mode: standard to use it, got {"machineType":"e2-standard-4","minNodes":1,"maxNodes":3,"diskSizeGb":50,"spot":false}',
    ],
  ],
  [
    "standard pool minNodes one above maxNodes",
    () => C({ mode: "standard", nodePool: { minNodes: 4, maxNodes: 3 } }),
    [
      "rollout:cluster.nodePool.minNodes: expected an integer <= nodePool.maxNodes (3): GKE rejects an autoscaler whose minimum is above its maximum, got 4",
    ],
  ],
  ["standard pool minNodes = maxNodes", () => C({ mode: "standard", nodePool: { minNodes: 3, maxNodes: 3 } }), []],
  ["standard pool at its lower bounds", () => C({ mode: "standard", nodePool: { minNodes: 0, maxNodes: 1, diskSizeGb: 10 } }), []],
  [
    "standard pool one past each bound",
    () => C({ mode: "standard", nodePool: { minNodes: -1, maxNodes: 1001, diskSizeGb: 9 } }),
    [
      "rollout:cluster.nodePool.minNodes: expected an integer >= 0, got -1",
      "rollout:cluster.nodePool.maxNodes: expected an integer <= 1000, got 1001",
      "rollout:cluster.nodePool.diskSizeGb: expected an integer >= 10, got 9",
    ],
  ],
  [
    "build on a kubeconfig cluster",
    () => I({ source: "build" }),
    ["rollout:image.source: expected 'prebuilt' or 'promote' without a GKE registry to push to, got \"build\""],
  ],
  ["promote from org/project/stack", () => I({ source: "promote", fromStack: "a/b/c" }), []],
  [
    "promote from two segments",
    () => I({ source: "promote", fromStack: "a/b" }),
    ["rollout:image.fromStack: expected a fully qualified stack name 'org/project/stack', got \"a/b\""],
  ],
  [
    "promote from four segments",
    () => I({ source: "promote", fromStack: "a/b/c/d" }),
    ["rollout:image.fromStack: expected a fully qualified stack name 'org/project/stack', got \"a/b/c/d\""],
  ],
  [
    "promote from a segment with a space",
    () => I({ source: "promote", fromStack: "a b/b/c" }),
    ["rollout:image.fromStack: expected a fully qualified stack name 'org/project/stack', got \"a b/b/c\""],
  ],
  [
    "commit of 6 hex digits",
    () => I({ source: "prebuilt", ref: D, commit: "abcdef" }),
    ['rollout:image.commit: expected a git commit SHA (7 to 40 lower-case hex digits), got "abcdef"'],
  ],
  ["commit of 7 hex digits", () => I({ source: "prebuilt", ref: D, commit: "abcdef1" }), []],
  [
    "commit of 41 hex digits",
    () => I({ source: "prebuilt", ref: D, commit: "a".repeat(41) }),
    ['rollout:image.commit: expected a git commit SHA (7 to 40 lower-case hex digits), got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"'],
  ],
  [
    "commit in upper case",
    () => I({ source: "prebuilt", ref: D, commit: "ABCDEF1" }),
    ['rollout:image.commit: expected a git commit SHA (7 to 40 lower-case hex digits), got "ABCDEF1"'],
  ],
  [
    "no image",
    () => I(undefined),
    ["rollout:image: expected a mapping whose source is one of 'build', 'promote', 'prebuilt', got nothing (the key is missing)"],
  ],
  [
    "unknown image source",
    () => I({ source: "docker" }),
    ["rollout:image.source: expected a mapping whose source is one of 'build', 'promote', 'prebuilt', got {\"source\":\"docker\"}"],
  ],
  [
    "a registry on a kubeconfig cluster",
    () => p({ ...localBase, "rollout:registry": {}, "rollout:apps": [{ name: "demo" }] }),
    [
      'rollout:registry: expected no registry unless cluster.provider is \'gke\', got {"repository":"rollout","immutableTags":false,"keepVersions":10,"deleteUntaggedAfterDays":14}',
    ],
  ],
  [
    "no registry on GKE",
    () => p({ ...staging, "rollout:registry": undefined }, "staging"),
    [
      "rollout:registry: expected a registry block for a GKE stack (the Artifact Registry repository images are pushed to), got nothing (the key is missing)",
    ],
  ],
  ["registry in a multi-region", () => p({ ...staging, "rollout:registry": { location: "europe" } }, "staging"), []],
  ["registry in a region", () => p({ ...staging, "rollout:registry": { location: "europe-west1" } }, "staging"), []],
  [
    "registry in a region with a two-digit number",
    () => p({ ...staging, "rollout:registry": { location: "europe-west12" } }, "staging"),
    [],
  ],
  [
    "registry location in upper case",
    () => p({ ...staging, "rollout:registry": { location: "Europe" } }, "staging"),
    [
      "rollout:registry.location: expected an Artifact Registry location: a region such as 'europe-west1' or a multi-region such as 'europe', got \"Europe\"",
    ],
  ],
  [
    "registry region without its number",
    () => p({ ...staging, "rollout:registry": { location: "europe-west" } }, "staging"),
    [
      "rollout:registry.location: expected an Artifact Registry location: a region such as 'europe-west1' or a multi-region such as 'europe', got \"europe-west\"",
    ],
  ],
  [
    "registry keepVersions 0 and deleteUntaggedAfterDays 3651",
    () => p({ ...staging, "rollout:registry": { keepVersions: 0, deleteUntaggedAfterDays: 3651 } }, "staging"),
    [
      "rollout:registry.keepVersions: expected an integer >= 1, got 0",
      "rollout:registry.deleteUntaggedAfterDays: expected an integer <= 3650, got 3651",
    ],
  ],
  [
    "build in production",
    () => p({ ...committedConfig("production"), "rollout:image": { source: "build" } }, "production"),
    [
      "rollout:image.source: expected 'promote' in production: production runs the exact digest staging ran, it never rebuilds, got \"build\"",
    ],
  ],
  [
    "a kubeconfig cluster in production",
    () =>
      p({ ...committedConfig("production"), "rollout:cluster": { provider: "kubeconfig" }, "rollout:registry": undefined }, "production"),
    ["rollout:cluster.provider: expected 'gke' in production, got \"kubeconfig\""],
  ],
  [
    "build locally",
    () => I({ source: "build" }),
    ["rollout:image.source: expected 'prebuilt' or 'promote' without a GKE registry to push to, got \"build\""],
  ],
  [
    "unknown cluster provider",
    () => p({ ...localBase, "rollout:cluster": { provider: "eks" }, "rollout:apps": [{ name: "demo" }] }),
    ["rollout:cluster.provider: expected a mapping whose provider is one of 'gke', 'kubeconfig', got {\"provider\":\"eks\"}"],
  ],
  [
    "duplicate app names, each naming its first",
    () => p({ ...localBase, "rollout:apps": [{ name: "a" }, { name: "b" }, { name: "a" }, { name: "b" }] }),
    [
      'rollout:apps[2].name: expected a unique app name (apps[0] has it too), got "a"',
      'rollout:apps[3].name: expected a unique app name (apps[1] has it too), got "b"',
    ],
  ],
  [
    "CD namespace kube-system",
    () => p({ ...localBase, "rollout:cd": { namespace: "kube-system" }, "rollout:apps": [{ name: "demo" }] }),
    [
      "rollout:cd.namespace: expected a namespace of its own for the CD identity: namespaces starting with 'kube-' are reserved for Kubernetes system components, got \"kube-system\"",
    ],
  ],
  [
    "CD namespace equal to the second app's",
    () => p({ ...localBase, "rollout:cd": { namespace: "local-demo" }, "rollout:apps": [{ name: "x" }, { name: "demo" }] }),
    [
      "rollout:cd.namespace: expected a namespace other than apps[1]'s ('local-demo'): the CD namespace and an app namespace would be one object owned twice, got \"local-demo\"",
    ],
  ],
  [
    "A/B header name with '_', empty value, upper-case gateway host name",
    () =>
      A({
        strategy: {
          type: "abTest",
          gateway: { name: "g", namespace: "g", hostnames: ["*.example.com", "a.b", "A.b"] },
          a: { image: D },
          b: {},
          match: { header: { name: "X_Y", value: "" } },
        },
      }),
    [
      "rollout:apps[0].strategy.match.header.name: expected an HTTP header name: letters, digits and '-', got \"X_Y\"",
      'rollout:apps[0].strategy.match.header.value: expected a header value, not an empty string, got ""',
      "rollout:apps[0].strategy.gateway.hostnames[2]: expected a lower-case DNS hostname such as 'shop.example.com' or '*.example.com', got \"A.b\"",
    ],
  ],
  [
    "A/B cookie name with '.', value with a space",
    () =>
      A({
        strategy: {
          type: "abTest",
          gateway: { name: "g", namespace: "g" },
          a: { image: D },
          b: {},
          match: { cookie: { name: "a.b", value: "a b" } },
        },
      }),
    [
      "rollout:apps[0].strategy.match.cookie.name: expected a cookie name: letters, digits, '_' and '-', got \"a.b\"",
      "rollout:apps[0].strategy.match.cookie.value: expected a cookie value: letters, digits, '_', '.' and '-', got \"a b\"",
    ],
  ],
  [
    "A/B bReplicas 0",
    () =>
      A({
        strategy: {
          type: "abTest",
          gateway: { name: "g", namespace: "g" },
          a: { image: D },
          b: {},
          bReplicas: 0,
          match: { cookie: { name: "a", value: "b" } },
        },
      }),
    ["rollout:apps[0].strategy.bReplicas: expected an integer >= 1, got 0"],
  ],
  [
    "gates one past each bound",
    () =>
      A({
        strategy: {
          type: "blueGreen",
          gates: {
            smoke: { path: "x", expectStatus: 600, attempts: 0, intervalSeconds: 301 },
            prometheus: { url: "http://p:9090", query: "", max: "1" },
          },
        },
      }),
    [
      "rollout:apps[0].strategy.gates.smoke.path: expected an absolute path starting with '/', got \"x\"",
      "rollout:apps[0].strategy.gates.smoke.expectStatus: expected an integer <= 599, got 600",
      "rollout:apps[0].strategy.gates.smoke.attempts: expected an integer >= 1, got 0",
      "rollout:apps[0].strategy.gates.smoke.intervalSeconds: expected an integer <= 300, got 301",
      'rollout:apps[0].strategy.gates.prometheus.query: expected a PromQL query, not an empty string, got ""',
      'rollout:apps[0].strategy.gates.prometheus.max: expected a number (the highest value the query may return), got "1"',
    ],
  ],
  [
    "gates at their bounds",
    () =>
      A({
        strategy: {
          type: "blueGreen",
          gates: {
            smoke: { expectStatus: 100, attempts: 100, intervalSeconds: 300 },
            prometheus: { url: "http://p:9090", query: "q", max: 0 },
          },
        },
      }),
    [],
  ],
  [
    "canary weight 101",
    () => A({ replicas: 2, strategy: { type: "canary", stable: { image: D }, weight: 101 } }),
    [
      "rollout:apps[0].strategy.weight: expected an integer percentage between 0 and 100, got 101",
      "rollout:apps[0].strategy.weight: expected at most 50 with traffic 'replicas': canary replicas may not exceed stable's; promote instead, got 101",
    ],
  ],
  [
    "canary weight -1",
    () => A({ replicas: 2, strategy: { type: "canary", stable: { image: D }, weight: -1 } }),
    ["rollout:apps[0].strategy.weight: expected an integer percentage between 0 and 100, got -1"],
  ],
  [
    "canary weight 1.5",
    () => A({ replicas: 2, strategy: { type: "canary", stable: { image: D }, weight: 1.5 } }),
    ["rollout:apps[0].strategy.weight: expected an integer percentage between 0 and 100, got 1.5"],
  ],
  [
    "canary steps 0 and 101",
    () => A({ replicas: 2, strategy: { type: "canary", steps: [0, 101] } }),
    [
      "rollout:apps[0].strategy.steps[0]: expected an integer >= 1, got 0",
      "rollout:apps[0].strategy.steps[1]: expected an integer <= 100, got 101",
      "rollout:apps[0].strategy.steps[1]: expected at most 50 with traffic 'replicas': canary replicas may not exceed stable's, got 101",
    ],
  ],
  [
    "a probe without a handler",
    () => A({ probes: { readiness: { periodSeconds: 5 } } }),
    ["rollout:apps[0].probes.readiness: expected exactly one of httpGet, tcpSocket, exec, got []"],
  ],
  [
    "an exec probe without a command",
    () => A({ probes: { readiness: { exec: { command: [] } } } }),
    ["rollout:apps[0].probes.readiness.exec.command: expected a non-empty list of strings (exec form), got []"],
  ],
  [
    "an exec probe with an empty argument",
    () => A({ probes: { readiness: { exec: { command: [""] } } } }),
    ['rollout:apps[0].probes.readiness.exec.command[0]: expected a non-empty string, not an empty string, got ""'],
  ],
  [
    "probe fields one past each bound",
    () =>
      A({
        probes: {
          readiness: {
            httpGet: { path: "/r", port: 65536 },
            initialDelaySeconds: 3601,
            periodSeconds: 0,
            timeoutSeconds: 3601,
            successThreshold: 101,
            failureThreshold: 0,
          },
        },
      }),
    [
      "rollout:apps[0].probes.readiness.httpGet.port: expected an integer <= 65535, got 65536",
      "rollout:apps[0].probes.readiness.initialDelaySeconds: expected an integer <= 3600, got 3601",
      "rollout:apps[0].probes.readiness.periodSeconds: expected an integer >= 1, got 0",
      "rollout:apps[0].probes.readiness.timeoutSeconds: expected an integer <= 3600, got 3601",
      "rollout:apps[0].probes.readiness.successThreshold: expected an integer <= 100, got 101",
      "rollout:apps[0].probes.readiness.failureThreshold: expected an integer >= 1, got 0",
    ],
  ],
  [
    "a probe path without '/'",
    () => A({ probes: { readiness: { httpGet: { path: "ready" } } } }),
    ["rollout:apps[0].probes.readiness.httpGet.path: expected an absolute path starting with '/', got \"ready\""],
  ],
  [
    "a claim with a relative mount path and an empty class",
    () =>
      A({
        kind: "StatefulSet",
        statefulSet: { volumeClaimTemplates: [{ name: "data", mountPath: "data", storage: "1Gi", storageClassName: "" }] },
      }),
    [
      "rollout:apps[0].statefulSet.volumeClaimTemplates[0].mountPath: expected an absolute path starting with '/', got \"data\"",
      'rollout:apps[0].statefulSet.volumeClaimTemplates[0].storageClassName: expected a StorageClass name, not an empty string, got ""',
    ],
  ],
  [
    "an init container with a tag and no command",
    () => A({ initContainers: [{ name: "init", command: [], image: "x" }] }),
    [
      "rollout:apps[0].initContainers[0].image: expected an image reference pinned by digest, such as 'us-docker.pkg.dev/p/r/app@sha256:<64 hex digits>' or 'nginx@sha256:<64 hex digits>'; this one is not pinned by digest: a tag is mutable, so the same config could deploy different code, got \"x\"",
      "rollout:apps[0].initContainers[0].command: expected a non-empty list of strings (exec form), got []",
    ],
  ],
  [
    "runAsUser 0 and a string for readOnlyRootFilesystem",
    () => A({ security: { runAsUser: 0, readOnlyRootFilesystem: "no" } }),
    [
      "rollout:apps[0].security.runAsUser: expected an integer >= 1, got 0",
      'rollout:apps[0].security.readOnlyRootFilesystem: expected true or false, got "no"',
    ],
  ],
  [
    "app fields one past each bound",
    () => A({ minReadySeconds: 3601, progressDeadlineSeconds: 9, revisionHistoryLimit: 101, port: 0, servicePort: 65536, replicas: 1001 }),
    [
      "rollout:apps[0].replicas: expected an integer <= 1000, got 1001",
      "rollout:apps[0].port: expected an integer >= 1, got 0",
      "rollout:apps[0].servicePort: expected an integer <= 65535, got 65536",
      "rollout:apps[0].minReadySeconds: expected an integer <= 3600, got 3601",
      "rollout:apps[0].progressDeadlineSeconds: expected an integer >= 10, got 9",
      "rollout:apps[0].revisionHistoryLimit: expected an integer <= 100, got 101",
      "rollout:apps[0].minReadySeconds: expected an integer < progressDeadlineSeconds (9): the API server rejects a Deployment whose pods could never count as progressing in time, got 3601",
    ],
  ],
  [
    "app fields at each bound",
    () => A({ minReadySeconds: 0, progressDeadlineSeconds: 3600, revisionHistoryLimit: 0, port: 1, servicePort: 65535, replicas: 1000 }),
    [],
  ],
  [
    "lifecycle fields one past each bound",
    () => A({ lifecycle: { drainSeconds: 3601, terminationGracePeriodSeconds: 0 } }),
    [
      "rollout:apps[0].lifecycle.drainSeconds: expected an integer <= 3600, got 3601",
      "rollout:apps[0].lifecycle.terminationGracePeriodSeconds: expected an integer >= 1, got 0",
      "rollout:apps[0].lifecycle.terminationGracePeriodSeconds: expected an integer > lifecycle.drainSeconds (3601), or SIGKILL arrives before the drain ends, got 0",
    ],
  ],
  [
    "hpa fields one past each bound",
    () => A({ hpa: { minReplicas: 0, maxReplicas: 1001, targetCPUUtilizationPercent: 101 } }),
    [
      "rollout:apps[0].hpa.minReplicas: expected an integer >= 1, got 0",
      "rollout:apps[0].hpa.maxReplicas: expected an integer <= 1000, got 1001",
      "rollout:apps[0].hpa.targetCPUUtilizationPercent: expected an integer <= 100, got 101",
    ],
  ],
  [
    "partition 10001",
    () => A({ kind: "StatefulSet", replicas: 2, statefulSet: { partition: 10001 } }),
    [
      "rollout:apps[0].statefulSet.partition: expected an integer <= 10000, got 10001",
      "rollout:apps[0].statefulSet.partition: expected an integer <= replicas (2), got 10001",
    ],
  ],
  ["a number in args", () => A({ args: ["a", 1] }), ["rollout:apps[0].args[1]: expected a string, got 1"]],
  [
    "env as a list",
    () => A({ env: ["A=1"] }),
    ['rollout:apps[0].env: expected a mapping of environment variable names to values, got ["A=1"]'],
  ],
  ["a zero quantity is a quantity", () => A({ resources: { requests: { cpu: "0", memory: "64Mi" } } }), []],
  [
    "quantities that are not quantities",
    () => A({ resources: { requests: { cpu: "1x", memory: "1Mi" }, limits: { memory: "abc" } } }),
    [
      'rollout:apps[0].resources.requests.cpu: expected a non-negative Kubernetes quantity such as "100m", "0.5", "128Mi" or "1Gi", got "1x"',
      'rollout:apps[0].resources.limits.memory: expected a non-negative Kubernetes quantity such as "100m", "0.5", "128Mi" or "1Gi", got "abc"',
    ],
  ],
];

describe("config/schema: field patterns and bounds, and the rules across the stack", () => {
  for (const [what, run, expected] of stackCases) it(what, () => assert.deepEqual(run(), expected));
});

// What leaves the schema has every default applied: the resolved values, literally.
function appsOf(apps: Record<string, unknown>[], env: "local" | "staging" | "production" = "local") {
  if (env === "production") return parseStackConfig({ ...committedConfig("production"), "rollout:apps": apps }, "production").apps;
  return parseStackConfig({ ...localBase, "rollout:environment": env, "rollout:apps": apps }, env === "local" ? "local" : `x-${env}`).apps;
}
const readinessDefault = {
  httpGet: { path: "/ready" },
  initialDelaySeconds: 0,
  periodSeconds: 5,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
};
const livenessDefault = { ...readinessDefault, httpGet: { path: "/healthz" }, periodSeconds: 10 };

describe("config/schema: defaults applied", () => {
  it("probes: readiness /ready every 5 s, liveness /healthz every 10 s, a startup probe every 5 s", () => {
    const [a] = appsOf([{ name: "a", probes: { startup: { exec: { command: ["/x"] } } } }]);
    assert.deepEqual(a.probes, {
      readiness: readinessDefault,
      liveness: livenessDefault,
      startup: {
        exec: { command: ["/x"] },
        initialDelaySeconds: 0,
        periodSeconds: 5,
        timeoutSeconds: 1,
        successThreshold: 1,
        failureThreshold: 3,
      },
    });
  });

  it("an app with nothing set (local): every field", () => {
    const [a] = appsOf([{ name: "a" }]);
    assert.deepEqual(a, {
      name: "a",
      kind: "Deployment",
      port: 8080,
      servicePort: 80,
      env: {},
      podAnnotations: {},
      probes: { readiness: readinessDefault, liveness: livenessDefault },
      initContainers: [],
      readinessGates: [],
      lifecycle: { drainSeconds: 5, shareProcessNamespace: false },
      resources: {
        requests: { cpu: "100m", memory: "128Mi", ephemeralStorage: "128Mi" },
        limits: { memory: "256Mi", ephemeralStorage: "512Mi" },
      },
      security: { runAsUser: 65532, readOnlyRootFilesystem: true },
      spread: "node",
      minReadySeconds: 0,
      revisionHistoryLimit: 10,
      egress: [],
      secrets: [],
      replicas: 1,
      progressDeadlineSeconds: 120,
      strategy: { type: "recreate", undo: false },
      pdb: false,
    });
  });

  it("per environment: staging and production replicas, deadlines, spread, rolling and the PDB", () => {
    const [s] = appsOf([{ name: "a" }], "staging");
    assert.deepEqual(
      [s.replicas, s.progressDeadlineSeconds, s.minReadySeconds, s.spread, s.strategy, s.pdb],
      [2, 180, 5, "node", { type: "rolling", maxSurge: "25%", maxUnavailable: "25%", pause: false, undo: false }, { maxUnavailable: 1 }],
    );
    const [p] = appsOf([{ name: "a" }], "production");
    assert.deepEqual(
      [p.replicas, p.progressDeadlineSeconds, p.minReadySeconds, p.spread, p.strategy, p.pdb],
      [3, 300, 10, "zone", { type: "rolling", maxSurge: "25%", maxUnavailable: 0, pause: false, undo: false }, { maxUnavailable: 1 }],
    );
  });

  it("the PDB: none with one replica, from the HPA minimum, the app's own as given, none when false", () => {
    const [one, hpa1, hpa2, own, off] = appsOf(
      [
        { name: "a", replicas: 1 },
        { name: "b", replicas: 3, hpa: { minReplicas: 1, maxReplicas: 4 } },
        { name: "c", replicas: 1, hpa: { minReplicas: 2, maxReplicas: 4 } },
        { name: "d", replicas: 4, pdb: { minAvailable: "50%" } },
        { name: "e", replicas: 3, pdb: false },
      ],
      "staging",
    );
    assert.deepEqual(
      [one.pdb, hpa1.pdb, hpa2.pdb, own.pdb, off.pdb],
      [false, false, { maxUnavailable: 1 }, { minAvailable: "50%" }, false],
    );
  });

  it("an explicit progressDeadlineSeconds and replicas win over the environment's", () => {
    const [a] = appsOf([{ name: "a", replicas: 5, progressDeadlineSeconds: 45 }], "production");
    assert.deepEqual([a.replicas, a.progressDeadlineSeconds], [5, 45]);
  });

  it("strategies: rolling, blue/green with gates, canary, recreate as given", () => {
    const [r, bg, c, re] = appsOf([
      { name: "a", strategy: { type: "rolling" } },
      {
        name: "b",
        strategy: { type: "blueGreen", gates: { smoke: {}, prometheus: { url: "http://p:9090", query: "q", max: 0.5 } } },
      },
      { name: "c", replicas: 2, strategy: { type: "canary", steps: [10] } },
      { name: "d", strategy: { type: "recreate" } },
    ]);
    assert.deepEqual(r.strategy, { type: "rolling", maxSurge: "25%", maxUnavailable: "25%", pause: false, undo: false });
    assert.deepEqual(bg.strategy, {
      type: "blueGreen",
      autoPromote: false,
      promote: false,
      rollback: false,
      idle: "keep",
      gates: {
        smoke: { path: "/", expectStatus: 200, attempts: 5, intervalSeconds: 3 },
        prometheus: { url: "http://p:9090", query: "q", max: 0.5 },
      },
    });
    assert.deepEqual(c.strategy, { type: "canary", traffic: "replicas", canary: {}, pause: false, steps: [10], promote: false });
    assert.deepEqual(re.strategy, { type: "recreate", undo: false });
  });

  it("kinds: a StatefulSet from ordinal 0, a DaemonSet one node at a time, neither with a strategy or PDB", () => {
    const [s, d, ds] = appsOf(
      [
        { name: "a", kind: "StatefulSet" },
        { name: "b", kind: "DaemonSet" },
        { name: "c", kind: "DaemonSet", daemonSet: { maxSurge: 2 } },
      ],
      "staging",
    );
    assert.deepEqual(s.statefulSet, {
      updateStrategy: "RollingUpdate",
      podManagementPolicy: "OrderedReady",
      volumeClaimTemplates: [],
      partition: 0,
    });
    assert.equal(s.strategy, undefined);
    assert.deepEqual(s.pdb, { maxUnavailable: 1 });
    assert.deepEqual(d.daemonSet, { updateStrategy: "RollingUpdate", maxUnavailable: 1, maxSurge: 0 });
    assert.deepEqual(ds.daemonSet, { updateStrategy: "RollingUpdate", maxUnavailable: 0, maxSurge: 2 });
    assert.equal(d.strategy, undefined);
    assert.equal(d.pdb, false);
    assert.equal("statefulSet" in d, false);
    assert.equal("daemonSet" in s, false);
  });

  it("hpa: 70% CPU by default", () => {
    const [a] = appsOf([{ name: "a", hpa: { minReplicas: 2, maxReplicas: 3 } }]);
    assert.deepEqual(a.hpa, { minReplicas: 2, maxReplicas: 3, targetCPUUtilizationPercent: 70 });
  });

  it("the stack: cluster, registry, image and CD defaults on GKE (standard mode: the default node pool)", () => {
    const r = parseStackConfig(
      { ...staging, "rollout:cluster": { ...gke, mode: "standard" }, "rollout:registry": {}, "rollout:image": { source: "build" } },
      "staging",
    );
    assert.deepEqual(r.cluster, {
      provider: "gke",
      project: "acme-rollout-staging",
      region: "europe-west1",
      mode: "standard",
      releaseChannel: "REGULAR",
      deletionProtection: false,
      privateNodes: false,
      authorizedNetworks: [],
      nodePool: { machineType: "e2-standard-4", minNodes: 1, maxNodes: 3, diskSizeGb: 50, spot: false },
    });
    assert.deepEqual(r.registry, { repository: "rollout", immutableTags: false, keepVersions: 10, deleteUntaggedAfterDays: 14 });
    assert.deepEqual(r.image, { source: "build", name: "okeydokey", context: "app", dockerfile: "Dockerfile", platform: "linux/amd64" });
    assert.deepEqual(r.cd, { namespace: "cd", serviceAccount: "cd-agent" });
  });

  it("autopilot: no node pool; production: deletion protection and immutable tags", () => {
    const s = parseStackConfig({ ...staging, "rollout:cluster": { ...gke, mode: "autopilot" } }, "staging");
    assert.equal(s.cluster.provider === "gke" && s.cluster.nodePool, undefined);
    const p = parseStackConfig(committedConfig("production"), "production");
    assert.equal(p.cluster.provider === "gke" && p.cluster.deletionProtection, true);
    assert.equal(p.registry?.immutableTags, true);
    const n = parseStackConfig(
      { ...staging, "rollout:cluster": { ...gke, mode: "standard", nodePool: { minNodes: 2, maxNodes: 5 } } },
      "staging",
    );
    assert.deepEqual(n.cluster.provider === "gke" && n.cluster.nodePool, {
      machineType: "e2-standard-4",
      minNodes: 2,
      maxNodes: 5,
      diskSizeGb: 50,
      spot: false,
    });
  });
});

describe("config/schema: the message of each value type at the stack level", () => {
  it("a GCP project and region that are not strings", () => {
    assert.deepEqual(C({ project: 5, region: 7 }), [
      "rollout:cluster.project: expected a GCP project ID, got 5",
      "rollout:cluster.region: expected a GCP region, got 7",
    ]);
  });
  it("a registry that is not a mapping, and a location that is not a string", () => {
    assert.deepEqual(p({ ...staging, "rollout:registry": "x" }, "staging"), [
      'rollout:registry: expected a mapping (repository, location, immutableTags, keepVersions, deleteUntaggedAfterDays), got "x"',
    ]);
    assert.deepEqual(p({ ...staging, "rollout:registry": { location: 3 } }, "staging"), [
      "rollout:registry.location: expected an Artifact Registry location, got 3",
    ]);
  });
});

describe("config/schema: the message of each value type", () => {
  const typeCases: [string, Record<string, unknown>, string[]][] = [
    ["a quoted integer", { replicas: "3" }, ['rollout:apps[0].replicas: expected an integer between 1 and 1000, got "3"']],
    ["a fraction", { replicas: 1.5 }, ["rollout:apps[0].replicas: expected an integer between 1 and 1000, got 1.5"]],
    ["a port as a string", { port: "80" }, ['rollout:apps[0].port: expected an integer between 1 and 65535, got "80"']],
    [
      "a boolean as a string",
      { lifecycle: { shareProcessNamespace: "yes" } },
      ['rollout:apps[0].lifecycle.shareProcessNamespace: expected true or false, got "yes"'],
    ],
    ["an unknown kind", { kind: "Job" }, ["rollout:apps[0].kind: expected one of 'Deployment', 'StatefulSet', 'DaemonSet', got \"Job\""]],
    ["args not a list", { args: "x" }, ['rollout:apps[0].args: expected a list of strings, got "x"']],
    ["an empty command", { command: [] }, ["rollout:apps[0].command: expected a non-empty list of strings (exec form), got []"]],
    ["an empty command word", { command: [""] }, ['rollout:apps[0].command[0]: expected a non-empty string, not an empty string, got ""']],
    ["a command that is not a list", { command: "/app" }, ['rollout:apps[0].command: expected a list of strings (exec form), got "/app"']],
    [
      "an env value that is a number",
      { env: { A: 1 } },
      ["rollout:apps[0].env.A: expected a string value (quote numbers and booleans in YAML), got 1"],
    ],
    [
      "a relative probe path",
      { probes: { readiness: { httpGet: { path: "x" } } } },
      ["rollout:apps[0].probes.readiness.httpGet.path: expected an absolute path starting with '/', got \"x\""],
    ],
    [
      "a probe that is not a mapping",
      { probes: { readiness: "x" } },
      [
        'rollout:apps[0].probes.readiness: expected a mapping (one of httpGet, tcpSocket, exec, and initialDelaySeconds, periodSeconds, timeoutSeconds, successThreshold, failureThreshold), got "x"',
      ],
    ],
    [
      "a probe with no handler",
      { probes: { liveness: { periodSeconds: 3 } } },
      ["rollout:apps[0].probes.liveness: expected exactly one of httpGet, tcpSocket, exec, got []"],
    ],
    [
      "a probe with two handlers",
      { probes: { liveness: { tcpSocket: {}, exec: { command: ["/x"] } } } },
      ['rollout:apps[0].probes.liveness: expected exactly one of httpGet, tcpSocket, exec, got ["tcpSocket","exec"]'],
    ],
    ["a name that is a number", { name: 5 }, ["rollout:apps[0].name: expected a DNS label, got 5"]],
    [
      "a tcpSocket or exec that is not a mapping",
      { probes: { readiness: { tcpSocket: "x" }, liveness: { exec: "x" } } },
      [
        'rollout:apps[0].probes.readiness.tcpSocket: expected a mapping (port), got "x"',
        'rollout:apps[0].probes.liveness.exec: expected a mapping (command), got "x"',
      ],
    ],
    ["a tcpSocket with its port", { probes: { readiness: { tcpSocket: { port: 8080 } } } }, []],
    [
      "an httpGet that is not a mapping",
      { probes: { readiness: { httpGet: "/ready" } } },
      ['rollout:apps[0].probes.readiness.httpGet: expected a mapping (path, port), got "/ready"'],
    ],
    [
      "a shell form in args, with the image's entrypoint",
      { args: ["sh", "-c", "node server.js"] },
      [
        'rollout:apps[0].args: expected the exec form (["/app", "--flag"]) or a script starting with \'exec \': with \'sh -c\' the shell is PID 1 and does not forward SIGTERM, so the app is killed after the grace period, got ["sh","-c","node server.js"]',
      ],
    ],
    [
      "a PDB that blocks the HPA's minimum of 1 (3 replicas would allow it)",
      { replicas: 3, hpa: { minReplicas: 1, maxReplicas: 3 }, pdb: { minAvailable: 1 } },
      [
        "rollout:apps[0].pdb.minAvailable: expected a budget that still allows one voluntary eviction with 1 replica(s); this one blocks node drains forever, got 1",
      ],
    ],
    [
      "an HPA minimum of 0 is reported once; the PDB is checked against replicas",
      { replicas: 3, hpa: { minReplicas: 0, maxReplicas: 3 }, pdb: { minAvailable: 1 } },
      ["rollout:apps[0].hpa.minReplicas: expected an integer >= 1, got 0"],
    ],
    [
      "a tag instead of a digest on an init container",
      { initContainers: [{ name: "i", image: "x:1", command: ["/i"] }] },
      [
        "rollout:apps[0].initContainers[0].image: expected an image reference pinned by digest, such as 'us-docker.pkg.dev/p/r/app@sha256:<64 hex digits>' or 'nginx@sha256:<64 hex digits>'; this one is not pinned by digest: a tag is mutable, so the same config could deploy different code, got \"x:1\"",
      ],
    ],
  ];
  for (const [what, app, expected] of typeCases) it(what, () => assert.deepEqual(A(app), expected));
});

/** Problems of one app in a staging stack on a kubeconfig cluster (default replicas 2). */
function stagingProblems(o: Record<string, unknown>): string[] {
  return p({ ...localBase, "rollout:environment": "staging", "rollout:apps": [{ name: "demo", ...o }] }, "x-staging");
}
const pinnedStable = { image: D };

describe("config/schema: cross-field limits at the limit and on both sides", () => {
  const limitCases: [string, () => string[], string[]][] = [
    [
      "staging, an explicit single replica: a tracked canary by replicas cannot split",
      () => stagingProblems({ replicas: 1, strategy: { type: "canary", steps: [10] } }),
      ["rollout:apps[0].strategy.steps[0]: expected at least 2 replicas to split by pod count, got 1, got 10"],
    ],
    [
      "staging, an explicit single replica: a pinned canary weight by replicas cannot split",
      () => stagingProblems({ replicas: 1, strategy: { type: "canary", stable: pinnedStable, weight: 10 } }),
      ["rollout:apps[0].strategy.weight: expected at least 2 replicas to split by pod count, got 1, got 10"],
    ],
    [
      "staging, replicas 0: only the bound is reported (the canary rule reads the default 2)",
      () => stagingProblems({ replicas: 0, strategy: { type: "canary", steps: [10] } }),
      ["rollout:apps[0].replicas: expected an integer >= 1, got 0"],
    ],
    ["staging, the default 2 replicas split", () => stagingProblems({ strategy: { type: "canary", steps: [10] } }), []],
    [
      "terminationGracePeriodSeconds equal to drainSeconds",
      () => A({ lifecycle: { drainSeconds: 10, terminationGracePeriodSeconds: 10 } }),
      [
        "rollout:apps[0].lifecycle.terminationGracePeriodSeconds: expected an integer > lifecycle.drainSeconds (10), or SIGKILL arrives before the drain ends, got 10",
      ],
    ],
    ["hpa minReplicas equal to maxReplicas", () => A({ hpa: { minReplicas: 3, maxReplicas: 3 } }), []],
    ["minReadySeconds one below the local default deadline", () => A({ minReadySeconds: 119 }), []],
    [
      "minReadySeconds equal to an explicit deadline (no 'default' in the message)",
      () => A({ minReadySeconds: 30, progressDeadlineSeconds: 30 }),
      [
        "rollout:apps[0].minReadySeconds: expected an integer < progressDeadlineSeconds (30): the API server rejects a Deployment whose pods could never count as progressing in time, got 30",
      ],
    ],
    [
      "requests equal to limits (500m and 0.5, 256Mi)",
      () => A({ resources: { requests: { cpu: "500m", memory: "256Mi" }, limits: { cpu: "0.5", memory: "256Mi" } } }),
      [],
    ],
    [
      "requests one unit above limits",
      () => A({ resources: { requests: { cpu: "501m", memory: "257Mi" }, limits: { cpu: "0.5", memory: "256Mi" } } }),
      [
        'rollout:apps[0].resources.requests.cpu: expected at most resources.limits.cpu (0.5): the API server rejects a request above its limit, got "501m"',
        'rollout:apps[0].resources.requests.memory: expected at most resources.limits.memory (256Mi): the API server rejects a request above its limit, got "257Mi"',
      ],
    ],
    [
      "mount paths compared without trailing slashes ('/tmp/', '/data/' and '/data', '/' and '//')",
      () =>
        A({
          kind: "StatefulSet",
          statefulSet: {
            volumeClaimTemplates: [
              { name: "a", mountPath: "/tmp/", storage: "1Gi" },
              { name: "b", mountPath: "/data/", storage: "1Gi" },
              { name: "c", mountPath: "/data", storage: "1Gi" },
              { name: "d", mountPath: "/", storage: "1Gi" },
              { name: "e", mountPath: "//", storage: "1Gi" },
            ],
          },
        }),
      [
        'rollout:apps[0].statefulSet.volumeClaimTemplates[0].mountPath: expected a path other than /tmp: the program mounts a writable emptyDir there (security.readOnlyRootFilesystem), got "/tmp/"',
        'rollout:apps[0].statefulSet.volumeClaimTemplates[2].mountPath: expected a unique mount path (volumeClaimTemplates[1] mounts there too), got "/data"',
        'rollout:apps[0].statefulSet.volumeClaimTemplates[4].mountPath: expected a unique mount path (volumeClaimTemplates[3] mounts there too), got "//"',
      ],
    ],
    [
      "a claim on /tmp with a writable root filesystem (no emptyDir there)",
      () =>
        A({
          kind: "StatefulSet",
          security: { readOnlyRootFilesystem: false },
          statefulSet: { volumeClaimTemplates: [{ name: "a", mountPath: "/tmp", storage: "1Gi" }] },
        }),
      [],
    ],
    ["partition equal to replicas", () => A({ kind: "StatefulSet", replicas: 3, statefulSet: { partition: 3 } }), []],
    [
      "partition one above replicas",
      () => A({ kind: "StatefulSet", replicas: 3, statefulSet: { partition: 4 } }),
      ["rollout:apps[0].statefulSet.partition: expected an integer <= replicas (3), got 4"],
    ],
    [
      "partition above the local default of 1 replica",
      () => A({ kind: "StatefulSet", statefulSet: { partition: 2 } }),
      ["rollout:apps[0].statefulSet.partition: expected an integer <= replicas (1, the local default), got 2"],
    ],
    ["partition at staging's default of 2 replicas", () => stagingProblems({ kind: "StatefulSet", statefulSet: { partition: 2 } }), []],
    [
      "partition above staging's default of 2 replicas",
      () => stagingProblems({ kind: "StatefulSet", statefulSet: { partition: 3 } }),
      ["rollout:apps[0].statefulSet.partition: expected an integer <= replicas (2, the staging default), got 3"],
    ],
    ["an HPA with rolling", () => A({ hpa: { minReplicas: 1, maxReplicas: 2 }, strategy: { type: "rolling" } }), []],
    ["an HPA with recreate", () => A({ hpa: { minReplicas: 1, maxReplicas: 2 }, strategy: { type: "recreate" } }), []],
    [
      "an HPA with blue/green",
      () => A({ hpa: { minReplicas: 1, maxReplicas: 2 }, strategy: { type: "blueGreen" } }),
      [
        'rollout:apps[0].hpa: expected no hpa with strategy blueGreen: the strategy sets the replicas of each track, an HPA would fight it, got {"minReplicas":1,"maxReplicas":2,"targetCPUUtilizationPercent":70}',
      ],
    ],
    [
      "canary: a pinned weight of 50 by replicas",
      () => A({ replicas: 2, strategy: { type: "canary", stable: pinnedStable, weight: 50 } }),
      [],
    ],
    ["canary: tracked steps up to 50 by replicas", () => A({ replicas: 2, strategy: { type: "canary", steps: [20, 50] } }), []],
    [
      "canary: weight 0 on one replica (nothing to split)",
      () => A({ replicas: 1, strategy: { type: "canary", stable: pinnedStable, weight: 0 } }),
      [],
    ],
    [
      "canary: promote at weight 0",
      () => A({ replicas: 2, strategy: { type: "canary", stable: pinnedStable, weight: 0, promote: true } }),
      [],
    ],
    [
      "canary: promote at weight 1",
      () => A({ replicas: 2, strategy: { type: "canary", stable: pinnedStable, weight: 1, promote: true } }),
      ["rollout:apps[0].strategy.promote: expected weight 100 (or 0) when promoting, got 1, got true"],
    ],
    [
      "canary: promote at 60 off the steps: only the promote problem (no 50 limit, no planned-step rule)",
      () => A({ replicas: 2, strategy: { type: "canary", stable: pinnedStable, weight: 60, promote: true, steps: [10, 30] } }),
      ["rollout:apps[0].strategy.promote: expected weight 100 (or 0) when promoting, got 60, got true"],
    ],
    [
      "canary by gateway: above 50 and on one replica, tracked and pinned",
      () => [
        ...A({ replicas: 1, strategy: { type: "canary", traffic: "gateway", gateway: gw, steps: [60] } }),
        ...A({ replicas: 1, strategy: { type: "canary", traffic: "gateway", gateway: gw, stable: pinnedStable, weight: 60 } }),
      ],
      [],
    ],
    [
      "canary: a pinned weight between two steps",
      () => A({ replicas: 2, strategy: { type: "canary", stable: pinnedStable, weight: 20, steps: [10, 30] } }),
      ["rollout:apps[0].strategy.weight: expected one of the planned steps 10, 30, got 20"],
    ],
    [
      "canary: a step lower than the one before, after an increase",
      () => A({ replicas: 2, strategy: { type: "canary", steps: [10, 20, 15] } }),
      ["rollout:apps[0].strategy.steps[2]: expected weights increasing within a rollout (after 20), got 15"],
    ],
    [
      "canary: tracked promote alone, and pause alone",
      () => [
        ...A({ replicas: 2, strategy: { type: "canary", promote: true, steps: [10] } }),
        ...A({ replicas: 2, strategy: { type: "canary", pause: true, steps: [10] } }),
      ],
      [],
    ],
  ];
  for (const [what, run, expected] of limitCases) it(what, () => assert.deepEqual(run(), expected));
});
