import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, expectation, formatKeyPath, parseStackConfig } from "../../../config/load";
import { defaultsByEnvironment } from "../../../config/defaults";
import { committedConfig, digestA, localBase } from "../../support/stacks";

function problems(raw: Record<string, unknown>, stack = "local"): string[] {
  try {
    parseStackConfig(raw, stack);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${(e as Error).message}`);
    return [...e.problems];
  }
  assert.fail("expected the config to be rejected");
}

const app = (over: Record<string, unknown> = {}) => ({ "rollout:apps": [{ name: "demo", ...over }] });

describe("config: parseStackConfig", () => {
  it("accepts each committed stack and applies the environment's defaults", () => {
    for (const stack of ["local", "staging", "production"] as const) {
      const cfg = parseStackConfig(committedConfig(stack), stack);
      assert.equal(cfg.environment, stack);
      assert.equal(cfg.apps[0].minReadySeconds, defaultsByEnvironment[stack].minReadySeconds);
      assert.equal(cfg.apps[0].progressDeadlineSeconds, defaultsByEnvironment[stack].progressDeadlineSeconds);
    }
  });

  it("reports several bad keys together, each with its full key path, the bad value and what is expected", () => {
    const found = problems(
      {
        "rollout:cluster": { provider: "gke", project: "X", region: "eu" },
        "rollout:image": { source: "build" },
        "rollout:apps": [
          { name: "demo", replicas: -2, replica: 3 },
          { name: "Bad_Name", image: "nginx:latest" },
        ],
        "rollout:typo": true,
      },
      "staging",
    );
    assert.ok(found.includes("rollout:apps[0].replicas: expected an integer >= 1, got -2"), found.join("\n"));
    assert.ok(found.some((p) => p.startsWith("rollout:apps[0].replica: unknown key")));
    assert.ok(found.some((p) => p.startsWith("rollout:apps[1].name: expected a DNS label") && p.endsWith('got "Bad_Name"')));
    assert.ok(
      found.some(
        (p) => p.startsWith("rollout:apps[1].image: expected an image reference pinned by digest") && p.endsWith('got "nginx:latest"'),
      ),
    );
    assert.ok(found.some((p) => p.startsWith("rollout:cluster.project: expected a GCP project ID") && p.endsWith('got "X"')));
    assert.ok(found.some((p) => p.startsWith("rollout:cluster.region:")));
    assert.ok(found.some((p) => p.startsWith("rollout:typo: unknown key")));
    assert.ok(found.some((p) => p.startsWith("rollout:registry: expected a registry block")));
    assert.equal(found.length, 8, found.join("\n"));
  });

  it("formats key paths like the Pulumi config keys", () => {
    assert.equal(formatKeyPath(["apps", 0, "probes", "readiness", "periodSeconds"]), "rollout:apps[0].probes.readiness.periodSeconds");
  });

  it("requires an environment when the stack name is not one", () => {
    const found = problems({ ...localBase, ...app() }, "dev");
    assert.deepEqual(found, [
      "rollout:environment: expected one of local, staging, production (required because the stack name 'dev' is not one of them)",
    ]);
  });

  const rejected: [string, Record<string, unknown>, string, string][] = [
    [
      "a PDB with both minAvailable and maxUnavailable",
      app({ replicas: 3, pdb: { minAvailable: 1, maxUnavailable: 1 } }),
      "rollout:apps[0].pdb",
      "expected exactly one of minAvailable or maxUnavailable",
    ],
    [
      "a PDB with neither field",
      app({ replicas: 3, pdb: {} }),
      "rollout:apps[0].pdb",
      "expected exactly one of minAvailable or maxUnavailable",
    ],
    [
      "a PDB that blocks every eviction (minAvailable >= replicas)",
      app({ replicas: 3, pdb: { minAvailable: 3 } }),
      "rollout:apps[0].pdb.minAvailable",
      "still allows one voluntary eviction with 3 replica(s)",
    ],
    [
      "a PDB of minAvailable 100%",
      app({ replicas: 3, pdb: { minAvailable: "100%" } }),
      "rollout:apps[0].pdb.minAvailable",
      "blocks node drains",
    ],
    [
      "a PDB of maxUnavailable 0",
      app({ replicas: 3, pdb: { maxUnavailable: 0 } }),
      "rollout:apps[0].pdb.maxUnavailable",
      "blocks node drains",
    ],
    [
      "a grace period not longer than the preStop drain",
      app({ lifecycle: { drainSeconds: 10, terminationGracePeriodSeconds: 10 } }),
      "rollout:apps[0].lifecycle.terminationGracePeriodSeconds",
      "expected an integer > lifecycle.drainSeconds (10)",
    ],
    [
      "maxSurge and maxUnavailable both 0",
      app({ strategy: { type: "rolling", maxSurge: 0, maxUnavailable: "0%" } }),
      "rollout:apps[0].strategy.maxUnavailable",
      "rollout can never progress",
    ],
    [
      "a shell-form command (PID 1 ignores SIGTERM)",
      app({ command: ["sh", "-c", "node server.js"] }),
      "rollout:apps[0].command",
      "does not forward SIGTERM",
    ],
    [
      "a liveness successThreshold other than 1",
      app({ probes: { liveness: { httpGet: { path: "/healthz" }, successThreshold: 2 } } }),
      "rollout:apps[0].probes.liveness.successThreshold",
      "expected 1",
    ],
    [
      "a probe with two handlers",
      app({ probes: { readiness: { httpGet: { path: "/ready" }, tcpSocket: {} } } }),
      "rollout:apps[0].probes.readiness",
      "expected exactly one of httpGet, tcpSocket, exec",
    ],
    [
      "a partition above replicas",
      app({ kind: "StatefulSet", replicas: 2, statefulSet: { partition: 3 } }),
      "rollout:apps[0].statefulSet.partition",
      "expected an integer <= replicas (2)",
    ],
    [
      "a strategy on a StatefulSet",
      app({ kind: "StatefulSet", strategy: { type: "recreate" } }),
      "rollout:apps[0].strategy",
      "use statefulSet.updateStrategy",
    ],
    [
      "a DaemonSet with both maxSurge and maxUnavailable above 0",
      app({ kind: "DaemonSet", daemonSet: { maxSurge: 1, maxUnavailable: 1 } }),
      "rollout:apps[0].daemonSet.maxSurge",
      "expected exactly one of",
    ],
    [
      "an HPA with minReplicas above maxReplicas",
      app({ hpa: { minReplicas: 5, maxReplicas: 2 } }),
      "rollout:apps[0].hpa.minReplicas",
      "expected an integer <= hpa.maxReplicas (2)",
    ],
    ["a mutable image tag", app({ image: "registry.example/app:latest" }), "rollout:apps[0].image", "pinned by digest"],
    ["an unknown strategy type", app({ strategy: { type: "yolo" } }), "rollout:apps[0].strategy.type", "whose type is one of"],
  ];
  for (const [what, raw, key, expected] of rejected) {
    it(`rejects ${what}, naming ${key}`, () => {
      const found = problems({ ...localBase, ...raw });
      const hit = found.find((p) => p.startsWith(`${key}: `));
      assert.ok(hit, `no problem for ${key} in:\n${found.join("\n")}`);
      assert.ok(hit.includes(expected), hit);
    });
  }

  it("accepts a shell script that execs the app", () => {
    parseStackConfig({ ...localBase, ...app({ command: ["/bin/sh", "-c", "exec /app --port 8080"] }) }, "local");
  });

  it("rejects a rebuild in production and a build without a registry", () => {
    const prod = { ...committedConfig("production"), "rollout:image": { source: "build" } };
    assert.ok(problems(prod, "production").some((p) => p.startsWith("rollout:image.source: expected 'promote' in production")));
    assert.ok(
      problems({ ...localBase, "rollout:image": { source: "build" }, ...app() }).some((p) =>
        p.startsWith("rollout:image.source: expected 'prebuilt' or 'promote'"),
      ),
    );
  });

  it("rejects duplicate app names and a non-GKE production cluster", () => {
    const found = problems(
      {
        ...committedConfig("production"),
        "rollout:cluster": { provider: "kubeconfig" },
        "rollout:registry": undefined,
        "rollout:apps": [{ name: "a" }, { name: "a" }],
      },
      "production",
    );
    assert.ok(found.includes("rollout:cluster.provider: expected 'gke' in production, got \"kubeconfig\""), found.join("\n"));
    assert.ok(found.includes('rollout:apps[1].name: expected a unique app name (apps[0] has it too), got "a"'), found.join("\n"));
  });

  it("decodes structured values the way Pulumi hands them to the program (JSON strings)", () => {
    const cfg = parseStackConfig(
      {
        "rollout:cluster": JSON.stringify({ provider: "kubeconfig" }),
        "rollout:image": JSON.stringify({ source: "prebuilt", ref: `r.example/a@${digestA}` }),
        "rollout:apps": JSON.stringify([{ name: "demo" }]),
      },
      "local",
    );
    assert.equal(cfg.apps[0].name, "demo");
  });
});

describe("config: the program itself (index.ts) under mocks", () => {
  it("throws every problem and registers no resource at all when the config is invalid", async () => {
    const registered: string[] = [];
    pulumi.runtime.setMocks(
      {
        newResource: (a) => {
          registered.push(`${a.type}::${a.name}`);
          return { id: a.name, state: a.inputs };
        },
        call: (a) => a.inputs,
      },
      "rollout",
      "staging",
      false,
    );
    pulumi.runtime.setAllConfig({
      "rollout:cluster": JSON.stringify({ provider: "gke", project: "acme-rollout-staging", region: "europe-west1" }),
      "rollout:registry": "{}",
      "rollout:image": JSON.stringify({ source: "build" }),
      "rollout:apps": JSON.stringify([{ name: "demo", replicas: 0, pdb: { minAvailable: 1, maxUnavailable: 1 } }]),
    });
    let error: Error | undefined;
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        await (require("../../../index") as () => Promise<unknown>)();
      } catch (e) {
        error = e as Error;
      }
      return {};
    });
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    assert.match(error.message, /rollout:apps\[0\]\.replicas: expected an integer >= 1, got 0/);
    assert.match(error.message, /rollout:apps\[0\]\.pdb: expected exactly one of minAvailable or maxUnavailable/);
    // Only the root stack resource exists: nothing of the program was registered.
    assert.deepEqual(
      registered.filter((r) => !r.startsWith("pulumi:pulumi:Stack")),
      [],
    );
  });
});

describe("config/load: the message of a ConfigError", () => {
  it("counts its problems, singular and plural, one per line", () => {
    assert.equal(new ConfigError(["a"]).message, "invalid stack config (1 problem):\n  - a");
    assert.equal(new ConfigError(["a", "b"]).message, "invalid stack config (2 problems):\n  - a\n  - b");
    assert.equal(new ConfigError([]).message, "invalid stack config (0 problems):\n  - ");
    assert.equal(new ConfigError(["a"]).name, "ConfigError");
    assert.deepEqual(new ConfigError(["a", "b"]).problems, ["a", "b"]);
  });
});

describe("config/load: keys", () => {
  const known =
    "expected one of rollout:environment, rollout:cluster, rollout:registry, rollout:image, rollout:cd, rollout:traffic, rollout:apps, rollout:gitops";

  it("ignores other namespaces, reports unknown rollout keys with the known ones", () => {
    assert.deepEqual(problems({ ...localBase, ...app(), "gcp:project": "p", "kubernetes:context": "x", "rollout:foo": 1, rollout: 2 }), [
      `rollout:foo: unknown key; ${known}`,
      `rollout: unknown key; ${known}`,
    ]);
  });

  it("refuses a key set as a secret, without also calling it missing", () => {
    const refusal = (key: string) =>
      `${key}: expected a plain value, not a secret: rollout renders this key into Kubernetes objects in plain text; keep secrets in a Kubernetes Secret or Secret Manager instead`;
    assert.throws(() => parseStackConfig({ ...localBase, ...app() }, "local", ["rollout:apps"]), {
      problems: [refusal("rollout:apps")],
    });
    assert.throws(() => parseStackConfig({ ...localBase, ...app(), "rollout:cd": "{}" }, "local", ["rollout:cd", "gcp:credentials"]), {
      problems: [refusal("rollout:cd")],
    });
    // Only the keys named secret are refused.
    assert.equal(parseStackConfig({ ...localBase, ...app() }, "local", ["rollout:cd"]).apps[0].name, "demo");
  });

  it("takes the environment from the stack name or the environment key", () => {
    assert.equal(parseStackConfig({ ...localBase, ...app() }, "staging").environment, "staging");
    assert.equal(parseStackConfig({ ...localBase, ...app(), "rollout:environment": "staging" }, "local").environment, "staging");
    assert.equal(parseStackConfig({ ...localBase, ...app(), "rollout:environment": "local" }, "dev").environment, "local");
    assert.deepEqual(problems({ ...localBase, ...app(), "rollout:environment": "dev" }, "dev"), [
      `rollout:environment: expected one of 'local', 'staging', 'production', got "dev"`,
    ]);
  });

  it("with no environment, still reports the other problems (against staging's schema)", () => {
    assert.deepEqual(problems({ ...localBase, "rollout:apps": [{ name: "demo", replicas: 0 }] }, "dev"), [
      "rollout:environment: expected one of local, staging, production (required because the stack name 'dev' is not one of them)",
      "rollout:apps[0].replicas: expected an integer >= 1, got 0",
    ]);
  });

  it("decodes JSON strings of mappings and lists, keeps other strings", () => {
    assert.equal(parseStackConfig({ ...localBase, "rollout:apps": ' \n[{"name":"demo"}] ' }, "local").apps[0].name, "demo");
    assert.equal(parseStackConfig({ ...localBase, ...app(), "rollout:cd": '{"namespace":"ops"}' }, "local").cd.namespace, "ops");
    assert.deepEqual(problems({ ...localBase, "rollout:apps": "[{not json" }), ['rollout:apps: expected a list of apps, got "[{not json"']);
    assert.deepEqual(problems({ ...localBase, "rollout:apps": "{not json" }), ['rollout:apps: expected a list of apps, got "{not json"']);
    assert.deepEqual(problems({ ...localBase, "rollout:apps": "demo" }), ['rollout:apps: expected a list of apps, got "demo"']);
    assert.deepEqual(problems({ ...localBase, "rollout:apps": "[]" }), ["rollout:apps: expected at least one app, got []"]);
  });
});

describe("config/load: key paths", () => {
  it("writes the first key after ':', later ones after '.', indexes in brackets", () => {
    assert.equal(formatKeyPath([]), "rollout");
    assert.equal(formatKeyPath(["apps"]), "rollout:apps");
    assert.equal(formatKeyPath([0]), "rollout[0]");
    assert.equal(formatKeyPath(["apps", 0, "env", "x.y/z-1_2"]), "rollout:apps[0].env.x.y/z-1_2");
  });

  it("quotes user keys that would not read as one segment", () => {
    assert.equal(formatKeyPath(["apps", 0, "env", "a b"]), 'rollout:apps[0].env["a b"]');
    assert.equal(formatKeyPath(["a", ""]), 'rollout:a[""]');
    assert.equal(formatKeyPath(["a b"]), 'rollout["a b"]');
    assert.equal(formatKeyPath(["config", 'a"b', "c"]), 'rollout:config["a\\"b"].c');
  });
});

describe("config/load: values shown in messages", () => {
  const spread = (value: unknown) => problems({ ...localBase, "rollout:apps": [{ name: "demo", spread: value }] });
  const expected = "rollout:apps[0].spread: expected one of 'zone', 'node', 'none', got ";

  it("shows JSON up to 120 characters, cut to 117 and '...' beyond", () => {
    assert.deepEqual(spread("x".repeat(118)), [`${expected}"${"x".repeat(118)}"`]);
    assert.deepEqual(spread("x".repeat(119)), [`${expected}"${"x".repeat(116)}...`]);
  });

  it("shows what JSON cannot: circular values, big integers, symbols", () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.deepEqual(spread(circular), [`${expected}[object Object]`]);
    assert.deepEqual(spread(BigInt(10)), [`${expected}10`]);
    assert.deepEqual(spread(Symbol("s")), [`${expected}Symbol(s)`]);
  });

  it("says when the key is missing", () => {
    assert.deepEqual(problems({ ...localBase }), ["rollout:apps: expected a list of apps, got nothing (the key is missing)"]);
  });
});

