// What the API server or GKE would reject, fields a kind would ignore, and defaults resolved once:
// each rule on both sides of its limit, with the exact message a user sees.
import { strict as assert } from "assert";
import { ConfigError, parseStackConfig } from "../../../config/load";
import type { AppConfig } from "../../../config/schema";
import { committedConfig, digestA, localBase } from "../../support/stacks";

type Env = "local" | "staging" | "production";

function parse(apps: unknown[], env: Env = "local", extra: Record<string, unknown> = {}) {
  const base = env === "production" ? committedConfig("production") : { ...localBase, "rollout:environment": env };
  return parseStackConfig(
    { ...base, "rollout:apps": apps, ...extra },
    env === "production" ? "production" : env === "local" ? "local" : "test-staging",
  );
}

function problems(apps: unknown[], env: Env = "local", extra: Record<string, unknown> = {}): string[] {
  try {
    parse(apps, env, extra);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return [...e.problems];
  }
  assert.fail("expected the config to be rejected");
}

/** The single problem of a config with one bad app. */
function only(app: Record<string, unknown>, env: Env = "local"): string {
  const found = problems([{ name: "demo", ...app }], env);
  assert.equal(found.length, 1, found.join("\n"));
  return found[0];
}

function app(over: Record<string, unknown>, env: Env = "local"): AppConfig {
  return parse([{ name: "demo", ...over }], env).apps[0];
}

