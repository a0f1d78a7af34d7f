// rollout:gitops alone: each pattern on values that just pass and just fail, the bounds of resyncSeconds,
// the two credential forms, and which image sources GitOps mode refuses.
import { strict as assert } from "assert";
import { gitopsProblems, gitopsSchema } from "../../../config/gitops";

const KMS = "gcpkms://projects/acme-rollout-prod/locations/europe-west1/keyRings/rollout/cryptoKeys/pulumi";
const DEPLOYER = "production-deployer@acme-rollout-prod.iam.gserviceaccount.com";
const base = {
  repository: "https://github.com/acme/rollout.git",
  backend: "gs://acme-rollout-state",
  secretsProvider: KMS,
  credentials: { workloadIdentity: DEPLOYER },
};

function parse(over: Record<string, unknown>) {
  const r = gitopsSchema.safeParse({ ...base, ...over });
  assert.ok(r.success, r.success ? "" : JSON.stringify(r.error.issues));
  return r.data;
}

/** `path: message` of each issue. */
function issues(over: Record<string, unknown>): string[] {
  const r = gitopsSchema.safeParse({ ...base, ...over });
  assert.equal(r.success, false, `expected ${JSON.stringify(over)} to be refused`);
  return r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

const accepts = (key: string, values: unknown[]) => {
  for (const v of values) assert.equal((parse({ [key]: v }) as Record<string, unknown>)[key], v, `${key} ${JSON.stringify(v)}`);
};
const refuses = (key: string, values: unknown[], message: string) => {
  for (const v of values) assert.deepEqual(issues({ [key]: v }), [`${key}: ${message}`], `${key} ${JSON.stringify(v)}`);
};

describe("config/gitops: defaults", () => {
  it("fills branch, repoDir, namespace, service account and resync; leaves the rest out", () => {
    assert.deepEqual(parse({}), {
      ...base,
      branch: "main",
      repoDir: ".",
      namespace: "pulumi-gitops",
      serviceAccount: "pulumi-workspace",
      resyncSeconds: 300,
    });
  });
});

describe("config/gitops: patterns", () => {
  it("repository: https:// or git@host:path, nothing with spaces", () => {
    accepts("repository", ["https://github.com/acme/rollout.git", "git@github.com:acme/rollout.git", "https://x"]);
    refuses(
      "repository",
      [
        "github.com/acme/rollout",
        "http://github.com/a/b",
        "https://",
        "https://a b",
        "git@github.com/acme/rollout",
        "git@:a/b",
        "git@h:",
        "xhttps://a",
        "git@h:a b",
      ],
      "expected an https:// or git@host:owner/name git URL",
    );
  });

  it("branch and stack names", () => {
    accepts("branch", ["main", "release/1.2", "feature_x-Y.1"]);
    refuses("branch", ["", "a b", "main!", "a:b"], "expected a branch name");
    accepts("stack", ["acme/rollout/production", "Dev.1_x-y"]);
    refuses("stack", ["", "a b", "a:b"], "expected a stack name");
  });

  it("repoDir: '.' or a relative path without '..'", () => {
    accepts("repoDir", [".", "infra", "infra/rollout", "a.b/c_d-e", "..a", "a..", "a/...", "a/..b/c"]);
    refuses(
      "repoDir",
      ["", "/infra", "infra/", "a//b", "a b", "..", "../other", "infra/..", "infra/../../x", "a/../b"],
      "expected '.' or a relative path without '..'",
    );
  });

  it("namespace and service account: DNS labels of at most 63 characters", () => {
    const message = "expected a DNS label (lower-case letters, digits and '-', at most 63 characters)";
    accepts("namespace", ["a", "ops", "a1", "a-b", `a${"b".repeat(62)}`]);
    refuses("namespace", ["", "1ops", "Ops", "ops-", "-ops", "o_s", `a${"b".repeat(63)}`], message);
    accepts("serviceAccount", ["ws", `w${"s".repeat(62)}`]);
    refuses("serviceAccount", ["WS", `w${"s".repeat(63)}`], message);
  });

  it("backend: gs:// with a bucket of 3 to 222 characters and an optional prefix", () => {
    accepts("backend", ["gs://abc", "gs://acme-rollout-state/prefix/x", `gs://a${"b".repeat(220)}c`, "gs://a.b_c-d", "gs://abc/"]);
    refuses(
      "backend",
      [
        "gs://ab",
        "file:///tmp/state",
        "gs://-abc",
        "gs://abc-",
        "gs://ABC",
        `gs://a${"b".repeat(221)}c`,
        "gs://abc/a b",
        "xgs://abc",
        "gs:/abc",
      ],
      "expected gs://<bucket>[/<prefix>]",
    );
  });

  it("secretsProvider: a full KMS key name", () => {
    accepts("secretsProvider", [KMS, "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k"]);
    refuses(
      "secretsProvider",
      [
        "gcpkms://projects/p/locations/l/keyRings/r",
        "gcpkms://projects//locations/l/keyRings/r/cryptoKeys/k",
        "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k/x",
        "gcpkms://projects/p q/locations/l/keyRings/r/cryptoKeys/k",
        "awskms://projects/p/locations/l/keyRings/r/cryptoKeys/k",
        "xgcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k",
        "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k ",
      ],
      "expected gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>",
    );
  });

  it("workspaceImage: pinned by a tag other than latest, or by digest", () => {
    const digest = `sha256:${"0".repeat(64)}`;
    accepts("workspaceImage", ["pulumi/pulumi:3.259.0-nonroot", `pulumi/pulumi@${digest}`, "p:_x", "p:latest-1", "p:LATEST"]);
    refuses(
      "workspaceImage",
      [
        "pulumi/pulumi",
        "pulumi/pulumi:",
        "pulumi/pulumi:-x",
        `pulumi/pulumi@sha256:${"0".repeat(63)}`,
        `p@sha256:${"A".repeat(64)}`,
        "a b:1",
        "p:1 ",
        "x:y:1",
      ],
      "expected an image pinned by tag or digest",
    );
    refuses("workspaceImage", ["pulumi/pulumi:latest", "p:latest"], "expected a tag other than latest");
  });

  it("gitAuth: a Secret name (DNS label) and key", () => {
    assert.deepEqual(parse({ gitAuth: { name: "git", key: "token.v1_A-b" } }).gitAuth, { name: "git", key: "token.v1_A-b" });
    assert.deepEqual(issues({ gitAuth: { name: "Git", key: "a b" } }), [
      "gitAuth.name: expected a DNS label (lower-case letters, digits and '-', at most 63 characters)",
      "gitAuth.key: expected a Secret key ([-._a-zA-Z0-9]+)",
    ]);
    assert.deepEqual(issues({ gitAuth: { name: "git", key: "" } }), ["gitAuth.key: expected a Secret key ([-._a-zA-Z0-9]+)"]);
    assert.deepEqual(issues({ gitAuth: { name: "git", key: "a/b" } }), ["gitAuth.key: expected a Secret key ([-._a-zA-Z0-9]+)"]);
  });
});

describe("config/gitops: resync bounds", () => {
  it("60 to 86400 seconds, integers only", () => {
    accepts("resyncSeconds", [60, 61, 86_399, 86_400]);
    refuses("resyncSeconds", [59, 0, -60], "expected at least 60 seconds");
    refuses("resyncSeconds", [86_401], "expected at most 86400 seconds");
    refuses("resyncSeconds", [60.5, "300"], "expected an integer number of seconds");
  });
});

describe("config/gitops: credentials", () => {
  it("Workload Identity: a Google service account email", () => {
    for (const email of [
      DEPLOYER,
      "abcdef@abcdef.iam.gserviceaccount.com",
      `a${"b".repeat(28)}c@p${"r".repeat(28)}j.iam.gserviceaccount.com`,
    ]) {
      assert.deepEqual(parse({ credentials: { workloadIdentity: email } }).credentials, { workloadIdentity: email }, email);
    }
    for (const email of [
      "abcde@abcdef.iam.gserviceaccount.com",
      `a${"b".repeat(29)}c@abcdef.iam.gserviceaccount.com`,
      "abcdef@abcdef.iam.gserviceaccount.comx",
      "xabcdef@abcdef.iam.gserviceaccountXcom",
      "1bcdef@abcdef.iam.gserviceaccount.com",
      "abcde-@abcdef.iam.gserviceaccount.com",
      "abcdef@abcdef.gserviceaccount.com",
      "Abcdef@abcdef.iam.gserviceaccount.com",
    ]) {
      assert.deepEqual(
        issues({ credentials: { workloadIdentity: email } }),
        ["credentials.workloadIdentity: expected a Google service account email"],
        email,
      );
    }
  });

  it("Secret references: environment variable names to Secret keys, at least one", () => {
    const secretEnv = { GOOGLE_CREDENTIALS: { name: "state", key: "json" }, _X1: { name: "s", key: "k" } };
    assert.deepEqual(parse({ credentials: { secretEnv } }).credentials, { secretEnv });
    assert.deepEqual(issues({ credentials: { secretEnv: {} } }), ["credentials.secretEnv: expected at least one variable"]);
    for (const name of ["lower", "1A", "A-B", "A B", ""]) {
      const found = issues({ credentials: { secretEnv: { [name]: { name: "s", key: "k" } } } });
      assert.equal(found.length, 1, name);
      assert.match(found[0], /^credentials/, name);
    }
  });

  it("neither or both forms: one message listing the two", () => {
    const message = "credentials: expected exactly one of {workloadIdentity: <email>} or {secretEnv: {VAR: {name, key}}}";
    assert.deepEqual(issues({ credentials: {} }), [message]);
    assert.deepEqual(issues({ credentials: "x" }), [message]);
    assert.deepEqual(issues({ credentials: { workloadIdentity: DEPLOYER, secretEnv: { A: { name: "s", key: "k" } } } }), [message]);
  });
});

describe("config/gitops: image sources GitOps mode refuses", () => {
  const gitops = parse({});
  it("nothing without gitops, without an image, or with a prebuilt digest", () => {
    assert.deepEqual(gitopsProblems({ image: { source: "build" } }), []);
    assert.deepEqual(gitopsProblems({ gitops }), []);
    assert.deepEqual(gitopsProblems({ gitops, image: { source: "prebuilt" } }), []);
  });

  it("build: the workspace pod cannot build", () => {
    assert.deepEqual(gitopsProblems({ gitops, image: { source: "build" } }), [
      {
        path: ["image", "source"],
        input: "build",
        message:
          "expected 'prebuilt' (a digest in git) with rollout:gitops: the Operator's workspace pod cannot build images (CI builds, tests and pushes, then the digest is committed)",
      },
    ]);
  });

  it("promote: every resync would deploy what the source exports", () => {
    assert.deepEqual(gitopsProblems({ gitops, image: { source: "promote" } }), [
      {
        path: ["image", "source"],
        input: "promote",
        message:
          "expected 'prebuilt' (a digest in git) with rollout:gitops: every resync would deploy whatever the source stack exports now, without a commit or a review (commit the promoted digest instead)",
      },
    ]);
  });
});