describe("config/load: issues in words", () => {
  const at = (o: Record<string, unknown>) => problems({ ...localBase, "rollout:apps": [{ name: "demo", ...o }] });

  it("one line per unknown key", () => {
    assert.deepEqual(at({ replica: 1, foo: 2 }), [
      "rollout:apps[0].replica: unknown key; check the spelling against the config reference in README.md\n  - rollout:apps[0].foo: unknown key; check the spelling against the config reference in README.md",
    ]);
  });

  it("a union blames the deepest problem of the branch whose shape matched", () => {
    assert.deepEqual(at({ pdb: { minAvailable: "x" } }), [
      'rollout:apps[0].pdb.minAvailable: expected an integer >= 0 or a percentage from "0%" to "100%" such as "25%" (a quoted number like "3" is not one), got "x"',
    ]);
    assert.deepEqual(at({ pdb: true }), [
      "rollout:apps[0].pdb: expected false or a mapping with exactly one of minAvailable, maxUnavailable, got true",
    ]);
    // A union without a message of its own: the first branch's words.
    assert.deepEqual(problems({ ...localBase, ...traffic(), "rollout:apps": [{ name: "demo", route: "x" }] }), [
      'rollout:apps[0].route: expected false, got "x"',
    ]);
  });

  it("keys of a record are checked at their own path", () => {
    const KMS = "gcpkms://projects/acme-rollout-prod/locations/europe-west1/keyRings/rollout/cryptoKeys/pulumi";
    const gitops = { repository: "https://github.com/acme/rollout.git", backend: "gs://acme-rollout-state", secretsProvider: KMS };
    assert.deepEqual(
      problems({ ...localBase, ...app(), "rollout:gitops": { ...gitops, credentials: { secretEnv: { lower: { name: "s", key: "k" } } } } }),
      ['rollout:gitops.credentials.secretEnv.lower: expected an environment variable name, got "lower"'],
    );
    assert.deepEqual(
      problems({ ...localBase, ...app(), "rollout:gitops": { ...gitops, credentials: { secretEnv: { A: { name: "S", key: "k" } } } } }),
      [
        "rollout:gitops.credentials.secretEnv.A.name: expected a DNS label (lower-case letters, digits and '-', at most 63 characters), got \"S\"",
      ],
    );
  });

  it("zod's own checks are worded by kind", () => {
    assert.deepEqual(at({ egress: [{ app: "demo", ports: [0] }] }), ["rollout:apps[0].egress[0].ports[0]: expected a value >= 1, got 0"]);
    assert.deepEqual(at({ egress: [{ app: "demo", ports: [1.5] }] }), ["rollout:apps[0].egress[0].ports[0]: expected an integer, got 1.5"]);
  });
});

