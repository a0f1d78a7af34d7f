// The stack config schema. One zod schema per config key under the `rollout:` namespace; the
// schema is built per environment so that defaults are environment-specific and visible here.
import { z } from "zod";
import { commonDefaults, defaultsByEnvironment, Environment, environments } from "./defaults";
import { gitopsProblems, gitopsSchema } from "./gitops";
import { gkeClusterOptionKeys } from "./cluster-options";
import { appSecretKeys, checkSecrets } from "./secrets";
import { appTrafficKeys, checkTraffic, trafficSchema } from "./traffic";

const dnsLabel = z
  .string()
  .regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, {
    error: "expected a DNS label: lower-case letters, digits and '-', starting with a letter, at most 40 characters",
  });

const positiveInt = (min: number, max = 1_000_000) =>
  z.int({ error: `expected an integer between ${min} and ${max}` }).min(min, { error: `expected an integer >= ${min}` }).max(max, { error: `expected an integer <= ${max}` });

/** An absolute count or a percentage ("25%"), as Kubernetes accepts for surge and budgets. */
export const intOrPercent = z.union([
  z.int().min(0),
  z.string().regex(/^(100|[1-9]?[0-9])%$/),
], { error: 'expected an integer >= 0 or a percentage such as "25%"' });
export type IntOrPercent = z.infer<typeof intOrPercent>;

const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, {
  error: 'expected a Kubernetes quantity such as "100m", "0.5", "128Mi" or "1Gi"',
});

/** A container image pinned by digest: `registry/path[:tag]@sha256:<64 hex>`. Mutable tags are never deployed. */
export const digestRef = z
  .string()
  .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[0-9a-f]{64}$/, {
    error: "expected an image reference pinned by digest, such as 'us-docker.pkg.dev/p/r/app@sha256:<64 hex digits>' (tags like 'latest' are mutable and rejected)",
  });

const gitSha = z.string().regex(/^[0-9a-f]{7,40}$/, { error: "expected a git commit SHA (7 to 40 lower-case hex digits)" });

const execCommand = z.array(z.string().min(1)).min(1, { error: "expected a non-empty list of strings (exec form)" });

// ---- cluster -------------------------------------------------------------------------------

const nodePoolSchema = z.strictObject({
  machineType: z.string().min(1).default("e2-standard-4"),
  minNodes: positiveInt(0, 100).default(1),
  maxNodes: positiveInt(1, 1000).default(3),
  diskSizeGb: positiveInt(10, 65536).default(50),
  spot: z.boolean().default(false),
});

const gkeClusterSchema = (env: Environment) =>
  z.strictObject({
    provider: z.literal("gke"),
    project: z.string().regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, { error: "expected a GCP project ID (6-30 lower-case letters, digits, '-')" }),
    region: z.string().regex(/^[a-z]+-[a-z]+[0-9]$/, { error: "expected a GCP region such as 'europe-west1'" }),
    name: dnsLabel.optional(),
    mode: z.enum(["autopilot", "standard"]).default(commonDefaults.clusterMode),
    releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]).default(commonDefaults.releaseChannel),
    deletionProtection: z.boolean().default(defaultsByEnvironment[env].protect),
    nodePool: nodePoolSchema.optional(),
    ...gkeClusterOptionKeys,
  });

const kubeconfigClusterSchema = z.strictObject({
  provider: z.literal("kubeconfig"),
  /** kubeconfig context; empty means the current context. */
  context: z.string().min(1).optional(),
  /** kubeconfig file; empty means $KUBECONFIG or ~/.kube/config. */
  path: z.string().min(1).optional(),
});

// ---- registry and image ----------------------------------------------------------------------

const registrySchema = (env: Environment) =>
  z.strictObject({
    repository: dnsLabel.default(commonDefaults.registryRepository),
    location: z.string().regex(/^[a-z]+(-[a-z]+[0-9])?$/).optional(),
    immutableTags: z.boolean().default(defaultsByEnvironment[env].immutableTags),
    keepVersions: positiveInt(1, 1000).default(commonDefaults.keepVersions),
    deleteUntaggedAfterDays: positiveInt(1, 3650).default(commonDefaults.deleteUntaggedAfterDays),
  });