describe("config: what the API server would reject", () => {
  it("requests above limits, on both sides of equality", () => {
    assert.equal(
      app({ resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "256Mi" } } }).resources.requests.memory,
      "256Mi",
    );
    assert.equal(
      only({ resources: { requests: { cpu: "100m", memory: "257Mi" }, limits: { memory: "256Mi" } } }),
      'rollout:apps[0].resources.requests.memory: expected at most resources.limits.memory (256Mi): the API server rejects a request above its limit, got "257Mi"',
    );
    assert.equal(
      app({ resources: { requests: { cpu: "500m", memory: "1Mi" }, limits: { cpu: "0.5", memory: "1Mi" } } }).resources.limits.cpu,
      "0.5",
    );
    assert.equal(
      only({ resources: { requests: { cpu: "501m", memory: "1Mi" }, limits: { cpu: "0.5", memory: "1Mi" } } }),
      'rollout:apps[0].resources.requests.cpu: expected at most resources.limits.cpu (0.5): the API server rejects a request above its limit, got "501m"',
    );
    // The default limit (256Mi) applies when only requests are set.
    assert.match(
      only({ resources: { requests: { cpu: "100m", memory: "1Gi" } } }),
      /^rollout:apps\[0\]\.resources\.requests\.memory: expected at most resources\.limits\.memory \(256Mi\)/,
    );
  });

  it("minReadySeconds not below progressDeadlineSeconds, naming the environment's default", () => {
    assert.equal(app({ minReadySeconds: 299 }, "production").minReadySeconds, 299);
    assert.equal(
      only({ minReadySeconds: 300 }, "production"),
      "rollout:apps[0].minReadySeconds: expected an integer < progressDeadlineSeconds (300, the production default): the API server rejects a Deployment whose pods could never count as progressing in time, got 300",
    );
    assert.equal(app({ minReadySeconds: 10, progressDeadlineSeconds: 11 }).progressDeadlineSeconds, 11);
    assert.equal(
      only({ minReadySeconds: 11, progressDeadlineSeconds: 11 }),
      "rollout:apps[0].minReadySeconds: expected an integer < progressDeadlineSeconds (11): the API server rejects a Deployment whose pods could never count as progressing in time, got 11",
    );
    // StatefulSets have no progress deadline: a long minReadySeconds is fine there.
    assert.equal(app({ kind: "StatefulSet", minReadySeconds: 3000 }).minReadySeconds, 3000);
  });

  it("container names that clash with the app's or with each other", () => {
    const cmd = ["/migrate"];
    assert.equal(
      only({ initContainers: [{ name: "app", command: cmd }] }),
      "rollout:apps[0].initContainers[0].name: expected a name other than 'app' (the app's container has it; container names must be unique in a pod), got \"app\"",
    );
    assert.equal(
      only({
        initContainers: [
          { name: "migrate", command: cmd },
          { name: "migrate", command: cmd },
        ],
      }),
      'rollout:apps[0].initContainers[1].name: expected a unique container name (initContainers[0] has it too), got "migrate"',
    );
    assert.deepEqual(
      app({
        initContainers: [
          { name: "apps", command: cmd },
          { name: "migrate", command: cmd },
        ],
      }).initContainers.map((c) => c.name),
      ["apps", "migrate"],
    );
  });

  it("volumes and mounts that clash with the program's /tmp or with each other", () => {
    const claim = (over: Record<string, unknown>) => ({ name: "data", mountPath: "/data", storage: "1Gi", ...over });
    const sts = (claims: unknown[], security?: unknown) => ({
      kind: "StatefulSet",
      statefulSet: { volumeClaimTemplates: claims },
      ...(security ? { security } : {}),
    });
    assert.equal(
      only(sts([claim({ name: "tmp" })])),
      "rollout:apps[0].statefulSet.volumeClaimTemplates[0].name: expected a name other than 'tmp': the program's own /tmp volume has it, and a claim would replace it, got \"tmp\"",
    );
    assert.equal(
      only(sts([claim({ mountPath: "/tmp/" })])),
      'rollout:apps[0].statefulSet.volumeClaimTemplates[0].mountPath: expected a path other than /tmp: the program mounts a writable emptyDir there (security.readOnlyRootFilesystem), got "/tmp/"',
    );
    assert.equal(
      app(sts([claim({ mountPath: "/tmp" })], { readOnlyRootFilesystem: false })).statefulSet?.volumeClaimTemplates[0].mountPath,
      "/tmp",
    );
    assert.equal(app(sts([claim({ mountPath: "/tmpdata" })])).statefulSet?.volumeClaimTemplates[0].mountPath, "/tmpdata");
    assert.equal(
      only(sts([claim({}), claim({ name: "logs", mountPath: "/data/" })])),
      'rollout:apps[0].statefulSet.volumeClaimTemplates[1].mountPath: expected a unique mount path (volumeClaimTemplates[0] mounts there too), got "/data/"',
    );
    assert.equal(
      only(sts([claim({}), claim({ mountPath: "/logs" })])),
      'rollout:apps[0].statefulSet.volumeClaimTemplates[1].name: expected a unique claim name (volumeClaimTemplates[0] has it too), got "data"',
    );
  });

  it("a CD namespace equal to an app's namespace or to a reserved one", () => {
    const apps = [{ name: "demo" }];
    assert.deepEqual(problems(apps, "local", { "rollout:cd": { namespace: "local-demo" } }), [
      "rollout:cd.namespace: expected a namespace other than apps[0]'s ('local-demo'): the CD namespace and an app namespace would be one object owned twice, got \"local-demo\"",
    ]);
    assert.deepEqual(problems(apps, "local", { "rollout:cd": { namespace: "kube-system" } }), [
      "rollout:cd.namespace: expected a namespace of its own for the CD identity: namespaces starting with 'kube-' are reserved for Kubernetes system components, got \"kube-system\"",
    ]);
    assert.deepEqual(problems(apps, "local", { "rollout:cd": { namespace: "default" } }), [
      "rollout:cd.namespace: expected a namespace of its own for the CD identity: 'default' is shared by everything that names no namespace, got \"default\"",
    ]);
    assert.equal(parse(apps, "local", { "rollout:cd": { namespace: "local-demo2" } }).cd.namespace, "local-demo2");
  });

  it("node pool bounds GKE cannot hold, and a node pool Autopilot would ignore", () => {
    const gke = (cluster: Record<string, unknown>) => ({
      "rollout:cluster": { ...(committedConfig("production")["rollout:cluster"] as object), ...cluster },
    });
    assert.deepEqual(problems([{ name: "demo" }], "production", gke({ mode: "standard", nodePool: { minNodes: 4, maxNodes: 3 } })), [
      "rollout:cluster.nodePool.minNodes: expected an integer <= nodePool.maxNodes (3): GKE rejects an autoscaler whose minimum is above its maximum, got 4",
    ]);
    const equal = parse([{ name: "demo" }], "production", gke({ mode: "standard", nodePool: { minNodes: 3, maxNodes: 3 } })).cluster;
    assert.deepEqual(equal.provider === "gke" ? equal.nodePool : undefined, {
      machineType: "e2-standard-4",
      minNodes: 3,
      maxNodes: 3,
      diskSizeGb: 50,
      spot: false,
    });
    assert.deepEqual(problems([{ name: "demo" }], "production", gke({ mode: "autopilot", nodePool: {} })), [
      'rollout:cluster.nodePool: expected no nodePool with mode \'autopilot\' (Autopilot manages the nodes and would ignore it); set mode: standard to use it, got {"machineType":"e2-standard-4","minNodes":1,"maxNodes":3,"diskSizeGb":50,"spot":false}',
    ]);
  });

  it("a gate URL that is not http(s), with the reason", () => {
    const canary = (url: string) => ({
      replicas: 4,
      strategy: {
        type: "canary",
        stable: { image: `r.example/a@${digestA}` },
        weight: 25,
        gates: { prometheus: { url, query: "up", max: 1 } },
      },
    });
    assert.equal(
      only(canary("ftp://prometheus:9090")),
      "rollout:apps[0].strategy.gates.prometheus.url: expected an http(s) URL of the Prometheus API, e.g. http://prometheus.monitoring:9090 (the scheme is 'ftp', expected http or https), got \"ftp://prometheus:9090\"",
    );
    assert.match(only(canary("prometheus.monitoring:9090")), /\(the scheme is 'prometheus\.monitoring', expected http or https\)/);
    const ok = app(canary("https://prometheus.example/api")).strategy;
    assert.equal(ok?.type === "canary" ? ok.gates?.prometheus?.url : undefined, "https://prometheus.example/api");
  });

  it("env vars the program sets, bad names, and env that overrides config", () => {
    assert.equal(
      only({ env: { PORT: "9090" } }),
      'rollout:apps[0].env.PORT: expected no PORT: the program sets it from port (8080) and would override this value, got "9090"',
    );
    assert.equal(
      only({ env: { "1X": "a" } }),
      "rollout:apps[0].env.1X: expected an environment variable name: letters, digits and '_', not starting with a digit, got \"1X\"",
    );
    assert.equal(
      only({ env: { MODE: "a" }, config: { MODE: "b" } }),
      'rollout:apps[0].env.MODE: expected a name that is not also a config key: env MODE would silently override config.MODE, got "a"',
    );
    assert.equal(only({ env: { N: 3 } }), "rollout:apps[0].env.N: expected a string value (quote numbers and booleans in YAML), got 3");
    assert.deepEqual(app({ env: { PORTS: "x" } }).env, { PORTS: "x" });
  });

  it("annotation keys and readiness gates that are not qualified names", () => {
    assert.match(
      only({ podAnnotations: { "Bad.Prefix/x": "v" } }),
      /^rollout:apps\[0\]\.podAnnotations\.Bad\.Prefix\/x: expected an annotation key such as 'example\.com\/owner' \(the prefix 'Bad\.Prefix'/,
    );
    assert.match(
      only({ readinessGates: ["ok/gate", "-bad"] }),
      /^rollout:apps\[0\]\.readinessGates\[1\]: expected a condition type in label-key form/,
    );
    assert.deepEqual(app({ podAnnotations: { "example.com/owner": "team" } }).podAnnotations, { "example.com/owner": "team" });
  });
});

