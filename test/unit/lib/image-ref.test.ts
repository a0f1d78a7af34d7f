// Image references the program deploys (pinned by digest), the commit tag it pushes, and where the git SHA comes from.
import { strict as assert } from "assert";
import { artifactRegistryRepository, commitTag, pinnedImage, resolveGitSha } from "../../../lib/image-ref";

const digest = `sha256:${"0123456789abcdef".repeat(4)}`;
const sha40 = "0123456789abcdef0123456789abcdef01234567";

describe("lib/image-ref: pinned images", () => {
  it("drops the tag from the reference it deploys", () => {
    assert.deepEqual(pinnedImage(`registry.example:5000/a/app:v1@${digest}`), {
      repository: "registry.example:5000/a/app",
      digest,
      ref: `registry.example:5000/a/app@${digest}`,
    });
    assert.deepEqual(pinnedImage(`nginx@${digest}`), { repository: "nginx", digest, ref: `nginx@${digest}` });
  });

  it("refuses a tag alone, naming what and the reference", () => {
    assert.throws(() => pinnedImage("registry.example/app:latest"), {
      message: "image: expected an image pinned by digest (repo@sha256:...), got 'registry.example/app:latest' (a tag is mutable)",
    });
    assert.throws(() => pinnedImage("nginx", "apps[0].image"), {
      message: "apps[0].image: expected an image pinned by digest (repo@sha256:...), got 'nginx' (a tag is mutable)",
    });
  });

  it("refuses what is not a reference, with the parser's reason", () => {
    assert.throws(() => pinnedImage("a@sha256:abc"), {
      message:
        "image: expected an image pinned by digest (repo@sha256:...), got 'a@sha256:abc': 'sha256:abc' after '@' is not a digest 'sha256:' followed by 64 lower-case hex digits",
    });
    assert.throws(() => pinnedImage("", "stack image"), {
      message: "stack image: expected an image pinned by digest (repo@sha256:...), got '': it is empty",
    });
  });
});

describe("lib/image-ref: commit tags", () => {
  it("takes 7 to 40 lower-case hex digits", () => {
    assert.equal(commitTag("abcdef1"), "abcdef1");
    assert.equal(commitTag(sha40), sha40);
    for (const bad of ["abcdef", `${sha40}8`, "ABCDEF1", "latest", "abcdefg", " abcdef1", "abcdef1\n", ""]) {
      assert.throws(() => commitTag(bad), { message: `image tag: expected a git commit SHA (7-40 lower-case hex), got '${bad}'` }, bad);
    }
  });
});

describe("lib/image-ref: which git SHA", () => {
  const never = () => assert.fail("git must not be asked");
  it("prefers config, then GITHUB_SHA, then git", () => {
    assert.equal(resolveGitSha({ configured: "abcdef1", environment: sha40, fromGit: never }), "abcdef1");
    assert.equal(resolveGitSha({ environment: sha40, fromGit: never }), sha40);
    assert.equal(resolveGitSha({ fromGit: () => "1234567" }), "1234567");
  });

  it("trims git's trailing newline", () => {
    assert.equal(resolveGitSha({ fromGit: () => `${sha40}\n` }), sha40);
    assert.equal(resolveGitSha({ configured: "  abcdef1 ", fromGit: never }), "abcdef1");
  });

  it("says where it looked when there is no SHA", () => {
    const message = "rollout:image.gitSha: expected a git commit SHA; none configured, GITHUB_SHA is unset and `git rev-parse HEAD` failed";
    assert.throws(() => resolveGitSha({ fromGit: () => undefined }), { message });
    assert.throws(() => resolveGitSha({ environment: "", fromGit: () => undefined }), { message });
  });

  it("checks the SHA it found", () => {
    assert.throws(() => resolveGitSha({ environment: "latest", fromGit: never }), {
      message: "image tag: expected a git commit SHA (7-40 lower-case hex), got 'latest'",
    });
  });
});

describe("lib/image-ref: Artifact Registry repositories", () => {
  it("reads location, project and repository from a pkg.dev reference", () => {
    assert.deepEqual(artifactRegistryRepository(`europe-west1-docker.pkg.dev/acme-prod/rollout/app@${digest}`), {
      location: "europe-west1",
      project: "acme-prod",
      repository: "rollout",
    });
    assert.deepEqual(artifactRegistryRepository("us-docker.pkg.dev/p/r/a/b:v1"), { location: "us", project: "p", repository: "r" });
  });

  it("is undefined for other registries and for references without an image path", () => {
    assert.equal(artifactRegistryRepository(`gcr.io/p/app@${digest}`), undefined);
    assert.equal(artifactRegistryRepository("europe-west1-docker.pkg.dev/p/r"), undefined);
    assert.equal(artifactRegistryRepository("europe-west1-docker.pkg.dev//r/app"), undefined);
    assert.equal(artifactRegistryRepository("x.europe-west1-docker.pkg.dev/p/r/app"), undefined);
    assert.equal(artifactRegistryRepository("europe-west1-dockerXpkg.dev/p/r/app"), undefined);
    assert.equal(artifactRegistryRepository("Europe-docker.pkg.dev/p/r/app"), undefined);
  });
});