const imageSchema = z.discriminatedUnion(
  "source",
  [
    z.strictObject({
      source: z.literal("build"),
      name: dnsLabel.default("okeydokey"),
      context: z.string().min(1).default("app"),
      dockerfile: z.string().min(1).default("Dockerfile"),
      platform: z.enum(["linux/amd64", "linux/arm64"]).default("linux/amd64"),
      gitSha: gitSha.optional(),
    }),
    z.strictObject({
      source: z.literal("promote"),
      /** `org/project/stack` whose `image` output is promoted, e.g. `acme/rollout/staging`. */
      fromStack: z.string().regex(/^[^/\s]+\/[^/\s]+\/[^/\s]+$/, { error: "expected a fully qualified stack name 'org/project/stack'" }),
    }),
    z.strictObject({
      source: z.literal("prebuilt"),
      ref: digestRef,
      commit: gitSha.optional(),
    }),
  ],
  { error: "expected source to be one of 'build', 'promote', 'prebuilt'" },
);

// ---- CD access -------------------------------------------------------------------------------

const cdSchema = z.strictObject({
  namespace: dnsLabel.default(commonDefaults.cdNamespace),
  serviceAccount: dnsLabel.default(commonDefaults.cdServiceAccount),
  /** Moved to the bootstrap project: a stack cannot create the identity pool it signs in with. */
  githubRepository: z.undefined({ error: "expected no githubRepository: the GitHub OIDC pool and provider are created once by the bootstrap project (bootstrap/, bootstrap:githubRepository)" }).optional(),
});

// ---- apps ------------------------------------------------------------------------------------

const probeSchema = (defaults: { periodSeconds: number }) =>
  z
    .strictObject({
      httpGet: z.strictObject({ path: z.string().startsWith("/"), port: positiveInt(1, 65535).optional() }).optional(),
      tcpSocket: z.strictObject({ port: positiveInt(1, 65535).optional() }).optional(),
      exec: z.strictObject({ command: execCommand }).optional(),
      initialDelaySeconds: positiveInt(0, 3600).default(0),
      periodSeconds: positiveInt(1, 3600).default(defaults.periodSeconds),
      timeoutSeconds: positiveInt(1, 3600).default(1),
      successThreshold: positiveInt(1, 100).default(1),
      failureThreshold: positiveInt(1, 100).default(3),
    })
    .check(z.superRefine((probe, ctx) => {
      const handlers = ["httpGet", "tcpSocket", "exec"].filter((h) => probe[h as "exec"] !== undefined);
      if (handlers.length !== 1) {
        ctx.issues.push({
          code: "custom",
          input: handlers,
          path: [],
          message: "expected exactly one of httpGet, tcpSocket, exec",
        });
      }
    }, always));
export type ProbeConfig = z.infer<ReturnType<typeof probeSchema>>;

const containerResources = z.strictObject({
  requests: z.strictObject({ cpu: quantity, memory: quantity, ephemeralStorage: quantity.default(commonDefaults.requests.ephemeralStorage) }).default({ ...commonDefaults.requests }),
  limits: z.strictObject({ cpu: quantity.optional(), memory: quantity, ephemeralStorage: quantity.default(commonDefaults.limits.ephemeralStorage) }).default({ ...commonDefaults.limits }),
});

const initContainerSchema = z.strictObject({
  name: dnsLabel,
  /** Defaults to the app's image. */
  image: digestRef.optional(),
  command: execCommand,
});

const rollingSchema = (env: Environment) =>
  z.strictObject({
    type: z.literal("rolling"),
    maxSurge: intOrPercent.default(defaultsByEnvironment[env].maxSurge),
    maxUnavailable: intOrPercent.default(defaultsByEnvironment[env].maxUnavailable),
  });

/** A version slot: an explicit digest, or (no image) the stack image this update deploys. */
const versionSchema = z.strictObject({ image: digestRef.optional() }).prefault({});

/** The Gateway (GKE's Gateway controller, or any Gateway API implementation) routes attach to. */
const gatewayRefSchema = z.strictObject({
  name: dnsLabel,
  namespace: dnsLabel,
  /** Hostnames the route answers for; empty means the Gateway's. */
  hostnames: z.array(z.string().regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/)).default([]),
});

