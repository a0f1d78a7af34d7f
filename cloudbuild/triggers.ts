// Cloud Build triggers as code, beside the stacks: the staging path on pushes to main and the
// release path on v* tags, each running as its own deployer service account (no key), the release
// one only after an approval. Not wired into index.ts: the bootstrap project (which owns the
// deployer accounts and the repository connection) or a stack creates one `CloudBuildTriggers`.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface CloudBuildTriggersArgs {
  /** The GCP project the triggers (and their builds) live in. */
  readonly project: string;
  /** Region of the triggers; must be the region of the repository connection. */
  readonly location: string;
  /**
   * The repository as a Cloud Build 2nd-gen connection resource:
   * `projects/<p>/locations/<l>/connections/<c>/repositories/<r>`.
   */
  readonly repository: string;
  /** Email of the account staging builds run as (bootstrap: the staging deployer). */
  readonly stagingServiceAccount: string;
  /** Email of the account release builds run as (bootstrap: the production deployer). */
  readonly productionServiceAccount: string;
  /** The state backend, `gs://<bucket>[/<prefix>]`. */
  readonly backendUrl: string;
  /** The stacks' secrets provider, `gcpkms://projects/.../cryptoKeys/<key>`. */
  readonly secretsProvider: string;
  /** Image for the pulumi steps (node 20, pulumi 3.259, gcloud with gke-gcloud-auth-plugin). @default the build files' default */
  readonly deployImage?: string;
  /** Branch whose pushes deploy staging. @default "main" */
  readonly branch?: string;
}

/** What one trigger is, independent of Pulumi (tested alone). */
export interface TriggerSpec {
  readonly key: "staging" | "release";
  readonly description: string;
  readonly filename: string;
  readonly push: { readonly branch: string } | { readonly tag: string };
  readonly serviceAccount: string;
  readonly approvalRequired: boolean;
  readonly substitutions: Readonly<Record<string, string>>;
}

const SERVICE_ACCOUNT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/;
const REPOSITORY = /^projects\/[^/]+\/locations\/([^/]+)\/connections\/[^/]+\/repositories\/[^/]+$/;
const BRANCH = /^[A-Za-z0-9._/-]+$/;

/** Every problem with the args, as `key: expected ..., got ...`. */
export function triggerArgProblems(args: CloudBuildTriggersArgs): string[] {
  const problems: string[] = [];
  const bad = (key: string, expected: string, got: unknown): void => {
    problems.push(`${key}: expected ${expected}, got ${JSON.stringify(got)}`);
  };
  if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(args.project)) bad("project", "a GCP project id", args.project);
  if (!/^[a-z]+-[a-z]+\d+$/.test(args.location)) bad("location", "a region such as europe-west1", args.location);
  const repo = REPOSITORY.exec(args.repository);
  if (!repo) bad("repository", "projects/<p>/locations/<l>/connections/<c>/repositories/<r>", args.repository);
  else if (repo[1] !== args.location) bad("repository", `a connection in location ${args.location}`, args.repository);
  for (const key of ["stagingServiceAccount", "productionServiceAccount"] as const) {
    if (!SERVICE_ACCOUNT.test(args[key])) bad(key, "a service account email <id>@<project>.iam.gserviceaccount.com", args[key]);
  }
  if (args.stagingServiceAccount === args.productionServiceAccount)
    bad("productionServiceAccount", "an account other than the staging one", args.productionServiceAccount);
  if (!/^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/.*)?$/.test(args.backendUrl))
    bad("backendUrl", "gs://<bucket>[/<prefix>]", args.backendUrl);
  if (!/^gcpkms:\/\/projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/.test(args.secretsProvider))
    bad("secretsProvider", "gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>", args.secretsProvider);
  if (
    args.deployImage !== undefined &&
    (!/^[^\s:@]+(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$/.test(args.deployImage) || args.deployImage.endsWith(":latest"))
  )
    bad("deployImage", "an image pinned by a tag other than latest or by digest", args.deployImage);
  if (args.branch !== undefined && !BRANCH.test(args.branch)) bad("branch", "a branch name", args.branch);
  return problems;
}

/** The two triggers; throws, naming every bad key, before anything is registered. */
export function triggerSpecs(args: CloudBuildTriggersArgs): TriggerSpec[] {
  const problems = triggerArgProblems(args);
  if (problems.length > 0)
    throw new Error(
      `invalid Cloud Build trigger args (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`,
    );
  const common = {
    _PULUMI_BACKEND_URL: args.backendUrl,
    _PULUMI_SECRETS_PROVIDER: args.secretsProvider,
    ...(args.deployImage ? { _DEPLOY_IMAGE: args.deployImage } : {}),
  };
  const branch = args.branch ?? "main";
  return [
    {
      key: "staging",
      description: `build, test, smoke-run and push the image, then pulumi up staging (push to ${branch})`,
      filename: "cloudbuild/staging.yaml",
      // Anchored: a branch named e.g. "main-old" must not deploy.
      push: { branch: `^${branch.replace(/[.]/g, "\\.")}$` },
      serviceAccount: args.stagingServiceAccount,
      approvalRequired: false,
      substitutions: common,
    },
    {
      key: "release",
      description: "promote the digest staging runs to production (v* tags, after approval)",
      filename: "cloudbuild/release.yaml",
      push: { tag: "^v.+$" },
      serviceAccount: args.productionServiceAccount,
      approvalRequired: true,
      substitutions: common,
    },
  ];
}

/** The staging and release Cloud Build triggers of this repository. */
export class CloudBuildTriggers extends pulumi.ComponentResource {
  /** Trigger ids by key (`staging`, `release`). */
  readonly triggerIds: Readonly<Record<TriggerSpec["key"], pulumi.Output<string>>>;

  constructor(name: string, args: CloudBuildTriggersArgs, opts?: pulumi.ComponentResourceOptions) {
    const specs = triggerSpecs(args); // validate before registering anything
    super("rollout:cloudbuild:Triggers", name, {}, opts);
    const ids: Partial<Record<TriggerSpec["key"], pulumi.Output<string>>> = {};
    for (const spec of specs) {
      const trigger = new gcp.cloudbuild.Trigger(
        `${name}-${spec.key}`,
        {
          project: args.project,
          location: args.location,
          name: `${name}-${spec.key}`,
          description: spec.description,
          filename: spec.filename,
          repositoryEventConfig: { repository: args.repository, push: spec.push },
          // The build runs as this account: the one identity of that path, no key file.
          serviceAccount: `projects/${args.project}/serviceAccounts/${spec.serviceAccount}`,
          approvalConfig: { approvalRequired: spec.approvalRequired },
          substitutions: { ...spec.substitutions },
        },
        { parent: this },
      );
      ids[spec.key] = trigger.id;
    }
    this.triggerIds = ids as Record<TriggerSpec["key"], pulumi.Output<string>>;
    this.registerOutputs({ triggerIds: this.triggerIds });
  }
}
