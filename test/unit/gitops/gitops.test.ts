// GitOps mode (rollout:gitops): config, the pure builder, the program under mocks, the rendered
// Stack against the Pulumi Kubernetes Operator's CRD schema (v2.9.0), and a server-side dry run
// on the local control plane with those CRDs installed. The last two need the CRDs
// (ROLLOUT_PKO_CRDS, default ~/.cache/rollout/pko-crds/v2.9.0) and, for the dry run, a running
// control plane; each skips saying why when its prerequisite is missing.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { ConfigError, parseStackConfig } from "../../../config/load";
import { evaluate } from "../../../policy/lib/evaluate";
import type { GitopsConfig } from "../../../config/gitops";
import { branchRef, gitopsObjects, Manifest } from "../../../lib/gitops";
import { runOffline } from "../../../tools/offline";
import { committedConfig, one, projectDir, sha, stagingImage, T } from "../../support/stacks";

const CACHE = process.env.ROLLOUT_CACHE ?? path.join(os.homedir(), ".cache", "rollout");
const CRDS = process.env.ROLLOUT_PKO_CRDS ?? path.join(CACHE, "pko-crds", "v2.9.0");
const STACK_CRD = path.join(CRDS, "pulumi.com_stacks.yaml");
const KUBECONFIG = process.env.ROLLOUT_KUBECONFIG ?? path.join(CACHE, "cluster", "kubeconfig");
const DRY_RUN_NS = "h14-gitops";

const KMS = "gcpkms://projects/acme-rollout-prod/locations/europe-west1/keyRings/rollout/cryptoKeys/pulumi";
const DEPLOYER = "production-deployer@acme-rollout-prod.iam.gserviceaccount.com";
const gitops = {
  repository: "https://github.com/acme/rollout.git",
  backend: "gs://acme-rollout-state",
  secretsProvider: KMS,
  credentials: { workloadIdentity: DEPLOYER },
};
/** `gitops` with the documented defaults, written out (not taken from the schema under test). */
const withDefaults = (over: Partial<GitopsConfig> = {}): GitopsConfig =>
  ({
    ...gitops,
    branch: "main",
    repoDir: ".",
    namespace: "pulumi-gitops",
    serviceAccount: "pulumi-workspace",
    resyncSeconds: 300,
    ...over,
  }) as GitopsConfig;

const PROMOTED = `europe-west1-docker.pkg.dev/acme-rollout-staging/rollout/okeydokey@sha256:${"a".repeat(64)}`;
/** Production in GitOps mode: the promoted digest is committed (prebuilt), not read from staging. */
function production(extra: Record<string, unknown>): Record<string, unknown> {
  return { ...committedConfig("production"), "rollout:image": { source: "prebuilt", ref: PROMOTED, commit: sha }, ...extra };
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  assert.fail("expected a ConfigError");
}

const labels = {
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/part-of": "rollout",
  "rollout.dev/environment": "production",
};

