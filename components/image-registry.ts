import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { RegistryConfig } from "../config/schema";

export interface ImageRegistryArgs {
  readonly config: RegistryConfig;
  readonly project: string;
  /** Region of the cluster; the repository lives next to it unless config names a location. */
  readonly region: string;
  /** Members allowed to pull (the cluster's node service account), e.g. `serviceAccount:x@p.iam.gserviceaccount.com`. */
  readonly readers: pulumi.Input<string>[];
  /** Pulumi `protect`. @default false */
  readonly protect?: boolean;
}

/** An Artifact Registry Docker repository with a cleanup policy, and pull access for the cluster's nodes only. */
export class ImageRegistry extends pulumi.ComponentResource {
  /** `<location>-docker.pkg.dev/<project>/<repository>`: where images are pushed. */
  readonly url: pulumi.Output<string>;
  readonly repository: gcp.artifactregistry.Repository;

  constructor(name: string, args: ImageRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:gcp:ImageRegistry", name, {}, opts);
    const location = args.config.location ?? args.region;
    this.repository = new gcp.artifactregistry.Repository(
      name,
      {
        project: args.project,
        location,
        repositoryId: args.config.repository,
        format: "DOCKER",
        description: "Images deployed by rollout; tagged with the git SHA, deployed by digest.",
        dockerConfig: { immutableTags: args.config.immutableTags },
        cleanupPolicyDryRun: false,
        cleanupPolicies: cleanupPolicies(args.config),
      },
      { parent: this, protect: args.protect ?? false },
    );

    args.readers.forEach(
      (member, i) =>
        new gcp.artifactregistry.RepositoryIamMember(
          `${name}-reader-${i}`,
          {
            project: args.project,
            location,
            repository: this.repository.repositoryId,
            role: "roles/artifactregistry.reader",
            member,
          },
          { parent: this },
        ),
    );

    this.url = pulumi.interpolate`${location}-docker.pkg.dev/${args.project}/${this.repository.repositoryId}`;
    this.registerOutputs({ url: this.url });
  }
}

/** Keep the newest N versions; delete untagged images after the configured age. KEEP wins over DELETE. */
export function cleanupPolicies(config: RegistryConfig): gcp.types.input.artifactregistry.RepositoryCleanupPolicy[] {
  return [
    { id: "keep-recent", action: "KEEP", mostRecentVersions: { keepCount: config.keepVersions } },
    {
      id: "delete-untagged",
      action: "DELETE",
      condition: { tagState: "UNTAGGED", olderThan: `${config.deleteUntaggedAfterDays * 86_400}s` },
    },
  ];
}