/** Checks a new version must pass inside `pulumi up` before traffic moves to it. */
const gatesSchema = z.strictObject({
  /** HTTP smoke check through the API server's service proxy (like the seeds' CI curl test). */
  smoke: z.strictObject({
    path: z.string().startsWith("/").default("/"),
    expectStatus: positiveInt(100, 599).default(200),
    expectBody: z.string().optional(),
    attempts: positiveInt(1, 100).default(5),
    intervalSeconds: positiveInt(1, 300).default(3),
  }).optional(),
  /** A PromQL query whose value must stay at or below `max` (e.g. an error ratio). */
  prometheus: z.strictObject({
    url: z.url({ error: "expected an http(s) URL of the Prometheus API, e.g. http://prometheus.monitoring:9090" }),
    query: z.string().min(1),
    max: z.number(),
  }).optional(),
});
export type GatesConfig = z.infer<typeof gatesSchema>;

const blueGreenSchema = z.strictObject({
  type: z.literal("blueGreen"),
  /** Slot the live Service selects. Required unless autoPromote (then: the slot running the new version). */
  live: z.enum(["blue", "green"]).optional(),
  slots: z.strictObject({ blue: versionSchema, green: versionSchema }),
  /** Switch live traffic in the same `pulumi up`, once the new slot is fully available (and gates pass). */
  autoPromote: z.boolean().default(false),
  /** The slot not serving live traffic: `keep` it at full size (instant rollback) or `scaleDown` to 0 after the switch. */
  idle: z.enum(["keep", "scaleDown"]).default("keep"),
  gates: gatesSchema.optional(),
});

const canarySchema = z.strictObject({
  type: z.literal("canary"),
  /** `replicas`: split by pod counts behind one Service (no extra infrastructure). `gateway`: exact weights through an HTTPRoute. */
  traffic: z.enum(["replicas", "gateway"]).default("replicas"),
  /** The version in production now. */
  stable: z.strictObject({ image: digestRef }),
  /** The candidate; defaults to the stack image. */
  canary: versionSchema,
  /** Percent of traffic to the canary in this step. */
  weight: z.int({ error: "expected an integer percentage between 0 and 100" }).min(0, { error: "expected an integer percentage between 0 and 100" }).max(100, { error: "expected an integer percentage between 0 and 100" }),
  /** The planned weights, increasing; `weight` must be one of them. */
  steps: z.array(z.int().min(1).max(100)).optional(),
  /** Promote: stable runs the candidate, the canary is removed. */
  promote: z.boolean().default(false),
  gateway: gatewayRefSchema.optional(),
  gates: gatesSchema.optional(),
});

const abTestSchema = z.strictObject({
  type: z.literal("abTest"),
  a: versionSchema,
  b: versionSchema,
  /** Requests matching this go to B; everything else to A. Exactly one of header or cookie. */
  match: z.strictObject({
    header: z.strictObject({ name: z.string().regex(/^[A-Za-z0-9-]+$/), value: z.string().min(1) }).optional(),
    cookie: z.strictObject({ name: z.string().regex(/^[A-Za-z0-9_-]+$/), value: z.string().regex(/^[A-Za-z0-9_.-]+$/) }).optional(),
  }),
  /** Replicas of B; A runs `replicas`. */
  bReplicas: positiveInt(1, 1000).optional(),
  /** @default the stack's Gateway (rollout:traffic) */
  gateway: gatewayRefSchema.optional(),
});

const strategySchema = (env: Environment) =>
  z.discriminatedUnion("type", [z.strictObject({ type: z.literal("recreate") }), rollingSchema(env), blueGreenSchema, canarySchema, abTestSchema], {
    error: "expected type to be one of 'recreate', 'rolling', 'blueGreen', 'canary', 'abTest'",
  });
export type StrategyConfig = z.infer<ReturnType<typeof strategySchema>>;

const statefulSetSchema = z.strictObject({
  updateStrategy: z.enum(["RollingUpdate", "OnDelete"]).default("RollingUpdate"),
  /** Ordinals >= partition get the new template; the rest stay (staged rollout by ordinal). */
  partition: positiveInt(0, 10_000).default(0),
  podManagementPolicy: z.enum(["OrderedReady", "Parallel"]).default("OrderedReady"),
  volumeClaimTemplates: z
    .array(
      z.strictObject({
        name: dnsLabel,
        mountPath: z.string().startsWith("/"),
        storage: quantity,
        storageClassName: z.string().min(1).optional(),
      }),
    )
    .default([]),
});