describe("config: fields the kind would ignore are errors", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      "DaemonSet replicas",
      { kind: "DaemonSet", replicas: 3 },
      "rollout:apps[0].replicas: expected no replicas for a DaemonSet: it runs one pod on every eligible node, so this would be ignored, got 3",
    ],
    [
      "a DaemonSet PDB",
      { kind: "DaemonSet", pdb: { maxUnavailable: 1 } },
      'rollout:apps[0].pdb: expected no pdb for a DaemonSet: the program renders none (node drains skip DaemonSet pods), so it would be ignored, got {"maxUnavailable":1}',
    ],
    [
      "partition with OnDelete",
      { kind: "StatefulSet", statefulSet: { updateStrategy: "OnDelete", partition: 0 } },
      "rollout:apps[0].statefulSet.partition: expected no partition with updateStrategy OnDelete: partition only applies to RollingUpdate, so it would be ignored, got 0",
    ],
    [
      "DaemonSet maxSurge with OnDelete",
      { kind: "DaemonSet", daemonSet: { updateStrategy: "OnDelete", maxSurge: 1 } },
      "rollout:apps[0].daemonSet.maxSurge: expected no maxSurge with updateStrategy OnDelete: it only applies to RollingUpdate, so it would be ignored, got 1",
    ],
    [
      "a StatefulSet progressDeadlineSeconds",
      { kind: "StatefulSet", progressDeadlineSeconds: 100 },
      "rollout:apps[0].progressDeadlineSeconds: expected no progressDeadlineSeconds for a StatefulSet: only Deployments have it, so it would be ignored, got 100",
    ],
  ];
  for (const [what, over, message] of cases) it(`rejects ${what}`, () => assert.equal(only(over), message));

  it("accepts pdb: false on a DaemonSet (nothing ignored) and partition at replicas, not above", () => {
    assert.equal(app({ kind: "DaemonSet", pdb: false }).pdb, false);
    assert.equal(app({ kind: "StatefulSet", replicas: 2, statefulSet: { partition: 2 } }).statefulSet?.partition, 2);
    assert.equal(
      only({ kind: "StatefulSet", replicas: 2, statefulSet: { partition: 3 } }),
      "rollout:apps[0].statefulSet.partition: expected an integer <= replicas (2), got 3",
    );
  });

  it("a typo below the app level is an unknown key at its path", () => {
    assert.equal(
      only({ lifecycle: { drainSecond: 5 } }),
      "rollout:apps[0].lifecycle.drainSecond: unknown key; check the spelling against the config reference in README.md",
    );
    assert.equal(
      only({ probes: { readiness: { httpGet: { path: "/", prot: 1 } } } }),
      "rollout:apps[0].probes.readiness.httpGet.prot: unknown key; check the spelling against the config reference in README.md",
    );
  });
});

