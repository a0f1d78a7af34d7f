// Root hooks of the e2e suite: the engine and the control plane every test runs on. The suite
// starts the control plane when it is not up (and stops it again), and keeps its Pulumi state in
// a fresh file backend, so each run starts from no stacks.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { engineVersions, formatVersions, kubernetesProviderVersion, pulumiVersion } from "../../tools/engine";
import { clusterIsUp, clusterKubeconfig } from "../../tools/kube";

const projectDir = path.resolve(__dirname, "../..");
let startedHere = false;

export const e2e = {
  kubeconfig: clusterKubeconfig(),
  stateDir: "",
  /** Engine output of every step, for a failing test's message (E2E_VERBOSE=1 prints it live). */
  onOutput: (line: string) => {
    if (process.env.E2E_VERBOSE) console.log(`      | ${line}`);
  },
};

export const mochaHooks = {
  beforeAll(this: Mocha.Context) {
    this.timeout(10 * 60 * 1000);
    const v = engineVersions();
    console.log(`  ${formatVersions(v)}`);
    assert.equal(v.cli, pulumiVersion);
    assert.equal(v.kubernetesProvider, kubernetesProviderVersion);
    if (!clusterIsUp(e2e.kubeconfig)) {
      execFileSync("bash", [path.join(projectDir, "cluster/up.sh"), "--wipe"], { stdio: "inherit" });
      startedHere = true;
    }
    assert.ok(clusterIsUp(e2e.kubeconfig), "the control plane did not come up");
    if (!startedHere) {
      // Objects a previous run left behind belong to other stacks' field managers: a create over
      // them is an SSA conflict (the engine's creates are upserts). Start from none of them.
      execFileSync(
        "kubectl",
        [
          "--kubeconfig",
          e2e.kubeconfig,
          "delete",
          "namespace",
          "-l",
          "app.kubernetes.io/managed-by=pulumi",
          "--wait=true",
          "--timeout=300s",
        ],
        { stdio: "inherit" },
      );
    }
    e2e.stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-e2e-state-"));
    console.log(`  state: file://${e2e.stateDir}`);
  },
  afterAll(this: Mocha.Context) {
    this.timeout(5 * 60 * 1000);
    if (startedHere) execFileSync("bash", [path.join(projectDir, "cluster/down.sh"), "--wipe"], { stdio: "inherit" });
  },
};
