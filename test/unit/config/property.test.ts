// Property tests over the stack config schema (fast-check):
// - generated valid configs always parse, plan and render objects the Kubernetes schemas accept;
// - any input (random values anywhere, valid configs with parts replaced or removed) either parses
//   and then plans and renders, or is a ConfigError whose every line names a key and says what is
//   expected in words. Nothing else is ever thrown.
import { strict as assert } from "assert";
import fc from "fast-check";
import { ConfigError, parseStackConfig } from "../../../config/load";
import type { AppConfig, StackConfig } from "../../../config/schema";
import { planApp } from "../../../strategies/plan";
import * as objects from "../../../workloads/objects";
import { validateObject } from "../../support/schema";
import { digestA, digestB, localBase } from "../../support/stacks";

const pinned = fc.constantFrom(`registry.example/team/okeydokey@${digestB}`, `nginx@${digestB}`, `localhost:5000/a/b:v1@${digestB}`);
const gateway = { name: "public", namespace: "gateways" };
const intOrPct = fc.constantFrom<number | string>(0, 1, 2, 3, "0%", "10%", "25%", "33%", "50%", "100%");

/** A Deployment strategy that is valid for `replicas`, with the hpa it allows. */
function deploymentParts(replicas: number) {
  const rolling = fc
    .record({ maxSurge: intOrPct, maxUnavailable: intOrPct })
    .filter((r) => !(String(r.maxSurge).replace("%", "") === "0" && String(r.maxUnavailable).replace("%", "") === "0"))
    .map((r) => ({ type: "rolling", ...r }));
  const steps = [10, 20, 50];
  const canaryReplicas = fc
    .constantFrom(...(replicas >= 2 ? [0, ...steps] : [0]))
    .map((weight) => ({ type: "canary", stable: { image: `r.example/a@${digestA}` }, weight, steps }));
  const canaryGateway = fc.constantFrom(0, 5, 25, 100).map((weight) => ({
    type: "canary",
    traffic: "gateway",
    gateway,
    stable: { image: `r.example/a@${digestA}` },
    weight,
    ...(weight === 100 ? { promote: true } : { steps: [5, 25] }),
  }));
  const blueGreen = fc.constantFrom(
    { type: "blueGreen", live: "blue", slots: { blue: { image: `r.example/a@${digestA}` }, green: {} } },
    {
      type: "blueGreen",
      autoPromote: true,
      idle: "scaleDown",
      slots: { blue: {}, green: { image: `r.example/a@${digestA}` } },
      gates: { smoke: { path: "/ready", expectBody: "OK" } },
    },
  );
  const abTest = fc.constantFrom(
    { type: "abTest", gateway, a: { image: `r.example/a@${digestA}` }, b: {}, match: { header: { name: "X-Variant", value: "b" } } },
    {
      type: "abTest",
      gateway,
      a: {},
      b: { image: `r.example/a@${digestA}` },
      bReplicas: 1,
      match: { cookie: { name: "variant", value: "b" } },
    },
  );
  const hpa = fc
    .integer({ min: 1, max: 4 })
    .chain((min) => fc.integer({ min, max: 10 }).map((max) => ({ minReplicas: min, maxReplicas: max })));
  return fc.oneof(
    fc.record({ strategy: fc.constant({ type: "recreate" }) as fc.Arbitrary<unknown>, hpa: fc.option(hpa, { nil: undefined }) }),
    fc.record({ strategy: rolling as fc.Arbitrary<unknown>, hpa: fc.option(hpa, { nil: undefined }) }),
    fc.record({ strategy: fc.oneof(canaryReplicas, canaryGateway, blueGreen, abTest) as fc.Arbitrary<unknown> }),
  );
}

