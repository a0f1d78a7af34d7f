// The stack config schema. One zod schema per config key under the `rollout:` namespace, built per
// environment so that defaults are environment-specific and resolved here, once: what leaves this
// file has every default applied. Every message says in words what is expected (config/load.ts
// never shows a zod built-in message), and every rule shared with the policy pack comes from
// lib/contract.ts.
import { z } from "zod";
import {
  blocksEvictions,
  Budget,
  httpUrlProblem,
  intOrPercentProblem,
  IntOrPercent,
  isEnvVarName,
  isZeroIntOrPercent,
  parseIntOrPercent,
  parseQuantity,
  pinnedImageProblem,
  qualifiedNameProblem,
  reservedNamespaceProblem,
  shellFormProblem,
} from "../lib/contract";
import { gkeClusterOptionKeys } from "./cluster-options";
import { commonDefaults, defaultsByEnvironment, Environment, environments } from "./defaults";
import { gitopsProblems, gitopsSchema } from "./gitops";
import { appSecretKeys, checkSecrets } from "./secrets";
import { appTrafficKeys, checkTraffic, trafficSchema } from "./traffic";

export type { IntOrPercent } from "../lib/contract";
export { blocksEvictions, resolveIntOrPercent, shellFormProblem } from "../lib/contract";

// ---- value types -------------------------------------------------------------------------------

type Path = (string | number)[];
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
type Push = (path: Path, input: unknown, message: string) => void;

const text = (what = "a string") => z.string({ error: `expected ${what}` });
const nonEmpty = (what: string) => text(what).min(1, { error: `expected ${what}, not an empty string` });
const bool = z.boolean({ error: "expected true or false" });
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `expected one of ${values.map((v) => `'${v}'`).join(", ")}` });
const list = <T extends z.ZodType>(item: T, what: string) => z.array(item, { error: `expected a list of ${what}` });
/** A YAML mapping with exactly the given keys (unknown keys are reported by load.ts). */
const mapping = <T extends z.core.$ZodLooseShape>(shape: T, what: string) =>
  z.strictObject(shape, { error: `expected a mapping (${what})` });
/** A member of a discriminated union: the union's own message reports an input that is not a mapping. */
const unionMember = <T extends z.core.$ZodLooseShape>(shape: T) => z.strictObject(shape);

const dnsLabel = text("a DNS label").regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, {
  error:
    "expected a DNS label: lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most 40 characters",
});

const positiveInt = (min: number, max = 1_000_000) =>
  z
    .int({ error: `expected an integer between ${min} and ${max}` })
    .min(min, { error: `expected an integer >= ${min}` })
    .max(max, { error: `expected an integer <= ${max}` });

/** An absolute count or a percentage ("25%"), as Kubernetes accepts for surge and budgets. */
export const intOrPercent = z.custom<IntOrPercent>((v) => intOrPercentProblem(v) === undefined, {
  error: 'expected an integer >= 0 or a percentage from "0%" to "100%" such as "25%" (a quoted number like "3" is not one)',
});

const quantity = text("a Kubernetes quantity").check(
  z.refine((q) => (parseQuantity(q) ?? -1) >= 0, {
    error: 'expected a non-negative Kubernetes quantity such as "100m", "0.5", "128Mi" or "1Gi"',
  }),
);

/** A container image pinned by digest: `[registry/]path[:tag]@sha256:<64 hex>`. Mutable tags are never deployed. */
export const digestRef = text("an image reference pinned by digest").check(
  z.superRefine((ref, ctx) => {
    const problem = pinnedImageProblem(ref);
    if (problem) {
      ctx.issues.push({
        code: "custom",
        input: ref,
        message: `expected an image reference pinned by digest, such as 'us-docker.pkg.dev/p/r/app@sha256:<64 hex digits>' or 'nginx@sha256:<64 hex digits>'; this one is ${problem}`,
      });
    }
  }),
);

const gitSha = text("a git commit SHA").regex(/^[0-9a-f]{7,40}$/, { error: "expected a git commit SHA (7 to 40 lower-case hex digits)" });

const execCommand = list(nonEmpty("a non-empty string"), "strings (exec form)").min(1, {
  error: "expected a non-empty list of strings (exec form)",
});

const absolutePath = text("an absolute path").startsWith("/", { error: "expected an absolute path starting with '/'" });

/** A string-to-string map whose keys are checked by the app's cross-field rules (so each bad key gets its own path). */
const stringMap = (what: string) =>
  z.record(z.string(), text("a string value (quote numbers and booleans in YAML)"), { error: `expected a mapping of ${what}` });

// ---- cluster -------------------------------------------------------------------------------

const nodePoolSchema = mapping(
  {
    machineType: nonEmpty("a machine type such as 'e2-standard-4'").default("e2-standard-4"),
    minNodes: positiveInt(0, 1000).default(1),
    maxNodes: positiveInt(1, 1000).default(3),
    diskSizeGb: positiveInt(10, 65536).default(50),
    spot: bool.default(false),
  },
  "machineType, minNodes, maxNodes, diskSizeGb, spot",
);
export type NodePoolConfig = z.output<typeof nodePoolSchema>;

const gkeClusterSchema = (env: Environment) =>
  unionMember({
    provider: z.literal("gke"),
    project: text("a GCP project ID").regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, {
      error: "expected a GCP project ID: 6 to 30 lower-case letters, digits and '-', starting with a letter",
    }),
    region: text("a GCP region").regex(/^[a-z]+-[a-z]+[0-9]+$/, { error: "expected a GCP region such as 'europe-west1'" }),
    name: dnsLabel.optional(),
    mode: oneOf(["autopilot", "standard"]).default(commonDefaults.clusterMode),
    releaseChannel: oneOf(["RAPID", "REGULAR", "STABLE"]).default(commonDefaults.releaseChannel),
    deletionProtection: bool.default(defaultsByEnvironment[env].protect),
    nodePool: nodePoolSchema.optional(),
    ...gkeClusterOptionKeys,
  })
    .check(
      z.superRefine((c, ctx) => {
        if (!isObj(c)) return;
        if (c.mode === "autopilot" && c.nodePool !== undefined) {
          ctx.issues.push({
            code: "custom",
            path: ["nodePool"],
            input: c.nodePool,
            message:
              "expected no nodePool with mode 'autopilot' (Autopilot manages the nodes and would ignore it); set mode: standard to use it",
          });
        }
        const pool = c.nodePool;
        if (pool && Number.isInteger(pool.minNodes) && Number.isInteger(pool.maxNodes) && pool.minNodes > pool.maxNodes) {
          ctx.issues.push({
            code: "custom",
            path: ["nodePool", "minNodes"],
            input: pool.minNodes,
            message: `expected an integer <= nodePool.maxNodes (${pool.maxNodes}): GKE rejects an autoscaler whose minimum is above its maximum`,
          });
        }
      }, always()),
    )
    .transform((c) => ({ ...c, nodePool: c.mode === "standard" ? (c.nodePool ?? nodePoolSchema.parse({})) : undefined }));

