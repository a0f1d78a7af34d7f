// lib/wrap.ts: what resourcePolicy/stackPolicy build and what their callbacks hand the checks.

import * as assert from "assert";
import type { PolicyResource, RolloutConfig, StackFinding } from "../lib/types";
import { resourcePolicy, stackPolicy } from "../lib/wrap";

const STAGING: RolloutConfig = { environment: "staging", allowedRegistries: ["x/"], cdServiceAccount: "a/b" };

describe("lib/wrap", () => {
    it("builds a resource policy with the default level and no config schema", () => {
        const check = () => [];
        const p = resourcePolicy({ name: "n", description: "d", check });
        assert.deepStrictEqual(Object.keys(p).sort(), [
            "check",
            "configKeys",
            "description",
            "enforcementLevel",
            "kind",
            "name",
            "validateResource",
        ]);
        assert.strictEqual(p.kind, "resource");
        assert.strictEqual(p.name, "n");
        assert.strictEqual(p.description, "d");
        assert.strictEqual(p.enforcementLevel, "mandatory");
        assert.deepStrictEqual(p.configKeys, []);
        assert.strictEqual(p.check, check);
    });

    it("keeps a given level and declares the schema of the config keys", () => {
        const p = stackPolicy({ name: "s", description: "d", enforcementLevel: "advisory", config: ["environment"], check: () => [] });
        assert.strictEqual(p.kind, "stack");
        assert.strictEqual(p.enforcementLevel, "advisory");
        assert.deepStrictEqual(p.configKeys, ["environment"]);
        assert.deepStrictEqual(Object.keys(p.configSchema?.properties ?? {}), ["environment"]);
    });

    it("validateResource hands the check the plain resource and the resolved config, and reports each message", () => {
        const seen: [PolicyResource, RolloutConfig][] = [];
        const p = resourcePolicy({
            name: "n",
            description: "d",
            check: (r, c) => {
                seen.push([r, c]);
                return ["first", "second"];
            },
        });
        const reported: unknown[][] = [];
        p.validateResource(
            {
                type: "t",
                name: "x",
                urn: "urn:x",
                props: { a: 1 },
                opts: { protect: true },
                getConfig: <T extends object>() => ({ ...STAGING }) as unknown as T,
            },
            (...args) => reported.push(args),
        );
        assert.deepStrictEqual(seen, [[{ type: "t", name: "x", urn: "urn:x", props: { a: 1 }, opts: { protect: true } }, STAGING]]);
        assert.deepStrictEqual(reported, [["first"], ["second"]]);
    });

    it("resolves invalid config to the strict defaults", () => {
        let config: RolloutConfig | undefined;
        const p = resourcePolicy({ name: "n", description: "d", check: (_r, c) => ((config = c), []) });
        p.validateResource(
            { type: "t", name: "x", props: {}, getConfig: <T extends object>() => ({ environment: "qa" }) as unknown as T },
            () => {
                throw new Error("nothing to report");
            },
        );
        assert.deepStrictEqual(config, { environment: "production", allowedRegistries: [], cdServiceAccount: "cd/cd-agent" });
    });

    it("validateStack hands the check plain resources and reports each finding with its resource's urn", () => {
        const seen: PolicyResource[][] = [];
        const p = stackPolicy({
            name: "s",
            description: "d",
            check: (resources, c): StackFinding[] => {
                seen.push(resources);
                assert.deepStrictEqual(c, STAGING);
                return [
                    { resource: resources[1]!, message: "m1" },
                    { resource: resources[0]!, message: "m0" },
                ];
            },
        });
        const reported: unknown[][] = [];
        p.validateStack(
            {
                resources: [
                    { type: "t0", name: "r0", urn: "urn:0", props: { i: 0 } },
                    { type: "t1", name: "r1", urn: "urn:1", props: { i: 1 }, opts: { protect: false } },
                ],
                getConfig: <T extends object>() => ({ ...STAGING }) as unknown as T,
            },
            (...args) => reported.push(args),
        );
        assert.deepStrictEqual(seen, [
            [
                { type: "t0", name: "r0", urn: "urn:0", props: { i: 0 }, opts: undefined },
                { type: "t1", name: "r1", urn: "urn:1", props: { i: 1 }, opts: { protect: false } },
            ],
        ]);
        assert.deepStrictEqual(reported, [
            ["m1", "urn:1"],
            ["m0", "urn:0"],
        ]);
    });
});