const common = fc.record(
  {
    image: pinned,
    port: fc.integer({ min: 1, max: 65535 }),
    env: fc.dictionary(
      fc.stringMatching(/^[A-Z][A-Z0-9_]{0,6}$/).filter((k) => k !== "PORT"),
      fc.string({ maxLength: 8 }),
      { maxKeys: 3 },
    ),
    config: fc.dictionary(fc.stringMatching(/^[a-z][a-z.-]{0,6}$/), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
    resources: fc.constantFrom({}, { requests: { cpu: "250m", memory: "64Mi" }, limits: { cpu: "1", memory: "1Gi" } }),
    lifecycle: fc
      .integer({ min: 0, max: 30 })
      .chain((drain) =>
        fc
          .option(fc.integer({ min: drain + 1, max: drain + 60 }), { nil: undefined })
          .map((grace) => ({ drainSeconds: drain, ...(grace ? { terminationGracePeriodSeconds: grace } : {}) })),
      ),
    minReadySeconds: fc.integer({ min: 0, max: 60 }),
    probes: fc.constantFrom(
      {},
      { startup: { httpGet: { path: "/healthz" }, failureThreshold: 30 } },
      { readiness: { tcpSocket: {} }, liveness: { exec: { command: ["/app", "health"] } } },
    ),
    spread: fc.constantFrom("zone", "node", "none"),
    initContainers: fc.constantFrom([], [{ name: "migrate", command: ["/app", "migrate"] }]),
  },
  { requiredKeys: ["minReadySeconds"] },
);

const deploymentApp = fc.integer({ min: 1, max: 12 }).chain((replicas) =>
  fc
    .tuple(
      common,
      deploymentParts(replicas),
      fc.option(fc.integer({ min: 61, max: 900 }), { nil: undefined }),
      fc.constantFrom("default", "none", "explicit"),
    )
    .map(([c0, parts, deadline, pdb]) => {
      const pods = (parts as { hpa?: { minReplicas: number } }).hpa?.minReplicas ?? replicas;
      // Blue/green, canary and A/B pin their digests in the strategy; an app image is an error there.
      const type = (parts as { strategy: { type: string } }).strategy.type;
      const c = type === "recreate" || type === "rolling" ? c0 : Object.fromEntries(Object.entries(c0).filter(([k]) => k !== "image"));
      return {
        ...c,
        kind: "Deployment",
        replicas,
        ...parts,
        ...(deadline ? { progressDeadlineSeconds: deadline } : {}),
        ...(pdb === "none"
          ? { pdb: false }
          : pdb === "explicit"
            ? { pdb: pods > 1 ? { minAvailable: pods - 1 } : { maxUnavailable: 1 } }
            : {}),
      };
    }),
);

const statefulSetApp = fc.integer({ min: 1, max: 6 }).chain((replicas) =>
  fc
    .tuple(
      common,
      fc.oneof(
        fc.integer({ min: 0, max: replicas }).map((partition) => ({ updateStrategy: "RollingUpdate", partition })),
        fc.constant({ updateStrategy: "OnDelete" }),
        fc.constant(undefined),
      ),
    )
    .map(([c, s]) => ({
      ...c,
      kind: "StatefulSet",
      replicas,
      ...(s
        ? {
            statefulSet: {
              ...s,
              podManagementPolicy: "Parallel",
              volumeClaimTemplates: [{ name: "data", mountPath: "/data", storage: "1Gi" }],
            },
          }
        : {}),
    })),
);

const daemonSetApp = fc
  .tuple(
    common,
    fc.constantFrom(
      undefined,
      { maxUnavailable: "10%" },
      { maxSurge: 1 },
      { maxSurge: "25%", maxUnavailable: 0 },
      { updateStrategy: "OnDelete" },
    ),
  )
  .map(([c, d]) => ({ ...c, kind: "DaemonSet", ...(d ? { daemonSet: d } : {}) }));

const validApp = fc.oneof(deploymentApp, statefulSetApp, daemonSetApp);

const validRaw = fc.tuple(fc.constantFrom("local", "staging"), validApp, fc.boolean()).map(([env, app, asJson]) => {
  const raw: Record<string, unknown> = { ...localBase, "rollout:environment": env, "rollout:apps": [{ name: "demo", ...app }] };
  // Pulumi hands structured values to the program as JSON strings.
  return {
    env,
    raw: asJson ? Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])) : raw,
  };
});

/** Plans and renders every object of every app (the pure path the App component takes). */
function render(config: StackConfig): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const app of config.apps as AppConfig[]) {
    const id = { app: app.name, environment: config.environment };
    const plan = planApp(app, { environment: config.environment, image: `r.example/stack@${digestA}`, version: "v2" });
    assert.ok(plan.workloads.length >= 1, "a plan has a workload");
    assert.ok(plan.minReadyPods <= plan.peakPods, `minReadyPods ${plan.minReadyPods} <= peakPods ${plan.peakPods}`);
    for (const w of plan.workloads) {
      assert.ok(
        w.timeoutSeconds > app.progressDeadlineSeconds || app.kind !== "Deployment",
        `await ${w.timeoutSeconds}s beyond the deadline ${app.progressDeadlineSeconds}s`,
      );
      const args = {
        app,
        id,
        name: w.name,
        image: w.image,
        version: w.version,
        trackLabels: w.trackLabels,
        replicas: w.replicas,
        serviceAccountName: app.name,
        changeCause: "test",
        update: w.update,
      };
      const obj =
        app.kind === "StatefulSet"
          ? objects.statefulSet(args, `${app.name}-headless`)
          : app.kind === "DaemonSet"
            ? objects.daemonSet(args)
            : objects.deployment(args);
      out.push(obj as Record<string, unknown>);
    }
    if (app.pdb !== false) out.push(objects.podDisruptionBudget(app, id, app.pdb) as Record<string, unknown>);
    const hpa = objects.horizontalPodAutoscaler(app, id, { kind: app.kind, name: app.name });
    if (hpa) out.push(hpa as Record<string, unknown>);
    const cm = objects.configMap(app, id);
    if (cm) out.push(cm as Record<string, unknown>);
    for (const route of plan.routes) out.push(objects.httpRoute(app, id, route));
  }
  return out;
}