describe("GitOps mode (rollout:gitops)", function () {
  describe("config", function () {
    it("fills the documented defaults", function () {
      const config = parseStackConfig(production({ "rollout:gitops": gitops }), "production");
      assert.deepEqual(config.gitops, withDefaults());
      assert.equal(parseStackConfig(committedConfig("production"), "production").gitops, undefined);
    });

    it("accepts the config as Pulumi hands it to the program (a JSON string)", function () {
      const config = parseStackConfig(production({ "rollout:gitops": JSON.stringify(gitops) }), "production");
      assert.equal(config.gitops?.backend, "gs://acme-rollout-state");
    });

    it("names each bad key, its value and what is expected", function () {
      const problems = problemsOf(() =>
        parseStackConfig(
          production({
            "rollout:gitops": {
              ...gitops,
              repository: "github.com/acme/rollout",
              backend: "file:///tmp/state",
              resyncSeconds: 59,
              namespace: "Pulumi",
              workspaceImage: "pulumi/pulumi:latest",
              extra: 1,
            },
          }),
          "production",
        ),
      );
      assert.deepEqual(problems.sort(), [
        'rollout:gitops.backend: expected gs://<bucket>[/<prefix>], got "file:///tmp/state"',
        "rollout:gitops.extra: unknown key; check the spelling against the config reference in README.md",
        "rollout:gitops.namespace: expected a DNS label (lower-case letters, digits and '-', at most 63 characters), got \"Pulumi\"",
        'rollout:gitops.repository: expected an https:// or git@host:owner/name git URL, got "github.com/acme/rollout"',
        "rollout:gitops.resyncSeconds: expected at least 60 seconds, got 59",
        'rollout:gitops.workspaceImage: expected a tag other than latest, got "pulumi/pulumi:latest"',
      ]);
      assert.deepEqual(
        problemsOf(() => parseStackConfig(production({ "rollout:gitops": { ...gitops, resyncSeconds: 86_401 } }), "production")),
        ["rollout:gitops.resyncSeconds: expected at most 86400 seconds, got 86401"],
      );
      assert.equal(
        parseStackConfig(production({ "rollout:gitops": { ...gitops, resyncSeconds: 60 } }), "production").gitops?.resyncSeconds,
        60,
      );
    });

    it("wants exactly one way to the backend's credentials, by reference", function () {
      for (const credentials of [
        {},
        { workloadIdentity: DEPLOYER, secretEnv: { A: { name: "s", key: "k" } } },
        { secretEnv: {} },
        { password: "hunter2" },
      ]) {
        const problems = problemsOf(() => parseStackConfig(production({ "rollout:gitops": { ...gitops, credentials } }), "production"));
        assert.ok(
          problems.some((p) => p.startsWith("rollout:gitops.credentials")),
          `${JSON.stringify(credentials)}: ${JSON.stringify(problems)}`,
        );
      }
    });

    it("wants the digest in git: refuses a stack that builds or promotes its image", function () {
      const build = problemsOf(() =>
        parseStackConfig(
          {
            ...committedConfig("staging"),
            "rollout:gitops": {
              ...gitops,
              credentials: { workloadIdentity: "staging-deployer@acme-rollout-staging.iam.gserviceaccount.com" },
            },
          },
          "staging",
        ),
      );
      assert.deepEqual(build, [
        `rollout:image.source: expected 'prebuilt' (a digest in git) with rollout:gitops: the Operator's workspace pod cannot build images (CI builds, tests and pushes, then the digest is committed), got "build"`,
      ]);
      const promote = problemsOf(() => parseStackConfig({ ...committedConfig("production"), "rollout:gitops": gitops }, "production"));
      assert.deepEqual(promote, [
        `rollout:image.source: expected 'prebuilt' (a digest in git) with rollout:gitops: every resync would deploy whatever the source stack exports now, without a commit or a review (commit the promoted digest instead), got "promote"`,
      ]);
      assert.equal(parseStackConfig(production({ "rollout:gitops": gitops }), "production").image.source, "prebuilt");
    });
  });

  describe("objects (lib/gitops.ts)", function () {
    const config = withDefaults;

    it("branch refs are fully qualified", function () {
      assert.equal(branchRef("main"), "refs/heads/main");
      assert.equal(branchRef("refs/tags/v1"), "refs/tags/v1");
    });

    it("Workload Identity: the annotated service account, its auth-delegator binding and the Stack", function () {
      const o = gitopsObjects(config(), { stack: "production", environment: "production" });
      assert.deepEqual(o.namespace, {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
          name: "pulumi-gitops",
          labels: { ...labels, "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" },
        },
      });
      assert.deepEqual(o.serviceAccount, {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: {
          name: "pulumi-workspace",
          namespace: "pulumi-gitops",
          labels,
          annotations: { "iam.gke.io/gcp-service-account": DEPLOYER },
        },
      });
      assert.deepEqual(o.authDelegator, {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "pulumi-gitops:pulumi-workspace:system:auth-delegator", labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
        subjects: [{ kind: "ServiceAccount", name: "pulumi-workspace", namespace: "pulumi-gitops" }],
      });
      assert.deepEqual(o.stack, {
        apiVersion: "pulumi.com/v1",
        kind: "Stack",
        metadata: { name: "production", namespace: "pulumi-gitops", labels },
        spec: {
          stack: "production",
          projectRepo: "https://github.com/acme/rollout.git",
          branch: "refs/heads/main",
          serviceAccountName: "pulumi-workspace",
          backend: "gs://acme-rollout-state",
          secretsProvider: KMS,
          refresh: true,
          continueResyncOnCommitMatch: true,
          resyncFrequencySeconds: 300,
          useLocalStackOnly: true,
          destroyOnFinalize: false,
        },
      });
    });

    it("Secret references: env from named keys, git token by reference, never a value", function () {
      const o = gitopsObjects(
        config({
          credentials: {
            secretEnv: { GOOGLE_CREDENTIALS: { name: "state-creds", key: "json" }, AWS_REGION: { name: "env", key: "region" } },
          },
          gitAuth: { name: "git", key: "token" },
          repoDir: "infra/rollout",
          stack: "acme/rollout.staging",
          workspaceImage: "pulumi/pulumi:3.259.0-nonroot",
          branch: "release",
        }),
        { stack: "staging", environment: "staging" },
      );
      assert.equal(o.serviceAccount.metadata.annotations, undefined);
      assert.equal(o.stack.metadata.name, "acme-rollout-staging");
      const spec = o.stack.spec as Record<string, unknown>;
      assert.equal(spec.stack, "acme/rollout.staging");
      assert.equal(spec.branch, "refs/heads/release");
      assert.equal(spec.repoDir, "infra/rollout");
      assert.deepEqual(spec.envRefs, {
        AWS_REGION: { type: "Secret", secret: { name: "env", key: "region" } },
        GOOGLE_CREDENTIALS: { type: "Secret", secret: { name: "state-creds", key: "json" } },
      });
      assert.deepEqual(Object.keys(spec.envRefs as object), ["AWS_REGION", "GOOGLE_CREDENTIALS"]);
      assert.deepEqual(spec.gitAuth, { accessToken: { type: "Secret", secret: { name: "git", key: "token" } } });
      assert.deepEqual(spec.workspaceTemplate, { spec: { image: "pulumi/pulumi:3.259.0-nonroot" } });
    });
  });

  describe("the program under mocks", function () {
    const refs = { "acme/rollout/staging": { image: stagingImage, imageCommit: sha } };

    it("production with rollout:gitops registers the Operator's objects, parented, in order", async function () {
      const result = await runOffline(production({ "rollout:gitops": gitops }), "production", { projectDir, stackReferences: refs });
      const expected = gitopsObjects(parseStackConfig(production({ "rollout:gitops": gitops }), "production").gitops!, {
        stack: "production",
        environment: "production",
      });
      const ns = one(result, T.namespace, "pulumi-gitops");
      const sa = one(result, T.serviceAccount, "pulumi-workspace");
      const crb = one(result, T.clusterRoleBinding, "pulumi-gitops:pulumi-workspace:system:auth-delegator");
      const stack = one(result, "kubernetes:pulumi.com/v1:Stack");
      assert.deepEqual(
        [ns.name, sa.name, crb.name, stack.name],
        ["production-gitops-ns", "production-gitops-sa", "production-gitops-auth-delegator", "production-gitops-stack"],
      );
      for (const r of [ns, sa, crb, stack]) assert.equal(r.parent, "production-gitops");
      assert.deepEqual(stack.dependsOn, ["production-gitops-sa", "production-gitops-auth-delegator"]);
      assert.deepEqual(sa.dependsOn, ["production-gitops-ns"]);
      assert.deepEqual(stack.props.spec, expected.stack.spec);
      assert.deepEqual(stack.props.metadata, expected.stack.metadata);
      assert.deepEqual(sa.props.metadata.annotations, { "iam.gke.io/gcp-service-account": DEPLOYER });
      assert.deepEqual(crb.props.subjects, [{ kind: "ServiceAccount", name: "pulumi-workspace", namespace: "pulumi-gitops" }]);
    });

    it("production with rollout:gitops still passes every mandatory rule of the policy pack", async function () {
      const result = await runOffline(production({ "rollout:gitops": gitops }), "production", { projectDir, stackReferences: refs });
      const resources = result.resources
        .filter((r) => r.type.startsWith("kubernetes:") || r.type.startsWith("gcp:"))
        .map((r) => ({ type: r.type, name: r.name, props: r.props, opts: { protect: r.protect } }));
      const violations = evaluate(resources, {
        environment: "production",
        allowedRegistries: ["europe-west1-docker.pkg.dev/acme-rollout-staging/rollout/"],
      }).filter((v) => v.enforcementLevel === "mandatory");
      assert.deepEqual(
        violations.map((v) => `${v.policy} ${v.resource}: ${v.message}`),
        [],
      );
      assert.ok(resources.some((r) => r.type === "kubernetes:pulumi.com/v1:Stack"));
    });

    it("without rollout:gitops there is no Operator object", async function () {
      const result = await runOffline(committedConfig("production"), "production", { projectDir, stackReferences: refs });
      assert.deepEqual(
        result.resources.filter((r) => r.type === "kubernetes:pulumi.com/v1:Stack" || r.name.includes("gitops")).map((r) => r.name),
        [],
      );
    });
  });

  // -------------------------------------------------------------------------
  // Against the Operator's own CRD (v2.9.0).

  type Schema = {
    type?: string;
    properties?: Record<string, Schema>;
    additionalProperties?: Schema | boolean;
    required?: string[];
    items?: Schema;
    "x-kubernetes-preserve-unknown-fields"?: boolean;
    "x-kubernetes-int-or-string"?: boolean;
  };

  /** What a structural schema would reject or silently prune (an unknown field is pruned, not refused). */
  function schemaProblems(value: unknown, schema: Schema, at: string): string[] {
    if (schema["x-kubernetes-int-or-string"])
      return typeof value === "number" || typeof value === "string" ? [] : [`${at}: expected int or string`];
    const t = schema.type;
    if (t === "object" || schema.properties) {
      if (typeof value !== "object" || value === null || Array.isArray(value))
        return [`${at}: expected object, got ${JSON.stringify(value)}`];
      const problems: string[] = [];
      for (const r of schema.required ?? []) if (!(r in value)) problems.push(`${at}.${r}: required`);
      for (const [k, v] of Object.entries(value)) {
        const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
        if (sub) problems.push(...schemaProblems(v, sub, `${at}.${k}`));
        else if (!schema["x-kubernetes-preserve-unknown-fields"]) problems.push(`${at}.${k}: not in the schema (would be pruned)`);
      }
      return problems;
    }
    if (t === "array")
      return Array.isArray(value)
        ? value.flatMap((v, i) => schemaProblems(v, schema.items ?? {}, `${at}[${i}]`))
        : [`${at}: expected array`];
    if (t === "string") return typeof value === "string" ? [] : [`${at}: expected string, got ${JSON.stringify(value)}`];
    if (t === "integer") return Number.isInteger(value) ? [] : [`${at}: expected integer, got ${JSON.stringify(value)}`];
    if (t === "boolean") return typeof value === "boolean" ? [] : [`${at}: expected boolean, got ${JSON.stringify(value)}`];
    return [];
  }

  function stackSchema(): Schema {
    const crd = parse(fs.readFileSync(STACK_CRD, "utf8")) as {
      spec: { group: string; versions: Array<{ name: string; served: boolean; schema: { openAPIV3Schema: Schema } }> };
    };
    assert.equal(crd.spec.group, "pulumi.com");
    const v1 = crd.spec.versions.find((v) => v.name === "v1");
    assert.ok(v1?.served, "the CRD serves pulumi.com/v1");
    return v1.schema.openAPIV3Schema.properties!.spec;
  }

  const allOptions = (): Manifest[] => {
    const wi = gitopsObjects(parseStackConfig(production({ "rollout:gitops": gitops }), "production").gitops!, {
      stack: "production",
      environment: "production",
    }).stack;
    const refs = gitopsObjects(
      parseStackConfig(
        production({
          "rollout:gitops": {
            ...gitops,
            credentials: { secretEnv: { GOOGLE_CREDENTIALS: { name: "state-creds", key: "json" } } },
            gitAuth: { name: "git", key: "token" },
            repoDir: "infra",
            workspaceImage: "pulumi/pulumi:3.259.0-nonroot",
          },
        }),
        "production",
      ).gitops!,
      { stack: "production", environment: "production" },
    ).stack;
    return [wi, refs];
  };

  describe("against the Operator's CRD schema (pulumi.com_stacks.yaml, v2.9.0)", function () {
    before(function () {
      if (!fs.existsSync(STACK_CRD)) {
        console.log(`      (skipped: no Operator CRD at ${STACK_CRD}; see README "GitOps mode" for where it comes from)`);
        this.skip();
      }
    });

    it("every field the builder writes exists with its type: nothing is refused or pruned", function () {
      const schema = stackSchema();
      for (const stack of allOptions()) assert.deepEqual(schemaProblems(stack.spec, schema, "spec"), []);
    });

    it("the schema check catches a misspelt or mistyped field", function () {
      const schema = stackSchema();
      const [stack] = allOptions();
      const broken = {
        ...(stack.spec as object),
        resyncFrequency: 300,
        refresh: "yes",
        envRefs: { A: { secret: { name: "s", key: "k" } } },
      };
      assert.deepEqual(schemaProblems(broken, schema, "spec").sort(), [
        "spec.envRefs.A.type: required",
        'spec.refresh: expected boolean, got "yes"',
        "spec.resyncFrequency: not in the schema (would be pruned)",
      ]);
    });
  });

  describe("server-side dry run on the local control plane", function () {
    this.timeout(120_000);
    const kubectl = (args: string[], input?: string) =>
      spawnSync("kubectl", ["--kubeconfig", KUBECONFIG, "--request-timeout=20s", ...args], { input, encoding: "utf8" });

    before(async function () {
      const why = !fs.existsSync(KUBECONFIG)
        ? `no kubeconfig at ${KUBECONFIG} (the control plane is not up; this suite never starts it)`
        : kubectl(["get", "--raw", "/readyz"]).status !== 0
          ? `the control plane at ${KUBECONFIG} does not answer /readyz`
          : !fs.existsSync(STACK_CRD)
            ? `no Operator CRDs at ${CRDS}`
            : undefined;
      if (why) {
        console.log(`      (skipped: ${why})`);
        this.skip();
      }
      // CRDs are cluster-wide and additive: install them only when missing.
      if (kubectl(["get", "crd", "stacks.pulumi.com"]).status !== 0) {
        const res = kubectl(["apply", "--server-side", "-f", CRDS]);
        assert.equal(res.status, 0, res.stderr);
      }
      // A just-created CRD has no conditions yet (kubectl wait errors on that): poll instead.
      const established = () =>
        kubectl([
          "get",
          "crd",
          "stacks.pulumi.com",
          "-o",
          'jsonpath={.status.conditions[?(@.type=="Established")].status}',
        ]).stdout.trim() === "True";
      const deadline = Date.now() + 60_000;
      while (!established()) {
        assert.ok(Date.now() < deadline, "crd/stacks.pulumi.com not Established within 60 s");
        await new Promise((r) => setTimeout(r, 1000));
      }
      const ns = kubectl(["apply", "-f", "-"], stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: DRY_RUN_NS } }));
      assert.equal(ns.status, 0, ns.stderr);
    });

    after(function () {
      if (fs.existsSync(KUBECONFIG)) kubectl(["delete", "namespace", DRY_RUN_NS, "--ignore-not-found", "--wait=false"]);
    });

    const objectsIn = (over: Record<string, unknown>): Manifest[] => {
      const config = parseStackConfig(
        production({ "rollout:gitops": { ...gitops, namespace: DRY_RUN_NS, ...over } }),
        "production",
      ).gitops!;
      const o = gitopsObjects(config, { stack: "production", environment: "production" });
      return [o.serviceAccount, o.authDelegator, o.stack];
    };

    for (const [what, over] of [
      ["Workload Identity", {}],
      [
        "Secret references",
        {
          credentials: { secretEnv: { GOOGLE_CREDENTIALS: { name: "state-creds", key: "json" } } },
          gitAuth: { name: "git", key: "token" },
          workspaceImage: "pulumi/pulumi:3.259.0-nonroot",
        },
      ],
    ] as const) {
      it(`the API server accepts the objects (${what}) as written`, function () {
        const objects = objectsIn(over);
        const res = kubectl(["apply", "--dry-run=server", "-o", "json", "-f", "-"], objects.map((o) => stringify(o)).join("---\n"));
        assert.equal(res.status, 0, res.stderr);
        const items = (JSON.parse(res.stdout) as { items?: Manifest[] }).items ?? [JSON.parse(res.stdout) as Manifest];
        const stack = items.find((i) => i.kind === "Stack");
        assert.ok(stack, res.stdout);
        // Pruning would have dropped unknown fields silently: what comes back is what was sent.
        assert.deepEqual(stack.spec, objects[2].spec);
      });
    }

    it("and refuses a mistyped one (the dry run validates)", function () {
      const [, , stack] = objectsIn({});
      const broken = { ...stack, spec: { ...(stack.spec as object), resyncFrequencySeconds: "often" } };
      const res = kubectl(["apply", "--dry-run=server", "-f", "-"], stringify(broken));
      assert.notEqual(res.status, 0);
      assert.match(res.stderr, /resyncFrequencySeconds/);
    });
  });
});
