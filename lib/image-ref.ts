// Pure helpers for image references: the program deploys `repo@sha256:<digest>`, never a tag.

import { parseImageReference } from "./contract";

export interface PinnedImage {
  /** `registry/path` without tag or digest. */
  readonly repository: string;
  /** `sha256:<64 hex>`. */
  readonly digest: string;
  /** `registry/path@sha256:<64 hex>`: what workloads reference. */
  readonly ref: string;
}

/** Parses `[registry/]path[:tag]@sha256:<hex>` (lib/contract.ts's grammar); throws naming what is wrong for anything not pinned by digest. */
export function pinnedImage(ref: string, what = "image"): PinnedImage {
  const parsed = parseImageReference(ref);
  if (!parsed.ok) throw new Error(`${what}: expected an image pinned by digest (repo@sha256:...), got '${ref}': ${parsed.reason}`);
  const { repository, digest } = parsed.value;
  if (digest === undefined)
    throw new Error(`${what}: expected an image pinned by digest (repo@sha256:...), got '${ref}' (a tag is mutable)`);
  return { repository, digest, ref: `${repository}@${digest}` };
}

/** The tag an image is pushed with: the git commit, never `latest`. */
export function commitTag(sha: string): string {
  if (!/^[0-9a-f]{7,40}$/.test(sha)) throw new Error(`image tag: expected a git commit SHA (7-40 lower-case hex), got '${sha}'`);
  return sha;
}

export interface GitShaSources {
  /** `rollout:image.gitSha` */
  readonly configured?: string;
  /** `GITHUB_SHA` (set by GitHub Actions) */
  readonly environment?: string;
  /** Runs `git rev-parse HEAD`; undefined when git is unavailable. */
  readonly fromGit: () => string | undefined;
}

/** Config wins, then CI's GITHUB_SHA, then the checkout's HEAD. */
export function resolveGitSha(sources: GitShaSources): string {
  const sha = sources.configured ?? sources.environment ?? sources.fromGit();
  if (!sha)
    throw new Error(
      "rollout:image.gitSha: expected a git commit SHA; none configured, GITHUB_SHA is unset and `git rev-parse HEAD` failed",
    );
  return commitTag(sha.trim());
}

/** `europe-west1-docker.pkg.dev/p/r/app@sha256:..` -> the Artifact Registry repository it lives in. */
export function artifactRegistryRepository(ref: string): { location: string; project: string; repository: string } | undefined {
  const m = /^([a-z0-9-]+)-docker\.pkg\.dev\/([^/]+)\/([^/]+)\//.exec(ref);
  return m ? { location: m[1], project: m[2], repository: m[3] } : undefined;
}
