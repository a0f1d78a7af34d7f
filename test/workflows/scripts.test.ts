// Runs the pipelines' shell steps as GitHub would (bash -eo pipefail, the runner's env), with
// stand-ins for docker, gcloud, pulumi and gh that answer like the real tools and record how they
// were called: the smoke-tested image is the one pushed, the pushed digest is the one deployed,
// and the deployment records carry what they claim.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { evaluate } from "../../policy/lib/evaluate";
import { runOffline } from "../../tools/offline";
import { committedConfig, projectDir } from "../support/stacks";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const RECORD_SCRIPT = path.join(REPO_ROOT, ".github", "scripts", "deployment-record.sh");
const SHA = "1111111111111111111111111111111111111111";
const REGISTRY = "europe-west1-docker.pkg.dev/acme-rollout-staging/rollout";
const DIGEST = `sha256:${"d".repeat(64)}`;
const TESTED_ID = `sha256:${"e".repeat(64)}`;

type Dict = Record<string, unknown>;

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

function stepRun(file: string, jobId: string, stepName: string): string {
  const doc = parse(fs.readFileSync(path.join(REPO_ROOT, ".github", "workflows", file), "utf8")) as {
    jobs: Record<string, { steps: Dict[] }>;
  };
  const step = doc.jobs[jobId]?.steps.find((s) => s.name === stepName);
  assert.ok(step && typeof step.run === "string", `${file}: job ${jobId} has no run step named ${stepName}`);
  return step.run;
}

interface Run {
  status: number | null;
  out: string;
  dir: string;
  read(file: string): string;
}

