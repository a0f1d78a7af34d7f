// Images: pinned tags, digests in production, registry allowlist.

import { parseImageReference, pinnedImageProblem } from "../../lib/contract";
import { isPlaceholder } from "../lib/config";
import type { PolicyResource, RolloutConfig } from "../lib/types";
import { containersOf, describe, podTemplate, str } from "../lib/util";
import { resourcePolicy } from "../lib/wrap";

export interface ImageRef {
    /** Everything before the tag/digest, e.g. `us-central1-docker.pkg.dev/p/r/app`. */
    repository: string;
    tag?: string;
    digest?: string;
}

/**
 * Splits `registry:5000/repo/app:tag@sha256:...` with the one reference grammar (lib/contract.ts);
 * undefined when the string is not an image reference at all.
 */
export function parseImage(image: string): ImageRef | undefined {
    const parsed = parseImageReference(image);
    if (!parsed.ok) {
        return undefined;
    }
    const { repository, tag, digest } = parsed.value;
    return { repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

interface ImageUse {
    path: string;
    image: string | undefined;
}

function imagesOf(r: PolicyResource): ImageUse[] {
    const tpl = podTemplate(r);
    if (!tpl) {
        return [];
    }
    return containersOf(tpl, { includeInit: true }).map((c) => ({ path: `${c.path}.image`, image: str(c.container.image) }));
}

// ---- image-tag-pinned ---------------------------------------------------------------------------

export function checkImageTag(r: PolicyResource): string[] {
    const out: string[] = [];
    for (const { path, image } of imagesOf(r)) {
        if (!image) {
            out.push(`${describe(r)}: ${path} is missing; every container must name an image with a tag or digest`);
            continue;
        }
        const parsed = parseImageReference(image);
        if (!parsed.ok) {
            out.push(`${describe(r)}: ${path} "${image}" is not an image reference: ${parsed.reason}`);
            continue;
        }
        const ref = parsed.value;
        if (ref.digest) {
            continue; // a digest pins the image whatever the tag says
        }
        if (!ref.tag) {
            out.push(`${describe(r)}: ${path} "${image}" has no tag or digest (it resolves to :latest); pin a version tag or a digest`);
        } else if (ref.tag === "latest") {
            out.push(`${describe(r)}: ${path} "${image}" uses the :latest tag; pin a version tag or a digest`);
        }
    }
    return out;
}

// ---- image-digest-production --------------------------------------------------------------------

export function checkImageDigest(r: PolicyResource, config: RolloutConfig): string[] {
    if (config.environment !== "production") {
        return [];
    }
    const out: string[] = [];
    for (const { path, image } of imagesOf(r)) {
        if (!image) {
            continue; // reported by image-tag-pinned
        }
        if (pinnedImageProblem(image) !== undefined) {
            out.push(
                `${describe(r)}: ${path} "${image}" is not pinned by digest; production images must be referenced as ` +
                    `<repository>@sha256:<64 hex digits>`,
            );
        }
    }
    return out;
}

// ---- image-registry-allowlist -------------------------------------------------------------------

/** `prefix` matches when the image starts with it at a path boundary (no `repo` matching `repo-evil`). */
export function registryAllowed(image: string, prefixes: string[]): boolean {
    return prefixes.some((p) => {
        if (!image.startsWith(p)) {
            return false;
        }
        if (p.endsWith("/")) {
            return true;
        }
        const next = image.charAt(p.length);
        return next === "" || next === "/" || next === ":" || next === "@";
    });
}

export function checkImageRegistry(r: PolicyResource, config: RolloutConfig): string[] {
    const prefixes = config.allowedRegistries;
    if (prefixes.length === 0) {
        return [];
    }
    const placeholders = prefixes.filter(isPlaceholder);
    const hint =
        placeholders.length > 0
            ? ` (allowedRegistries still holds the placeholder ${placeholders.map((p) => `"${p}"`).join(", ")}; replace it with the real registry in policy/config/${config.environment}.json)`
            : "";
    const out: string[] = [];
    for (const { path, image } of imagesOf(r)) {
        if (image && !registryAllowed(image, prefixes)) {
            out.push(`${describe(r)}: ${path} "${image}" is not from an allowed registry; allowed prefixes: ${prefixes.join(", ")}${hint}`);
        }
    }
    return out;
}

// ---- policies -----------------------------------------------------------------------------------

export const imagePolicies = [
    resourcePolicy({
        name: "image-tag-pinned",
        description: "Container images name a tag or digest, and never the :latest tag.",
        check: checkImageTag,
    }),
    resourcePolicy({
        name: "image-digest-production",
        description: "In production every container image is referenced by digest (@sha256:<64 hex>).",
        config: ["environment"],
        check: checkImageDigest,
    }),
    resourcePolicy({
        name: "image-registry-allowlist",
        description: "When allowedRegistries is configured, every container image comes from one of those registry prefixes.",
        config: ["allowedRegistries"],
        check: checkImageRegistry,
    }),
];