const kubeconfigClusterSchema = unionMember({
  provider: z.literal("kubeconfig"),
  /** kubeconfig context; empty means the current context. */
  context: nonEmpty("a kubeconfig context name").optional(),
  /** kubeconfig file; empty means $KUBECONFIG or ~/.kube/config. */
  path: nonEmpty("a path to a kubeconfig file").optional(),
});

// ---- registry and image ----------------------------------------------------------------------

const registrySchema = (env: Environment) =>
  mapping(
    {
      repository: dnsLabel.default(commonDefaults.registryRepository),
      location: text("an Artifact Registry location")
        .regex(/^[a-z]+(-[a-z]+[0-9]+)?$/, {
          error: "expected an Artifact Registry location: a region such as 'europe-west1' or a multi-region such as 'europe'",
        })
        .optional(),
      immutableTags: bool.default(defaultsByEnvironment[env].immutableTags),
      keepVersions: positiveInt(1, 1000).default(commonDefaults.keepVersions),
      deleteUntaggedAfterDays: positiveInt(1, 3650).default(commonDefaults.deleteUntaggedAfterDays),
    },
    "repository, location, immutableTags, keepVersions, deleteUntaggedAfterDays",
  );

const imageSchema = z.discriminatedUnion(
  "source",
  [
    unionMember({
      source: z.literal("build"),
      name: dnsLabel.default("okeydokey"),
      context: nonEmpty("a directory").default("app"),
      dockerfile: nonEmpty("a Dockerfile path").default("Dockerfile"),
      platform: oneOf(["linux/amd64", "linux/arm64"]).default("linux/amd64"),
      gitSha: gitSha.optional(),
    }),
    unionMember({
      source: z.literal("promote"),
      /** `org/project/stack` whose `image` output is promoted, e.g. `acme/rollout/staging`. */
      fromStack: text("a stack name").regex(/^[^/\s]+\/[^/\s]+\/[^/\s]+$/, {
        error: "expected a fully qualified stack name 'org/project/stack'",
      }),
    }),
    unionMember({ source: z.literal("prebuilt"), ref: digestRef, commit: gitSha.optional() }),
  ],
  { error: "expected a mapping whose source is one of 'build', 'promote', 'prebuilt'" },
);

// ---- CD access -------------------------------------------------------------------------------

const cdSchema = mapping(
  {
    namespace: dnsLabel.default(commonDefaults.cdNamespace),
    serviceAccount: dnsLabel.default(commonDefaults.cdServiceAccount),
    /** Moved to the bootstrap project: a stack cannot create the identity pool it signs in with. */
    githubRepository: z
      .undefined({
        error:
          "expected no githubRepository: the GitHub OIDC pool and provider are created once by the bootstrap project (bootstrap/, bootstrap:githubRepository)",
      })
      .optional(),
  },
  "namespace, serviceAccount",
);

// ---- apps ------------------------------------------------------------------------------------

// Cross-field checks run even when a field failed (`when`), so every problem is reported at once;
// they therefore guard the types of what they read.
function always() {
  return { when: () => true };
}

const port = positiveInt(1, 65535);

const probeSchema = (defaults: { periodSeconds: number }) =>
  mapping(
    {
      httpGet: mapping({ path: absolutePath, port: port.optional() }, "path, port").optional(),
      tcpSocket: mapping({ port: port.optional() }, "port").optional(),
      exec: mapping({ command: execCommand }, "command").optional(),
      initialDelaySeconds: positiveInt(0, 3600).default(0),
      periodSeconds: positiveInt(1, 3600).default(defaults.periodSeconds),
      timeoutSeconds: positiveInt(1, 3600).default(1),
      successThreshold: positiveInt(1, 100).default(1),
      failureThreshold: positiveInt(1, 100).default(3),
    },
    "one of httpGet, tcpSocket, exec, and initialDelaySeconds, periodSeconds, timeoutSeconds, successThreshold, failureThreshold",
  ).check(
    z.superRefine((probe, ctx) => {
      if (!isObj(probe)) return; // already reported as "expected a mapping"
      const handlers = (["httpGet", "tcpSocket", "exec"] as const).filter((h) => probe[h] !== undefined);
      if (handlers.length !== 1) {
        ctx.issues.push({ code: "custom", input: handlers, path: [], message: "expected exactly one of httpGet, tcpSocket, exec" });
      }
    }, always()),
  );
export type ProbeConfig = z.output<ReturnType<typeof probeSchema>>;

const containerResources = mapping(
  {
    requests: mapping(
      { cpu: quantity, memory: quantity, ephemeralStorage: quantity.default(commonDefaults.requests.ephemeralStorage) },
      "cpu, memory, ephemeralStorage",
    ).default({ ...commonDefaults.requests }),
    limits: mapping(
      { cpu: quantity.optional(), memory: quantity, ephemeralStorage: quantity.default(commonDefaults.limits.ephemeralStorage) },
      "cpu, memory, ephemeralStorage",
    ).default({ ...commonDefaults.limits }),
  },
  "requests, limits",
);

const initContainerSchema = mapping(
  {
    name: dnsLabel,
    /** Defaults to the app's image. */
    image: digestRef.optional(),
    command: execCommand,
  },
  "name, image, command",
);

const recreateSchema = unionMember({
  type: z.literal("recreate"),
  /** `kubectl rollout undo`, as for rolling: the previous revision's image and ConfigMap. */
  undo: bool.default(false),
});

const rollingSchema = (env: Environment) =>
  unionMember({
    type: z.literal("rolling"),
    maxSurge: intOrPercent.default(defaultsByEnvironment[env].maxSurge),
    maxUnavailable: intOrPercent.default(defaultsByEnvironment[env].maxUnavailable),
    /**
     * `kubectl rollout pause`: the Deployment is applied with spec.paused, so a new template is
     * stored but not rolled out (and not awaited) until an update with pause: false resumes it.
     */
    pause: bool.default(false),
    /**
     * `kubectl rollout undo`: this update returns to the revision before the current one, its
     * image and its ConfigMap, from the stack's record; set again, it stays there.
     */
    undo: bool.default(false),
  });

