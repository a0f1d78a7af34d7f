// strategies/pieces.ts: the helpers every strategy builds its plan from.
import { strict as assert } from "assert";
import { appSchema } from "../../../config/schema";
import { describeGates, revisionOf, shortDigest, surgeOf, versionOf, workload } from "../../../strategies/pieces";
import type { GatePlan } from "../../../strategies/types";

const A = `registry.example/team/web@sha256:${"a".repeat(64)}`;
const B = `registry.example/team/web@sha256:${"b".repeat(64)}`;
const ctx = { environment: "local" as const, image: "<stack>", version: "new" };

describe("strategies/pieces", () => {
  it("shortDigest: the first 12 hex digits of a digest, wherever it starts; a reference without one unchanged", () => {
    assert.equal(shortDigest(A), "sha256-aaaaaaaaaaaa");
    assert.equal(shortDigest(`@sha256:0123456789abcdef${"0".repeat(48)}`), "sha256-0123456789ab");
    assert.equal(shortDigest("registry.example/team/web:1.2"), "registry.example/team/web:1.2");
  });

  it("versionOf: a pinned image is labelled by its digest, no image means the stack's", () => {
    assert.deepEqual(versionOf(B, ctx), { image: B, version: "sha256-bbbbbbbbbbbb" });
    assert.deepEqual(versionOf(undefined, ctx), { image: "<stack>", version: "new" });
    assert.deepEqual(versionOf("", ctx), { image: "<stack>", version: "new" });
  });

  it("surgeOf: a rolling update's surge rounds up; recreate adds no pod", () => {
    assert.equal(surgeOf({ type: "rolling", maxSurge: "25%", maxUnavailable: 0 }, 5), 2);
    assert.equal(surgeOf({ type: "rolling", maxSurge: 3, maxUnavailable: 0 }, 5), 3);
    assert.equal(surgeOf({ type: "recreate" }, 5), 0);
  });

  it("describeGates: the smoke check, the Prometheus bound, or both", () => {
    const gate = (config: GatePlan["config"]) => describeGates({ config } as GatePlan);
    const smoke = { path: "/healthz", expectStatus: 200 };
    const prometheus = { query: "errors", max: 0.01 };
    assert.equal(gate({ smoke } as GatePlan["config"]), "HTTP GET /healthz expects 200");
    assert.equal(gate({ smoke: { ...smoke, expectBody: "ok" } } as GatePlan["config"]), "HTTP GET /healthz expects 200 and 'ok'");
    assert.equal(gate({ prometheus } as GatePlan["config"]), "Prometheus 'errors' <= 0.01");
    assert.equal(gate({ smoke, prometheus } as GatePlan["config"]), "HTTP GET /healthz expects 200, Prometheus 'errors' <= 0.01");
  });

  describe("revisionOf", () => {
    const app = (o: Record<string, unknown> = {}) => appSchema("local").parse({ name: "web", replicas: 2, ...o });
    const main = (a: ReturnType<typeof app>) =>
      workload(a, { name: "web", trackLabels: {}, replicas: 2, image: "<stack>", version: "new" });

    it("a pinned image: no record and no undo, even when undo is asked", () => {
      const a = app({ image: A });
      const r = revisionOf(a, true, ctx, main(a));
      assert.deepEqual([r.state, r.undone, r.workload.image], [undefined, false, "<stack>"]);
    });

    it("no records read yet: the first release, on the stack image", () => {
      const a = app();
      const r = revisionOf(a, false, ctx, main(a));
      assert.equal(r.undone, false);
      assert.equal(r.workload.image, "<stack>");
      assert.equal(r.state?.decision, "first release: recorded for undo");
    });

    it("undo: the previous image and its ConfigMap", () => {
      const a = app();
      const releases = { web: { current: { image: B, key: B }, previous: { image: A, key: A, config: "web-config-1" } } };
      const r = revisionOf(a, true, { ...ctx, releases }, main(a));
      assert.equal(r.undone, true);
      assert.deepEqual([r.workload.image, r.workload.version, r.workload.config], [A, "sha256-aaaaaaaaaaaa", { name: "web-config-1" }]);
    });
  });
});
