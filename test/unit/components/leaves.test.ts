import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { leafMarker, withLeaves } from "../../../components/leaves";
import { labelValue } from "../../../lib/labels";

const resolve = <T>(o: pulumi.Output<T>) => new Promise<T>((r) => o.apply(r));

describe("components/leaves: only the marked leaves are Outputs", () => {
  it("keeps every unmarked field a plain value and resolves each marked string, also inside longer strings", async () => {
    const built = {
      spec: {
        replicas: 3,
        paused: false,
        template: {
          metadata: { labels: { "app.kubernetes.io/version": leafMarker("version"), tier: "web" } },
          spec: { containers: [{ name: "app", image: leafMarker("image"), args: ["--port", "8080"] }] },
        },
      },
      note: `up: ${leafMarker("version")} (${leafMarker("image")})`,
    };
    const out = withLeaves(built, { image: pulumi.output("r/app@sha256:" + "a".repeat(64)), version: "abc123" }) as unknown as {
      spec: {
        replicas: number;
        paused: boolean;
        template: { metadata: { labels: Record<string, unknown> }; spec: { containers: { image: unknown; args: string[] }[] } };
      };
      note: pulumi.Output<string>;
    };
    assert.equal(out.spec.replicas, 3);
    assert.equal(out.spec.paused, false);
    assert.equal(out.spec.template.metadata.labels.tier, "web");
    assert.deepEqual(out.spec.template.spec.containers[0].args, ["--port", "8080"]);
    assert.ok(pulumi.Output.isInstance(out.spec.template.spec.containers[0].image));
    assert.equal(await resolve(out.spec.template.spec.containers[0].image as pulumi.Output<string>), "r/app@sha256:" + "a".repeat(64));
    assert.equal(await resolve(out.spec.template.metadata.labels["app.kubernetes.io/version"] as pulumi.Output<string>), "abc123");
    assert.equal(await resolve(out.note), `up: abc123 (r/app@sha256:${"a".repeat(64)})`);
  });

  it("markers survive label sanitising, and a marker without a value is an error", () => {
    assert.equal(labelValue(leafMarker("version")), leafMarker("version"));
    assert.throws(() => withLeaves({ x: leafMarker("digest") }, {}), /no value for leaf 'digest'/);
  });
});