const daemonSetSchema = z.strictObject({
  updateStrategy: z.enum(["RollingUpdate", "OnDelete"]).default("RollingUpdate"),
  maxUnavailable: intOrPercent.default(1),
  maxSurge: intOrPercent.default(0),
});

const appObjectSchema = (env: Environment) => {
  const d = defaultsByEnvironment[env];
  return z.strictObject({
      name: dnsLabel,
      kind: z.enum(["Deployment", "StatefulSet", "DaemonSet"]).default("Deployment"),
      /** Defaults to the stack image (`rollout:image`). */
      image: digestRef.optional(),
      replicas: positiveInt(1, 1000).default(d.replicas),
      port: positiveInt(1, 65535).default(commonDefaults.port),
      servicePort: positiveInt(1, 65535).default(commonDefaults.servicePort),
      command: execCommand.optional(),
      args: z.array(z.string()).optional(),
      env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
      /** Annotations on the pod template (a change rolls the pods). */
      podAnnotations: z.record(z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/), z.string()).default({}),
      /** Non-secret settings: rendered as an immutable ConfigMap named by a hash of its content. */
      config: z.record(z.string().regex(/^[-._a-zA-Z0-9]+$/), z.string()).optional(),
      probes: z
        .strictObject({
          readiness: probeSchema({ periodSeconds: 5 }).default({ httpGet: { path: commonDefaults.readinessPath }, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 }),
          liveness: probeSchema({ periodSeconds: 10 }).default({ httpGet: { path: commonDefaults.livenessPath }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 }),
          startup: probeSchema({ periodSeconds: 5 }).optional(),
        })
        .prefault({}),
      initContainers: z.array(initContainerSchema).default([]),
      readinessGates: z.array(z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, { error: "expected a condition type in label-key form, e.g. 'example.com/feature-1'" })).default([]),
      lifecycle: z
        .strictObject({
          /** preStop sleep: endpoints are removed before the app gets SIGTERM. */
          drainSeconds: positiveInt(0, 3600).default(commonDefaults.drainSeconds),
          /** Defaults to drainSeconds + 25. */
          terminationGracePeriodSeconds: positiveInt(1, 86_400).optional(),
          postStart: z.strictObject({ command: execCommand }).optional(),
          shareProcessNamespace: z.boolean().default(false),
        })
        .prefault({}),
      resources: containerResources.prefault({}),
      security: z
        .strictObject({
          runAsUser: positiveInt(1, 2_147_483_647).default(commonDefaults.runAsUser),
          readOnlyRootFilesystem: z.boolean().default(true),
        })
        .prefault({}),
      spread: z.enum(["zone", "node", "none"]).default(d.spread),
      minReadySeconds: positiveInt(0, 3600).default(d.minReadySeconds),
      progressDeadlineSeconds: positiveInt(10, 3600).default(d.progressDeadlineSeconds),
      revisionHistoryLimit: positiveInt(0, 100).default(commonDefaults.revisionHistoryLimit),
      pdb: z
        .union([
          z.literal(false),
          z.strictObject({ minAvailable: intOrPercent.optional(), maxUnavailable: intOrPercent.optional() }),
        ])
        .optional(),
      hpa: z
        .strictObject({
          minReplicas: positiveInt(1, 1000),
          maxReplicas: positiveInt(1, 1000),
          targetCPUUtilizationPercent: positiveInt(1, 100).default(70),
        })
        .optional(),
      strategy: strategySchema(env).optional(),
      statefulSet: statefulSetSchema.optional(),
      daemonSet: daemonSetSchema.optional(),
      ...appTrafficKeys,
      ...appSecretKeys,
    });
};
export type AppConfig = z.infer<ReturnType<typeof appObjectSchema>>;

// Cross-field checks run even when a field failed (`when`), so every problem is reported at once;
// they therefore guard the types of what they read.
const always = { when: () => true };