// Mutation runs (scripts/mutation.sh) use fewer runs and a fixed seed, so every mutant sees the same inputs.
const runs = (n: number): fc.Parameters<unknown> =>
  process.env.FC_NUM_RUNS ? { numRuns: Number(process.env.FC_NUM_RUNS), seed: Number(process.env.FC_SEED ?? 42) } : { numRuns: n };

const zodWords = /Invalid|invalid input|regex|starts_with|in record|Too (small|big)|expected a valid value|\bZod/;

/** Parses; returns the config, or checks the ConfigError's lines and returns undefined. Anything else fails the property. */
function parseOrConfigError(raw: Record<string, unknown>, stack: string): StackConfig | undefined {
  try {
    return parseStackConfig(raw, stack);
  } catch (e) {
    if (!(e instanceof ConfigError))
      throw new Error(`threw ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)} instead of a ConfigError`, {
        cause: e,
      });
    assert.ok(e.problems.length > 0, "a ConfigError lists at least one problem");
    for (const line of e.message.split("\n").slice(1)) {
      // `rollout:<key path>: expected ...`; odd map keys are quoted as ["..."] so they stay one segment.
      assert.match(line, /^ {2}- rollout:[^\s"[]*(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\][^\s"[]*)*: (?:expected |unknown key)/, line);
      assert.doesNotMatch(line, zodWords, line);
    }
    return undefined;
  }
}

/** Every path to a value inside `v` (objects and arrays), the root excluded. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...prefix, i], ...paths(x, [...prefix, i])]);
  if (v !== null && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => [[...prefix, k], ...paths(x, [...prefix, k])]);
  return [];
}

function replaced(root: Record<string, unknown>, path: (string | number)[], value: unknown, remove: boolean): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(root)) as Record<string, unknown>;
  let cur: Record<string | number, unknown> = copy;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (remove && !Array.isArray(cur)) delete cur[last];
  else cur[last] = value;
  return copy;
}

const anything = fc.oneof(
  fc.anything({ maxDepth: 2, maxKeys: 4 }),
  fc.constantFrom(
    -1,
    0,
    1,
    1.5,
    65536,
    1e9,
    "",
    "0",
    "25%",
    "150%",
    "x",
    "/tmp",
    "app",
    "tmp",
    "PORT",
    "OnDelete",
    "DaemonSet",
    "StatefulSet",
    null,
    true,
    [],
    {},
    [""],
    `nginx@${digestA}`,
  ),
);

describe("config: properties (fast-check)", function () {
  this.timeout(300_000);

  it("generated valid configs always parse, plan and render objects the Kubernetes schemas accept", async () => {
    await fc.assert(
      fc.asyncProperty(validRaw, async ({ env, raw }) => {
        const config = parseStackConfig(raw, env);
        for (const obj of render(config)) await validateObject(obj);
      }),
      runs(300),
    );
  });

  it("any value in any place: a config that plans and renders, or a ConfigError in words, never anything else", () => {
    fc.assert(
      fc.property(validRaw, fc.array(fc.tuple(fc.nat(), anything, fc.boolean()), { minLength: 1, maxLength: 3 }), ({ env, raw }, edits) => {
        let broken: Record<string, unknown> = Object.fromEntries(
          Object.entries(raw).map(([k, v]) => [k, typeof v === "string" && /^[[{]/.test(v) ? JSON.parse(v) : v]),
        );
        for (const [pick, value, remove] of edits) {
          const all = paths(broken);
          if (all.length === 0) break;
          broken = replaced(broken, all[pick % all.length], value, remove);
        }
        const config = parseOrConfigError(broken, env);
        if (config) render(config);
      }),
      runs(600),
    );
  });

  it("random top-level values, JSON strings and unknown keys: a ConfigError in words, never anything else", () => {
    const keys = [
      "rollout:environment",
      "rollout:cluster",
      "rollout:registry",
      "rollout:image",
      "rollout:cd",
      "rollout:apps",
      "rollout:typo",
      "gcp:project",
    ];
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(...keys),
          fc.oneof(
            anything,
            anything.map((v) => JSON.stringify(v) ?? ""),
          ),
          { maxKeys: 8 },
        ),
        fc.constantFrom("local", "staging", "production", "dev"),
        (raw, stack) => {
          const config = parseOrConfigError(raw, stack);
          if (config) render(config);
        },
      ),
      runs(600),
    );
  });
});
