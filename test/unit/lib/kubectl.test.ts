// kubectl's connection flags: a kubeconfig path is passed as is, kubeconfig contents go to a private temporary file.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kubectlArgs } from "../../../lib/kubectl";

/** The file kubectlArgs wrote for `contents`, checked and removed. */
function writtenFile(args: string[], contents: string): void {
  assert.equal(args.length >= 2, true, JSON.stringify(args));
  assert.equal(args[0], "--kubeconfig");
  const file = args[1];
  try {
    assert.equal(path.basename(file), "kubeconfig");
    assert.equal(path.dirname(path.dirname(file)), os.tmpdir());
    assert.match(path.basename(path.dirname(file)), /^rollout-kube-.{6}$/);
    assert.equal(fs.readFileSync(file, "utf8"), contents);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

describe("lib/kubectl: connection flags", () => {
  it("passes nothing without a kubeconfig or context", () => {
    assert.deepEqual(kubectlArgs(), []);
    assert.deepEqual(kubectlArgs("", ""), []);
  });

  it("passes a path and a context as they are", () => {
    assert.deepEqual(kubectlArgs("/home/me/.kube/config"), ["--kubeconfig", "/home/me/.kube/config"]);
    assert.deepEqual(kubectlArgs("/home/me/.kube/config", "kind-rollout"), [
      "--kubeconfig",
      "/home/me/.kube/config",
      "--context",
      "kind-rollout",
    ]);
    assert.deepEqual(kubectlArgs(undefined, "kind-rollout"), ["--context", "kind-rollout"]);
    assert.deepEqual(kubectlArgs("", "kind-rollout"), ["--context", "kind-rollout"]);
  });

  it("writes YAML contents (they name an apiVersion) to a private file", () => {
    const yaml = "apiVersion: v1\nkind: Config\nclusters: []\n";
    const args = kubectlArgs(yaml, "ctx");
    assert.equal(args.length, 4);
    assert.deepEqual(args.slice(2), ["--context", "ctx"]);
    writtenFile(args, yaml);
  });

  it("writes JSON contents, also after leading whitespace", () => {
    const json = '  \n{"kind":"Config"}';
    const args = kubectlArgs(json);
    assert.equal(args.length, 2);
    writtenFile(args, json);
  });

  it("takes a path that merely contains '{' or 'api' for a path", () => {
    assert.deepEqual(kubectlArgs("/tmp/{x}/config"), ["--kubeconfig", "/tmp/{x}/config"]);
    assert.deepEqual(kubectlArgs("/tmp/apiversion/config"), ["--kubeconfig", "/tmp/apiversion/config"]);
  });
});