export const appSchema = (env: Environment) =>
  appObjectSchema(env)
    .check(z.superRefine((app, ctx) => checkApp(app, ctx.issues), always))
    .transform((app): AppConfig => ({ ...app, strategy: app.strategy ?? (app.kind === "Deployment" ? defaultStrategy(env) : undefined) }));

/** How one Deployment replaces its pods (the slots of progressive strategies roll too). */
export type DeploymentUpdate = { type: "recreate" } | { type: "rolling"; maxSurge: IntOrPercent; maxUnavailable: IntOrPercent };

/** The Deployment update of an app: its own for recreate/rolling; surge-only for the workloads of progressive strategies. */
export function deploymentUpdateOf(app: { strategy?: StrategyConfig }): DeploymentUpdate {
  const s = app.strategy;
  if (s?.type === "recreate" || s?.type === "rolling") return s;
  return { type: "rolling", maxSurge: "25%", maxUnavailable: 0 };
}

/** The strategy of a Deployment that names none: the environment's default. */
export function defaultStrategy(env: Environment): NonNullable<AppConfig["strategy"]> {
  const d = defaultsByEnvironment[env];
  return d.strategy === "recreate" ? { type: "recreate" } : { type: "rolling", maxSurge: d.maxSurge, maxUnavailable: d.maxUnavailable };
}

type Issues = { code: "custom"; input: unknown; path: (string | number)[]; message: string }[];

/** Cross-field rules zod cannot express field by field. */
function checkApp(app: AppConfig, issues: unknown[]): void {
  const push = (path: (string | number)[], input: unknown, message: string) =>
    (issues as Issues).push({ code: "custom", input, path, message });
  const { lifecycle, pdb, hpa, strategy, probes } = app;
  const replicas = Number.isInteger(app.replicas) && app.replicas >= 1 ? app.replicas : 1;

  if (lifecycle?.terminationGracePeriodSeconds !== undefined && lifecycle.terminationGracePeriodSeconds <= lifecycle.drainSeconds) {
    push(["lifecycle", "terminationGracePeriodSeconds"], lifecycle.terminationGracePeriodSeconds,
      `expected an integer > lifecycle.drainSeconds (${lifecycle.drainSeconds}), or SIGKILL arrives before the drain ends`);
  }
  for (const probe of ["liveness", "startup"] as const) {
    const p = probes?.[probe];
    if (p && p.successThreshold !== 1) push(["probes", probe, "successThreshold"], p.successThreshold, "expected 1 (Kubernetes requires it for liveness and startup probes)");
  }
  if (pdb) {
    const both = pdb.minAvailable !== undefined && pdb.maxUnavailable !== undefined;
    const none = pdb.minAvailable === undefined && pdb.maxUnavailable === undefined;
    if (both || none) push(["pdb"], pdb, "expected exactly one of minAvailable or maxUnavailable");
    else if (blocksEvictions(pdb, hpa?.minReplicas ?? replicas)) {
      const key = pdb.minAvailable !== undefined ? "minAvailable" : "maxUnavailable";
      push(["pdb", key], pdb[key], `expected a budget that still allows one voluntary eviction with ${hpa?.minReplicas ?? replicas} replica(s); this one blocks node drains forever`);
    }
  }
  if (hpa && hpa.minReplicas > hpa.maxReplicas) push(["hpa", "minReplicas"], hpa.minReplicas, `expected an integer <= hpa.maxReplicas (${hpa.maxReplicas})`);
  if (strategy) checkStrategy(strategy as StrategyConfig, replicas, push);
  if (strategy?.type === "rolling" && isZero(strategy.maxSurge) && isZero(strategy.maxUnavailable)) {
    push(["strategy", "maxUnavailable"], strategy.maxUnavailable, "expected maxSurge or maxUnavailable to be above 0 (with both 0 the rollout can never progress)");
  }
  const shell = shellFormProblem(Array.isArray(app.command) ? app.command : undefined, Array.isArray(app.args) ? app.args : undefined);
  if (shell) push([shell.key], shell.value, shell.message);
  const kind = app.kind;
  if (kind !== "Deployment" && strategy) push(["strategy"], strategy, `expected no strategy for a ${kind}; use ${kind === "StatefulSet" ? "statefulSet" : "daemonSet"}.updateStrategy`);
  if (kind !== "StatefulSet" && app.statefulSet) push(["statefulSet"], app.statefulSet, `expected statefulSet only with kind StatefulSet, got kind ${kind}`);
  if (kind !== "DaemonSet" && app.daemonSet) push(["daemonSet"], app.daemonSet, `expected daemonSet only with kind DaemonSet, got kind ${kind}`);
  if (kind === "DaemonSet" && hpa) push(["hpa"], hpa, "expected no hpa for a DaemonSet (it runs one pod per node)");
  if (hpa && strategy && !["recreate", "rolling"].includes(strategy.type)) {
    push(["hpa"], hpa, `expected no hpa with strategy ${strategy.type}: the strategy sets the replicas of each track, an HPA would fight it`);
  }
  if (kind === "StatefulSet" && app.statefulSet && app.statefulSet.partition > replicas) {
    push(["statefulSet", "partition"], app.statefulSet.partition, `expected an integer <= replicas (${replicas})`);
  }
  if (kind === "DaemonSet" && app.daemonSet && isZero(app.daemonSet.maxSurge) === isZero(app.daemonSet.maxUnavailable)) {
    push(["daemonSet", "maxSurge"], app.daemonSet.maxSurge, "expected exactly one of daemonSet.maxSurge and daemonSet.maxUnavailable to be above 0");
  }
}