/** A version slot: an explicit digest, or (no image) the stack image this update deploys. */
const versionSchema = mapping({ image: digestRef.optional() }, "image").prefault({});

const hostname = text("a hostname").regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
  error: "expected a lower-case DNS hostname such as 'shop.example.com' or '*.example.com'",
});

/** The Gateway (GKE's Gateway controller, or any Gateway API implementation) routes attach to. */
const gatewayRefSchema = mapping(
  {
    name: dnsLabel,
    namespace: dnsLabel,
    /** Hostnames the route answers for; empty means the Gateway's. */
    hostnames: list(hostname, "hostnames").default([]),
  },
  "name, namespace, hostnames",
);

/** Checks a new version must pass inside `pulumi up` before traffic moves to it. */
const gatesSchema = mapping(
  {
    /** HTTP smoke check through the API server's service proxy (like the seeds' CI curl test). */
    smoke: mapping(
      {
        path: absolutePath.default("/"),
        expectStatus: positiveInt(100, 599).default(200),
        expectBody: text().optional(),
        attempts: positiveInt(1, 100).default(5),
        intervalSeconds: positiveInt(1, 300).default(3),
      },
      "path, expectStatus, expectBody, attempts, intervalSeconds",
    ).optional(),
    /** A PromQL query whose value must stay at or below `max` (e.g. an error ratio). */
    prometheus: mapping(
      {
        url: text("an http(s) URL").check(
          z.superRefine((url, ctx) => {
            const problem = httpUrlProblem(url);
            if (problem)
              ctx.issues.push({
                code: "custom",
                input: url,
                message: `expected an http(s) URL of the Prometheus API, e.g. http://prometheus.monitoring:9090 (${problem})`,
              });
          }),
        ),
        query: nonEmpty("a PromQL query"),
        max: z.number({ error: "expected a number (the highest value the query may return)" }),
      },
      "url, query, max",
    ).optional(),
  },
  "smoke, prometheus",
);
export type GatesConfig = z.output<typeof gatesSchema>;

const blueGreenSchema = unionMember({
  type: z.literal("blueGreen"),
  /** Pinned slots only: the slot the live Service selects. Required unless autoPromote (then: the slot running the new version). */
  live: oneOf(["blue", "green"]).optional(),
  /**
   * Optional. Without it the program continues from the stack's last release (its `releases`
   * output): each new image goes to the slot not serving. With it, each slot is pinned here.
   */
  slots: mapping({ blue: versionSchema, green: versionSchema }, "blue, green").optional(),
  /** Switch live traffic in the same `pulumi up`, once the new slot is fully available (and gates pass). */
  autoPromote: bool.default(false),
  /** Without slots: switch live to the slot that already runs this update's image (a held release). */
  promote: bool.default(false),
  /** Without slots: serve the release this update's image replaced (the other, warm slot). */
  rollback: bool.default(false),
  /** The slot not serving live traffic: `keep` it at full size (instant rollback) or `scaleDown` to 0 after the switch. */
  idle: oneOf(["keep", "scaleDown"]).default("keep"),
  gates: gatesSchema.optional(),
});

const percentage = z
  .int({ error: "expected an integer percentage between 0 and 100" })
  .min(0, { error: "expected an integer percentage between 0 and 100" })
  .max(100, { error: "expected an integer percentage between 0 and 100" });

const canarySchema = unionMember({
  type: z.literal("canary"),
  /** `replicas`: split by pod counts behind one Service (no extra infrastructure). `gateway`: exact weights through an HTTPRoute. */
  traffic: oneOf(["replicas", "gateway"]).default("replicas"),
  /**
   * The version in production now. Optional: without it the program tracks the release from the
   * stack's last update and takes one step of `steps` per `pulumi up`.
   */
  stable: mapping({ image: digestRef }, "image").optional(),
  /** The candidate; defaults to the stack image. */
  canary: versionSchema,
  /** Pinned stable only: percent of traffic to the canary in this step. */
  weight: percentage.optional(),
  /** Tracked only: hold the canary at the step it reached. */
  pause: bool.default(false),
  /** The planned weights, increasing; `weight` must be one of them. */
  steps: list(positiveInt(1, 100), "weights between 1 and 100")
    .min(1, { error: "expected at least one planned weight (or leave steps out)" })
    .optional(),
  /** Promote: stable runs the candidate, the canary is removed. */
  promote: bool.default(false),
  gateway: gatewayRefSchema.optional(),
  gates: gatesSchema.optional(),
});

const abTestSchema = unionMember({
  type: z.literal("abTest"),
  a: versionSchema,
  b: versionSchema,
  /** Requests matching this go to B; everything else to A. Exactly one of header or cookie. */
  match: mapping(
    {
      header: mapping(
        {
          name: text("an HTTP header name").regex(/^[A-Za-z0-9-]+$/, { error: "expected an HTTP header name: letters, digits and '-'" }),
          value: nonEmpty("a header value"),
        },
        "name, value",
      ).optional(),
      cookie: mapping(
        {
          name: text("a cookie name").regex(/^[A-Za-z0-9_-]+$/, { error: "expected a cookie name: letters, digits, '_' and '-'" }),
          value: text("a cookie value").regex(/^[A-Za-z0-9_.-]+$/, {
            error: "expected a cookie value: letters, digits, '_', '.' and '-'",
          }),
        },
        "name, value",
      ).optional(),
    },
    "header or cookie",
  ),
  /** Replicas of B; A runs `replicas`. */
  bReplicas: positiveInt(1, 1000).optional(),
  /** Tracked only (neither pinned): B won, A takes B's image. */
  promote: bool.default(false),
  /** @default the stack's Gateway (rollout:traffic) */
  gateway: gatewayRefSchema.optional(),
});

const strategySchema = (env: Environment) =>
  z.discriminatedUnion("type", [recreateSchema, rollingSchema(env), blueGreenSchema, canarySchema, abTestSchema], {
    error: "expected a mapping whose type is one of 'recreate', 'rolling', 'blueGreen', 'canary', 'abTest'",
  });
