// strategies/format.ts: the plan table as the preview log and the PR comment show it.
import { strict as assert } from "assert";
import { formatPlan } from "../../../strategies/format";

const plans = [
  {
    app: "web",
    namespace: "staging-web",
    strategy: "rolling",
    podsAfter: 4,
    peakPods: 5,
    minReadyPods: 3,
    trafficTo: "abc123",
    steps: ["first release: recorded for undo", "apply Deployment web"],
  },
  {
    app: "database",
    namespace: "staging-database",
    strategy: "statefulset-partition",
    podsAfter: 12,
    peakPods: 12,
    minReadyPods: 11,
    trafficTo: "abc123 on 2 of 12 ordinals",
    steps: ["apply StatefulSet database"],
  },
];

describe("strategies/format: formatPlan", () => {
  it("text: columns padded to the widest cell, two spaces apart, no trailing blanks; then the numbered steps", () => {
    assert.equal(
      formatPlan(plans, "text"),
      [
        "app       namespace         strategy               pods after  peak pods  min ready  traffic to",
        "web       staging-web       rolling                4           5          3          abc123",
        "database  staging-database  statefulset-partition  12          12         11         abc123 on 2 of 12 ordinals",
        "",
        "web step 1: first release: recorded for undo",
        "web step 2: apply Deployment web",
        "database step 1: apply StatefulSet database",
      ].join("\n"),
    );
  });

  it("markdown: a table with its separator row, then the steps as a list", () => {
    assert.equal(
      formatPlan(plans, "markdown"),
      [
        "| app | namespace | strategy | pods after | peak pods | min ready | traffic to |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        "| web | staging-web | rolling | 4 | 5 | 3 | abc123 |",
        "| database | staging-database | statefulset-partition | 12 | 12 | 11 | abc123 on 2 of 12 ordinals |",
        "",
        "- web step 1: first release: recorded for undo",
        "- web step 2: apply Deployment web",
        "- database step 1: apply StatefulSet database",
      ].join("\n"),
    );
  });

  it("no apps: the header alone", () => {
    assert.equal(formatPlan([], "text"), "app  namespace  strategy  pods after  peak pods  min ready  traffic to\n");
  });
});
