import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, formatKeyPath, parseStackConfig } from "../../../config/load";
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