export type StrategyConfig = z.output<ReturnType<typeof strategySchema>>;

const volumeClaimSchema = mapping(
  {
    name: dnsLabel,
    mountPath: absolutePath,
    storage: quantity,
    storageClassName: nonEmpty("a StorageClass name").optional(),
  },
  "name, mountPath, storage, storageClassName",
);

// Fields whose default depends on another field stay optional here and are resolved in appSchema's transform.
const statefulSetSchema = mapping(
  {
    updateStrategy: oneOf(["RollingUpdate", "OnDelete"]).default("RollingUpdate"),
    /** Ordinals >= partition get the new template; the rest stay (staged rollout by ordinal). */
    partition: positiveInt(0, 10_000).optional(),
    podManagementPolicy: oneOf(["OrderedReady", "Parallel"]).default("OrderedReady"),
    volumeClaimTemplates: list(volumeClaimSchema, "volume claim templates").default([]),
  },
  "updateStrategy, partition, podManagementPolicy, volumeClaimTemplates",
);

const daemonSetSchema = mapping(
  {
    updateStrategy: oneOf(["RollingUpdate", "OnDelete"]).default("RollingUpdate"),
    maxUnavailable: intOrPercent.optional(),
    maxSurge: intOrPercent.optional(),
  },
  "updateStrategy, maxUnavailable, maxSurge",
);

const budgetSchema = mapping(
  { minAvailable: intOrPercent.optional(), maxUnavailable: intOrPercent.optional() },
  "exactly one of minAvailable, maxUnavailable",
);

const appObjectSchema = (env: Environment) => {
  const d = defaultsByEnvironment[env];
  return mapping(
    {
      name: dnsLabel,
      kind: oneOf(["Deployment", "StatefulSet", "DaemonSet"]).default("Deployment"),
      /** Defaults to the stack image (`rollout:image`). */
      image: digestRef.optional(),
      /** Resolved to the environment's default (DaemonSets: none, they run one pod per node). */
      replicas: positiveInt(1, 1000).optional(),
      port: port.default(commonDefaults.port),
      servicePort: port.default(commonDefaults.servicePort),
      command: execCommand.optional(),
      args: list(text(), "strings").optional(),
      env: stringMap("environment variable names to values").default({}),
      /** Annotations on the pod template (a change rolls the pods). */
      podAnnotations: stringMap("annotation keys to values").default({}),
      /** Non-secret settings: rendered as an immutable ConfigMap named by a hash of its content. */
      config: stringMap("setting names to values").optional(),
      probes: mapping(
        {
          readiness: probeSchema({ periodSeconds: 5 }).prefault({ httpGet: { path: commonDefaults.readinessPath } }),
          liveness: probeSchema({ periodSeconds: 10 }).prefault({ httpGet: { path: commonDefaults.livenessPath } }),
          startup: probeSchema({ periodSeconds: 5 }).optional(),
        },
        "readiness, liveness, startup",
      ).prefault({}),
      initContainers: list(initContainerSchema, "init containers").default([]),
      readinessGates: list(text("a condition type"), "condition types").default([]),
      lifecycle: mapping(
        {
          /** preStop sleep: endpoints are removed before the app gets SIGTERM. */
          drainSeconds: positiveInt(0, 3600).default(commonDefaults.drainSeconds),
          /** Defaults to drainSeconds + shutdownSeconds. */
          terminationGracePeriodSeconds: positiveInt(1, 86_400).optional(),
          postStart: mapping({ command: execCommand }, "command").optional(),
          shareProcessNamespace: bool.default(false),
        },
        "drainSeconds, terminationGracePeriodSeconds, postStart, shareProcessNamespace",
      ).prefault({}),
      resources: containerResources.prefault({}),
      security: mapping(
        {
          runAsUser: positiveInt(1, 2_147_483_647).default(commonDefaults.runAsUser),
          readOnlyRootFilesystem: bool.default(true),
        },
        "runAsUser, readOnlyRootFilesystem",
      ).prefault({}),
      spread: oneOf(["zone", "node", "none"]).default(d.spread),
      minReadySeconds: positiveInt(0, 3600).default(d.minReadySeconds),
      /** Deployments only; resolved to the environment's default. */
      progressDeadlineSeconds: positiveInt(10, 3600).optional(),
      revisionHistoryLimit: positiveInt(0, 100).default(commonDefaults.revisionHistoryLimit),
      /** Resolved: `false` (no budget) or exactly one of the two fields. */
      pdb: z
        .union([z.literal(false), budgetSchema], { error: "expected false or a mapping with exactly one of minAvailable, maxUnavailable" })
        .optional(),
      hpa: mapping(
        {
          minReplicas: positiveInt(1, 1000),
          maxReplicas: positiveInt(1, 1000),
          targetCPUUtilizationPercent: positiveInt(1, 100).default(70),
        },
        "minReplicas, maxReplicas, targetCPUUtilizationPercent",
      ).optional(),
      strategy: strategySchema(env).optional(),
      statefulSet: statefulSetSchema.optional(),
      daemonSet: daemonSetSchema.optional(),
      ...appTrafficKeys,
      ...appSecretKeys,
    },
    "see the app fields in README.md",
  );
};
type RawApp = z.output<ReturnType<typeof appObjectSchema>>;

export interface StatefulSetConfig {
  readonly updateStrategy: "RollingUpdate" | "OnDelete";
  readonly partition: number;
  readonly podManagementPolicy: "OrderedReady" | "Parallel";
  readonly volumeClaimTemplates: readonly { name: string; mountPath: string; storage: string; storageClassName?: string }[];
}

export interface DaemonSetConfig {
  readonly updateStrategy: "RollingUpdate" | "OnDelete";
  readonly maxUnavailable: IntOrPercent;
  readonly maxSurge: IntOrPercent;
}

/** An app with every default resolved. `statefulSet`/`daemonSet` are set exactly when the kind is that. */
export type AppConfig = Omit<RawApp, "replicas" | "progressDeadlineSeconds" | "pdb" | "statefulSet" | "daemonSet"> & {
  readonly replicas: number;
  readonly progressDeadlineSeconds: number;
  /** `false`: no PodDisruptionBudget. */
  readonly pdb: false | Budget;
  readonly statefulSet?: StatefulSetConfig;
  readonly daemonSet?: DaemonSetConfig;
};

