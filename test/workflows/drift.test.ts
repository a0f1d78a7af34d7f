// The drift report of drift.yml: which steps of `pulumi preview --refresh --json` are drift, and
// what the job summary and the issue say.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { driftedResources, driftReport, parseUrn } from "../../pipeline/drift";

const URN = "urn:pulumi:production::rollout::rollout:app:App$kubernetes:apps/v1:Deployment::demo-blue";
const SCRIPT = path.resolve(__dirname, "..", "..", "pipeline", "drift.ts");

// Shaped like pulumi's previewDigest (pkg/backend/display/json.go): steps {op, urn, diffReasons, replaceReasons}.
const preview = {
  steps: [
    { op: "same", urn: "urn:pulumi:production::rollout::pulumi:pulumi:Stack::rollout-production" },
    { op: "refresh", urn: "urn:pulumi:production::rollout::kubernetes:core/v1:Namespace::production-demo" },
    { op: "read", urn: "urn:pulumi:production::rollout::pulumi:pulumi:StackReference::production-image-source" },
    { op: "update", urn: URN, diffReasons: ["spec", "metadata"] },
    {
      op: "replace",
      urn: "urn:pulumi:production::rollout::kubernetes:core/v1:Service::demo",
      replaceReasons: ["spec"],
      diffReasons: ["spec"],
    },
    { op: "create", urn: "urn:pulumi:production::rollout::kubernetes:policy/v1:PodDisruptionBudget::demo" },
  ],
  changeSummary: { same: 1, update: 1, replace: 1, create: 1 },
};

describe("drift report (pipeline/drift.ts)", function () {
  it("parses a nested URN into its own type and name", function () {
    assert.deepEqual(parseUrn(URN), { type: "kubernetes:apps/v1:Deployment", name: "demo-blue" });
    assert.deepEqual(parseUrn("urn:pulumi:s::p::gcp:container/cluster:Cluster::a::b"), {
      type: "gcp:container/cluster:Cluster",
      name: "a::b",
    });
    assert.throws(() => parseUrn("demo-blue"), /not a Pulumi URN: "demo-blue"/);
  });

  it("counts every step but same, read and refresh as drift, with its properties", function () {
    assert.deepEqual(driftedResources(preview), [
      { op: "update", type: "kubernetes:apps/v1:Deployment", name: "demo-blue", urn: URN, properties: ["metadata", "spec"] },
      {
        op: "replace",
        type: "kubernetes:core/v1:Service",
        name: "demo",
        urn: "urn:pulumi:production::rollout::kubernetes:core/v1:Service::demo",
        properties: ["spec"],
      },
      {
        op: "create",
        type: "kubernetes:policy/v1:PodDisruptionBudget",
        name: "demo",
        urn: "urn:pulumi:production::rollout::kubernetes:policy/v1:PodDisruptionBudget::demo",
        properties: [],
      },
    ]);
    // A delete (something the program no longer has, still live) is drift too.
    assert.equal(driftedResources({ steps: [{ op: "delete", urn: URN }] }).length, 1);
  });

  it("writes a table naming each drifted resource", function () {
    assert.equal(
      driftReport("production", preview).markdown,
      [
        "### Drift in stack `production`: 3 resources changed outside Pulumi",
        "",
        "`pulumi up` would take these steps to bring them back to the program (or change the program to adopt them):",
        "",
        "| step | type | name | properties |",
        "|---|---|---|---|",
        "| update | `kubernetes:apps/v1:Deployment` | `demo-blue` | `metadata`, `spec` |",
        "| replace | `kubernetes:core/v1:Service` | `demo` | `spec` |",
        "| create | `kubernetes:policy/v1:PodDisruptionBudget` | `demo` | - |",
        "",
      ].join("\n"),
    );
    assert.match(
      driftReport("staging", { steps: [{ op: "update", urn: URN }] }).markdown,
      /^### Drift in stack `staging`: 1 resource changed outside Pulumi\n/,
    );
  });

  it("reports no drift when every step is same, read or refresh", function () {
    const report = driftReport("staging", { steps: preview.steps.slice(0, 3) });
    assert.deepEqual(report.drifted, []);
    assert.equal(report.markdown, "### No drift in stack `staging`\n\nAfter a refresh the program and the live resources agree.\n");
  });

  it("rejects what is not a preview, instead of reporting no drift", function () {
    assert.throws(() => driftedResources({ diagnostics: [] }), /no steps array/);
    assert.throws(() => driftedResources({ steps: [{ op: "update" }] }), /steps\[0\]: expected \{op, urn\} strings/);
  });

  describe("as drift.yml runs it", function () {
    function run(content: string | undefined): { status: number | null; stdout: string; stderr: string } {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-drift-"));
      try {
        const file = path.join(dir, "preview.json");
        if (content !== undefined) fs.writeFileSync(file, content);
        const res = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", SCRIPT, "production", file], {
          encoding: "utf8",
        });
        return { status: res.status, stdout: res.stdout, stderr: res.stderr };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }

    it("exits 1 with the report on drift, 0 without, 2 when the preview is unreadable", function () {
      this.timeout(60_000);
      const drift = run(JSON.stringify(preview));
      assert.equal(drift.status, 1, drift.stderr);
      assert.equal(drift.stdout, driftReport("production", preview).markdown);
      const clean = run(JSON.stringify({ steps: [] }));
      assert.equal(clean.status, 0, clean.stderr);
      assert.match(clean.stdout, /No drift in stack `production`/);
      const broken = run("error: preview failed");
      assert.equal(broken.status, 2);
      assert.match(broken.stderr, /cannot read .*preview\.json as JSON/);
      const missing = run(undefined);
      assert.equal(missing.status, 2);
    });
  });
});