/** Runs `script` (text, or a path with args) in a temp dir whose fake tools are first on PATH. */
function runBash(
  fakes: Record<string, string>,
  env: Record<string, string>,
  script: { text: string } | { file: string; args: string[] },
): Run {
  const dir = tempDir("rollout-scripts-");
  for (const [name, body] of Object.entries(fakes))
    fs.writeFileSync(path.join(dir, name), `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
  let args: string[];
  if ("text" in script) {
    fs.writeFileSync(path.join(dir, "step.sh"), script.text);
    args = [path.join(dir, "step.sh")];
  } else {
    args = [script.file, ...script.args];
  }
  const res = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: `${dir}:${process.env.PATH ?? ""}`, HOME: dir, FAKE_DIR: dir, GITHUB_OUTPUT: path.join(dir, "github-output"), ...env },
  });
  return {
    status: res.status,
    out: `${res.stdout}${res.stderr}`,
    dir,
    read: (file) => (fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), "utf8") : ""),
  };
}

// ---------------------------------------------------------------------------

describe("pipeline scripts", function () {
  after(() => tempDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  describe("deploy-staging.yml: push the tested image", function () {
    const script = stepRun("deploy-staging.yml", "image", "Push the tested image");
    const fakes = {
      pulumi: [
        'case "$*" in',
        '  "login "*) exit 0 ;;',
        '  "stack output registryUrl --stack staging") [[ -n "${FAKE_NO_STACK:-}" ]] && { echo "error: no stack named staging" >&2; exit 255; }; echo "$FAKE_REGISTRY" ;;',
        '  *) echo "unexpected pulumi $*" >&2; exit 99 ;;',
        "esac",
      ].join("\n"),
      gcloud: 'echo "gcloud $*" >> "$FAKE_DIR/calls"',
      docker: [
        'echo "docker $*" >> "$FAKE_DIR/calls"',
        'case "$1" in',
        "  tag) ;;",
        '  push) echo "The push refers to repository [${2%:*}]"; if [[ -z "${FAKE_NO_DIGEST:-}" ]]; then echo "${2##*:}: digest: $FAKE_DIGEST size: 1234"; fi ;;',
        "  pull) ;;",
        '  image) echo "$FAKE_PULLED_ID" ;;',
        '  *) echo "unexpected docker $*" >&2; exit 99 ;;',
        "esac",
      ].join("\n"),
    };
    const env = (extra: Record<string, string> = {}): Record<string, string> => ({
      GITHUB_SHA: SHA,
      IMAGE_NAME: "okeydokey",
      TESTED_IMAGE_ID: TESTED_ID,
      PULUMI_BACKEND_URL: "gs://state",
      FAKE_REGISTRY: REGISTRY,
      FAKE_DIGEST: DIGEST,
      FAKE_PULLED_ID: TESTED_ID,
      ...extra,
    });

    it("tags and pushes the tested image ID, checks the pulled digest, outputs repo@digest", function () {
      const r = runBash(fakes, env(), { text: script });
      assert.equal(r.status, 0, r.out);
      assert.equal(r.read("github-output"), `ref=${REGISTRY}/okeydokey@${DIGEST}\n`);
      assert.deepEqual(r.read("calls").trim().split("\n"), [
        "gcloud auth configure-docker europe-west1-docker.pkg.dev --quiet",
        `docker tag ${TESTED_ID} ${REGISTRY}/okeydokey:${SHA}`,
        `docker push ${REGISTRY}/okeydokey:${SHA}`,
        `docker pull --quiet ${REGISTRY}/okeydokey@${DIGEST}`,
        `docker image inspect --format {{.Id}} ${REGISTRY}/okeydokey@${DIGEST}`,
      ]);
    });

    it("fails when the pushed digest is not the tested image", function () {
      const other = `sha256:${"f".repeat(64)}`;
      const r = runBash(fakes, env({ FAKE_PULLED_ID: other }), { text: script });
      assert.equal(r.status, 1, r.out);
      assert.ok(
        r.out.includes(
          `::error title=pushed image is not the tested one::${REGISTRY}/okeydokey@${DIGEST} is image ${other}, but the smoke run tested ${TESTED_ID}`,
        ),
        r.out,
      );
      assert.equal(r.read("github-output"), "");
    });

    it("fails when the staging stack has no registry yet, naming the order", function () {
      const r = runBash(fakes, env({ FAKE_NO_STACK: "1" }), { text: script });
      assert.equal(r.status, 1, r.out);
      assert.match(
        r.out,
        /could not read output registryUrl of stack staging: create the staging stack first \(README: bootstrap, then staging\)/,
      );
      assert.doesNotMatch(r.read("calls"), /docker push/);
    });

    it("fails when docker push prints no digest", function () {
      const r = runBash(fakes, env({ FAKE_NO_DIGEST: "1" }), { text: script });
      assert.equal(r.status, 1, r.out);
      assert.ok(r.out.includes(`docker push of ${REGISTRY}/okeydokey:${SHA} printed no digest`), r.out);
    });
  });

  describe("deploy-staging.yml: deploy the tested digest", function () {
    const script = stepRun("deploy-staging.yml", "deploy", "Use the tested digest");
    const ref = `${REGISTRY}/okeydokey@${DIGEST}`;
    // Records each call's arguments, one per line, NUL between arguments.
    const fakes = { pulumi: 'printf "%s\\0" "$@" >> "$FAKE_DIR/pulumi-calls"; echo >> "$FAKE_DIR/pulumi-calls"' };

    it("replaces rollout:image by a prebuilt image that the program deploys as is", async function () {
      const r = runBash(fakes, { GITHUB_SHA: SHA, IMAGE_REF: ref, PULUMI_BACKEND_URL: "gs://state" }, { text: script });
      assert.equal(r.status, 0, r.out);
      const calls = r
        .read("pulumi-calls")
        .trim()
        .split("\n")
        .map((l) => l.split("\0").filter((a) => a !== ""));
      assert.deepEqual(calls.slice(0, 2), [
        ["login", "gs://state"],
        ["config", "rm", "rollout:image", "--stack", "staging"],
      ]);
      assert.equal(calls.length, 3);
      const [cmd, sub, key, value, ...rest] = calls[2];
      assert.deepEqual([cmd, sub, key, rest], ["config", "set", "rollout:image", ["--stack", "staging"]]);
      // Pulumi hands the program a config value set this way as that string: run the staging
      // program with it under mocks.
      const result = await runOffline({ ...committedConfig("staging"), "rollout:image": value }, "staging", {
        projectDir,
        gitSha: "0".repeat(40),
      });
      assert.equal(result.values.image, ref);
      assert.equal(result.values.imageCommit, SHA);
      assert.equal(result.values.imageDigest, DIGEST);
      assert.deepEqual(
        result.resources.filter((res) => res.type === "docker:index/image:Image"),
        [],
        "nothing is built in pulumi up",
      );
      // And the policy pack still passes staging as the pipeline deploys it.
      const resources = result.resources
        .filter((res) => res.type.startsWith("kubernetes:") || res.type.startsWith("gcp:"))
        .map((res) => ({ type: res.type, name: res.name, props: res.props, opts: { protect: res.protect } }));
      const mandatory = evaluate(resources, { environment: "staging", allowedRegistries: [`${REGISTRY}/`] }).filter(
        (v) => v.enforcementLevel === "mandatory",
      );
      assert.deepEqual(
        mandatory.map((v) => `${v.policy} ${v.resource}: ${v.message}`),
        [],
      );
    });
  });

  describe("deployment-record.sh", function () {
    // gh: records the call and its stdin, answers from FAKE_* files, applies --jq with jq like gh.
    const gh = [
      'n=$(( $(ls "$FAKE_DIR" | grep -c "^call-" || true) + 1 ))',
      'printf "%s\\n" "$*" > "$FAKE_DIR/call-$n"',
      'jqexpr=""; prev=""; for a in "$@"; do [[ "$prev" == "--jq" ]] && jqexpr="$a"; prev="$a"; done',
      'if [[ " $* " == *" --input - "* ]]; then cat > "$FAKE_DIR/stdin-$n"; fi',
      'case "$*" in',
      '  *"/statuses?per_page=1"*) answer="$FAKE_STATUSES" ;;',
      '  *"/statuses "*) answer="{}" ;;',
      '  *"deployments?environment="*) answer="$FAKE_DEPLOYMENTS" ;;',
      '  *"/deployments "*) answer="{\\"id\\": $FAKE_ID}" ;;',
      '  *) echo "unexpected gh $*" >&2; exit 99 ;;',
      "esac",
      'if [[ -n "$jqexpr" ]]; then jq -r "$jqexpr" <<<"$answer"; else echo "$answer"; fi',
    ].join("\n");
    const env = (extra: Record<string, string> = {}): Record<string, string> => ({
      GITHUB_REPOSITORY: "acme/rollout",
      GITHUB_SHA: SHA,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_RUN_ID: "42",
      GH_TOKEN: "token",
      FAKE_ID: "77",
      FAKE_DEPLOYMENTS: "[]",
      FAKE_STATUSES: "[]",
      ...extra,
    });
    const record = (args: string[], extra: Record<string, string> = {}): Run => runBash({ gh }, env(extra), { file: RECORD_SCRIPT, args });
    const json = (r: Run, file: string): unknown => JSON.parse(r.read(file));

    for (const environment of ["staging", "production"]) {
      it(`start ${environment}: a deployment of GITHUB_SHA with the image and the plan, then in_progress`, function () {
        const plan = "### demo\n| step | pods |\n|---|---|\n| 1 | 2 → 2 |\n";
        const tmp = tempDir("rollout-plan-");
        fs.writeFileSync(path.join(tmp, "plan.md"), plan);
        const image = `${REGISTRY}/okeydokey@${DIGEST}`;
        const r = record(["start", environment, image, path.join(tmp, "plan.md")]);
        assert.equal(r.status, 0, r.out);
        assert.equal(r.read("call-1"), "api --method POST repos/acme/rollout/deployments --input - --jq .id\n");
        assert.deepEqual(json(r, "stdin-1"), {
          ref: SHA,
          environment,
          task: "deploy:rollout",
          auto_merge: false,
          required_contexts: [],
          production_environment: environment === "production",
          transient_environment: false,
          description: `pulumi up ${environment}: sha256:dddddddddddd`,
          payload: { image, commit: SHA, run: "https://github.com/acme/rollout/actions/runs/42", plan },
        });
        assert.equal(r.read("call-2"), "api --method POST repos/acme/rollout/deployments/77/statuses --input -\n");
        assert.deepEqual(json(r, "stdin-2"), {
          state: "in_progress",
          description: `pulumi up ${environment} running`,
          log_url: "https://github.com/acme/rollout/actions/runs/42",
          auto_inactive: false,
        });
        assert.equal(r.read("github-output"), "id=77\n");
      });
    }

    it("start fails when GitHub answers without a deployment id", function () {
      const tmp = tempDir("rollout-plan-");
      fs.writeFileSync(path.join(tmp, "plan.md"), "plan");
      const r = record(["start", "staging", "img@sha256:x", path.join(tmp, "plan.md")], { FAKE_ID: "null" });
      assert.equal(r.status, 1, r.out);
      assert.match(r.out, /GitHub did not create a deployment for staging \(answer: null\)/);
      assert.equal(r.read("github-output"), "");
    });

    const outcomes: Array<[string, string, string, boolean]> = [
      ["success", "success", "pulumi up succeeded", true],
      ["failure", "failure", "pulumi up failed", false],
      ["cancelled", "error", "pulumi up did not finish (cancelled)", false],
      ["skipped", "error", "pulumi up did not finish (skipped)", false],
    ];
    for (const [outcome, state, description, autoInactive] of outcomes) {
      it(`finish ${outcome} -> status ${state}`, function () {
        const r = record(["finish", "77", outcome]);
        assert.equal(r.status, 0, r.out);
        assert.equal(r.read("call-1"), "api --method POST repos/acme/rollout/deployments/77/statuses --input -\n");
        assert.deepEqual(json(r, "stdin-1"), {
          state,
          description,
          log_url: "https://github.com/acme/rollout/actions/runs/42",
          auto_inactive: autoInactive,
        });
      });
    }

    it("finish rejects an unknown outcome without calling GitHub", function () {
      const r = record(["finish", "77", "neutral"]);
      assert.equal(r.status, 1, r.out);
      assert.match(r.out, /unknown step outcome 'neutral'/);
      assert.equal(r.read("call-1"), "");
    });

    const deployments = (sha: string): string => JSON.stringify([{ id: 91, sha, environment: "staging", task: "deploy:rollout" }]);
    const statuses = (state: string): string => JSON.stringify([{ state }]);

    it("verify passes when staging's last rollout is the release commit and succeeded", function () {
      const r = record(["verify", "staging"], {
        RELEASE_TAG: "v1.2.3",
        FAKE_DEPLOYMENTS: deployments(SHA),
        FAKE_STATUSES: statuses("success"),
      });
      assert.equal(r.status, 0, r.out);
      assert.equal(r.read("call-1"), "api repos/acme/rollout/deployments?environment=staging&task=deploy:rollout&per_page=1\n");
      assert.equal(r.read("call-2"), "api repos/acme/rollout/deployments/91/statuses?per_page=1 --jq .[0].state // empty\n");
      assert.match(r.out, new RegExp(`release v1\\.2\\.3 \\(${SHA}\\) is staging's last successful rollout \\(deployment 91\\)`));
    });

    const failing: Array<[string, Record<string, string>, string]> = [
      [
        "another commit",
        { FAKE_DEPLOYMENTS: deployments("2".repeat(40)), FAKE_STATUSES: statuses("success") },
        `${"2".repeat(40)} (success)`,
      ],
      ["a failed rollout of the release", { FAKE_DEPLOYMENTS: deployments(SHA), FAKE_STATUSES: statuses("failure") }, `${SHA} (failure)`],
      ["a rollout still running", { FAKE_DEPLOYMENTS: deployments(SHA), FAKE_STATUSES: statuses("in_progress") }, `${SHA} (in_progress)`],
      ["no rollout at all", {}, "nothing (no status)"],
    ];
    for (const [what, extra, shown] of failing) {
      it(`verify fails on ${what}`, function () {
        const r = record(["verify", "staging"], { RELEASE_TAG: "v1.2.3", ...extra });
        assert.equal(r.status, 1, r.out);
        assert.ok(
          r.out.includes(
            `::error title=release not on staging::release v1.2.3 is ${SHA} but staging's last rollout is ${shown}: deploy it to staging first`,
          ),
          r.out,
        );
      });
    }
  });
});