/** Impossible or unsafe progressive-delivery plans. */
function checkStrategy(strategy: StrategyConfig, replicas: number, push: (path: (string | number)[], input: unknown, message: string) => void): void {
  const at = (...p: (string | number)[]) => ["strategy", ...p];
  switch (strategy.type) {
    case "blueGreen": {
      const fresh = (["blue", "green"] as const).filter((s) => !strategy.slots?.[s]?.image);
      if (fresh.length > 1) push(at("slots"), strategy.slots, "expected at most one slot without an image (that slot runs the stack image); pin the other slot to the digest it runs now");
      if (strategy.autoPromote && strategy.live) push(at("live"), strategy.live, "expected no live slot with autoPromote: live becomes the slot running the new version");
      if (strategy.autoPromote && fresh.length === 0) push(at("autoPromote"), true, "expected one slot without an image (the new version) to promote to");
      if (!strategy.autoPromote && !strategy.live) push(at("live"), undefined, "expected 'blue' or 'green': the slot the live Service selects");
      break;
    }
    case "canary": {
      const steps = strategy.steps;
      if (steps) {
        steps.forEach((w, i) => { if (i > 0 && w <= steps[i - 1]) push(at("steps", i), w, `expected weights increasing within a rollout (after ${steps[i - 1]})`); });
        if (!strategy.promote && strategy.weight > 0 && !steps.includes(strategy.weight)) push(at("weight"), strategy.weight, `expected one of the planned steps ${steps.join(", ")}`);
      }
      if (strategy.traffic === "replicas" && strategy.gateway) push(at("gateway"), strategy.gateway, "expected no gateway with traffic 'replicas' (set traffic: gateway to route by weight)");
      if (strategy.traffic === "replicas" && !strategy.promote && strategy.weight > 50) {
        push(at("weight"), strategy.weight, "expected at most 50 with traffic 'replicas': canary replicas may not exceed stable's; promote instead");
      } else if (strategy.traffic === "replicas" && strategy.weight > 0 && replicas < 2) {
        push(at("weight"), strategy.weight, `expected at least 2 replicas to split by pod count, got ${replicas}`);
      }
      if (strategy.promote && strategy.weight !== 100 && strategy.weight !== 0) push(at("promote"), true, `expected weight 100 (or 0) when promoting, got ${strategy.weight}`);
      break;
    }
    case "abTest": {
      const m = strategy.match ?? {};
      if ((m.header === undefined) === (m.cookie === undefined)) push(at("match"), m, "expected exactly one of header or cookie");
      if (strategy.a?.image === undefined && strategy.b?.image === undefined) push(at("a", "image"), undefined, "expected A or B pinned to a digest (the other runs the stack image)");
      break;
    }
    default:
      break;
  }
}

export function isZero(v: IntOrPercent | undefined): boolean {
  return v === 0 || v === "0%";
}

