import { strict as assert } from "assert";
import { evaluate } from "../../../policy/lib/evaluate";
import type { RecordedResource } from "../../../tools/offline";
import { renderCommitted, runApps } from "../../support/stacks";

const allowedRegistries = ["europe-west1-docker.pkg.dev/acme-rollout-staging/rollout/"];

function asPolicyResources(resources: RecordedResource[]) {
  return resources
    .filter((r) => r.type.startsWith("kubernetes:") || r.type.startsWith("gcp:"))
    .map((r) => ({ type: r.type, name: r.name, props: r.props, opts: { protect: r.protect } }));
}

function mandatory(resources: RecordedResource[], environment: "local" | "staging" | "production") {
  return evaluate(asPolicyResources(resources), { environment, allowedRegistries }).filter((v) => v.enforcementLevel === "mandatory");
}

describe("policy pack against the program's own stacks", () => {
  for (const stack of ["local", "staging", "production"] as const) {
    it(`${stack}: passes every mandatory rule`, async () => {
      const r = await renderCommitted(stack);
      const violations = mandatory(r.resources, stack);
      assert.deepEqual(violations.map((v) => `${v.policy} ${v.resource}: ${v.message}`), []);
    });
  }

  it("catches a deliberately broken production app (no probes, shell-form command, one replica, no PDB)", async () => {
    // The config schema refuses most of this; the policies are the second line of defence, so the
    // broken object is made by editing what the program rendered.
    const r = await runApps([{ name: "demo", replicas: 3 }], "production");
    const broken = r.resources.map((x) => {
      if (x.type !== "kubernetes:apps/v1:Deployment") return x;
      const props = structuredClone(x.props);
      const c = props.spec.template.spec.containers[0];
      delete c.readinessProbe;
      delete c.livenessProbe;
      c.image = "docker.io/library/okeydokey:latest";
      c.command = ["sh", "-c", "/app"];
      props.spec.replicas = 1;
      return { ...x, props };
    });
    const found = new Set(mandatory(broken, "production").map((v) => v.policy));
    for (const rule of ["workload-probes", "image-tag-pinned", "image-digest-production", "image-registry-allowlist", "workload-exec-form-entrypoint", "production-replicas"]) {
      assert.ok(found.has(rule), `${rule} not reported; got ${[...found].join(", ")}`);
    }
  });

  it("catches a Service switched to a slot that does not exist", async () => {
    const r = await runApps([{ name: "demo", replicas: 3 }], "production");
    const broken = r.resources.map((x) =>
      x.type === "kubernetes:core/v1:Service" ? { ...x, props: { ...x.props, spec: { ...x.props.spec, selector: { ...x.props.spec.selector, "rollout.dev/slot": "green" } } } } : x);
    assert.ok(mandatory(broken, "production").some((v) => v.policy === "service-selects-workload"));
  });
});
