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
