// Cloud Build: the build files parsed and checked by structure (steps, order, images,
// substitutions, no keys), every rule shown to fail on a broken copy, each step's bash checked
// for syntax after Cloud Build's substitution; the triggers proven under Pulumi mocks (GCP is never
// reached).
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { CloudBuildTriggers, CloudBuildTriggersArgs, triggerArgProblems, triggerSpecs } from "../../cloudbuild/triggers";

const DIR = path.resolve(__dirname, "..", "..", "cloudbuild");
const STAGING = "staging.yaml";
const RELEASE = "release.yaml";

type Dict = Record<string, unknown>;
interface CbStep {
  id?: string;
  name?: string;
  entrypoint?: string;
  args?: unknown[];
  env?: string[];
  waitFor?: string[];
  secretEnv?: unknown;
}
interface Build {
  file: string;
  text: string;
  doc: Dict;
  steps: CbStep[];
  subs: Record<string, string>;
}

// Cloud Build's built-in substitutions these files may use (TAG_NAME only exists for tag triggers).
const BUILTINS: Record<string, ReadonlySet<string>> = {
  [STAGING]: new Set(["COMMIT_SHA", "SHORT_SHA", "BUILD_ID", "PROJECT_ID"]),
  [RELEASE]: new Set(["COMMIT_SHA", "SHORT_SHA", "BUILD_ID", "PROJECT_ID", "TAG_NAME"]),
};
const BUILD_KEYS = new Set(["steps", "substitutions", "options", "timeout"]);

function load(file: string, text = fs.readFileSync(path.join(DIR, file), "utf8")): Build {
  const doc = parse(text) as Dict;
  assert.ok(doc && typeof doc === "object", `${file}: not a mapping`);
  const steps = (Array.isArray(doc.steps) ? doc.steps : []) as CbStep[];
  const subs = (doc.substitutions ?? {}) as Record<string, string>;
  return { file, text, doc, steps, subs };
}

function script(step: CbStep | undefined): string {
  return (step?.args ?? []).map(String).join(" ");
}

/** `$VAR` / `${VAR}` references Cloud Build substitutes (`$$` is a literal `$`). */
function references(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.replace(/\$\$/g, "").matchAll(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g)) out.add(m[1] ?? m[2]);
  return out;
}

/** The text of a step after Cloud Build's substitution, as bash will see it. */
function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, a?: string, b?: string) =>
    all === "$$" ? "$" : (values[(a ?? b)!] ?? all),
  );
}

type Rule = (b: Build) => string[];