function traffic() {
  return { "rollout:traffic": { gateway: { hostnames: ["demo.example.com"] } } };
}

describe("config/load: expectation()", () => {
  const issue = (fields: Record<string, unknown>) => expectation({ path: [], message: "Invalid input", ...fields } as never);

  it("keeps a message written in the schema", () => {
    assert.equal(issue({ code: "custom", message: "expected a thing" }), "expected a thing");
  });

  it("names types", () => {
    assert.equal(issue({ code: "invalid_type", expected: "string" }), "expected a string");
    assert.equal(issue({ code: "invalid_type", expected: "number" }), "expected a number");
    assert.equal(issue({ code: "invalid_type", expected: "int" }), "expected an integer");
    assert.equal(issue({ code: "invalid_type", expected: "boolean" }), "expected true or false");
    assert.equal(issue({ code: "invalid_type", expected: "object" }), "expected a mapping");
    assert.equal(issue({ code: "invalid_type", expected: "array" }), "expected a list");
    assert.equal(issue({ code: "invalid_type", expected: "bigint" }), "expected a value of type bigint");
  });

  it("lists values", () => {
    assert.equal(issue({ code: "invalid_value", values: [false] }), "expected false");
    assert.equal(issue({ code: "invalid_value", values: ["a", 1] }), 'expected one of "a", 1');
  });

  it("bounds by origin", () => {
    assert.equal(issue({ code: "too_small", origin: "array", minimum: 1 }), "expected at least 1 item(s)");
    assert.equal(issue({ code: "too_small", origin: "string", minimum: 2 }), "expected at least 2 character(s)");
    assert.equal(issue({ code: "too_small", origin: "number", minimum: 3 }), "expected a value >= 3");
    assert.equal(issue({ code: "too_big", origin: "array", maximum: 4 }), "expected at most 4 item(s)");
    assert.equal(issue({ code: "too_big", origin: "string", maximum: 5 }), "expected at most 5 character(s)");
    assert.equal(issue({ code: "too_big", origin: "number", maximum: 6 }), "expected a value <= 6");
  });

  it("points to the README for the rest", () => {
    assert.equal(issue({ code: "invalid_format" }), "expected a value in the format the config reference in README.md gives for this key");
    assert.equal(
      issue({ code: "invalid_union" }),
      "expected a value of one of the forms the config reference in README.md gives for this key",
    );
    assert.equal(issue({ code: "not_multiple_of" }), "expected a value as the config reference in README.md describes for this key");
  });
});
