// One rule, one verdict: every example a config rule is tested with goes to the matching policy too,
// and both must agree. The policy sees what the program renders, with the example value put where
// the config would have put it.
import { strict as assert } from "assert";
import { environments as configEnvironments } from "../../../config/defaults";
import { ConfigError, parseStackConfig } from "../../../config/load";
import { annotationKeys, labelKeys } from "../../../lib/contract";
import { roleAnnotation, slotLabel, trackLabel, variantLabel } from "../../../lib/labels";
import { ENVIRONMENTS } from "../../../policy/lib/types";
import { ROLE_ANNOTATION, SKIP_AWAIT_ANNOTATION, TIMEOUT_ANNOTATION } from "../../../policy/lib/util";
import type { PolicyResource, RolloutConfig } from "../../../policy/lib/types";
import { checkPdbAllowsEviction } from "../../../policy/rules/availability";
import { checkImageDigest, checkImageTag } from "../../../policy/rules/images";
import { checkExecForm } from "../../../policy/rules/pod-safety";
import * as objects from "../../../workloads/objects";
import { digestA, localBase } from "../../support/stacks";

/** Problems the config reports for one app, at keys under `prefix`. */
function configProblems(app: Record<string, unknown>, prefix: string): string[] {
  try {
    parseStackConfig({ ...localBase, "rollout:apps": [{ name: "demo", ...app }] }, "local");
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.filter((p) => p.startsWith(prefix));
  }
}

const base = parseStackConfig({ ...localBase, "rollout:apps": [{ name: "demo", replicas: 3 }] }, "local").apps[0];
const id = { app: "demo", environment: "local" };
const image = `registry.example/team/okeydokey@${digestA}`;

interface Container {
  image?: string;
  command?: string[];
  args?: string[];
}
/** The slice of a rendered Deployment the examples edit. */
interface DeploymentProps {
  spec: { selector: unknown; template: { spec: { containers: Container[] } } };
}

/** The program's Deployment for the base app, with `edit` applied to its props. */
function rendered(edit: (props: DeploymentProps) => void, replicas = 3): PolicyResource {
  const props = JSON.parse(
    JSON.stringify(objects.deployment({ app: { ...base, replicas }, id, name: "demo", image, version: "v1", trackLabels: {}, replicas, serviceAccountName: "demo", changeCause: "test" })),
  ) as DeploymentProps & Record<string, unknown>;
  edit(props);
  return { type: "kubernetes:apps/v1:Deployment", name: "demo", props };
}

const production: RolloutConfig = { environment: "production", allowedRegistries: [], cdServiceAccount: "cd/cd-agent" };

describe("parity: config and policy pack share their constants", () => {
  it("the same environments, annotation and label names", () => {
    assert.deepEqual([...ENVIRONMENTS], [...configEnvironments]);
    assert.deepEqual([ROLE_ANNOTATION, TIMEOUT_ANNOTATION, SKIP_AWAIT_ANNOTATION], [roleAnnotation, objects.timeoutAnnotation, objects.skipAwaitAnnotation]);
    assert.deepEqual([annotationKeys.role, annotationKeys.timeoutSeconds, annotationKeys.skipAwait, annotationKeys.waitFor, annotationKeys.changeCause], ["rollout.dev/role", objects.timeoutAnnotation, objects.skipAwaitAnnotation, objects.waitForAnnotation, objects.changeCauseAnnotation]);
    assert.deepEqual([trackLabel, slotLabel, variantLabel], [labelKeys.track, labelKeys.slot, labelKeys.variant]);
  });
});

describe("parity: shell-form entrypoints (workload-exec-form-entrypoint)", () => {
  const examples: [string, { command?: string[]; args?: string[] }, boolean][] = [
    ["sh -c", { command: ["sh", "-c", "node server.js"] }, false],
    ["/bin/bash -c", { command: ["/bin/bash", "-c", "node"] }, false],
    ["a path to zsh", { command: ["/usr/local/bin/zsh", "-c", "node"] }, false],
    ["env bash -c", { command: ["/usr/bin/env", "bash", "-c", "node"] }, false],
    ["busybox sh -c", { command: ["busybox", "sh", "-c", "node"] }, false],
    ["clustered -ec", { command: ["bash", "-ec", "node"] }, false],
    ["-o pipefail -c", { command: ["bash", "-o", "pipefail", "-c", "node"] }, false],
    ["shell in command, -c in args", { command: ["sh"], args: ["-c", "node"] }, false],
    ["shell in args alone", { args: ["sh", "-c", "node"] }, false],
    ["a bare exec", { command: ["sh", "-c", "exec"] }, false],
    ["exec form", { command: ["/app", "--port", "8080"] }, true],
    ["a script that execs", { command: ["/bin/sh", "-c", "exec /app"] }, true],
    ["a script file", { command: ["sh", "/entrypoint.sh"] }, true],
    ["tini in front", { command: ["tini", "--", "sh", "-c", "node"] }, true],
    ["-c as an app flag", { command: ["/app"], args: ["-c", "config.yaml"] }, true],
    ["args only, exec form", { args: ["--port", "8080"] }, true],
  ];
  for (const [what, argv, ok] of examples) {
    it(`${what}: both ${ok ? "accept" : "reject"}`, () => {
      const config = configProblems(argv, "rollout:apps[0].").filter((p) => p.includes("does not forward SIGTERM"));
      const policy = checkExecForm(
        rendered((props) => {
          const c = props.spec.template.spec.containers[0];
          delete c.command;
          delete c.args;
          if (argv.command) c.command = argv.command;
          if (argv.args) c.args = argv.args;
        }),
      );
      assert.deepEqual([config.length === 0, policy.length === 0], [ok, ok], `config: ${config.join("; ")} | policy: ${policy.join("; ")}`);
    });
  }
});