/** Resolves a count or percentage against a total the way the PDB controller does (rounding up). */
export function resolveIntOrPercent(v: IntOrPercent, total: number, roundUp: boolean): number {
  if (typeof v === "number") return v;
  const exact = (parseInt(v, 10) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** True when a budget can never allow an eviction, which blocks node drains and cluster upgrades. */
export function blocksEvictions(pdb: { minAvailable?: IntOrPercent; maxUnavailable?: IntOrPercent }, replicas: number): boolean {
  if (pdb.maxUnavailable !== undefined) return resolveIntOrPercent(pdb.maxUnavailable, replicas, true) < 1;
  if (pdb.minAvailable !== undefined) return resolveIntOrPercent(pdb.minAvailable, replicas, true) >= replicas;
  return false;
}

const shells = new Set(["sh", "bash", "ash", "dash", "/bin/sh", "/bin/bash", "/bin/ash", "/bin/dash", "/usr/bin/env"]);

/**
 * The seeds' PID 1 pitfall: `sh -c "app"` makes the shell PID 1, and the shell does not forward
 * SIGTERM, so the app is SIGKILLed after the grace period. A script that `exec`s the app is fine.
 */
export function shellFormProblem(command?: string[], args?: string[]): { key: string; value: unknown; message: string } | undefined {
  const argv = [...(command ?? []), ...(args ?? [])];
  if (argv.length < 3 || !shells.has(argv[0]) || !argv.slice(1, -1).includes("-c")) return undefined;
  const script = argv[argv.indexOf("-c") + 1]?.trim() ?? "";
  if (/^exec\s/.test(script)) return undefined;
  return {
    key: command && command.includes("-c") ? "command" : "args",
    value: argv,
    message: `expected exec form (["/app", "--flag"]) or a script starting with 'exec ': '${argv[0]} -c' makes the shell PID 1 and it does not forward SIGTERM`,
  };
}

export const stackSchema = (env: Environment) =>
  z
    .strictObject({
      environment: z.enum(environments),
      cluster: z.discriminatedUnion("provider", [gkeClusterSchema(env), kubeconfigClusterSchema], {
        error: "expected provider to be one of 'gke', 'kubeconfig'",
      }),
      registry: registrySchema(env).optional(),
      image: imageSchema,
      cd: cdSchema.prefault({}),
      traffic: trafficSchema.optional(),
      apps: z.array(appSchema(env)).min(1, { error: "expected at least one app" }),
      gitops: gitopsSchema.optional(),
    })
    .check(z.superRefine((stack, ctx) => {
      const { cluster, registry, image, apps } = stack;
      const push = (path: (string | number)[], input: unknown, message: string) =>
        ctx.issues.push({ code: "custom", input, path, message });
      checkTraffic(stack, push);
      checkSecrets(stack, push);
      if (!cluster || !image || !Array.isArray(apps)) return;
      if (env === "production" && cluster.provider !== "gke") push(["cluster", "provider"], cluster.provider, "expected 'gke' in production");
      if (cluster.provider === "gke" && !registry) push(["registry"], undefined, "expected a registry block for a GKE stack (the Artifact Registry repository images are pushed to)");
      if (cluster.provider !== "gke" && registry) push(["registry"], registry, "expected no registry unless cluster.provider is 'gke'");
      if (cluster.provider !== "gke" && image.source === "build") push(["image", "source"], image.source, "expected 'prebuilt' or 'promote' without a GKE registry to push to");
      if (env === "production" && image.source === "build") push(["image", "source"], image.source, "expected 'promote' in production: production runs the exact digest staging ran, it never rebuilds");
      gitopsProblems(stack).forEach((p) => push(p.path, p.input, p.message));
      const seen = new Map<string, number>();
      apps.forEach((app, i) => {
        if (seen.has(app.name)) push(["apps", i, "name"], app.name, `expected a unique app name (apps[${seen.get(app.name)}] has it too)`);
        seen.set(app.name, i);
      });
    }, always));

export type StackConfig = z.infer<ReturnType<typeof stackSchema>>;
export type ClusterConfig = StackConfig["cluster"];
export type GkeClusterConfig = Extract<ClusterConfig, { provider: "gke" }>;
export type ImageConfig = StackConfig["image"];
export type RegistryConfig = NonNullable<StackConfig["registry"]>;
export type CdConfig = StackConfig["cd"];