describe("config: defaults resolved once", () => {
  it("a StatefulSet without its block gets every StatefulSet default", () => {
    assert.deepEqual(app({ kind: "StatefulSet" }).statefulSet, {
      updateStrategy: "RollingUpdate",
      partition: 0,
      podManagementPolicy: "OrderedReady",
      volumeClaimTemplates: [],
    });
    assert.equal(app({ kind: "StatefulSet" }).strategy, undefined);
  });

  it("a DaemonSet without its block gets maxUnavailable 1, maxSurge 0; with only maxSurge, maxUnavailable 0", () => {
    assert.deepEqual(app({ kind: "DaemonSet" }).daemonSet, { updateStrategy: "RollingUpdate", maxUnavailable: 1, maxSurge: 0 });
    assert.deepEqual(app({ kind: "DaemonSet", daemonSet: { maxSurge: "10%" } }).daemonSet, {
      updateStrategy: "RollingUpdate",
      maxUnavailable: 0,
      maxSurge: "10%",
    });
    assert.deepEqual(app({ kind: "DaemonSet", daemonSet: { updateStrategy: "OnDelete" } }).daemonSet, {
      updateStrategy: "OnDelete",
      maxUnavailable: 1,
      maxSurge: 0,
    });
    assert.equal(app({ kind: "DaemonSet" }).replicas, 1);
    assert.equal(app({ kind: "Deployment" }).daemonSet, undefined);
    assert.equal(app({ kind: "Deployment" }).statefulSet, undefined);
  });

  it("the PDB is resolved per environment: staging and production get maxUnavailable 1 above one pod, local none", () => {
    assert.deepEqual(app({ replicas: 2 }, "staging").pdb, { maxUnavailable: 1 });
    assert.equal(app({ replicas: 1 }, "staging").pdb, false);
    assert.deepEqual(app({ replicas: 1, hpa: { minReplicas: 2, maxReplicas: 4 } }, "staging").pdb, { maxUnavailable: 1 });
    assert.deepEqual(app({}, "production").pdb, { maxUnavailable: 1 });
    assert.equal(app({ replicas: 2 }).pdb, false);
    assert.deepEqual(app({ replicas: 3, pdb: { minAvailable: "50%" } }).pdb, { minAvailable: "50%" });
    assert.equal(app({ replicas: 3, pdb: false }, "production").pdb, false);
    assert.equal(app({ kind: "DaemonSet" }, "production").pdb, false);
  });

  it("replicas and the progress deadline come from the environment when unset", () => {
    assert.deepEqual([app({}).replicas, app({}, "staging").replicas, app({}, "production").replicas], [1, 2, 3]);
    assert.deepEqual(
      [app({}).progressDeadlineSeconds, app({}, "staging").progressDeadlineSeconds, app({}, "production").progressDeadlineSeconds],
      [120, 180, 300],
    );
  });

  it("a standard GKE cluster without a node pool gets the default pool; Autopilot gets none", () => {
    const base = committedConfig("production")["rollout:cluster"] as Record<string, unknown>;
    const standard = parse([{ name: "demo" }], "production", { "rollout:cluster": { ...base, mode: "standard" } }).cluster;
    assert.deepEqual(standard.provider === "gke" ? standard.nodePool : "not gke", {
      machineType: "e2-standard-4",
      minNodes: 1,
      maxNodes: 3,
      diskSizeGb: 50,
      spot: false,
    });
    const autopilot = parse([{ name: "demo" }], "production").cluster;
    assert.equal(autopilot.provider === "gke" ? autopilot.nodePool : "not gke", undefined);
  });
});

