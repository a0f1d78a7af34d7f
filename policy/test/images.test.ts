import * as assert from "assert";
import { resolveConfig } from "../lib/config";
import { checkImageDigest, checkImageRegistry, checkImageTag, parseImage, registryAllowed } from "../rules/images";
import { DIGEST, REGISTRY, deployment, mutate } from "./fixtures";

const production = resolveConfig({ environment: "production" });
const staging = resolveConfig({ environment: "staging" });
const C0 = "spec.template.spec.containers[0].image";

function withImage(image: string) {
    return mutate(deployment(), (p) => (p.spec.template.spec.containers[0].image = image));
}

describe("images", () => {
    it("parses tags, digests and registry ports", () => {
        assert.deepStrictEqual(parseImage("localhost:5000/demo"), { repository: "localhost:5000/demo" });
        assert.deepStrictEqual(parseImage("localhost:5000/demo:1.2"), { repository: "localhost:5000/demo", tag: "1.2" });
        assert.deepStrictEqual(parseImage(`ghcr.io/acme/demo:1.2@${DIGEST}`), {
            repository: "ghcr.io/acme/demo",
            tag: "1.2",
            digest: DIGEST,
        });
    });

    describe("image-tag-pinned", () => {
        it("accepts version tags and digests", () => {
            assert.deepStrictEqual(checkImageTag(deployment()), []);
            assert.deepStrictEqual(checkImageTag(withImage("ghcr.io/acme/demo:1.4.2")), []);
            assert.deepStrictEqual(checkImageTag(withImage(`ghcr.io/acme/demo:latest@${DIGEST}`)), []);
        });

        it("rejects :latest and images without tag or digest", () => {
            assert.deepStrictEqual(checkImageTag(withImage("ghcr.io/acme/demo:latest")), [
                `Deployment staging-demo/demo: ${C0} "ghcr.io/acme/demo:latest" uses the :latest tag; pin a version tag or a digest`,
            ]);
            assert.deepStrictEqual(checkImageTag(withImage("localhost:5000/demo")), [
                `Deployment staging-demo/demo: ${C0} "localhost:5000/demo" has no tag or digest (it resolves to :latest); pin a version tag or a digest`,
            ]);
        });

        it("checks init containers too", () => {
            const r = mutate(deployment(), (p) => (p.spec.template.spec.initContainers[0].image = "busybox"));
            assert.match(checkImageTag(r)[0] ?? "", /initContainers\[0\]\.image "busybox" has no tag or digest/);
        });
    });

    describe("image-digest-production", () => {
        it("requires @sha256:<64 hex> in production only", () => {
            const tagged = withImage("ghcr.io/acme/demo:1.4.2");
            assert.deepStrictEqual(checkImageDigest(deployment(), production), []);
            assert.deepStrictEqual(checkImageDigest(tagged, staging), []);
            assert.deepStrictEqual(checkImageDigest(tagged, production), [
                `Deployment staging-demo/demo: ${C0} "ghcr.io/acme/demo:1.4.2" is not pinned by digest; production images must be referenced as <repository>@sha256:<64 hex digits>`,
            ]);
            assert.strictEqual(checkImageDigest(withImage("ghcr.io/acme/demo@sha256:abc"), production).length, 1);
        });
    });

    describe("image-registry-allowlist", () => {
        it("is off when no registries are configured", () => {
            assert.deepStrictEqual(checkImageRegistry(withImage("docker.io/library/nginx:1.27"), production), []);
        });

        it("accepts images under an allowed prefix, at a path boundary", () => {
            const cfg = resolveConfig({ environment: "production", allowedRegistries: [REGISTRY] });
            assert.deepStrictEqual(checkImageRegistry(deployment(), cfg), []);
            assert.ok(
                registryAllowed("us-central1-docker.pkg.dev/acme-prod/rollout/demo:1", ["us-central1-docker.pkg.dev/acme-prod/rollout"]),
            );
            assert.ok(
                !registryAllowed("us-central1-docker.pkg.dev/acme-prod/rollout-evil/demo:1", [
                    "us-central1-docker.pkg.dev/acme-prod/rollout",
                ]),
            );
        });

        it("rejects images from other registries", () => {
            const cfg = resolveConfig({ environment: "staging", allowedRegistries: [REGISTRY] });
            assert.deepStrictEqual(checkImageRegistry(withImage(`docker.io/acme/demo@${DIGEST}`), cfg), [
                `Deployment staging-demo/demo: ${C0} "docker.io/acme/demo@${DIGEST}" is not from an allowed registry; allowed prefixes: ${REGISTRY}`,
            ]);
        });

        it("fails closed on an unreplaced sample placeholder and says so", () => {
            const cfg = resolveConfig({ environment: "production", allowedRegistries: ["<region>-docker.pkg.dev/<project>/<repo>/"] });
            const [msg] = checkImageRegistry(deployment(), cfg);
            assert.match(
                msg ?? "",
                /still holds the placeholder "<region>-docker\.pkg\.dev\/<project>\/<repo>\/"; replace it .* policy\/config\/production\.json/,
            );
        });
    });
});

