// Label sets and label values: what a selector and its pods share, and how free text becomes a valid label value.
import { strict as assert } from "assert";
import {
  commonLabels,
  labelValue,
  managedBy,
  namespaceOf,
  partOf,
  roleAnnotation,
  selectorLabels,
  slotLabel,
  trackLabel,
  variantLabel,
} from "../../../lib/labels";

const id = { app: "demo", environment: "production" };

describe("lib/labels: names and label sets", () => {
  it("names the namespace environment-app", () => {
    assert.equal(namespaceOf(id), "production-demo");
    assert.equal(namespaceOf({ app: "api", environment: "local" }), "local-api");
  });

  it("selects by name and instance only", () => {
    assert.deepEqual(selectorLabels(id), { "app.kubernetes.io/name": "demo", "app.kubernetes.io/instance": "production-demo" });
  });

  it("labels every object with the selector, manager and part-of; the version only when given", () => {
    const common = {
      "app.kubernetes.io/name": "demo",
      "app.kubernetes.io/instance": "production-demo",
      "app.kubernetes.io/managed-by": "pulumi",
      "app.kubernetes.io/part-of": "rollout",
    };
    assert.deepEqual(commonLabels(id), common);
    assert.deepEqual(commonLabels(id, ""), common);
    assert.deepEqual(commonLabels(id, "v1.2.3"), { ...common, "app.kubernetes.io/version": "v1.2.3" });
    assert.deepEqual(commonLabels(id, "feature/x+1"), { ...common, "app.kubernetes.io/version": "feature-x-1" });
  });

  it("exports the shared keys and values", () => {
    assert.equal(managedBy, "pulumi");
    assert.equal(partOf, "rollout");
    assert.equal(trackLabel, "rollout.dev/track");
    assert.equal(slotLabel, "rollout.dev/slot");
    assert.equal(variantLabel, "rollout.dev/variant");
    assert.equal(roleAnnotation, "rollout.dev/role");
  });
});

describe("lib/labels: label values", () => {
  it("keeps what is already valid", () => {
    assert.equal(labelValue("v1.2.3"), "v1.2.3");
    assert.equal(labelValue("A_b-C.9"), "A_b-C.9");
    assert.equal(labelValue("a"), "a");
  });

  it("replaces every other character with '-'", () => {
    assert.equal(labelValue("a b/c:d"), "a-b-c-d");
    assert.equal(labelValue("a@@b"), "a--b");
  });

  it("trims non-alphanumerics from both ends, also several", () => {
    assert.equal(labelValue("-._a-._"), "a");
    assert.equal(labelValue("  a b  "), "a-b");
    assert.equal(labelValue("__x"), "x");
    assert.equal(labelValue("x.."), "x");
    assert.equal(labelValue("---"), "");
    assert.equal(labelValue(""), "");
  });

  it("keeps 63 characters at most, cut before trimming", () => {
    assert.equal(labelValue("a".repeat(63)), "a".repeat(63));
    assert.equal(labelValue("a".repeat(64)), "a".repeat(63));
    assert.equal(labelValue("b".repeat(62)), "b".repeat(62));
    // The 63rd character is '-' after the cut: trimmed, leaving 62.
    assert.equal(labelValue(`${"c".repeat(62)}-dd`), "c".repeat(62));
    assert.equal(labelValue(`${"c".repeat(62)}d-`), `${"c".repeat(62)}d`);
  });
});