describe("parity: PodDisruptionBudgets that block evictions (pdb-allows-eviction)", () => {
  const examples: [string, number, Record<string, unknown>, boolean][] = [
    ["maxUnavailable 1 of 3", 3, { maxUnavailable: 1 }, true],
    ["maxUnavailable 0 of 3", 3, { maxUnavailable: 0 }, false],
    ["maxUnavailable 0%", 3, { maxUnavailable: "0%" }, false],
    ["maxUnavailable 1% of 3 (rounds up to 1)", 3, { maxUnavailable: "1%" }, true],
    ["minAvailable 2 of 3", 3, { minAvailable: 2 }, true],
    ["minAvailable 3 of 3", 3, { minAvailable: 3 }, false],
    ["minAvailable 66% of 3 (2 pods)", 3, { minAvailable: "66%" }, true],
    ["minAvailable 67% of 3 (3 pods)", 3, { minAvailable: "67%" }, false],
    ["minAvailable 50% of 2 (1 pod)", 2, { minAvailable: "50%" }, true],
    ["minAvailable 51% of 2 (2 pods)", 2, { minAvailable: "51%" }, false],
    ["minAvailable 100%", 4, { minAvailable: "100%" }, false],
    ["minAvailable 0 of 1", 1, { minAvailable: 0 }, true],
    ["a quoted count", 3, { maxUnavailable: "1" }, false],
    ["a fractional percentage", 3, { maxUnavailable: "12.5%" }, false],
    ["a percentage above 100%", 3, { maxUnavailable: "150%" }, false],
    ["a negative count", 3, { minAvailable: -1 }, false],
  ];
  for (const [what, replicas, budget, ok] of examples) {
    it(`${what}: both ${ok ? "accept" : "reject"}`, () => {
      const config = configProblems({ replicas, pdb: budget }, "rollout:apps[0].pdb");
      const workload = rendered(() => undefined, replicas);
      const pdb: PolicyResource = {
        type: "kubernetes:policy/v1:PodDisruptionBudget",
        name: "demo",
        props: { ...objects.podDisruptionBudget({ ...base, replicas }, id, {}), spec: { selector: (workload.props as unknown as DeploymentProps).spec.selector, ...budget } },
      };
      const policy = checkPdbAllowsEviction([workload, pdb]);
      assert.deepEqual([config.length === 0, policy.length === 0], [ok, ok], `config: ${config.join("; ")} | policy: ${policy.map((f) => f.message).join("; ")}`);
    });
  }
});

describe("parity: image references (image-tag-pinned + image-digest-production)", () => {
  const hex = "0123456789abcdef".repeat(4);
  const examples: [string, boolean][] = [
    [`nginx@sha256:${hex}`, true],
    [`library/nginx:1.25@sha256:${hex}`, true],
    [`localhost:5000/a@sha256:${hex}`, true],
    [`europe-west1-docker.pkg.dev/p/r/app@sha256:${hex}`, true],
    ["nginx:1.25", false],
    ["nginx", false],
    ["r.example/a:latest", false],
    ["nginx@sha256:abc", false],
    [`nginx@sha256:${hex.toUpperCase()}`, false],
    [`NGINX@sha256:${hex}`, false],
    [`a//b@sha256:${hex}`, false],
  ];
  for (const [ref, ok] of examples) {
    it(`${ref.length > 50 ? `${ref.slice(0, 47)}...` : ref}: both ${ok ? "accept" : "reject"}`, () => {
      const config = configProblems({ image: ref }, "rollout:apps[0].image");
      const workload = rendered((props) => {
        props.spec.template.spec.containers[0].image = ref;
      });
      const policy = [...checkImageTag(workload), ...checkImageDigest(workload, production)];
      assert.deepEqual([config.length === 0, policy.length === 0], [ok, ok], `config: ${config.join("; ")} | policy: ${policy.join("; ")}`);
    });
  }
});