describe("config: image references", () => {
  it("accepts every valid reference pinned by digest, Docker Hub's short names included", () => {
    for (const ref of [`nginx@${digestA}`, `library/nginx@${digestA}`, `localhost:5000/a@${digestA}`, `r.example/a/b:v1@${digestA}`]) {
      assert.equal(app({ image: ref }).image, ref);
    }
  });

  it("rejects tag-only references and broken digests, saying which", () => {
    assert.equal(
      only({ image: "nginx:1.25" }),
      "rollout:apps[0].image: expected an image reference pinned by digest, such as 'us-docker.pkg.dev/p/r/app@sha256:<64 hex digits>' or 'nginx@sha256:<64 hex digits>'; this one is not pinned by digest: a tag is mutable, so the same config could deploy different code, got \"nginx:1.25\"",
    );
    assert.match(only({ image: "nginx@sha256:abc" }), /this one is not an image reference: 'sha256:abc' after '@' is not a digest/);
  });
});

describe("config: messages in words", () => {
  const zodWords = /Invalid|invalid input|regex|starts_with|in record|format\b|Too (small|big)|expected a valid value/;
  const cases: [string, Record<string, unknown>, string][] = [
    [
      "an empty canary steps list",
      { replicas: 4, strategy: { type: "canary", stable: { image: `r.example/a@${digestA}` }, weight: 10, steps: [] } },
      "rollout:apps[0].strategy.steps: expected at least one planned weight (or leave steps out), got []",
    ],
    [
      "a probe path without '/'",
      { probes: { readiness: { httpGet: { path: "ready" } } } },
      "rollout:apps[0].probes.readiness.httpGet.path: expected an absolute path starting with '/', got \"ready\"",
    ],
    [
      "a string percentage out of range",
      { strategy: { type: "rolling", maxSurge: "150%" } },
      'rollout:apps[0].strategy.maxSurge: expected an integer >= 0 or a percentage from "0%" to "100%" such as "25%" (a quoted number like "3" is not one), got "150%"',
    ],
    [
      "a boolean as a string",
      { security: { readOnlyRootFilesystem: "yes" } },
      'rollout:apps[0].security.readOnlyRootFilesystem: expected true or false, got "yes"',
    ],
    ["an unknown kind", { kind: "Job" }, "rollout:apps[0].kind: expected one of 'Deployment', 'StatefulSet', 'DaemonSet', got \"Job\""],
    [
      "a list where a mapping belongs",
      { lifecycle: [] },
      "rollout:apps[0].lifecycle: expected a mapping (drainSeconds, terminationGracePeriodSeconds, postStart, shareProcessNamespace), got []",
    ],
    [
      "a mapping where a list belongs",
      { initContainers: {} },
      "rollout:apps[0].initContainers: expected a list of init containers, got {}",
    ],
    ["a number where a map belongs", { env: 3 }, "rollout:apps[0].env: expected a mapping of environment variable names to values, got 3"],
    [
      "a quoted int-or-percent",
      { replicas: 3, pdb: { maxUnavailable: "1" } },
      'rollout:apps[0].pdb.maxUnavailable: expected an integer >= 0 or a percentage from "0%" to "100%" such as "25%" (a quoted number like "3" is not one), got "1"',
    ],
  ];
  for (const [what, over, message] of cases) {
    it(`words ${what}`, () => {
      const got = only(over);
      assert.equal(got, message);
      assert.doesNotMatch(got, zodWords);
    });
  }

  it("a strategy type typo is blamed on the type, with the choices", () => {
    assert.equal(
      only({ strategy: { type: "blue-green" } }),
      "rollout:apps[0].strategy.type: expected a mapping whose type is one of 'recreate', 'rolling', 'blueGreen', 'canary', 'abTest', got {\"type\":\"blue-green\"}",
    );
  });

  it("refuses secret rollout keys instead of rendering them in plain text", () => {
    assert.throws(
      () => parseStackConfig({ ...localBase, "rollout:apps": [{ name: "demo" }] }, "local", ["rollout:apps"]),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.problems.length === 1 &&
        e.problems[0] ===
          "rollout:apps: expected a plain value, not a secret: rollout renders this key into Kubernetes objects in plain text; keep secrets in a Kubernetes Secret or Secret Manager instead",
    );
    // Secret keys of other namespaces are none of rollout's business.
    assert.equal(
      parseStackConfig({ ...localBase, "rollout:apps": [{ name: "demo" }], "gcp:credentials": "x" }, "local", ["gcp:credentials"]).apps
        .length,
      1,
    );
  });
});