/** Names the program gives to its own objects in the pod; user input must not take them. */
export const reserved = {
  containerName: "app",
  tmpVolume: "tmp",
  tmpMountPath: "/tmp",
  /** Env vars the program sets itself. */
  envVars: ["PORT"],
} as const;

export const appSchema = (env: Environment) =>
  appObjectSchema(env)
    .check(
      z.superRefine(
        (app, ctx) => checkApp(app, env, (path, input, message) => ctx.issues.push({ code: "custom", input, path, message })),
        always(),
      ),
    )
    .transform((app): AppConfig => resolveApp(app, env));

/** Applies the defaults that depend on other fields, once, so nothing downstream re-reads the defaults table. */
function resolveApp(app: RawApp, env: Environment): AppConfig {
  const d = defaultsByEnvironment[env];
  const replicas = app.replicas ?? d.replicas;
  const { statefulSet, daemonSet, ...rest } = app;
  const resolved = {
    ...rest,
    replicas,
    progressDeadlineSeconds: app.progressDeadlineSeconds ?? d.progressDeadlineSeconds,
    strategy: app.strategy ?? (app.kind === "Deployment" ? defaultStrategy(env) : undefined),
    pdb: resolvePdb(app, replicas, d.pdb),
  };
  if (app.kind === "StatefulSet") {
    const s = statefulSet ?? statefulSetSchema.parse({});
    return { ...resolved, statefulSet: { ...s, partition: s.partition ?? 0 } };
  }
  if (app.kind === "DaemonSet") {
    const s = daemonSet ?? daemonSetSchema.parse({});
    return {
      ...resolved,
      daemonSet: {
        updateStrategy: s.updateStrategy,
        maxUnavailable: s.maxUnavailable ?? (isZeroIntOrPercent(s.maxSurge ?? 0) ? 1 : 0),
        maxSurge: s.maxSurge ?? 0,
      },
    };
  }
  return resolved;
}

function resolvePdb(app: RawApp, replicas: number, environmentWantsPdb: boolean): false | Budget {
  if (app.kind === "DaemonSet" || app.pdb === false) return false;
  if (app.pdb) return app.pdb;
  return environmentWantsPdb && (app.hpa?.minReplicas ?? replicas) > 1 ? { maxUnavailable: 1 } : false;
}

/** How one Deployment replaces its pods (the slots of progressive strategies roll too). */
export type DeploymentUpdate = { type: "recreate" } | { type: "rolling"; maxSurge: IntOrPercent; maxUnavailable: IntOrPercent };

/** The Deployment update of an app: its own for recreate/rolling; surge-only for the workloads of progressive strategies. */
export function deploymentUpdateOf(app: { strategy?: StrategyConfig }): DeploymentUpdate {
  const s = app.strategy;
  // Only the update's own fields: the strategy's flags (pause, undo) are not part of it.
  if (s?.type === "recreate") return { type: "recreate" };
  if (s?.type === "rolling") return { type: "rolling", maxSurge: s.maxSurge, maxUnavailable: s.maxUnavailable };
  return { type: "rolling", maxSurge: "25%", maxUnavailable: 0 };
}

/** The strategy of a Deployment that names none: the environment's default. */
export function defaultStrategy(env: Environment): NonNullable<AppConfig["strategy"]> {
  const d = defaultsByEnvironment[env];
  return d.strategy === "recreate"
    ? { type: "recreate", undo: false }
    : { type: "rolling", maxSurge: d.maxSurge, maxUnavailable: d.maxUnavailable, pause: false, undo: false };
}

export function isZero(v: IntOrPercent | undefined): boolean {
  return isZeroIntOrPercent(v);
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === "string") ? v : undefined);

/** Cross-field rules, and every rule the API server would apply to what the program renders from this app. */
function checkApp(app: RawApp, env: Environment, push: Push): void {
  if (!isObj(app)) return; // already reported as "expected a mapping"
  const d = defaultsByEnvironment[env];
  const { lifecycle, pdb, hpa, strategy, probes, kind } = app;
  const replicas = isInt(app.replicas) && app.replicas >= 1 ? app.replicas : d.replicas;

  checkKeys(app, push);
  checkFieldsOfKind(app, replicas, env, push);

  if (
    isObj(lifecycle) &&
    isInt(lifecycle.terminationGracePeriodSeconds) &&
    isInt(lifecycle.drainSeconds) &&
    lifecycle.terminationGracePeriodSeconds <= lifecycle.drainSeconds
  ) {
    push(
      ["lifecycle", "terminationGracePeriodSeconds"],
      lifecycle.terminationGracePeriodSeconds,
      `expected an integer > lifecycle.drainSeconds (${lifecycle.drainSeconds}), or SIGKILL arrives before the drain ends`,
    );
  }
  for (const probe of ["liveness", "startup"] as const) {
    const p = isObj(probes) ? probes[probe] : undefined;
    if (isObj(p) && isInt(p.successThreshold) && p.successThreshold !== 1) {
      push(
        ["probes", probe, "successThreshold"],
        p.successThreshold,
        "expected 1 (Kubernetes requires it for liveness and startup probes)",
      );
    }
  }
  if (isObj(pdb)) {
    const both = pdb.minAvailable !== undefined && pdb.maxUnavailable !== undefined;
    const none = pdb.minAvailable === undefined && pdb.maxUnavailable === undefined;
    const pods = isObj(hpa) && isInt(hpa.minReplicas) && hpa.minReplicas >= 1 ? hpa.minReplicas : replicas;
    if (both || none) push(["pdb"], pdb, "expected exactly one of minAvailable or maxUnavailable");
    else {
      const key = pdb.minAvailable !== undefined ? "minAvailable" : "maxUnavailable";
      if (parseIntOrPercent(pdb[key]) !== undefined && blocksEvictions(pdb, pods)) {
        push(
          ["pdb", key],
          pdb[key],
          `expected a budget that still allows one voluntary eviction with ${pods} replica(s); this one blocks node drains forever`,
        );
      }
    }
  }
  if (isObj(hpa) && isInt(hpa.minReplicas) && isInt(hpa.maxReplicas) && hpa.minReplicas > hpa.maxReplicas) {
    push(["hpa", "minReplicas"], hpa.minReplicas, `expected an integer <= hpa.maxReplicas (${hpa.maxReplicas})`);
  }
  if (isObj(strategy)) checkStrategy(strategy as StrategyConfig, replicas, push);
  // These strategies run the stack image or the digests they pin; an app image would be ignored.
  const pins = new Map([
    ["blueGreen", "strategy.slots"],
    ["canary", "strategy.stable"],
    ["abTest", "strategy.a or strategy.b"],
  ]);
  const pin = isObj(strategy) && typeof strategy.type === "string" ? pins.get(strategy.type) : undefined;
  if (app.image !== undefined && pin)
    push(["image"], app.image, `expected no app image with strategy ${String(strategy!.type)}: it would be ignored; pin ${pin} instead`);
  if (isObj(strategy) && strategy.type === "rolling" && isZero(strategy.maxSurge) && isZero(strategy.maxUnavailable)) {
    push(
      ["strategy", "maxUnavailable"],
      strategy.maxUnavailable,
      "expected maxSurge or maxUnavailable to be above 0 (with both 0 the rollout can never progress)",
    );
  }
  const shell = shellFormProblem(strings(app.command), strings(app.args));
  if (shell) push([shell.field], shell.field === "command" ? app.command : app.args, shell.message);
  if (isObj(hpa) && isObj(strategy) && typeof strategy.type === "string" && !["recreate", "rolling"].includes(strategy.type)) {
    push(
      ["hpa"],
      hpa,
      `expected no hpa with strategy ${strategy.type}: the strategy sets the replicas of each track, an HPA would fight it`,
    );
  }
  if (kind === "DaemonSet" && hpa) push(["hpa"], hpa, "expected no hpa for a DaemonSet (it runs one pod per node)");

  // What the API server would reject at apply time.
  const deadline = isInt(app.progressDeadlineSeconds) ? app.progressDeadlineSeconds : d.progressDeadlineSeconds;
  if ((kind ?? "Deployment") === "Deployment" && isInt(app.minReadySeconds) && app.minReadySeconds >= deadline) {
    push(
      ["minReadySeconds"],
      app.minReadySeconds,
      `expected an integer < progressDeadlineSeconds (${deadline}${app.progressDeadlineSeconds === undefined ? `, the ${env} default` : ""}): the API server rejects a Deployment whose pods could never count as progressing in time`,
    );
  }
  checkResources(app.resources, push);
  checkPodNames(app, push);
}

