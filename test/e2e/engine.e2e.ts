// The committed local stack on the real engine: create, no-op, preview diff, drift, the CD
// identity's real permissions, destroy. And the staging/production objects against the API server.
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineStack, projectDir } from "../../tools/engine";
import { dryRunAll, getJsonSync, kubectl } from "../../tools/kube";
import { localConfig, localImage } from "../../tools/local-stack";
import { renderStack } from "../../tools/render";
import { e2e } from "./hooks";

const kc = e2e.kubeconfig;
const committedImage = "localhost:5001/okeydokey@sha256:7200b31986ca95a3248cbc79c7597424027fb64a5639815f5f47747376e3ac39";

describe("e2e staging and production objects", () => {
  for (const stack of ["staging", "production"]) {
    it(`every Kubernetes object rendered for ${stack} passes kubectl apply --dry-run=server`, async () => {
      const r = await renderStack(projectDir, stack);
      assert.ok(r.manifests.length > 5);
      assert.deepEqual(dryRunAll(kc, r.manifests), []);
    });
  }
});

describe("e2e the committed local stack (real pulumi up)", () => {
  let stack: EngineStack;

  it("`pulumi up --stack local` creates the stack's resources, and the app serves from 3 ready pods", async () => {
    stack = await EngineStack.open({ stack: "local", stateDir: e2e.stateDir, kubeconfig: kc, onOutput: e2e.onOutput });
    const r = await stack.up();
    assert.equal(r.result, "succeeded");
    assert.ok((r.changes.create ?? 0) >= 12, JSON.stringify(r.changes));
    const d = getJsonSync(kc, ["deployment/demo", "-n", "local-demo"]);
    assert.equal(d.status.availableReplicas, 3);
    assert.equal(d.spec.template.spec.containers[0].image, committedImage);
    assert.equal((await stack.outputs()).image, committedImage);
    // The environment's traffic objects, accepted by the API server (no controller programs the local class).
    const gateway = getJsonSync(kc, ["gateway/gateway", "-n", "gateway"]);
    assert.deepEqual(
      gateway.spec.listeners.map((l: { protocol: string; port: number }) => [l.protocol, l.port]),
      [
        ["HTTPS", 443],
        ["HTTP", 80],
      ],
    );
    assert.equal(getJsonSync(kc, ["httproute/demo", "-n", "local-demo"]).spec.parentRefs[0].name, "gateway");
    // Every app namespace denies ingress by default and admits what the app allows.
    const policies = (getJsonSync(kc, ["networkpolicies", "-n", "local-demo"]).items as { metadata: { name: string } }[])
      .map((p) => p.metadata.name)
      .sort();
    assert.deepEqual(policies, ["default-deny", "demo"]);
  });

  it("a second `pulumi up` with nothing changed touches nothing", async () => {
    const r = await stack.up();
    assert.deepEqual(Object.keys(r.changes), ["same"], JSON.stringify(r.changes));
  });

  it("a preview of an image change shows the Deployment's real diff (old and new digest) and changes nothing", async () => {
    await stack.setConfig(localConfig(undefined, localImage(5)));
    const before = getJsonSync(kc, ["deployment/demo", "-n", "local-demo"]).metadata.generation;
    const r = await stack.preview();
    assert.equal(r.changes.update, 1, JSON.stringify(r.changes));
    assert.ok(r.changes.same! >= 12);
    assert.match(r.stdout, /kubernetes:apps\/v1:Deployment/);
    assert.ok(
      r.stdout.includes(committedImage.split("@")[1]) && r.stdout.includes(localImage(5).split("@")[1]),
      "the diff must show the old and the new digest",
    );
    assert.equal(
      getJsonSync(kc, ["deployment/demo", "-n", "local-demo"]).metadata.generation,
      before,
      "a preview must not change the cluster",
    );
    await stack.setConfig({});
  });

  it("`refresh --preview-only` after a hand edit shows the drift on the edited Deployment", async () => {
    kubectl(kc, ["scale", "deployment/demo", "-n", "local-demo", "--replicas=5"]);
    const r = await stack.refreshPreview();
    assert.match(r.stdout, /kubernetes:apps\/v1:Deployment demo-deployment update \[diff: ~spec\]/);
    // The one other update is not cluster drift: the stack's reference to itself re-reads its
    // `releases` output, which the last up changed (the drift report counts StackReferences as reads).
    assert.match(r.stdout, /pulumi:pulumi:StackReference release-history update/);
    assert.equal(r.changes.update, 2, JSON.stringify(r.changes));
    kubectl(kc, ["scale", "deployment/demo", "-n", "local-demo", "--replicas=3"]);
  });

  it("the CD ServiceAccount, with a real token, can roll out in its namespaces and nothing else", () => {
    const token = kubectl(kc, ["create", "token", "cd-agent", "-n", "cd", "--duration=10m"]).trim();
    // A kubeconfig with nothing but the token: the admin's client certificate must not come along.
    const admin = JSON.parse(kubectl(kc, ["config", "view", "--raw", "--minify", "-o", "json"]));
    const cdKubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cd-")), "kubeconfig");
    fs.writeFileSync(
      cdKubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        "current-context": "cd",
        clusters: [{ name: "c", cluster: admin.clusters[0].cluster }],
        users: [{ name: "cd-agent", user: { token } }],
        contexts: [{ name: "cd", context: { cluster: "c", user: "cd-agent" } }],
      }),
      { mode: 0o600 },
    );
    assert.equal(
      execFileSync("kubectl", ["--kubeconfig", cdKubeconfig, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"], {
        encoding: "utf8",
      }),
      "system:serviceaccount:cd:cd-agent",
    );
    const can = (verb: string, resource: string, ns?: string) =>
      spawnSync("kubectl", ["--kubeconfig", cdKubeconfig, "auth", "can-i", verb, resource, ...(ns ? ["-n", ns] : [])], {
        encoding: "utf8",
      }).stdout.trim() === "yes";
    assert.ok(can("patch", "deployments", "local-demo"));
    assert.ok(can("update", "services", "local-demo"));
    assert.ok(can("create", "httproutes.gateway.networking.k8s.io", "local-demo"));
    assert.ok(can("get", "pods", "local-demo") && can("get", "pods/log", "local-demo"));
    assert.ok(!can("delete", "pods", "local-demo"));
    assert.ok(!can("create", "pods/exec", "local-demo"));
    assert.ok(!can("get", "secrets", "local-demo"));
    assert.ok(!can("patch", "deployments", "default"));
    assert.ok(!can("create", "rolebindings", "local-demo"));
    assert.ok(!can("create", "clusterroles"));
    assert.ok(!can("create", "namespaces"));
  });

  it("`pulumi destroy` removes every resource of the stack: its namespaces go, nothing is left in the state", async () => {
    const r = await stack.destroy();
    assert.ok((r.changes.delete ?? 0) >= 12, JSON.stringify(r.changes));
    const state = await stack.stack.exportStack();
    assert.deepEqual(state.deployment.resources ?? [], []);
    for (const ns of ["local-demo", "cd"]) {
      const out = spawnSync("kubectl", ["--kubeconfig", kc, "get", "namespace", ns, "-o", "jsonpath={.status.phase}"], {
        encoding: "utf8",
      });
      assert.ok(out.status !== 0 || out.stdout === "Terminating", `namespace ${ns}: ${out.stdout}`);
    }
  });
});