describe("images (exact findings and boundaries)", () => {
    const local = resolveConfig({ environment: "local" });
    const DEP = "Deployment staging-demo/demo";
    const INIT = "spec.template.spec.initContainers[0].image";
    const allow = (...prefixes: string[]) => resolveConfig({ environment: "production", allowedRegistries: prefixes });

    it("parseImage: a digest alone, and undefined for what is not a reference", () => {
        assert.deepStrictEqual(parseImage(`ghcr.io/acme/demo@${DIGEST}`), { repository: "ghcr.io/acme/demo", digest: DIGEST });
        assert.strictEqual(parseImage("Demo:1"), undefined);
        assert.strictEqual(parseImage(""), undefined);
    });

    describe("image-tag-pinned", () => {
        it("reports a missing or non-string image", () => {
            const r = mutate(deployment(), (p) => {
                delete p.spec.template.spec.containers[0].image;
                p.spec.template.spec.initContainers[0].image = 42;
            });
            assert.deepStrictEqual(checkImageTag(r), [
                `${DEP}: ${INIT} is missing; every container must name an image with a tag or digest`,
                `${DEP}: ${C0} is missing; every container must name an image with a tag or digest`,
            ]);
        });

        it("reports a string that is not an image reference, with the reason", () => {
            assert.deepStrictEqual(checkImageTag(withImage("ghcr.io/acme/Demo:1")), [
                `${DEP}: ${C0} "ghcr.io/acme/Demo:1" is not an image reference: the path component 'Demo' must be lower-case letters and digits, separated by '.', '_', '__' or '-'`,
            ]);
        });

        it("accepts tags that only contain latest", () => {
            assert.deepStrictEqual(checkImageTag(withImage("ghcr.io/acme/demo:latest-1")), []);
            assert.deepStrictEqual(checkImageTag(withImage("ghcr.io/acme/latest:1")), []);
        });

        it("ignores resources without a pod template", () => {
            assert.deepStrictEqual(checkImageTag({ type: "kubernetes:core/v1:Service", name: "s", props: { image: "x:latest" } }), []);
        });
    });

    describe("image-digest-production", () => {
        it("skips a missing image (image-tag-pinned reports it) and reports every unpinned container", () => {
            const r = mutate(deployment(), (p) => {
                delete p.spec.template.spec.containers[0].image;
                p.spec.template.spec.initContainers[0].image = "busybox:1.36";
            });
            assert.deepStrictEqual(checkImageDigest(r, production), [
                `${DEP}: ${INIT} "busybox:1.36" is not pinned by digest; production images must be referenced as <repository>@sha256:<64 hex digits>`,
            ]);
        });

        it("reports nothing in local", () => {
            assert.deepStrictEqual(checkImageDigest(withImage("busybox:1.36"), local), []);
        });
    });

    describe("registryAllowed", () => {
        const PREFIX = "ghcr.io/acme";

        it("accepts a prefix without slash only at a boundary: end, /, : or @", () => {
            assert.strictEqual(registryAllowed("ghcr.io/acme", [PREFIX]), true);
            assert.strictEqual(registryAllowed("ghcr.io/acme/demo:1", [PREFIX]), true);
            assert.strictEqual(registryAllowed("ghcr.io/acme:1", [PREFIX]), true);
            assert.strictEqual(registryAllowed(`ghcr.io/acme@${DIGEST}`, [PREFIX]), true);
            assert.strictEqual(registryAllowed("ghcr.io/acmecorp/demo:1", [PREFIX]), false);
            assert.strictEqual(registryAllowed("ghcr.io/acme-evil/demo:1", [PREFIX]), false);
            assert.strictEqual(registryAllowed("ghcr.io/acme.evil/demo:1", [PREFIX]), false);
        });

        it("accepts anything below a prefix ending in / and rejects images that only contain the prefix", () => {
            assert.strictEqual(registryAllowed("ghcr.io/acme/x", ["ghcr.io/acme/"]), true);
            assert.strictEqual(registryAllowed("ghcr.io/acmex", ["ghcr.io/acme/"]), false);
            assert.strictEqual(registryAllowed("mirror/ghcr.io/acme/x", ["ghcr.io/acme/"]), false);
        });

        it("accepts a match of any prefix, and nothing with no prefixes", () => {
            assert.strictEqual(registryAllowed("ghcr.io/acme/x:1", ["docker.io/", "ghcr.io/acme/"]), true);
            assert.strictEqual(registryAllowed("ghcr.io/acme/x:1", []), false);
        });
    });

    describe("image-registry-allowlist", () => {
        it("lists every allowed prefix and checks init containers too", () => {
            const r = mutate(deployment(), (p) => (p.spec.template.spec.initContainers[0].image = "docker.io/library/busybox:1.36"));
            assert.deepStrictEqual(checkImageRegistry(r, allow(REGISTRY, "ghcr.io/acme/")), [
                `${DEP}: ${INIT} "docker.io/library/busybox:1.36" is not from an allowed registry; allowed prefixes: ${REGISTRY}, ghcr.io/acme/`,
            ]);
        });

        it("skips a missing image and applies in every environment", () => {
            const r = mutate(deployment(), (p) => delete p.spec.template.spec.containers[0].image);
            assert.deepStrictEqual(checkImageRegistry(r, allow(REGISTRY)), []);
            const foreign = withImage("docker.io/library/nginx:1.27");
            assert.strictEqual(
                checkImageRegistry(foreign, resolveConfig({ environment: "local", allowedRegistries: [REGISTRY] })).length,
                1,
            );
        });

        it("names every placeholder and the environment's config file", () => {
            const cfg = resolveConfig({ environment: "staging", allowedRegistries: ["<a>/", REGISTRY, "<b>/"] });
            assert.deepStrictEqual(checkImageRegistry(withImage("docker.io/library/nginx:1.27"), cfg), [
                `${DEP}: ${C0} "docker.io/library/nginx:1.27" is not from an allowed registry; allowed prefixes: <a>/, ${REGISTRY}, <b>/` +
                    ` (allowedRegistries still holds the placeholder "<a>/", "<b>/"; replace it with the real registry in policy/config/staging.json)`,
            ]);
        });
    });
});
