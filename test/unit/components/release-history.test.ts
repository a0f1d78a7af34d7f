// Which apps the program tracks releases for, and what it reads before registering anything.
import { strict as assert } from "assert";
import { ConfigError } from "../../../config/load";
import { appSchema } from "../../../config/schema";
import { isTracked, releaseKeyOf } from "../../../components/release-history";
import { runOffline } from "../../../tools/offline";
import { committedConfig, projectDir, sha } from "../../support/stacks";

const A = `registry.example/team/web@sha256:${"a".repeat(64)}`;
const gateway = { name: "public", namespace: "gw", hostnames: ["shop.example.com"] };
const app = (over: Record<string, unknown>) => appSchema("local").parse({ name: "web", replicas: 4, ...over });

describe("release tracking: isTracked", () => {
  const cases: [string, Record<string, unknown>, boolean][] = [
    ["blue/green on the stack image", { strategy: { type: "blueGreen" } }, true],
    ["blue/green with pinned slots", { strategy: { type: "blueGreen", live: "blue", slots: { blue: { image: A }, green: {} } } }, false],
    ["canary without a stable image", { strategy: { type: "canary", steps: [20, 50] } }, true],
    ["canary with a stable image", { strategy: { type: "canary", weight: 20, stable: { image: A } } }, false],
    ["rolling on the stack image", { strategy: { type: "rolling" } }, true],
    ["rolling on an image of its own", { image: A, strategy: { type: "rolling" } }, false],
    ["recreate on the stack image", { strategy: { type: "recreate" } }, true],
    ["recreate on an image of its own", { image: A, strategy: { type: "recreate" } }, false],
    [
      "A/B with neither variant pinned",
      { strategy: { type: "abTest", gateway, match: { header: { name: "X-Variant", value: "b" } } } },
      true,
    ],
    [
      "A/B with variant a pinned",
      { strategy: { type: "abTest", gateway, match: { header: { name: "X-Variant", value: "b" } }, a: { image: A } } },
      false,
    ],
    ["a StatefulSet (rolls by partition)", { kind: "StatefulSet" }, false],
    ["a DaemonSet", { kind: "DaemonSet", replicas: undefined }, false],
  ];
  for (const [what, over, tracked] of cases)
    it(`${what}: ${tracked ? "tracked" : "not tracked"}`, () => {
      assert.equal(isTracked(app(over)), tracked);
    });
});

describe("release tracking: what is read before anything registers", () => {
  it("a build's key needs its commit, a promotion's the source image: each says which is missing", () => {
    assert.throws(() => releaseKeyOf({ source: "build" } as never, {}), { message: "releaseKeyOf: a build needs its git commit" });
    assert.throws(() => releaseKeyOf({ source: "promote" } as never, { gitSha: sha }), {
      message: "releaseKeyOf: a promotion needs the source stack's image",
    });
  });

  for (const [what, image] of [
    ["no image output", undefined],
    ["an empty image output", ""],
    ["an image output that is not a string", 42],
  ] as const)
    it(`production whose staging stack has ${what} stops with a ConfigError naming rollout:image.fromStack`, async () => {
      const outputs: Record<string, unknown> = { imageCommit: sha };
      if (image !== undefined) outputs.image = image;
      await assert.rejects(
        runOffline(committedConfig("production"), "production", { projectDir, stackReferences: { "acme/rollout/staging": outputs } }),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError, String(e));
          assert.deepEqual(e.problems, ["rollout:image.fromStack: acme/rollout/staging exports no 'image' yet: deploy it first"]);
          return true;
        },
      );
    });
});
