// Lints and checks the delivery pipeline definitions in .github/workflows/.
//
// (a) actionlint (built by scripts/install-actionlint.sh) must report nothing,
//     both on the files as written and on a copy whose SHA pins are rewritten to
//     their major tags, so that actionlint also checks the `with:` inputs of the
//     actions it knows (it only knows them by tag, not by commit).
// (b) each workflow is parsed with `yaml` and its structure is checked by the
//     rules below. Every rule is also run against a deliberately broken copy, to
//     show that it can fail.
import * as assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const WORKFLOW_DIR = path.join(REPO_ROOT, ".github", "workflows");
const INSTALL_SCRIPT = path.join(REPO_ROOT, "scripts", "install-actionlint.sh");

const PR = "pull-request.yml";
const STAGING = "deploy-staging.yml";
const PRODUCTION = "release-production.yml";
const DRIFT = "drift.yml";
const WORKFLOW_FILES = [PR, STAGING, PRODUCTION, DRIFT];

// Every action used, pinned by the full commit SHA of the named release. Each
// SHA was checked against several independent public references to that
// release; bump SHA and version together.
const PINS: Record<string, { sha: string; version: string }> = {
  "actions/checkout": { sha: "df4cb1c069e1874edd31b4311f1884172cec0e10", version: "v6.0.3" },
  "actions/setup-node": { sha: "48b55a011bda9f5d6aeb4c2d9c7362e8dae4041e", version: "v6.4.0" },
  "actions/setup-go": { sha: "4a3601121dd01d1626a1e23e37211e3254c1c06c", version: "v6.4.0" },
  "google-github-actions/auth": { sha: "7c6bc770dae815cd3e89ee6cdf493a5fab2cc093", version: "v3.0.0" },
  "google-github-actions/setup-gcloud": { sha: "aa5489c8933f4cc7a4f7d45035b3b1440c9c10db", version: "v3.0.1" },
  "pulumi/actions": { sha: "8e5e406f4007fca908480587cb9893c07090f58d", version: "v7.0.0" },
  "marocchino/sticky-pull-request-comment": { sha: "0ea0beb66eb9baf113663a64ec522f60e49231c0", version: "v3.0.4" },
};

// Inputs of pulumi/actions v7.0.0. actionlint 1.7.12 knows this action's
// inputs only up to v6, so they are checked here instead.
const PULUMI_ACTION_INPUTS = new Set([
  "command",
  "stack-name",
  "pulumi-version",
  "pulumi-version-file",
  "work-dir",
  "comment-on-pr",
  "comment-on-pr-number",
  "comment-on-summary",
  "github-token",
  "cloud-url",
  "secrets-provider",
  "parallel",
  "message",
  "config-map",
  "expect-no-changes",
  "diff",
  "replace",
  "exclude",
  "exclude-dependents",
  "target",
  "target-dependents",
  "policyPacks",
  "policyPackConfigs",
  "refresh",
  "upsert",
  "remove",
  "edit-pr-comment",
  "color",
  "exclude-protected",
  "plan",
  "suppress-outputs",
  "suppress-progress",
  "always-include-summary",
  "continue-on-error",
  "log-verbosity",
  "log-flow",
  "debug",
]);

const VARS_WIF_PROVIDER = "${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}";
const VARS_BACKEND_URL = "${{ vars.PULUMI_BACKEND_URL }}";
const VARS_SECRETS_PROVIDER = "${{ vars.PULUMI_SECRETS_PROVIDER }}";
// No repository secrets at all: GCP through OIDC, state secrets through Cloud KMS.
const ALLOWED_SECRETS = new Set(["GITHUB_TOKEN"]);

// The identity each job authenticates as (issue 13): the bootstrap project's Workload Identity
// conditions only let each one in from these events, so a job with another one would be refused.
const PREVIEWER = "${{ vars.GCP_PREVIEWER_SERVICE_ACCOUNT }}";
const STAGING_DEPLOYER = "${{ vars.GCP_STAGING_DEPLOYER_SERVICE_ACCOUNT }}";
const PRODUCTION_DEPLOYER = "${{ vars.GCP_PRODUCTION_DEPLOYER_SERVICE_ACCOUNT }}";
const IDENTITIES: Record<string, Record<string, string>> = {
  [PR]: { preview: PREVIEWER },
  [STAGING]: { image: STAGING_DEPLOYER, deploy: STAGING_DEPLOYER },
  [PRODUCTION]: { deploy: PRODUCTION_DEPLOYER },
  [DRIFT]: { drift: PREVIEWER },
};

const RECORD_SCRIPT = ".github/scripts/deployment-record.sh";

// ---------------------------------------------------------------------------
// Loading

type Dict = Record<string, unknown>;

interface Step {
  id?: string;
  if?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Dict;
  env?: Dict;
}

interface Job {
  id: string;
  raw: Dict;
  steps: Step[];
}

interface Workflow {
  file: string;
  text: string;
  doc: Dict;
}