/** Keys of maps that become Kubernetes keys: each bad key is reported at its own path. */
function checkKeys(app: RawApp, push: Push): void {
  if (isObj(app.env)) {
    for (const name of Object.keys(app.env)) {
      if (!isEnvVarName(name))
        push(["env", name], name, "expected an environment variable name: letters, digits and '_', not starting with a digit");
      else if ((reserved.envVars as readonly string[]).includes(name))
        push(
          ["env", name],
          app.env[name],
          `expected no ${name}: the program sets it from port (${String(app.port ?? commonDefaults.port)}) and would override this value`,
        );
      else if (isObj(app.config) && name in app.config)
        push(
          ["env", name],
          app.env[name],
          `expected a name that is not also a config key: env ${name} would silently override config.${name}`,
        );
    }
  }
  if (isObj(app.podAnnotations)) {
    for (const key of Object.keys(app.podAnnotations)) {
      const problem = qualifiedNameProblem(key);
      if (problem) push(["podAnnotations", key], key, `expected an annotation key such as 'example.com/owner' (${problem})`);
    }
  }
  if (isObj(app.config)) {
    for (const key of Object.keys(app.config)) {
      if (!/^[-._a-zA-Z0-9]{1,253}$/.test(key))
        push(["config", key], key, "expected a ConfigMap key: 1 to 253 letters, digits, '-', '_' and '.'");
    }
  }
  if (Array.isArray(app.readinessGates)) {
    app.readinessGates.forEach((gate, i) => {
      const problem = typeof gate === "string" ? qualifiedNameProblem(gate) : undefined;
      if (problem)
        push(["readinessGates", i], gate, `expected a condition type in label-key form, e.g. 'example.com/feature-1' (${problem})`);
    });
  }
}

/** Fields the chosen kind would ignore are errors: a setting that does nothing is a misunderstanding. */
function checkFieldsOfKind(app: RawApp, replicas: number, env: Environment, push: Push): void {
  const kind = app.kind ?? "Deployment";
  if (kind !== "Deployment" && app.strategy)
    push(
      ["strategy"],
      app.strategy,
      `expected no strategy for a ${kind}; use ${kind === "StatefulSet" ? "statefulSet" : "daemonSet"}.updateStrategy`,
    );
  if (kind !== "StatefulSet" && app.statefulSet)
    push(["statefulSet"], app.statefulSet, `expected statefulSet only with kind StatefulSet, got kind ${kind}`);
  if (kind !== "DaemonSet" && app.daemonSet)
    push(["daemonSet"], app.daemonSet, `expected daemonSet only with kind DaemonSet, got kind ${kind}`);
  if (kind === "DaemonSet") {
    if (app.replicas !== undefined)
      push(
        ["replicas"],
        app.replicas,
        "expected no replicas for a DaemonSet: it runs one pod on every eligible node, so this would be ignored",
      );
    if (app.pdb !== undefined && app.pdb !== false)
      push(
        ["pdb"],
        app.pdb,
        "expected no pdb for a DaemonSet: the program renders none (node drains skip DaemonSet pods), so it would be ignored",
      );
  }
  if (kind !== "Deployment" && app.progressDeadlineSeconds !== undefined) {
    push(
      ["progressDeadlineSeconds"],
      app.progressDeadlineSeconds,
      `expected no progressDeadlineSeconds for a ${kind}: only Deployments have it, so it would be ignored`,
    );
  }
  const s = app.statefulSet;
  if (kind === "StatefulSet" && isObj(s)) {
    if (s.updateStrategy === "OnDelete" && s.partition !== undefined)
      push(
        ["statefulSet", "partition"],
        s.partition,
        "expected no partition with updateStrategy OnDelete: partition only applies to RollingUpdate, so it would be ignored",
      );
    // Against the replicas the StatefulSet gets: the environment's default when replicas is not set.
    if (isInt(s.partition) && s.partition > replicas)
      push(
        ["statefulSet", "partition"],
        s.partition,
        `expected an integer <= replicas (${replicas}${app.replicas === undefined ? `, the ${env} default` : ""})`,
      );
  }
  const ds = app.daemonSet;
  if (kind === "DaemonSet" && isObj(ds)) {
    if (ds.updateStrategy === "OnDelete") {
      for (const key of ["maxUnavailable", "maxSurge"] as const) {
        if (ds[key] !== undefined)
          push(
            ["daemonSet", key],
            ds[key],
            `expected no ${key} with updateStrategy OnDelete: it only applies to RollingUpdate, so it would be ignored`,
          );
      }
    } else if (ds.maxSurge !== undefined || ds.maxUnavailable !== undefined) {
      const surge = ds.maxSurge ?? 0;
      const unavailable = ds.maxUnavailable ?? (isZero(surge) ? 1 : 0);
      if (parseIntOrPercent(surge) !== undefined && parseIntOrPercent(unavailable) !== undefined && isZero(surge) === isZero(unavailable)) {
        push(
          ["daemonSet", "maxSurge"],
          ds.maxSurge ?? 0,
          "expected exactly one of daemonSet.maxSurge and daemonSet.maxUnavailable to be above 0 (the API server rejects both, and both 0 never progresses)",
        );
      }
    }
  }
}

