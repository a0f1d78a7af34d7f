// pipeline/mode.ts: which stacks the deploy workflows may `pulumi up` (ci) and which the
// Pulumi Kubernetes Operator reconciles (gitops).
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { deliveryMode } from "../../pipeline/mode";
import { committedConfig, projectDir, sha } from "../support/stacks";

const SCRIPT = path.resolve(__dirname, "..", "..", "pipeline", "mode.ts");

describe("delivery mode (pipeline/mode.ts)", function () {
  let dir = "";
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-mode-"));
    const production = committedConfig("production");
    const gitops = {
      ...production,
      "rollout:image": {
        source: "prebuilt",
        ref: `europe-west1-docker.pkg.dev/acme-rollout-staging/rollout/okeydokey@sha256:${"a".repeat(64)}`,
        commit: sha,
      },
      "rollout:gitops": {
        repository: "https://github.com/acme/rollout.git",
        backend: "gs://acme-rollout-state",
        secretsProvider: "gcpkms://projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k",
        credentials: { workloadIdentity: "production-deployer@acme-rollout-prod.iam.gserviceaccount.com" },
      },
    };
    fs.writeFileSync(path.join(dir, "Pulumi.production.yaml"), stringify({ config: gitops }));
    fs.writeFileSync(
      path.join(dir, "Pulumi.staging.yaml"),
      stringify({ config: { ...committedConfig("staging"), "rollout:apps": [{ name: "demo", replicas: 0 }] } }),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the committed stacks are delivered by CI", function () {
    for (const stack of ["local", "staging", "production"]) assert.equal(deliveryMode(projectDir, stack), "ci", stack);
  });

  it("a stack with rollout:gitops is left to the Operator", function () {
    assert.equal(deliveryMode(dir, "production"), "gitops");
  });

  it("an invalid stack config fails with the program's own message, never a default mode", function () {
    assert.throws(() => deliveryMode(dir, "staging"), /rollout:apps\[0\]\.replicas: expected an integer >= 1, got 0/);
    assert.throws(() => deliveryMode(dir, "qa"), /no stack config .*Pulumi\.qa\.yaml/);
  });

  it("prints mode=<mode> for $GITHUB_OUTPUT, and exits 1 on a bad config", function () {
    this.timeout(60_000);
    const run = (stack: string) =>
      spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", SCRIPT, stack, dir], { encoding: "utf8" });
    const ok = run("production");
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, "mode=gitops\n");
    const bad = run("staging");
    assert.equal(bad.status, 1);
    assert.equal(bad.stdout, "");
    assert.match(bad.stderr, /^mode: invalid stack config/);
  });
});
