import * as docker from "@pulumi/docker";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import type { ImageConfig } from "../config/schema";
import { artifactRegistryRepository, pinnedImage } from "../lib/image-ref";

export interface AppImageArgs {
  readonly config: ImageConfig;
  /** Registry URL to push to (`source: build` only). */
  readonly registryUrl?: pulumi.Input<string>;
  /** The commit the image is built from and tagged with (`source: build` only). */
  readonly gitSha?: string;
  /** Root the build context is resolved against. @default process.cwd() */
  readonly projectDir?: string;
  /** `promote`: members (e.g. production's node service account) granted pull on the promoted image's repository. */
  readonly pullers?: pulumi.Input<string>[];
  /**
   * `promote`: the commit this update must deploy (the release tag's, `ROLLOUT_EXPECT_COMMIT`); an
   * update fails when the referenced stack runs another one. Checked in `pulumi up`, not in preview.
   */
  readonly expectCommit?: string;
}

/**
 * The container image every workload runs, always as `repo@sha256:<digest>`:
 * - `build`: built once from `app/`, tagged with the git SHA, pushed, and referenced by the pushed digest;
 * - `promote`: the exact digest another stack (staging) exported: production never rebuilds;
 * - `prebuilt`: a digest given in config (the `local` stack).
 */
export class AppImage extends pulumi.ComponentResource {
  /** `repo@sha256:<digest>` */
  readonly ref: pulumi.Output<string>;
  readonly digest: pulumi.Output<string>;
  /** The git commit the image was built from (empty when unknown for a prebuilt image). */
  readonly commit: pulumi.Output<string>;

  constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:image:AppImage", name, {}, opts);
    const { config } = args;
    let ref: pulumi.Output<string>;
    switch (config.source) {
      case "build": {
        if (!args.registryUrl || !args.gitSha) throw new Error(`${name}: a built image needs a registry and a git SHA`);
        const sha = args.gitSha;
        const context = path.resolve(args.projectDir ?? process.cwd(), config.context);
        const registryUrl = pulumi.output(args.registryUrl);
        const token = gcp.organizations.getClientConfigOutput({ parent: this }).accessToken;
        const image = new docker.Image(
          name,
          {
            imageName: pulumi.interpolate`${registryUrl}/${config.name}:${sha}`,
            build: {
              context,
              dockerfile: path.join(context, config.dockerfile),
              platform: config.platform,
              args: { VERSION: sha.slice(0, 12), COMMIT: sha },
            },
            registry: {
              server: registryUrl.apply((url) => url.split("/")[0]),
              username: "oauth2accesstoken",
              password: pulumi.secret(token),
            },
          },
          { parent: this },
        );
        ref = image.repoDigest.apply((d) => pinnedImage(d, `${name}: pushed image`).ref);
        this.commit = pulumi.output(sha);
        break;
      }
      case "promote": {
        const pullers = args.pullers ?? [];
        const source = new pulumi.StackReference(`${name}-source`, { name: config.fromStack }, { parent: this });
        const commit = source.requireOutput("imageCommit").apply((v) => String(v));
        ref = pulumi.all([source.requireOutput("image"), commit]).apply(([v, c]) => {
          if (args.expectCommit && !pulumi.runtime.isDryRun() && c !== args.expectCommit) {
            throw new Error(
              `${config.fromStack} runs commit ${c}, but this update must deploy ${args.expectCommit}: deploy that commit to ${config.fromStack} first`,
            );
          }
          const pinned = pinnedImage(String(v), `${config.fromStack} output 'image'`).ref;
          // Pull is granted on the image's own repository. An image outside Artifact Registry fails
          // here, in the reference every workload reads, so no workload is given an image its nodes cannot pull.
          if (pullers.length > 0) requireRepository(pinned);
          return pinned;
        });
        this.commit = commit;
        // The promoted digest stays in its repository (a copy would be another artifact): the
        // pullers get read access to that one repository.
        pullers.forEach((member, i) => {
          const repo = ref.apply(requireRepository);
          new gcp.artifactregistry.RepositoryIamMember(
            `${name}-promoted-reader-${i}`,
            {
              project: repo.project,
              location: repo.location,
              repository: repo.repository,
              role: "roles/artifactregistry.reader",
              member,
            },
            { parent: this },
          );
        });
        break;
      }
      case "prebuilt":
        ref = pulumi.output(pinnedImage(config.ref, "rollout:image.ref").ref);
        this.commit = pulumi.output(config.commit ?? "");
        break;
    }
    this.ref = ref;
    this.digest = ref.apply((r) => pinnedImage(r).digest);
    this.registerOutputs({ ref: this.ref, digest: this.digest, commit: this.commit });
  }
}

function requireRepository(ref: string): { location: string; project: string; repository: string } {
  const repo = artifactRegistryRepository(ref);
  if (!repo)
    throw new Error(`promoted image '${ref}': expected an Artifact Registry image (<location>-docker.pkg.dev/<project>/<repository>/...)`);
  return repo;
}
