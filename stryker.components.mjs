// Mutation testing of components/ (scripts/mutation.sh components). Their tests run whole stacks
// on the Pulumi mock runtime, so they get their own spec list: in stryker.config.json they would
// also run for every config/ and lib/ mutant they cover, and that run would take hours.
import { readFileSync } from "node:fs";

const base = JSON.parse(readFileSync(new URL("./stryker.config.json", import.meta.url), "utf8"));
delete base.$schema;
delete base._comment;

export default {
  ...base,
  mutate: ["components/**/*.ts"],
  mochaOptions: {
    ...base.mochaOptions,
    spec: [
      "test/unit/components/*.test.ts",
      "test/unit/stack.test.ts",
      "test/unit/workloads/app.test.ts",
      "test/unit/platform/edge.test.ts",
      "test/unit/gitops/gitops.test.ts",
      "test/unit/strategies/release.test.ts",
    ],
  },
  jsonReporter: { fileName: "reports/mutation/components.json" },
};
