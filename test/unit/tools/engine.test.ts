import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { changed, engineDir, kubernetesProviderVersion, projectDir, pulumiVersion, resourcesSummary } from "../../../tools/engine";

describe("tools/engine", () => {
  it("pins the same engine versions as engine/versions.sh, which builds them", () => {
    const sh = fs.readFileSync(path.join(projectDir, "engine", "versions.sh"), "utf8");
    const value = (key: string) => new RegExp(`^${key}=(\\S+)$`, "m").exec(sh)?.[1];
    assert.equal(value("PULUMI_VERSION"), pulumiVersion);
    assert.equal(value("K8S_PROVIDER_VERSION"), kubernetesProviderVersion);
    assert.equal(pulumiVersion, "v3.259.0");
    assert.equal(kubernetesProviderVersion, "4.25.0");
    assert.ok(engineDir().endsWith("engine-pulumi-v3.259.0-kubernetes-4.25.0"));
  });

  it("pins @pulumi/kubernetes to the provider the engine builds, so the SDK asks for the plugin that is installed", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8"));
    assert.equal(pkg.dependencies["@pulumi/kubernetes"], kubernetesProviderVersion);
    const installed = JSON.parse(fs.readFileSync(path.join(projectDir, "node_modules/@pulumi/kubernetes/package.json"), "utf8"));
    assert.equal(installed.version, kubernetesProviderVersion);
  });

  it("changed() keeps the operations that changed something", () => {
    assert.deepEqual(changed({ same: 12, update: 1, create: 0 }), { update: 1 });
    assert.deepEqual(changed({ same: 3 }), {});
  });
});

describe("tools/engine: resourcesSummary", () => {
  it("reads the engine's Resources block of a preview and of an update", () => {
    const preview =
      "Previewing update (x):\n ~ a update\n\nResources:\n    ~ 1 to update\n    + 2 to create\n    +-1 to replace\n    - 3 to delete\n    14 unchanged\n\nDuration: 1s\n";
    assert.deepEqual(resourcesSummary(preview), { update: 1, create: 2, replace: 1, delete: 3, same: 14 });
    assert.deepEqual(resourcesSummary("Resources:\n    + 13 created\n    1 errored\n    1 unchanged\n\nDuration: 17s\n"), {
      create: 13,
      same: 1,
    });
    assert.deepEqual(resourcesSummary("no summary here"), {});
  });
});