const rules: Record<string, Rule> = {
  shape(b) {
    const problems: string[] = [];
    for (const k of Object.keys(b.doc))
      if (!BUILD_KEYS.has(k))
        problems.push(
          `top-level key ${k} is not expected (images/artifacts would push after the steps, serviceAccount belongs to the trigger)`,
        );
    const options = (b.doc.options ?? {}) as Dict;
    if (options.logging !== "CLOUD_LOGGING_ONLY")
      problems.push(
        `options.logging must be CLOUD_LOGGING_ONLY (a build as a chosen service account), got ${JSON.stringify(options.logging)}`,
      );
    if (options.substitutionOption !== "MUST_MATCH") problems.push("options.substitutionOption must be MUST_MATCH");
    const ids = b.steps.map((s) => s.id);
    if (ids.some((id) => typeof id !== "string") || new Set(ids).size !== ids.length)
      problems.push(`every step needs a unique id, got ${JSON.stringify(ids)}`);
    // Steps run one after another: no waitFor means each waits for all before it.
    for (const s of b.steps) if (s.waitFor !== undefined) problems.push(`step ${s.id}: waitFor would run it out of order`);
    return problems;
  },

  images(b) {
    const problems: string[] = [];
    for (const s of b.steps) {
      const name = substitute(String(s.name ?? ""), b.subs);
      const googleBuilder = /^gcr\.io\/cloud-builders\/[a-z-]+$/.test(name);
      const pinned = /^[^\s:@]+(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$/.test(name) && !name.endsWith(":latest");
      if (!googleBuilder && !pinned)
        problems.push(
          `step ${s.id}: image ${JSON.stringify(name)} must be a gcr.io/cloud-builders builder or pinned by a tag other than latest`,
        );
    }
    return problems;
  },

  substitutions(b) {
    const problems: string[] = [];
    const refs = references(
      b.text
        .split("\n")
        .filter((l) => !l.trimStart().startsWith("#"))
        .join("\n"),
    );
    for (const r of refs) {
      if (r.startsWith("_") ? !(r in b.subs) : !BUILTINS[b.file].has(r))
        problems.push(`$${r} is neither a declared substitution nor a built-in of this trigger (MUST_MATCH fails the build)`);
    }
    for (const k of Object.keys(b.subs)) {
      if (!/^_[A-Z0-9_]+$/.test(k)) problems.push(`substitution ${k} must be _UPPER_CASE`);
      if (!refs.has(k)) problems.push(`substitution ${k} is declared but unused (MUST_MATCH fails the build)`);
    }
    for (const k of ["_PULUMI_BACKEND_URL", "_PULUMI_SECRETS_PROVIDER"]) if (!(k in b.subs)) problems.push(`substitution ${k} is missing`);
    return problems;
  },

  keys(b) {
    const problems: string[] = [];
    if (
      /availableSecrets|secretEnv|kmsKeyName|credentials\.json|key\.json|GOOGLE_APPLICATION_CREDENTIALS|PULUMI_CONFIG_PASSPHRASE|PULUMI_ACCESS_TOKEN|serviceAccount/.test(
        b.text,
      )
    )
      problems.push("no keys, secrets or service account in the build file: the trigger's service account is the identity");
    return problems;
  },

  pulumi(b) {
    const problems: string[] = [];
    const stack = b.file === STAGING ? "staging" : "production";
    const deploy = b.steps.find((s) => s.id === "deploy");
    const run = script(deploy);
    const ups = run.match(/pulumi up /g) ?? [];
    if (ups.length !== 1) problems.push(`step deploy must run pulumi up once, got ${ups.length}`);
    if (!run.includes(`pulumi up --stack ${stack} --yes --non-interactive`))
      problems.push(`step deploy must run pulumi up --stack ${stack} --yes --non-interactive`);
    if (!run.includes(`--policy-pack policy --policy-pack-config policy/config/${stack}.json`))
      problems.push(`pulumi up must run the policy pack with policy/config/${stack}.json`);
    if (!run.includes('--secrets-provider "$$PULUMI_SECRETS_PROVIDER"')) problems.push("pulumi up must use the KMS secrets provider");
    if (
      !(deploy?.env ?? []).includes("PULUMI_SECRETS_PROVIDER=$_PULUMI_SECRETS_PROVIDER") ||
      !(deploy?.env ?? []).includes("PULUMI_BACKEND_URL=$_PULUMI_BACKEND_URL")
    )
      problems.push("step deploy needs PULUMI_BACKEND_URL and PULUMI_SECRETS_PROVIDER from the substitutions");
    const ci = run.indexOf("npm ci");
    const policyCi = run.indexOf("(cd policy && npm ci)");
    if (ci < 0 || policyCi < 0 || ci > run.indexOf("pulumi up"))
      problems.push("step deploy must npm ci and (cd policy && npm ci) before pulumi up");
    if (!run.includes("gke-gcloud-auth-plugin"))
      problems.push("step deploy must check for gke-gcloud-auth-plugin (the kubeconfig's exec auth)");
    return problems;
  },
};

const pipelines: Record<string, Rule> = {
  [STAGING]: (b) => {
    const problems: string[] = [];
    const order = ["test-stage", "build", "smoke-start", "smoke", "smoke-stop", "registry", "push", "deploy"];
    const ids = b.steps.map((s) => s.id);
    if (JSON.stringify(ids) !== JSON.stringify(order))
      problems.push(`steps must be ${JSON.stringify(order)} in order, got ${JSON.stringify(ids)}`);
    const step = (id: string): CbStep | undefined => b.steps.find((s) => s.id === id);
    if (script(step("test-stage")) !== "build --target test app/") problems.push("step test-stage must be docker build --target test app/");
    if (!/^build .*--build-arg COMMIT=\$COMMIT_SHA .*--tag \$\{_IMAGE_NAME\}:candidate app\/$/.test(script(step("build"))))
      problems.push("step build must build app/ with COMMIT=$COMMIT_SHA as ${_IMAGE_NAME}:candidate");
    const start = script(step("smoke-start"));
    if (
      !start.startsWith("run --detach --name smoke --network cloudbuild") ||
      !start.endsWith("${_IMAGE_NAME}:candidate") ||
      !start.includes("--read-only")
    )
      problems.push("step smoke-start must run the candidate as smoke on the cloudbuild network, read-only");
    if (script(step("smoke")) !== "app/smoke.sh http://smoke:8080 $COMMIT_SHA" || step("smoke")?.entrypoint !== "bash")
      problems.push("step smoke must run bash app/smoke.sh http://smoke:8080 $COMMIT_SHA");
    if (!script(step("smoke-stop")).includes("docker inspect --format '{{.Image}}' smoke > /workspace/tested-image-id"))
      problems.push("step smoke-stop must record the tested image ID");
    const push = script(step("push"));
    if (!push.includes('docker tag "$$tested" "$$target"')) problems.push("step push must tag the tested image ID");
    if (!push.includes('if [[ "$$pulled" != "$$tested" ]]'))
      problems.push("step push must check that the pushed digest is the tested image");
    if (!push.includes('echo "$$ref" > /workspace/image-ref')) problems.push("step push must hand the pushed ref to deploy");
    const deploy = script(step("deploy"));
    if (
      !deploy.includes('image_ref="$$(cat /workspace/image-ref)"') ||
      !deploy.includes("pulumi config rm rollout:image --stack staging") ||
      !deploy.includes(
        'pulumi config set rollout:image "{\\"source\\":\\"prebuilt\\",\\"ref\\":\\"$$image_ref\\",\\"commit\\":\\"$COMMIT_SHA\\"}" --stack staging',
      )
    )
      problems.push("step deploy must deploy the pushed digest as a prebuilt image of $COMMIT_SHA");
    if (
      b.steps
        .filter((s) => /docker push|docker build|\bbuild\b.*app\//.test(script(s)))
        .some((s) => !["test-stage", "build", "push"].includes(String(s.id)))
    )
      problems.push("only test-stage and build build, only push pushes");
    return problems;
  },
  [RELEASE]: (b) => {
    const problems: string[] = [];
    if (/docker|cloud-builders\/docker/.test(b.text)) problems.push("the release build must never build or push an image");
    const deploy = b.steps.find((s) => s.id === "deploy");
    const run = script(deploy);
    const checkAt = run.indexOf('if [[ "$$staging_commit" != "$COMMIT_SHA" ]]');
    if (!run.includes("pulumi stack output imageCommit --stack staging") || checkAt < 0 || checkAt > run.indexOf("pulumi up"))
      problems.push("step deploy must check staging's imageCommit against $COMMIT_SHA before pulumi up");
    if (!run.includes("deploy it to staging first")) problems.push("the check must say what to do");
    if (!(deploy?.env ?? []).includes("ROLLOUT_EXPECT_COMMIT=$COMMIT_SHA"))
      problems.push("step deploy must set ROLLOUT_EXPECT_COMMIT=$COMMIT_SHA");
    if (!run.includes('[[ "$$RELEASE_TAG" == v* ]]')) problems.push("step deploy must refuse tags that are not v*");
    return problems;
  },
};

// ---------------------------------------------------------------------------

describe("Cloud Build (cloudbuild/)", function () {
  for (const file of [STAGING, RELEASE]) {
    describe(file, function () {
      for (const [name, rule] of Object.entries({ ...rules, pipeline: pipelines[file] })) {
        it(`rule ${name}`, function () {
          assert.deepEqual(rule(load(file)), []);
        });
      }

      it("every bash step is valid bash after substitution", function () {
        const b = load(file);
        const values: Record<string, string> = {
          ...b.subs,
          COMMIT_SHA: "1".repeat(40),
          SHORT_SHA: "1111111",
          BUILD_ID: "b-1",
          PROJECT_ID: "p",
          TAG_NAME: "v1.0.0",
        };
        const bashSteps = b.steps.filter((s) => s.entrypoint === "bash");
        assert.ok(bashSteps.length >= 1);
        for (const s of bashSteps) {
          const args = (s.args ?? []).map((a) => substitute(String(a), values));
          const body = args[args.indexOf("-c") + 1] ?? args.join(" ");
          assert.doesNotMatch(body, /\$\{?_[A-Z]/, `step ${s.id}: a substitution was left unreplaced`);
          const res = spawnSync("bash", ["-n"], { input: body, encoding: "utf8" });
          assert.equal(res.status, 0, `step ${s.id}: bash -n: ${res.stderr}`);
        }
      });
    });
  }

  describe("the rules catch a broken build file", function () {
    const cases: Array<[string, string, (t: string) => string, RegExp]> = [
      [STAGING, "shape", (t) => t.replace("steps:\n", "images: [okeydokey]\nsteps:\n"), /top-level key images/],
      [STAGING, "shape", (t) => t.replace("  - id: smoke\n", "  - id: smoke\n    waitFor: ['-']\n"), /step smoke: waitFor/],
      [
        STAGING,
        "images",
        (t) => t.replace("_DEPLOY_IMAGE: pulumi/pulumi:3.259.0", "_DEPLOY_IMAGE: pulumi/pulumi:latest"),
        /step registry: image "pulumi\/pulumi:latest"/,
      ],
      [
        STAGING,
        "images",
        (t) => t.replace("name: gcr.io/cloud-builders/curl", "name: curlimages/curl"),
        /step smoke: image "curlimages\/curl"/,
      ],
      [
        STAGING,
        "substitutions",
        (t) => t.replace("[app/smoke.sh, http://smoke:8080, $COMMIT_SHA]", "[app/smoke.sh, http://smoke:8080, $GIT_SHA]"),
        /\$GIT_SHA is neither/,
      ],
      [
        STAGING,
        "substitutions",
        (t) => t.replace('target="$$registry/', 'target="$registry/'),
        /\$registry is neither a declared substitution/,
      ],
      [
        RELEASE,
        "substitutions",
        (t) => t.replace("  _DEPLOY_IMAGE: pulumi/pulumi:3.259.0\n", "  _DEPLOY_IMAGE: pulumi/pulumi:3.259.0\n  _UNUSED: x\n"),
        /_UNUSED is declared but unused/,
      ],
      [STAGING, "keys", (t) => t.replace("    env:\n", "    secretEnv: [PULUMI_ACCESS_TOKEN]\n    env:\n"), /no keys/],
      [
        RELEASE,
        "pulumi",
        (t) =>
          t.replace(
            "--policy-pack policy --policy-pack-config policy/config/production.json",
            "--policy-pack policy --policy-pack-config policy/config/staging.json",
          ),
        /policy\/config\/production\.json/,
      ],
      [STAGING, "pulumi", (t) => t.replace("        (cd policy && npm ci)\n", ""), /npm ci and \(cd policy && npm ci\)/],
      [
        STAGING,
        "pipeline",
        (t) => t.replace("[app/smoke.sh, http://smoke:8080, $COMMIT_SHA]", "[-c, 'true']"),
        /step smoke must run bash app\/smoke\.sh/,
      ],
      [
        STAGING,
        "pipeline",
        (t) => t.replace('docker tag "$$tested" "$$target"', 'docker tag "${_IMAGE_NAME}:candidate" "$$target"'),
        /tag the tested image ID/,
      ],
      [STAGING, "pipeline", (t) => t.replace('if [[ "$$pulled" != "$$tested" ]]', "if false"), /pushed digest is the tested image/],
      [STAGING, "pipeline", (t) => t.replace(/ {2}- id: smoke-start\n(.*\n){2}\n/, ""), /steps must be/],
      [RELEASE, "pipeline", (t) => t.replace("      - ROLLOUT_EXPECT_COMMIT=$COMMIT_SHA\n", ""), /ROLLOUT_EXPECT_COMMIT/],
      [RELEASE, "pipeline", (t) => t.replace("        npm ci\n", "        npm ci\n        docker build app/\n"), /never build or push/],
    ];
    for (const [file, ruleName, edit, expected] of cases) {
      it(`${ruleName} on ${file}: ${expected.source}`, function () {
        const original = fs.readFileSync(path.join(DIR, file), "utf8");
        const text = edit(original);
        assert.notEqual(text, original, "the edit did not apply: the test case is stale");
        const rule = ruleName === "pipeline" ? pipelines[file] : rules[ruleName];
        const problems = rule(load(file, text));
        assert.ok(
          problems.some((p) => expected.test(p)),
          `expected a problem matching ${expected}, got ${JSON.stringify(problems)}`,
        );
      });
    }
  });

  describe("triggers (cloudbuild/triggers.ts)", function () {
    const args: CloudBuildTriggersArgs = {
      project: "acme-rollout-ci",
      location: "europe-west1",
      repository: "projects/acme-rollout-ci/locations/europe-west1/connections/github/repositories/acme-rollout",
      stagingServiceAccount: "staging-deployer@acme-rollout-ci.iam.gserviceaccount.com",
      productionServiceAccount: "production-deployer@acme-rollout-ci.iam.gserviceaccount.com",
      backendUrl: "gs://acme-rollout-state",
      secretsProvider: "gcpkms://projects/acme-rollout-ci/locations/europe-west1/keyRings/rollout/cryptoKeys/pulumi",
    };

    it("staging on main as the staging deployer; release on v* tags as the production deployer, approved", function () {
      const subs = { _PULUMI_BACKEND_URL: "gs://acme-rollout-state", _PULUMI_SECRETS_PROVIDER: args.secretsProvider };
      assert.deepEqual(triggerSpecs(args), [
        {
          key: "staging",
          description: "build, test, smoke-run and push the image, then pulumi up staging (push to main)",
          filename: "cloudbuild/staging.yaml",
          push: { branch: "^main$" },
          serviceAccount: "staging-deployer@acme-rollout-ci.iam.gserviceaccount.com",
          approvalRequired: false,
          substitutions: subs,
        },
        {
          key: "release",
          description: "promote the digest staging runs to production (v* tags, after approval)",
          filename: "cloudbuild/release.yaml",
          push: { tag: "^v.+$" },
          serviceAccount: "production-deployer@acme-rollout-ci.iam.gserviceaccount.com",
          approvalRequired: true,
          substitutions: subs,
        },
      ]);
      assert.deepEqual(triggerSpecs({ ...args, branch: "release.x", deployImage: "example/deploy:1.2" })[0].push, {
        branch: "^release\\.x$",
      });
      assert.equal(triggerSpecs({ ...args, deployImage: "example/deploy:1.2" })[1].substitutions._DEPLOY_IMAGE, "example/deploy:1.2");
    });

    it("the trigger patterns match what they should and nothing more", function () {
      const [staging, release] = triggerSpecs(args);
      const branch = new RegExp((staging.push as { branch: string }).branch);
      const tag = new RegExp((release.push as { tag: string }).tag);
      assert.deepEqual(
        ["main", "main-old", "xmain", "feature/main"].map((b) => branch.test(b)),
        [true, false, false, false],
      );
      assert.deepEqual(
        ["v1.2.3", "v", "1.2.3", "release-v1"].map((t) => tag.test(t)),
        [true, false, false, false],
      );
    });

    it("every substitution a trigger sets is declared by its build file", function () {
      for (const spec of triggerSpecs({ ...args, deployImage: "example/deploy:1.2" })) {
        const b = load(path.basename(spec.filename));
        for (const k of Object.keys(spec.substitutions)) assert.ok(k in b.subs, `${spec.filename} does not declare ${k}`);
      }
    });

    it("names every bad arg, its value and what is expected, before registering anything", function () {
      const bad = {
        ...args,
        location: "europe",
        stagingServiceAccount: "key.json",
        productionServiceAccount: "key.json",
        backendUrl: "s3://x",
        secretsProvider: "passphrase",
        deployImage: "pulumi/pulumi:latest",
        repository: "github.com/acme/rollout",
      };
      assert.deepEqual(triggerArgProblems(bad), [
        'location: expected a region such as europe-west1, got "europe"',
        'repository: expected projects/<p>/locations/<l>/connections/<c>/repositories/<r>, got "github.com/acme/rollout"',
        'stagingServiceAccount: expected a service account email <id>@<project>.iam.gserviceaccount.com, got "key.json"',
        'productionServiceAccount: expected a service account email <id>@<project>.iam.gserviceaccount.com, got "key.json"',
        'productionServiceAccount: expected an account other than the staging one, got "key.json"',
        'backendUrl: expected gs://<bucket>[/<prefix>], got "s3://x"',
        'secretsProvider: expected gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>, got "passphrase"',
        'deployImage: expected an image pinned by a tag other than latest or by digest, got "pulumi/pulumi:latest"',
      ]);
      assert.deepEqual(triggerArgProblems({ ...args, repository: args.repository.replace("europe-west1", "us-central1") }), [
        `repository: expected a connection in location europe-west1, got "${args.repository.replace("europe-west1", "us-central1")}"`,
      ]);
      assert.deepEqual(triggerArgProblems(args), []);
      assert.throws(
        () => triggerSpecs({ ...args, backendUrl: "file://x" }),
        /invalid Cloud Build trigger args \(1 problem\):\n {2}- backendUrl: expected gs:\/\/<bucket>\[\/<prefix>\], got "file:\/\/x"/,
      );
    });

    it("registers the two triggers, parented, named from the component, as their accounts (under mocks)", async function () {
      const registered: Array<{ type: string; name: string; inputs: Dict }> = [];
      const parents = new Map<string, string | undefined>();
      pulumi.runtime.setMocks(
        {
          newResource: (a) => {
            if (a.type !== "pulumi:pulumi:Stack") registered.push({ type: a.type, name: a.name, inputs: a.inputs });
            return { id: `${a.name}-id`, state: a.inputs };
          },
          call: (a) => a.inputs,
        },
        "rollout",
        "ci",
        false,
      );
      let ids: Record<string, string> = {};
      await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((t) => {
          parents.set(t.name, (t.opts.parent as { __name?: string } | undefined)?.__name);
          return undefined;
        });
        const t = new CloudBuildTriggers("rollout-cb", args);
        ids = await new Promise((resolve) =>
          pulumi.all(t.triggerIds).apply((v) => {
            resolve(v);
            return v;
          }),
        );
        return {};
      });
      assert.deepEqual(ids, { staging: "rollout-cb-staging-id", release: "rollout-cb-release-id" });
      assert.deepEqual(
        registered.map((r) => `${r.type}::${r.name}`),
        [
          "rollout:cloudbuild:Triggers::rollout-cb",
          "gcp:cloudbuild/trigger:Trigger::rollout-cb-staging",
          "gcp:cloudbuild/trigger:Trigger::rollout-cb-release",
        ],
      );
      assert.equal(parents.get("rollout-cb-staging"), "rollout-cb");
      assert.equal(parents.get("rollout-cb-release"), "rollout-cb");
      const [staging, release] = registered.slice(1).map((r) => r.inputs);
      assert.deepEqual(staging, {
        project: "acme-rollout-ci",
        location: "europe-west1",
        name: "rollout-cb-staging",
        description: "build, test, smoke-run and push the image, then pulumi up staging (push to main)",
        filename: "cloudbuild/staging.yaml",
        repositoryEventConfig: { repository: args.repository, push: { branch: "^main$" } },
        serviceAccount: "projects/acme-rollout-ci/serviceAccounts/staging-deployer@acme-rollout-ci.iam.gserviceaccount.com",
        approvalConfig: { approvalRequired: false },
        substitutions: { _PULUMI_BACKEND_URL: "gs://acme-rollout-state", _PULUMI_SECRETS_PROVIDER: args.secretsProvider },
      });
      assert.equal(
        release.serviceAccount,
        "projects/acme-rollout-ci/serviceAccounts/production-deployer@acme-rollout-ci.iam.gserviceaccount.com",
      );
      assert.deepEqual(release.approvalConfig, { approvalRequired: true });
      assert.deepEqual(release.repositoryEventConfig, { repository: args.repository, push: { tag: "^v.+$" } });
      assert.equal(release.filename, "cloudbuild/release.yaml");
    });

    it("registers nothing when the args are bad", async function () {
      const registered: string[] = [];
      pulumi.runtime.setMocks(
        {
          newResource: (a) => {
            if (a.type !== "pulumi:pulumi:Stack") registered.push(a.name);
            return { id: a.name, state: a.inputs };
          },
          call: (a) => a.inputs,
        },
        "rollout",
        "ci",
        false,
      );
      let error: unknown;
      await pulumi.runtime.runInPulumiStack(async () => {
        try {
          new CloudBuildTriggers("rollout-cb", { ...args, productionServiceAccount: args.stagingServiceAccount });
        } catch (e) {
          error = e;
        }
        return {};
      });
      assert.match(String(error), /productionServiceAccount: expected an account other than the staging one/);
      assert.deepEqual(registered, []);
    });
  });
});