function isDict(v: unknown): v is Dict {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function load(file: string, text: string): Workflow {
  const doc: unknown = parse(text);
  assert.ok(isDict(doc), `${file}: not a YAML mapping`);
  return { file, text, doc };
}

function loadFromDisk(file: string): Workflow {
  return load(file, fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8"));
}

function jobsOf(wf: Workflow): Job[] {
  const jobs = wf.doc.jobs;
  if (!isDict(jobs)) return [];
  return Object.entries(jobs).map(([id, raw]) => {
    const job = isDict(raw) ? raw : {};
    const steps = Array.isArray(job.steps) ? (job.steps.filter(isDict) as Step[]) : [];
    return { id, raw: job, steps };
  });
}

function job(wf: Workflow, id: string): Job | undefined {
  return jobsOf(wf).find((j) => j.id === id);
}

function actionOf(step: Step): string | undefined {
  return step.uses?.split("@")[0];
}

function stepsUsing(j: Job, action: string): Step[] {
  return j.steps.filter((s) => actionOf(s) === action);
}

function pulumiCommandSteps(j: Job, command?: string): Step[] {
  return stepsUsing(j, "pulumi/actions").filter((s) =>
    command === undefined ? s.with?.command !== undefined : s.with?.command === command,
  );
}

function authenticatesToGcp(j: Job): boolean {
  return stepsUsing(j, "google-github-actions/auth").length > 0;
}

function postsPrComments(j: Job): boolean {
  return (
    stepsUsing(j, "marocchino/sticky-pull-request-comment").length > 0 ||
    stepsUsing(j, "pulumi/actions").some((s) => s.with?.["comment-on-pr"] === true)
  );
}

function runsRecord(j: Job, sub: string): Step[] {
  return j.steps.filter((s) => typeof s.run === "string" && s.run.includes(`bash ${RECORD_SCRIPT} ${sub} `));
}

function writesDeploymentRecords(j: Job): boolean {
  return runsRecord(j, "start").length + runsRecord(j, "finish").length > 0;
}

function readsDeploymentRecords(j: Job): boolean {
  return runsRecord(j, "verify").length > 0;
}

function writesIssues(j: Job): boolean {
  return j.steps.some((s) => typeof s.run === "string" && /\bgh issue (create|comment)\b/.test(s.run));
}

function runsPulumiCli(j: Job): boolean {
  return j.steps.some((s) => typeof s.run === "string" && /(^|\s)pulumi\s/m.test(s.run));
}

function envValue(j: Job, step: Step | undefined, key: string): unknown {
  if (step?.env && key in step.env) return step.env[key];
  if (isDict(j.raw.env) && key in j.raw.env) return j.raw.env[key];
  return undefined;
}

function environmentName(j: Job): unknown {
  const env = j.raw.environment;
  return isDict(env) ? env.name : env;
}

function effectivePermissions(wf: Workflow, j: Job): unknown {
  return "permissions" in j.raw ? j.raw.permissions : wf.doc.permissions;
}

function effectiveConcurrency(wf: Workflow, j: Job): unknown {
  return "concurrency" in j.raw ? j.raw.concurrency : wf.doc.concurrency;
}

// ---------------------------------------------------------------------------
// Rules: each returns the problems it finds, [] when the workflow is right.

type Rule = (wf: Workflow) => string[];

const EXPECTED_TRIGGERS: Record<string, (on: unknown) => string[]> = {
  [PR]: (on) => {
    const problems: string[] = [];
    if (!isDict(on) || Object.keys(on).join() !== "pull_request")
      return [`triggers must be exactly pull_request, got ${JSON.stringify(on)}`];
    const pr = on.pull_request;
    if (!isDict(pr) || JSON.stringify(pr.branches) !== JSON.stringify(["main"]))
      problems.push(`pull_request must target branches [main], got ${JSON.stringify(pr)}`);
    return problems;
  },
  [STAGING]: (on) => {
    if (!isDict(on) || Object.keys(on).join() !== "push") return [`triggers must be exactly push, got ${JSON.stringify(on)}`];
    const push = on.push;
    if (!isDict(push) || JSON.stringify(push.branches) !== JSON.stringify(["main"]))
      return [`push must be on branches [main], got ${JSON.stringify(push)}`];
    return [];
  },
  [DRIFT]: (on) => {
    if (!isDict(on) || Object.keys(on).sort().join() !== "schedule,workflow_dispatch")
      return [`triggers must be exactly schedule and workflow_dispatch, got ${JSON.stringify(on)}`];
    const schedule = on.schedule;
    if (!Array.isArray(schedule) || schedule.length !== 1 || !isDict(schedule[0]) || !/^\d+ \d+ \* \* \*$/.test(String(schedule[0].cron)))
      return [`schedule must be one daily cron "M H * * *", got ${JSON.stringify(schedule)}`];
    return [];
  },
  [PRODUCTION]: (on) => {
    if (!isDict(on) || Object.keys(on).join() !== "release") return [`triggers must be exactly release, got ${JSON.stringify(on)}`];
    const release = on.release;
    if (!isDict(release) || JSON.stringify(release.types) !== JSON.stringify(["published"]))
      return [`release must be on types [published], got ${JSON.stringify(release)}`];
    return [];
  },
};

const rules: Record<string, Rule> = {
  triggers(wf) {
    const expected = EXPECTED_TRIGGERS[wf.file];
    if (!expected) return [`no expected triggers for ${wf.file}`];
    const problems = expected(wf.doc.on);
    if (/pull_request_target|workflow_run/.test(wf.text))
      problems.push("privileged triggers (pull_request_target, workflow_run) are not allowed");
    return problems;
  },

  timeouts(wf) {
    const problems: string[] = [];
    for (const j of jobsOf(wf)) {
      const t = j.raw["timeout-minutes"];
      if (typeof t !== "number" || !(t > 0 && t <= 120))
        problems.push(`job ${j.id}: timeout-minutes must be a number in (0, 120], got ${JSON.stringify(t)}`);
    }
    return problems;
  },

  permissions(wf) {
    const problems: string[] = [];
    if (!isDict(wf.doc.permissions) || Object.keys(wf.doc.permissions).length !== 0) {
      problems.push(`top-level permissions must be {} (jobs ask for their own), got ${JSON.stringify(wf.doc.permissions)}`);
    }
    for (const j of jobsOf(wf)) {
      const perms = effectivePermissions(wf, j);
      if (!isDict(perms)) {
        problems.push(`job ${j.id}: permissions must be an explicit mapping, got ${JSON.stringify(perms)}`);
        continue;
      }
      const writes = Object.entries(perms)
        .filter(([, v]) => v === "write")
        .map(([k]) => k)
        .sort();
      const expected = [
        ...(authenticatesToGcp(j) ? ["id-token"] : []),
        ...(postsPrComments(j) ? ["pull-requests"] : []),
        ...(writesDeploymentRecords(j) ? ["deployments"] : []),
        ...(writesIssues(j) ? ["issues"] : []),
      ].sort();
      if (JSON.stringify(writes) !== JSON.stringify(expected)) {
        problems.push(`job ${j.id}: write permissions must be exactly ${JSON.stringify(expected)}, got ${JSON.stringify(writes)}`);
      }
      if (perms.contents !== "read") problems.push(`job ${j.id}: contents must be read, got ${JSON.stringify(perms.contents)}`);
      if (readsDeploymentRecords(j) && perms.deployments !== "read" && perms.deployments !== "write")
        problems.push(`job ${j.id}: reads deployment records without deployments: read`);
      const unexpected = Object.keys(perms).filter((k) => !["contents", "id-token", "pull-requests", "deployments", "issues"].includes(k));
      if (unexpected.length > 0) problems.push(`job ${j.id}: unexpected permissions ${JSON.stringify(unexpected)}`);
    }
    return problems;
  },

  credentials(wf) {
    const problems: string[] = [];
    if (/credentials_json|service_account_key/.test(wf.text))
      problems.push("GCP JSON keys (credentials_json / service_account_key) are not allowed");
    for (const m of wf.text.matchAll(/secrets\.([A-Za-z0-9_]+)/g)) {
      if (!ALLOWED_SECRETS.has(m[1])) problems.push(`secret ${m[1]} is not allowed (only ${[...ALLOWED_SECRETS].join(", ")})`);
    }
    for (const j of jobsOf(wf)) {
      for (const s of stepsUsing(j, "google-github-actions/auth")) {
        if (s.with?.workload_identity_provider !== VARS_WIF_PROVIDER)
          problems.push(
            `job ${j.id}: auth workload_identity_provider must be ${VARS_WIF_PROVIDER}, got ${JSON.stringify(s.with?.workload_identity_provider)}`,
          );
        const expected = IDENTITIES[wf.file]?.[j.id];
        if (s.with?.service_account !== expected)
          problems.push(
            `job ${j.id}: auth service_account must be ${expected ?? "(no GCP identity for this job)"}, got ${JSON.stringify(s.with?.service_account)}`,
          );
      }
    }
    // The production deployer's condition needs the protected environment: only there.
    for (const j of jobsOf(wf)) {
      const sa = stepsUsing(j, "google-github-actions/auth").map((s) => s.with?.service_account);
      if (sa.includes(PRODUCTION_DEPLOYER) && environmentName(j) !== "production")
        problems.push(`job ${j.id}: the production deployer only in the GitHub environment production`);
      if (sa.includes(PREVIEWER) && pulumiCommandSteps(j, "up").length > 0)
        problems.push(`job ${j.id}: the read-only previewer cannot run pulumi up`);
    }
    for (const [id, sa] of Object.entries(IDENTITIES[wf.file] ?? {})) {
      const j = job(wf, id);
      if (!j || !stepsUsing(j, "google-github-actions/auth").some((s) => s.with?.service_account === sa))
        problems.push(`job ${id} must authenticate as ${sa}`);
    }
    return problems;
  },

  pins(wf) {
    const problems: string[] = [];
    const lines = wf.text.split("\n");
    let seen = 0;
    lines.forEach((line, i) => {
      const m = /^\s*(?:-\s+)?uses:\s*(\S+)(?:\s+#\s*(\S+))?\s*$/.exec(line);
      if (!m) return;
      seen++;
      const [, ref, comment] = m;
      const at = `${wf.file}:${i + 1}`;
      const [action, version] = ref.split("@");
      const pin = PINS[action];
      if (!pin) problems.push(`${at}: ${action} is not in the reviewed pin list`);
      else if (version !== pin.sha) problems.push(`${at}: ${action} must be pinned to ${pin.sha} (${pin.version}), got @${version}`);
      if (!/^[0-9a-f]{40}$/.test(version ?? "")) problems.push(`${at}: ${ref} is not pinned to a full 40-hex commit SHA`);
      if (pin && comment !== pin.version)
        problems.push(`${at}: ${action} pin must carry the comment "# ${pin.version}", got ${JSON.stringify(comment)}`);
    });
    const parsedUses = jobsOf(wf).flatMap((j) => j.steps.filter((s) => s.uses !== undefined)).length;
    if (seen !== parsedUses) problems.push(`found ${seen} uses: lines but ${parsedUses} uses: steps; write each on its own line`);
    if (seen === 0) problems.push("no uses: found at all");
    return problems;
  },

  node(wf) {
    const problems: string[] = [];
    for (const j of jobsOf(wf)) {
      for (const s of stepsUsing(j, "actions/setup-node")) {
        if (String(s.with?.["node-version"]) !== "20")
          problems.push(`job ${j.id}: node-version must be 20, got ${JSON.stringify(s.with?.["node-version"])}`);
        if (s.with?.cache !== "npm") problems.push(`job ${j.id}: setup-node must cache npm, got ${JSON.stringify(s.with?.cache)}`);
      }
      const runsNpm = j.steps.some((s) => typeof s.run === "string" && /\bnpm\b/.test(s.run));
      if (runsNpm && stepsUsing(j, "actions/setup-node").length !== 1)
        problems.push(`job ${j.id}: runs npm without exactly one actions/setup-node step`);
    }
    return problems;
  },

  pulumi(wf) {
    const problems: string[] = [];
    for (const j of jobsOf(wf)) {
      const commandSteps = pulumiCommandSteps(j);
      for (const s of commandSteps) {
        const w = s.with ?? {};
        for (const key of Object.keys(w))
          if (!PULUMI_ACTION_INPUTS.has(key)) problems.push(`job ${j.id}: pulumi/actions has no input ${key}`);
        const stack = w["stack-name"];
        if (typeof stack !== "string" || stack === "") {
          problems.push(`job ${j.id}: pulumi ${String(w.command)} without a stack-name`);
          continue;
        }
        if (w.policyPacks !== "policy")
          problems.push(`job ${j.id}: pulumi ${String(w.command)} must run policyPacks: policy, got ${JSON.stringify(w.policyPacks)}`);
        if (w.policyPackConfigs !== `policy/config/${stack}.json`)
          problems.push(`job ${j.id}: policyPackConfigs must be policy/config/${stack}.json, got ${JSON.stringify(w.policyPackConfigs)}`);
        if (w["cloud-url"] !== VARS_BACKEND_URL)
          problems.push(`job ${j.id}: cloud-url must be ${VARS_BACKEND_URL}, got ${JSON.stringify(w["cloud-url"])}`);
        if (w["secrets-provider"] !== VARS_SECRETS_PROVIDER)
          problems.push(`job ${j.id}: secrets-provider must be ${VARS_SECRETS_PROVIDER}, got ${JSON.stringify(w["secrets-provider"])}`);
      }
      const usesPulumi = commandSteps.length > 0 || runsPulumiCli(j);
      if (!usesPulumi) continue;
      if (envValue(j, undefined, "PULUMI_BACKEND_URL") !== VARS_BACKEND_URL)
        problems.push(`job ${j.id}: env PULUMI_BACKEND_URL must be ${VARS_BACKEND_URL}`);
      if (envValue(j, undefined, "PULUMI_SECRETS_PROVIDER") !== VARS_SECRETS_PROVIDER)
        problems.push(`job ${j.id}: env PULUMI_SECRETS_PROVIDER must be ${VARS_SECRETS_PROVIDER}`);
      if (envValue(j, undefined, "PULUMI_CONFIG_PASSPHRASE") !== undefined)
        problems.push(`job ${j.id}: no PULUMI_CONFIG_PASSPHRASE: the stacks' secrets provider is Cloud KMS`);
      const authAt = j.steps.findIndex((s) => actionOf(s) === "google-github-actions/auth");
      const firstPulumi = j.steps.findIndex(
        (s) => pulumiCommandSteps({ ...j, steps: [s] }).length > 0 || (typeof s.run === "string" && /(^|\s)pulumi\s/m.test(s.run)),
      );
      if (authAt < 0 || authAt > firstPulumi) problems.push(`job ${j.id}: must authenticate to GCP before running pulumi`);
      if (commandSteps.length > 0) {
        // preview/up run the program, whose kubeconfig uses exec auth.
        const gcloud = stepsUsing(j, "google-github-actions/setup-gcloud");
        if (!gcloud.some((s) => s.with?.install_components === "gke-gcloud-auth-plugin"))
          problems.push(`job ${j.id}: needs setup-gcloud with install_components: gke-gcloud-auth-plugin`);
        const install = j.steps.map((s) => s.run ?? "");
        const ci = install.indexOf("npm ci");
        const policyCi = install.indexOf("(cd policy && npm ci)");
        const pulumiAt = j.steps.indexOf(commandSteps[0]);
        if (ci < 0 || policyCi < 0 || ci > pulumiAt || policyCi > pulumiAt)
          problems.push(`job ${j.id}: must run npm ci and (cd policy && npm ci) before pulumi`);
      }
    }
    return problems;
  },

  deploys(wf) {
    const problems: string[] = [];
    for (const j of jobsOf(wf)) {
      for (const s of pulumiCommandSteps(j)) {
        const command = s.with?.command;
        if (command === "preview") continue;
        if (command !== "up") {
          problems.push(`job ${j.id}: pulumi ${String(command)} is not expected in the pipeline`);
          continue;
        }
        const stack = s.with?.["stack-name"];
        const conc = effectiveConcurrency(wf, j);
        if (!isDict(conc) || conc.group !== `deploy-${String(stack)}` || conc["cancel-in-progress"] !== false) {
          problems.push(
            `job ${j.id}: pulumi up ${String(stack)} needs concurrency {group: deploy-${String(stack)}, cancel-in-progress: false}, got ${JSON.stringify(conc)}`,
          );
        }
        if (environmentName(j) !== stack)
          problems.push(
            `job ${j.id}: pulumi up ${String(stack)} must run in the GitHub environment ${String(stack)}, got ${JSON.stringify(j.raw.environment)}`,
          );
      }
    }
    return problems;
  },
};

// Per-workflow checks of what each pipeline must do.
const pipelines: Record<string, Rule> = {
  [PR]: (wf) => {
    const problems: string[] = [];
    const conc = wf.doc.concurrency;
    if (!isDict(conc) || typeof conc.group !== "string" || !conc.group.includes("${{ github.event.pull_request.number }}")) {
      problems.push(`concurrency must be grouped per PR (github.event.pull_request.number), got ${JSON.stringify(conc)}`);
    }
    const test = job(wf, "test");
    if (!test) return [...problems, "job test is missing"];
    const runs = test.steps.map((s) => s.run).filter((r): r is string => typeof r === "string");
    const want = ["npm ci", "(cd policy && npm ci)", "npm test"];
    if (JSON.stringify(runs) !== JSON.stringify(want))
      problems.push(`job test must run ${JSON.stringify(want)} in order, got ${JSON.stringify(runs)}`);
    if (authenticatesToGcp(test)) problems.push("job test must not authenticate to GCP");

    const preview = job(wf, "preview");
    if (!preview) return [...problems, "job preview is missing"];
    const needs = preview.raw.needs;
    if (!(needs === "test" || (Array.isArray(needs) && needs.includes("test"))))
      problems.push(`job preview must need test, got ${JSON.stringify(needs)}`);
    const strategy = preview.raw.strategy;
    const matrix = isDict(strategy) ? strategy.matrix : undefined;
    if (
      !isDict(matrix) ||
      JSON.stringify(matrix.stack) !== JSON.stringify(["staging", "production"]) ||
      Object.keys(matrix).join() !== "stack"
    ) {
      problems.push(`job preview must have matrix {stack: [staging, production]}, got ${JSON.stringify(matrix)}`);
    }
    const previews = pulumiCommandSteps(preview, "preview");
    if (previews.length !== 1) problems.push(`job preview must run pulumi preview once, got ${previews.length}`);
    const p = previews[0];
    if (p) {
      if (p.with?.["stack-name"] !== "${{ matrix.stack }}")
        problems.push(`pulumi preview must use stack-name \${{ matrix.stack }}, got ${JSON.stringify(p.with?.["stack-name"])}`);
      if (p.with?.["comment-on-pr"] !== true)
        problems.push(`pulumi preview must comment-on-pr: true, got ${JSON.stringify(p.with?.["comment-on-pr"])}`);
    }
    if (pulumiCommandSteps(preview).length !== previews.length) problems.push("job preview must not run any pulumi command but preview");

    // The rollout plan: printed offline to a file, then posted sticky per stack.
    const planAt = preview.steps.findIndex((s) => typeof s.run === "string" && s.run.includes("npm run --silent plan --"));
    const plan = preview.steps[planAt];
    const m = plan?.run ? /^npm run --silent plan -- --stack "\$STACK" --format markdown > "([^"]+)"$/.exec(plan.run.trim()) : null;
    if (!m) {
      problems.push(
        `job preview must write the plan with npm run --silent plan -- --stack "$STACK" --format markdown > "<file>", got ${JSON.stringify(plan?.run)}`,
      );
    } else {
      if (envValue(preview, plan, "STACK") !== "${{ matrix.stack }}")
        problems.push(`the plan step's STACK must be \${{ matrix.stack }}, got ${JSON.stringify(envValue(preview, plan, "STACK"))}`);
      const planFile = m[1].replace("$RUNNER_TEMP", "${{ runner.temp }}").replace("$STACK", "${{ matrix.stack }}");
      const commentAt = preview.steps.findIndex((s) => actionOf(s) === "marocchino/sticky-pull-request-comment");
      const comment = preview.steps[commentAt];
      if (!comment) problems.push("job preview must post the plan with marocchino/sticky-pull-request-comment");
      else {
        if (commentAt < planAt) problems.push("the plan comment must come after the plan step");
        if (comment.with?.path !== planFile)
          problems.push(`the plan comment must post ${planFile}, got ${JSON.stringify(comment.with?.path)}`);
        const header = comment.with?.header;
        if (typeof header !== "string" || !header.includes("${{ matrix.stack }}"))
          problems.push(`the plan comment needs a header per stack, got ${JSON.stringify(header)}`);
      }
    }
    return problems;
  },

  [STAGING]: (wf) => {
    const problems: string[] = [];
    const image = job(wf, "image");
    if (!image) return [...problems, "job image is missing"];
    const imageJobs = jobsOf(wf).filter((j) => j.steps.some((s) => s.run?.trim() === "docker build --target test app/"));
    if (imageJobs.length !== 1 || imageJobs[0].id !== "image")
      problems.push(`exactly job image must run docker build --target test app/, got ${JSON.stringify(imageJobs.map((j) => j.id))}`);
    const at = (pred: (s: Step) => boolean): number => image.steps.findIndex(pred);
    const testAt = at((s) => s.run?.trim() === "docker build --target test app/");
    const smokeAt = at(
      (s) =>
        /docker run --detach --name smoke [^\n]*"\$IMAGE_NAME:candidate"/.test(s.run ?? "") &&
        /bash app\/smoke\.sh http:\/\/127\.0\.0\.1:8080 "\$GITHUB_SHA"/.test(s.run ?? "") &&
        (s.run ?? "").includes("TESTED_IMAGE_ID=$(docker inspect --format '{{.Image}}' smoke)"),
    );
    const authAt = at((s) => actionOf(s) === "google-github-actions/auth");
    const pushAt = at((s) => /docker push "\$target"/.test(s.run ?? ""));
    if (smokeAt < 0)
      problems.push(
        "job image must start the built image (docker run --name smoke) and probe it with app/smoke.sh, recording TESTED_IMAGE_ID",
      );
    if (testAt < 0 || smokeAt < testAt) problems.push("the smoke run must come after the test stage");
    if (authAt < 0 || authAt < smokeAt) problems.push("job image must test the image before it has any GCP credential");
    if (pushAt < 0 || pushAt < smokeAt) problems.push("job image must push after the smoke run");
    const push = image.steps[pushAt];
    if (push) {
      if (!(push.run ?? "").includes('docker tag "$TESTED_IMAGE_ID" "$target"'))
        problems.push("job image must push the image ID the smoke run tested");
      if (!(push.run ?? "").includes('if [[ "$pulled" != "$TESTED_IMAGE_ID" ]]'))
        problems.push("job image must check that the pushed digest resolves to the tested image ID");
      if (!/echo "ref=\$ref" >> "\$GITHUB_OUTPUT"/.test(push.run ?? "")) problems.push("job image must output the pushed ref");
    }
    const outputs = isDict(image.raw.outputs) ? image.raw.outputs : {};
    if (push && outputs.ref !== `\${{ steps.${String(push.id)}.outputs.ref }}`)
      problems.push(`job image must output ref from its push step, got ${JSON.stringify(outputs.ref)}`);

    const deploy = job(wf, "deploy");
    if (!deploy) return [...problems, "job deploy is missing"];
    const ups = pulumiCommandSteps(deploy, "up");
    if (ups.length !== 1 || ups[0].with?.["stack-name"] !== "staging") problems.push("job deploy must run pulumi up --stack staging once");
    const needs = deploy.raw.needs;
    if (!(needs === "image" || (Array.isArray(needs) && needs.includes("image"))))
      problems.push(`job deploy must need image, got ${JSON.stringify(needs)}`);
    problems.push(...modeProblems(wf, "staging"));
    const handoff = job(wf, "gitops-handoff");
    if (
      !handoff ||
      handoff.raw.if !== "needs.mode.outputs.mode == 'gitops'" ||
      pulumiCommandSteps(handoff).length > 0 ||
      authenticatesToGcp(handoff)
    )
      problems.push("job gitops-handoff must run only in GitOps mode, without pulumi or GCP credentials");
    else if (envValue(handoff, undefined, "IMAGE_REF") !== "${{ needs.image.outputs.ref }}")
      problems.push("job gitops-handoff must hand over needs.image.outputs.ref");
    if (envValue(deploy, undefined, "IMAGE_REF") !== "${{ needs.image.outputs.ref }}")
      problems.push("job deploy must deploy IMAGE_REF = needs.image.outputs.ref");
    if (deploy.steps.some((s) => /docker\s+(build|buildx|push)/.test(s.run ?? "")))
      problems.push("job deploy must neither build nor push: it deploys the tested digest");
    const upAt = ups[0] ? deploy.steps.indexOf(ups[0]) : -1;
    const pinAt = deploy.steps.findIndex((s) => isTestedDigestStep(s.run));
    if (pinAt < 0 || pinAt > upAt)
      problems.push("job deploy must set rollout:image to the tested digest (source prebuilt) before pulumi up");
    problems.push(...recordProblems(deploy, "staging", ups[0]));
    return problems;
  },

  [PRODUCTION]: (wf) => {
    const problems: string[] = [];
    // Production promotes staging's digest: no image is ever built here.
    if (/docker\s+(build|buildx|push)|docker\/build-push-action|docker\/setup-buildx-action/.test(wf.text))
      problems.push("the production workflow must never build or push an image");
    // Only v* tags: verify-staging carries the condition and every other job needs it.
    const TAG_CONDITION = "startsWith(github.event.release.tag_name, 'v')";
    for (const j of jobsOf(wf)) {
      const needs = j.raw.needs;
      const gated =
        j.id === "verify-staging"
          ? j.raw.if === TAG_CONDITION
          : needs === "verify-staging" || (Array.isArray(needs) && needs.includes("verify-staging"));
      if (!gated)
        problems.push(`job ${j.id} must run only for v* tags: if: ${TAG_CONDITION} on verify-staging, needs: verify-staging elsewhere`);
    }
    const deploy = job(wf, "deploy");
    if (!deploy) return [...problems, "job deploy is missing"];
    const ups = pulumiCommandSteps(deploy, "up");
    if (ups.length !== 1 || ups[0].with?.["stack-name"] !== "production")
      problems.push("job deploy must run pulumi up --stack production once");
    const upAt = ups[0] ? deploy.steps.indexOf(ups[0]) : -1;
    const checkAt = deploy.steps.findIndex((s) => isImageCommitCheck(s.run));
    if (checkAt < 0 || checkAt > upAt)
      problems.push("job deploy must check staging's imageCommit against the release commit right before pulumi up");
    const verify = job(wf, "verify-staging");
    if (!verify || !verify.steps.some((s) => s.run?.trim() === `bash ${RECORD_SCRIPT} verify staging`))
      problems.push("job verify-staging must check staging's last rollout record before the approval");
    if (verify && authenticatesToGcp(verify))
      problems.push("job verify-staging must not authenticate to GCP (no identity is allowed before the approval)");
    problems.push(...recordProblems(deploy, "production", ups[0]));
    problems.push(...modeProblems(wf, "production"));
    return problems;
  },

  [DRIFT]: (wf) => {
    const problems: string[] = [];
    const drift = job(wf, "drift");
    if (!drift) return ["job drift is missing"];
    const strategy = drift.raw.strategy;
    const matrix = isDict(strategy) ? strategy.matrix : undefined;
    if (!isDict(matrix) || JSON.stringify(matrix.stack) !== JSON.stringify(["staging", "production"]))
      problems.push(`job drift must have matrix {stack: [staging, production]}, got ${JSON.stringify(matrix)}`);
    if (!isDict(strategy) || strategy["fail-fast"] !== false)
      problems.push("job drift must not cancel one stack's check when the other fails (fail-fast: false)");
    if (envValue(drift, undefined, "STACK") !== "${{ matrix.stack }}") problems.push("job drift must set STACK to ${{ matrix.stack }}");
    if (pulumiCommandSteps(drift).length > 0)
      problems.push("job drift must not run pulumi/actions commands (it previews with the CLI to get JSON)");
    const preview = drift.steps.find((s) => /pulumi preview /.test(s.run ?? ""));
    const run = preview?.run ?? "";
    if (
      !/pulumi preview --stack "\$STACK" --refresh --expect-no-changes --json --non-interactive > "\$RUNNER_TEMP\/preview\.json"/.test(run)
    )
      problems.push(`job drift must run pulumi preview --stack "$STACK" --refresh --expect-no-changes --json, got ${JSON.stringify(run)}`);
    if (!run.includes('npx ts-node --transpile-only pipeline/drift.ts "$STACK" "$RUNNER_TEMP/preview.json"'))
      problems.push("job drift must report the drifted resources with pipeline/drift.ts");
    if (!run.includes('>> "$GITHUB_STEP_SUMMARY"')) problems.push("job drift must write the report to the job summary");
    const issue = drift.steps.find((s) => writesIssues({ ...drift, steps: [s] }));
    if (!issue) problems.push("job drift must open or update an issue on drift");
    else {
      if (issue.if !== "steps.preview.outputs.drift == 'true'")
        problems.push(`the issue step must run only on drift, got ${JSON.stringify(issue.if)}`);
      if (!/exit 1\s*$/.test(issue.run ?? "")) problems.push("the issue step must fail the check");
    }
    return problems;
  },
};

/** pulumi up runs only in delivery mode ci: in GitOps mode the Operator is the one writer. */
function modeProblems(wf: Workflow, stack: string): string[] {
  const problems: string[] = [];
  const mode = job(wf, "mode");
  const step = mode?.steps.find((s) => s.id === "mode");
  if (!mode || step?.run?.trim() !== `npx ts-node --transpile-only pipeline/mode.ts ${stack} >> "$GITHUB_OUTPUT"`)
    problems.push(`job mode must print the delivery mode of ${stack} with pipeline/mode.ts`);
  else if (!isDict(mode.raw.outputs) || mode.raw.outputs.mode !== "${{ steps.mode.outputs.mode }}")
    problems.push("job mode must output mode");
  for (const j of jobsOf(wf).filter((x) => pulumiCommandSteps(x, "up").length > 0)) {
    const needs = j.raw.needs;
    if (!(Array.isArray(needs) && needs.includes("mode")) || j.raw.if !== "needs.mode.outputs.mode == 'ci'")
      problems.push(`job ${j.id} runs pulumi up: it must need mode and run only if needs.mode.outputs.mode == 'ci'`);
  }
  return problems;
}

function isTestedDigestStep(run: string | undefined): boolean {
  return (
    typeof run === "string" &&
    run.includes("pulumi config rm rollout:image --stack staging") &&
    run.includes(
      'pulumi config set rollout:image "{\\"source\\":\\"prebuilt\\",\\"ref\\":\\"$IMAGE_REF\\",\\"commit\\":\\"$GITHUB_SHA\\"}" --stack staging',
    )
  );
}

/** A deployment record around the one pulumi up: started after the plan is written, finished whatever happened. */
function recordProblems(j: Job, environment: string, up: Step | undefined): string[] {
  const problems: string[] = [];
  if (!up) return problems;
  const upAt = j.steps.indexOf(up);
  const upId = up.id;
  const planAt = j.steps.findIndex(
    (s) => s.run?.trim() === `npm run --silent plan -- --stack ${environment} --format markdown > "$RUNNER_TEMP/rollout-plan.md"`,
  );
  const startAt = j.steps.findIndex(
    (s) => s.run?.trim() === `bash ${RECORD_SCRIPT} start ${environment} "$IMAGE_REF" "$RUNNER_TEMP/rollout-plan.md"`,
  );
  const finishAt = j.steps.findIndex((s) => s.run?.trim() === `bash ${RECORD_SCRIPT} finish "$DEPLOYMENT_ID" "$OUTCOME"`);
  if (planAt < 0) problems.push(`job ${j.id} must write the rollout plan of ${environment} for the deployment record`);
  if (startAt < 0 || startAt < planAt || startAt > upAt)
    problems.push(`job ${j.id} must start the deployment record of ${environment} after the plan and before pulumi up`);
  const start: Step | undefined = j.steps[startAt];
  const finish: Step | undefined = j.steps[finishAt];
  if (!finish || finishAt < upAt) problems.push(`job ${j.id} must finish the deployment record after pulumi up`);
  else {
    if (finish.if !== `always() && steps.${String(start?.id)}.outputs.id != ''`)
      problems.push(`the record's finish must run always() once started, got ${JSON.stringify(finish.if)}`);
    if (envValue(j, finish, "OUTCOME") !== `\${{ steps.${String(upId)}.outcome }}`)
      problems.push(`the record's OUTCOME must be the pulumi up step's outcome, got ${JSON.stringify(envValue(j, finish, "OUTCOME"))}`);
    if (envValue(j, finish, "DEPLOYMENT_ID") !== `\${{ steps.${String(start?.id)}.outputs.id }}`)
      problems.push("the record's DEPLOYMENT_ID must come from its start step");
  }
  for (const s of [start, finish])
    if (s && envValue(j, s, "GH_TOKEN") !== "${{ github.token }}")
      problems.push("deployment record steps need GH_TOKEN: ${{ github.token }}");
  return problems;
}

function isImageCommitCheck(run: string | undefined): boolean {
  return (
    typeof run === "string" &&
    run.includes("pulumi stack output imageCommit --stack staging") &&
    run.includes("$GITHUB_SHA") &&
    /release \$RELEASE_TAG is \$GITHUB_SHA but staging runs .*: deploy it to staging first/.test(run)
  );
}

// ---------------------------------------------------------------------------
// actionlint

interface Finding {
  message: string;
  filepath: string;
  line: number;
  column: number;
  kind: string;
}

let actionlint = "";

function runActionlint(cwd: string, files: string[]): Finding[] {
  const res = spawnSync(actionlint, ["-format", "{{json .}}", ...files], { cwd, encoding: "utf8", timeout: 120_000 });
  if (res.error) throw res.error;
  // 0: no problem, 1: problems found; anything else is actionlint failing.
  if (res.status !== 0 && res.status !== 1) throw new Error(`actionlint exited ${res.status}: ${res.stderr}${res.stdout}`);
  const out = res.stdout.trim();
  const findings = (out === "" || out === "null" ? [] : JSON.parse(out)) as Finding[];
  if (res.status === 1 && findings.length === 0) throw new Error(`actionlint exited 1 without findings: ${res.stderr}`);
  return findings;
}

function formatFindings(findings: Finding[]): string {
  return findings.map((f) => `${f.filepath}:${f.line}:${f.column}: ${f.message} [${f.kind}]`).join("\n");
}

/** `owner/repo@<sha> # vX.Y.Z` -> `owner/repo@vX`, so that actionlint checks the inputs. */
function pinsToMajorTags(text: string): string {
  return text.replace(/@[0-9a-f]{40}(\s+#\s*)(v\d+)(?:\.\d+)*/g, "@$2$1$2");
}

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-workflows-"));
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function lintTexts(texts: Record<string, string>): Finding[] {
  return withTempDir((dir) => {
    const wfDir = path.join(dir, ".github", "workflows");
    fs.mkdirSync(wfDir, { recursive: true });
    for (const [file, text] of Object.entries(texts)) fs.writeFileSync(path.join(wfDir, file), text);
    return runActionlint(
      dir,
      Object.keys(texts).map((f) => path.join(".github", "workflows", f)),
    );
  });
}

// ---------------------------------------------------------------------------

describe("delivery workflows (.github/workflows)", function () {
  let workflows: Workflow[] = [];

  before(function () {
    this.timeout(600_000); // a cold install builds actionlint from source
    const out = execFileSync("bash", [INSTALL_SCRIPT], { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    actionlint = out.trim().split("\n").pop() ?? "";
    assert.ok(
      path.isAbsolute(actionlint) && fs.existsSync(actionlint),
      `install-actionlint.sh printed no usable path: ${JSON.stringify(out)}`,
    );
    workflows = WORKFLOW_FILES.map(loadFromDisk);
  });

  it("has exactly the four pipeline workflows", function () {
    const present = fs
      .readdirSync(WORKFLOW_DIR)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    assert.deepEqual(present, [...WORKFLOW_FILES].sort());
  });

  describe("actionlint", function () {
    this.timeout(120_000);

    it("reports nothing on the workflows", function () {
      const version = execFileSync(actionlint, ["-version"], { encoding: "utf8" }).split("\n")[0];
      assert.equal(version, "v1.7.12");
      const findings = runActionlint(
        REPO_ROOT,
        WORKFLOW_FILES.map((f) => path.join(".github", "workflows", f)),
      );
      assert.equal(findings.length, 0, `actionlint found:\n${formatFindings(findings)}`);
    });

    it("reports nothing on the workflows with pins as major tags (checks action inputs)", function () {
      const texts = Object.fromEntries(workflows.map((wf) => [wf.file, pinsToMajorTags(wf.text)]));
      for (const text of Object.values(texts)) assert.doesNotMatch(text, /@[0-9a-f]{40}/);
      const findings = lintTexts(texts);
      assert.equal(findings.length, 0, `actionlint found:\n${formatFindings(findings)}`);
    });

    it("does find problems in a broken workflow", function () {
      const broken = pinsToMajorTags(workflows[1].text)
        .replace("install_components:", "install_component:")
        .replace("timeout-minutes: 60", "timeout-minutes: sixty");
      const findings = lintTexts({ [STAGING]: broken });
      const text = formatFindings(findings);
      assert.match(text, /input "install_component" is not defined/);
      assert.ok(findings.length >= 2, text);
    });
  });

  describe("structure", function () {
    for (const file of WORKFLOW_FILES) {
      describe(file, function () {
        const wf = (): Workflow => {
          const found = workflows.find((w) => w.file === file);
          assert.ok(found, `${file} was not loaded`);
          return found;
        };
        for (const [name, rule] of Object.entries(rules)) {
          it(`rule ${name}`, function () {
            assert.deepEqual(rule(wf()), []);
          });
        }
        it("pipeline", function () {
          assert.deepEqual(pipelines[file](wf()), []);
        });
      });
    }
  });

  describe("the rules catch a broken workflow", function () {
    // [file, rule, edit of the text, part of the expected problem]
    const cases: Array<[string, string, (t: string) => string, RegExp]> = [
      [
        PR,
        "triggers",
        (t) => t.replace("pull_request:\n    branches: [main]", "pull_request_target:\n    branches: [main]"),
        /exactly pull_request/,
      ],
      [STAGING, "triggers", (t) => t.replace("branches: [main]", "branches: [main, develop]"), /branches \[main\]/],
      [PRODUCTION, "triggers", (t) => t.replace("types: [published]", "types: [created]"), /types \[published\]/],
      [PR, "timeouts", (t) => t.replace("    timeout-minutes: 30\n", ""), /job preview: timeout-minutes/],
      [
        PR,
        "permissions",
        (t) =>
          t.replace(
            "    permissions:\n      contents: read\n    steps:",
            "    permissions:\n      contents: read\n      id-token: write\n    steps:",
          ),
        /job test: write permissions must be exactly \[\]/,
      ],
      [
        STAGING,
        "permissions",
        (t) => t.replace("      id-token: write # GitHub OIDC -> Workload Identity Federation\n", ""),
        /job deploy: write permissions must be exactly \["deployments","id-token"\]/,
      ],
      [
        STAGING,
        "permissions",
        (t) => t.replace("      deployments: write # the deployment record\n", ""),
        /job deploy: write permissions must be exactly \["deployments","id-token"\]/,
      ],
      [
        PRODUCTION,
        "permissions",
        (t) => t.replace("      deployments: read # staging's deployment records\n", ""),
        /job verify-staging: reads deployment records without deployments: read/,
      ],
      [
        DRIFT,
        "permissions",
        (t) => t.replace("      issues: write # the drift issue\n", ""),
        /job drift: write permissions must be exactly \["id-token","issues"\]/,
      ],
      [DRIFT, "triggers", (t) => t.replace("  workflow_dispatch:\n", "  push:\n"), /exactly schedule and workflow_dispatch/],
      [PR, "pulumi", (t) => t.replace("          secrets-provider: ${{ vars.PULUMI_SECRETS_PROVIDER }}\n", ""), /secrets-provider must be/],
      [PRODUCTION, "permissions", (t) => t.replace(/^permissions: \{\}$/m, "permissions: write-all"), /top-level permissions/],
      [
        STAGING,
        "credentials",
        (t) =>
          t.replace("service_account: ${{ vars.GCP_STAGING_DEPLOYER_SERVICE_ACCOUNT }}", "credentials_json: ${{ secrets.GCP_SA_KEY }}"),
        /credentials_json|GCP_SA_KEY/,
      ],
      [
        PR,
        "credentials",
        (t) =>
          t.replace(
            "service_account: ${{ vars.GCP_PREVIEWER_SERVICE_ACCOUNT }}",
            "service_account: ${{ vars.GCP_STAGING_DEPLOYER_SERVICE_ACCOUNT }}",
          ),
        /job preview: auth service_account must be \$\{\{ vars\.GCP_PREVIEWER_SERVICE_ACCOUNT \}\}/,
      ],
      [
        STAGING,
        "credentials",
        (t) => t.replace(/vars\.GCP_STAGING_DEPLOYER_SERVICE_ACCOUNT/g, "vars.GCP_PREVIEWER_SERVICE_ACCOUNT"),
        /the read-only previewer cannot run pulumi up/,
      ],
      [
        PRODUCTION,
        "credentials",
        (t) => t.replace("    environment: production\n", ""),
        /the production deployer only in the GitHub environment production/,
      ],
      [
        DRIFT,
        "credentials",
        (t) =>
          t.replace(
            "service_account: ${{ vars.GCP_PREVIEWER_SERVICE_ACCOUNT }}",
            "service_account: ${{ vars.GCP_PRODUCTION_DEPLOYER_SERVICE_ACCOUNT }}",
          ),
        /job drift: auth service_account must be \$\{\{ vars\.GCP_PREVIEWER_SERVICE_ACCOUNT/,
      ],
      [
        PR,
        "credentials",
        (t) =>
          t.replace(
            "PULUMI_SECRETS_PROVIDER: ${{ vars.PULUMI_SECRETS_PROVIDER }}",
            "PULUMI_CONFIG_PASSPHRASE: ${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
          ),
        /secret PULUMI_CONFIG_PASSPHRASE is not allowed/,
      ],
      [
        PR,
        "pins",
        (t) => t.replace(/actions\/checkout@[0-9a-f]{40} # v6\.0\.3/, "actions/checkout@v6"),
        /not pinned to a full 40-hex commit SHA/,
      ],
      [PR, "pins", (t) => t.replace("# v3.0.4", "# v3"), /must carry the comment "# v3\.0\.4"/],
      [PR, "node", (t) => t.replace("node-version: 20", "node-version: 22"), /node-version must be 20/],
      [
        PR,
        "pulumi",
        (t) => t.replace("policyPackConfigs: policy/config/${{ matrix.stack }}.json", "policyPackConfigs: policy/config/staging.json"),
        /policyPackConfigs must be policy\/config\/\$\{\{ matrix\.stack \}\}\.json/,
      ],
      [STAGING, "pulumi", (t) => t.replace("          policyPacks: policy\n", ""), /must run policyPacks: policy/],
      [
        PRODUCTION,
        "pulumi",
        (t) => t.replace(/ {6}- uses: google-github-actions\/setup-gcloud@.*\n.*\n.*gke-gcloud-auth-plugin\n/, ""),
        /gke-gcloud-auth-plugin/,
      ],
      [STAGING, "deploys", (t) => t.replace("cancel-in-progress: false", "cancel-in-progress: true"), /cancel-in-progress: false/],
      [PRODUCTION, "deploys", (t) => t.replace("    environment: production\n", ""), /GitHub environment production/],
      [PR, "pipeline", (t) => t.replace("      - run: npm test\n", ""), /job test must run/],
      [PR, "pipeline", (t) => t.replace("header: rollout-plan-${{ matrix.stack }}", "header: rollout-plan"), /header per stack/],
      [PR, "pipeline", (t) => t.replace("stack: [staging, production]", "stack: [staging]"), /matrix \{stack: \[staging, production\]\}/],
      [
        STAGING,
        "pipeline",
        (t) => t.replace("      - run: docker build --target test app/\n", ""),
        /exactly job image must run docker build --target test app\//,
      ],
      [
        STAGING,
        "pipeline",
        (t) => t.replace('bash app/smoke.sh http://127.0.0.1:8080 "$GITHUB_SHA"', "true"),
        /probe it with app\/smoke\.sh/,
      ],
      [
        STAGING,
        "pipeline",
        (t) => t.replace('docker tag "$TESTED_IMAGE_ID" "$target"', 'docker tag "$IMAGE_NAME:candidate" "$target"'),
        /push the image ID the smoke run tested/,
      ],
      [
        STAGING,
        "pipeline",
        (t) => t.replace('if [[ "$pulled" != "$TESTED_IMAGE_ID" ]]', "if false"),
        /pushed digest resolves to the tested image ID/,
      ],
      [
        STAGING,
        "pipeline",
        (t) => t.replace("          pulumi config rm rollout:image --stack staging\n", ""),
        /tested digest \(source prebuilt\)/,
      ],
      [
        STAGING,
        "pipeline",
        (t) => t.replace("IMAGE_REF: ${{ needs.image.outputs.ref }}", "IMAGE_REF: ${{ vars.IMAGE }}"),
        /IMAGE_REF = needs\.image\.outputs\.ref/,
      ],
      [STAGING, "pipeline", (t) => t.replace("        if: always() && steps.record.outputs.id != ''\n", ""), /finish must run always\(\)/],
      [
        STAGING,
        "pipeline",
        (t) => t.replace("OUTCOME: ${{ steps.up.outcome }}", "OUTCOME: success"),
        /OUTCOME must be the pulumi up step's outcome/,
      ],
      [
        PRODUCTION,
        "pipeline",
        (t) => t.replace(/ {6}- name: Deployment record \(start\)\n(.*\n){5}/, ""),
        /start the deployment record of production/,
      ],
      [
        PRODUCTION,
        "pipeline",
        (t) => t.replace("run: bash .github/scripts/deployment-record.sh verify staging", "run: echo trust me"),
        /last rollout record before the approval/,
      ],
      [DRIFT, "pipeline", (t) => t.replace(" --refresh --expect-no-changes", ""), /--refresh --expect-no-changes --json/],
      [
        DRIFT,
        "pipeline",
        (t) => t.replace("stack: [staging, production]", "stack: [staging]"),
        /matrix \{stack: \[staging, production\]\}/,
      ],
      [DRIFT, "pipeline", (t) => t.replace("        if: steps.preview.outputs.drift == 'true'\n", ""), /only on drift/],
      [
        PRODUCTION,
        "pipeline",
        (t) =>
          t.replace(
            "      - name: Install Pulumi CLI\n        uses",
            "      - run: docker build app/\n      - name: Install Pulumi CLI\n        uses",
          ),
        /never build or push an image/,
      ],
      [PRODUCTION, "pipeline", (t) => t.replace(/deploy it to staging first/g, "please redeploy"), /check staging's imageCommit/],
      [PRODUCTION, "pipeline", (t) => t.replace("    if: startsWith(github.event.release.tag_name, 'v')\n", ""), /only for v\* tags/],
      [PRODUCTION, "pipeline", (t) => t.replace("needs: [verify-staging, mode]", "needs: [mode]"), /job deploy must run only for v\* tags/],
      [PRODUCTION, "pipeline", (t) => t.replace("    needs: verify-staging\n", ""), /job mode must run only for v\* tags/],
      [
        PRODUCTION,
        "pipeline",
        (t) => t.replace("    if: needs.mode.outputs.mode == 'ci'\n", ""),
        /run only if needs\.mode\.outputs\.mode == 'ci'/,
      ],
      [STAGING, "pipeline", (t) => t.replace("pipeline/mode.ts staging", "pipeline/mode.ts production"), /delivery mode of staging/],
      [
        STAGING,
        "pipeline",
        (t) => t.replace("needs: [image, mode]\n    if: needs.mode.outputs.mode == 'ci'", "needs: [image]"),
        /must need mode/,
      ],
      [
        STAGING,
        "pipeline",
        (t) => t.replace("    if: needs.mode.outputs.mode == 'gitops'\n", ""),
        /gitops-handoff must run only in GitOps mode/,
      ],
    ];
    for (const [file, ruleName, edit, expected] of cases) {
      it(`${ruleName} on ${file}: ${expected.source}`, function () {
        const original = fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8");
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

  describe("the release check script", function () {
    // Runs the deploy job's check as GitHub would (bash -eo pipefail) with a
    // stand-in `pulumi` that reports the given staging imageCommit.
    const RELEASE_SHA = "1111111111111111111111111111111111111111";
    const OTHER_SHA = "2222222222222222222222222222222222222222";

    function runCheck(stagingCommit: string | null): { status: number | null; out: string; output: string } {
      const wf = workflows.find((w) => w.file === PRODUCTION);
      assert.ok(wf);
      const deploy = job(wf, "deploy");
      const script = deploy?.steps.find((s) => isImageCommitCheck(s.run))?.run;
      assert.ok(script, "no imageCommit check in job deploy");
      return withTempDir((dir) => {
        const fake = path.join(dir, "pulumi");
        fs.writeFileSync(
          fake,
          [
            "#!/usr/bin/env bash",
            'case "$*" in',
            '  "login "*) exit 0 ;;',
            '  "stack output imageCommit --stack staging")',
            '    if [[ -n "${FAKE_FAIL:-}" ]]; then echo "error: no stack named staging" >&2; exit 255; fi',
            '    echo "$FAKE_IMAGE_COMMIT" ;;',
            '  "stack output image --stack staging") echo "$FAKE_IMAGE" ;;',
            '  *) echo "unexpected pulumi $*" >&2; exit 99 ;;',
            "esac",
          ].join("\n"),
          { mode: 0o755 },
        );
        const scriptFile = path.join(dir, "check.sh");
        fs.writeFileSync(scriptFile, script);
        const res = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", scriptFile], {
          encoding: "utf8",
          env: {
            PATH: `${dir}:${process.env.PATH ?? ""}`,
            GITHUB_SHA: RELEASE_SHA,
            RELEASE_TAG: "v1.2.3",
            PULUMI_BACKEND_URL: "gs://example-state",
            FAKE_IMAGE_COMMIT: stagingCommit ?? "",
            FAKE_IMAGE: `europe-west1-docker.pkg.dev/p/rollout/okeydokey@sha256:${"c".repeat(64)}`,
            GITHUB_OUTPUT: path.join(dir, "output"),
            ...(stagingCommit === null ? { FAKE_FAIL: "1" } : {}),
          },
        });
        const outFile = path.join(dir, "output");
        return {
          status: res.status,
          out: `${res.stdout}${res.stderr}`,
          output: fs.existsSync(outFile) ? fs.readFileSync(outFile, "utf8") : "",
        };
      });
    }

    it("passes when staging runs the release commit, and outputs staging's image for the record", function () {
      const { status, out, output } = runCheck(RELEASE_SHA);
      assert.equal(status, 0, out);
      assert.equal(output, `image=europe-west1-docker.pkg.dev/p/rollout/okeydokey@sha256:${"c".repeat(64)}\n`);
    });

    it("fails clearly when staging runs another commit", function () {
      const { status, out } = runCheck(OTHER_SHA);
      assert.equal(status, 1, out);
      assert.ok(out.includes(`release v1.2.3 is ${RELEASE_SHA} but staging runs ${OTHER_SHA}: deploy it to staging first`), out);
    });

    it("fails when staging's imageCommit cannot be read", function () {
      const { status, out } = runCheck(null);
      assert.equal(status, 1, out);
      assert.match(out, /could not read output imageCommit of stack staging/);
    });
  });
});