/** requests <= limits, as the API server requires. */
function checkResources(resources: unknown, push: Push): void {
  if (!isObj(resources)) return;
  const requests = isObj(resources.requests) ? resources.requests : commonDefaults.requests;
  const limits: Record<string, unknown> = isObj(resources.limits) ? resources.limits : commonDefaults.limits;
  for (const r of ["cpu", "memory"] as const) {
    const req = typeof requests[r] === "string" ? parseQuantity(requests[r] as string) : undefined;
    const lim = typeof limits[r] === "string" ? parseQuantity(limits[r] as string) : undefined;
    if (req !== undefined && lim !== undefined && req > lim) {
      push(
        ["resources", "requests", r],
        requests[r],
        `expected at most resources.limits.${r} (${String(limits[r])}): the API server rejects a request above its limit`,
      );
    }
  }
}

/** Container names, volume names and mount paths must be unique in a pod; the program's own come first. */
function checkPodNames(app: RawApp, push: Push): void {
  if (Array.isArray(app.initContainers)) {
    const seen = new Map<string, number>();
    app.initContainers.forEach((c, i) => {
      if (!isObj(c) || typeof c.name !== "string") return;
      if (c.name === reserved.containerName)
        push(
          ["initContainers", i, "name"],
          c.name,
          `expected a name other than '${reserved.containerName}' (the app's container has it; container names must be unique in a pod)`,
        );
      else if (seen.has(c.name))
        push(["initContainers", i, "name"], c.name, `expected a unique container name (initContainers[${seen.get(c.name)}] has it too)`);
      seen.set(c.name, i);
    });
  }
  const claims = isObj(app.statefulSet) && Array.isArray(app.statefulSet.volumeClaimTemplates) ? app.statefulSet.volumeClaimTemplates : [];
  const readOnlyRoot = !isObj(app.security) || app.security.readOnlyRootFilesystem !== false;
  const names = new Map<string, number>();
  const paths = new Map<string, number>();
  claims.forEach((v, i) => {
    if (!isObj(v)) return;
    const at = (...p: Path) => ["statefulSet", "volumeClaimTemplates", i, ...p];
    if (typeof v.name === "string") {
      if (v.name === reserved.tmpVolume)
        push(
          at("name"),
          v.name,
          `expected a name other than '${reserved.tmpVolume}': the program's own /tmp volume has it, and a claim would replace it`,
        );
      else if (names.has(v.name))
        push(at("name"), v.name, `expected a unique claim name (volumeClaimTemplates[${names.get(v.name)}] has it too)`);
      names.set(v.name, i);
    }
    if (typeof v.mountPath === "string") {
      const p = v.mountPath.replace(/\/+$/, "") || "/";
      if (readOnlyRoot && p === reserved.tmpMountPath)
        push(
          at("mountPath"),
          v.mountPath,
          `expected a path other than ${reserved.tmpMountPath}: the program mounts a writable emptyDir there (security.readOnlyRootFilesystem)`,
        );
      else if (paths.has(p))
        push(at("mountPath"), v.mountPath, `expected a unique mount path (volumeClaimTemplates[${paths.get(p)}] mounts there too)`);
      paths.set(p, i);
    }
  });
}

/** Impossible or unsafe progressive-delivery plans. */
function checkStrategy(strategy: StrategyConfig, replicas: number, push: Push): void {
  const at = (...p: Path) => ["strategy", ...p];
  switch (strategy.type) {
    case "blueGreen": {
      if (strategy.slots === undefined) {
        if (strategy.live !== undefined)
          push(at("live"), strategy.live, "expected no live slot without slots: the program continues from the stack's last release");
        if (strategy.promote === true && strategy.autoPromote === true)
          push(at("promote"), true, "expected false with autoPromote: true (every release is promoted)");
        if (strategy.promote === true && strategy.rollback === true)
          push(at("rollback"), true, "expected false with promote: true (one moves to the new release, the other away from it)");
        break;
      }
      for (const key of ["promote", "rollback"] as const)
        if (strategy[key] === true)
          push(at(key), true, `expected false with pinned slots (set live instead), or remove slots to let the program track releases`);
      const slots: Record<string, unknown> = isObj(strategy.slots) ? strategy.slots : {};
      const fresh = (["blue", "green"] as const).filter((s) => !(isObj(slots[s]) && slots[s].image));
      if (fresh.length > 1)
        push(
          at("slots"),
          strategy.slots,
          "expected at most one slot without an image (that slot runs the stack image); pin the other slot to the digest it runs now",
        );
      if (strategy.autoPromote === true && strategy.live)
        push(at("live"), strategy.live, "expected no live slot with autoPromote: live becomes the slot running the new version");
      if (strategy.autoPromote === true && fresh.length === 0)
        push(at("autoPromote"), true, "expected one slot without an image (the new version) to promote to");
      if (strategy.autoPromote !== true && !strategy.live)
        push(at("live"), undefined, "expected 'blue' or 'green': the slot the live Service selects");
      break;
    }
    case "canary": {
      const steps = Array.isArray(strategy.steps) && strategy.steps.every(isInt) ? strategy.steps : undefined;
      const weight = isInt(strategy.weight) ? strategy.weight : undefined;
      if (steps) {
        steps.forEach((w, i) => {
          if (i > 0 && w <= steps[i - 1]) push(at("steps", i), w, `expected weights increasing within a rollout (after ${steps[i - 1]})`);
        });
        if (steps.length > 0 && strategy.promote !== true && weight !== undefined && weight > 0 && !steps.includes(weight))
          push(at("weight"), weight, `expected one of the planned steps ${steps.join(", ")}`);
      }
      if (strategy.stable === undefined) {
        // Tracked: the program walks `steps`, one per `pulumi up`.
        if (strategy.weight !== undefined)
          push(at("weight"), strategy.weight, "expected no weight without stable: the program takes the next of steps each pulumi up");
        if (strategy.steps === undefined)
          push(at("steps"), undefined, "expected the planned weights (the program walks them without stable)");
        if (isObj(strategy.canary) && strategy.canary.image !== undefined)
          push(at("canary", "image"), strategy.canary.image, "expected no canary image without stable: the canary runs the stack image");
        steps?.forEach((w, i) => {
          if (strategy.traffic === "replicas" && w > 50)
            push(at("steps", i), w, "expected at most 50 with traffic 'replicas': canary replicas may not exceed stable's");
          else if (strategy.traffic === "replicas" && replicas < 2)
            push(at("steps", i), w, `expected at least 2 replicas to split by pod count, got ${replicas}`);
        });
        if (strategy.promote === true && strategy.pause === true)
          push(at("pause"), true, "expected false with promote: true (promote ends the canary, pause holds it)");
      } else {
        if (weight === undefined && strategy.weight === undefined)
          push(at("weight"), undefined, "expected an integer percentage between 0 and 100");
        if (strategy.pause === true) push(at("pause"), true, "expected false with a pinned stable (hold by leaving weight as it is)");
      }
      // A canary by gateway without its own gateway uses the stack's (rollout:traffic); checkTraffic reports when there is none.
      if (strategy.traffic === "replicas" && strategy.gateway)
        push(at("gateway"), strategy.gateway, "expected no gateway with traffic 'replicas' (set traffic: gateway to route by weight)");
      if (weight !== undefined && strategy.traffic === "replicas" && strategy.promote !== true && weight > 50) {
        push(at("weight"), weight, "expected at most 50 with traffic 'replicas': canary replicas may not exceed stable's; promote instead");
      } else if (weight !== undefined && strategy.traffic === "replicas" && weight > 0 && replicas < 2) {
        push(at("weight"), weight, `expected at least 2 replicas to split by pod count, got ${replicas}`);
      }
      if (weight !== undefined && strategy.promote === true && weight !== 100 && weight !== 0)
        push(at("promote"), true, `expected weight 100 (or 0) when promoting, got ${weight}`);
      break;
    }
    case "abTest": {
      const m = isObj(strategy.match) ? strategy.match : {};
      if ((m.header === undefined) === (m.cookie === undefined))
        push(at("match"), strategy.match, "expected exactly one of header or cookie");
      const pinned = (v: unknown) => isObj(v) && v.image !== undefined;
      if (strategy.promote === true && (pinned(strategy.a) || pinned(strategy.b)))
        push(
          at("promote"),
          true,
          "expected false with A or B pinned to a digest: promote moves a tracked A to B's image; pin A to B's digest instead, or unpin both",
        );
      break;
    }
    default:
      break;
  }
}

export const stackSchema = (env: Environment) =>
  mapping(
    {
      environment: oneOf(environments),
      cluster: z.discriminatedUnion("provider", [gkeClusterSchema(env), kubeconfigClusterSchema], {
        error: "expected a mapping whose provider is one of 'gke', 'kubeconfig'",
      }),
      registry: registrySchema(env).optional(),
      image: imageSchema,
      cd: cdSchema.prefault({}),
      traffic: trafficSchema.optional(),
      apps: list(appSchema(env), "apps").min(1, { error: "expected at least one app" }),
      gitops: gitopsSchema.optional(),
    },
    "environment, cluster, registry, image, cd, traffic, apps, gitops",
  ).check(
    z.superRefine((stack, ctx) => {
      if (!isObj(stack)) return;
      const { cluster, registry, image, apps, cd } = stack;
      const push: Push = (path, input, message) => ctx.issues.push({ code: "custom", input, path, message });
      if (isObj(cd) && typeof cd.namespace === "string") {
        const reservedProblem = reservedNamespaceProblem(cd.namespace);
        if (reservedProblem)
          push(["cd", "namespace"], cd.namespace, `expected a namespace of its own for the CD identity: ${reservedProblem}`);
        if (Array.isArray(apps)) {
          apps.forEach((app, i) => {
            if (isObj(app) && typeof app.name === "string" && `${env}-${app.name}` === cd.namespace) {
              push(
                ["cd", "namespace"],
                cd.namespace,
                `expected a namespace other than apps[${i}]'s ('${env}-${app.name}'): the CD namespace and an app namespace would be one object owned twice`,
              );
            }
          });
        }
      }
      checkTraffic(stack, push);
      checkSecrets(stack, push);
      if (!isObj(cluster) || !isObj(image) || !Array.isArray(apps)) return;
      gitopsProblems(stack).forEach((p) => push(p.path, p.input, p.message));
      if (env === "production" && cluster.provider !== "gke")
        push(["cluster", "provider"], cluster.provider, "expected 'gke' in production");
      if (cluster.provider === "gke" && !registry)
        push(["registry"], undefined, "expected a registry block for a GKE stack (the Artifact Registry repository images are pushed to)");
      if (cluster.provider !== "gke" && registry) push(["registry"], registry, "expected no registry unless cluster.provider is 'gke'");
      if (cluster.provider !== "gke" && image.source === "build")
        push(["image", "source"], image.source, "expected 'prebuilt' or 'promote' without a GKE registry to push to");
      if (env === "production" && image.source === "build")
        push(
          ["image", "source"],
          image.source,
          "expected 'promote' in production: production runs the exact digest staging ran, it never rebuilds",
        );
      const seen = new Map<string, number>();
      apps.forEach((app, i) => {
        if (!isObj(app) || typeof app.name !== "string") return;
        if (seen.has(app.name)) push(["apps", i, "name"], app.name, `expected a unique app name (apps[${seen.get(app.name)}] has it too)`);
        seen.set(app.name, i);
      });
    }, always()),
  );

export type StackConfig = z.output<ReturnType<typeof stackSchema>>;
export type ClusterConfig = StackConfig["cluster"];
export type GkeClusterConfig = Extract<ClusterConfig, { provider: "gke" }>;
export type ImageConfig = StackConfig["image"];
export type RegistryConfig = NonNullable<StackConfig["registry"]>;
export type CdConfig = StackConfig["cd"];
