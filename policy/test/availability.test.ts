import * as assert from "assert";
import { resolveConfig } from "../lib/config";
import {
    checkMinReadySeconds,
    checkOnDeleteSkipAwait,
    checkPdbAllowsEviction,
    checkPdbCoverage,
    checkProductionReplicas,
    checkProgressDeadline,
    checkZeroUnavailableRollout,
} from "../rules/availability";
import { daemonSet, deployment, hpa, mutate, pdb, podLabels, statefulSet } from "./fixtures";
import type { StackFinding } from "../lib/types";

const production = resolveConfig({ environment: "production" });
const staging = resolveConfig({ environment: "staging" });
const messages = (fs: StackFinding[]) => fs.map((f) => f.message);
const DEMO = { "app.kubernetes.io/name": "demo" };

describe("availability", () => {
    describe("production-replicas", () => {
        it("passes replicas > 1, idle/canary workloads and HPAs with minReplicas > 1", () => {
            const stack = [
                deployment(),
                deployment({ name: "demo-green", replicas: 0, annotations: { "rollout.dev/role": "idle" } }),
                deployment({ name: "demo-canary", replicas: 1, annotations: { "rollout.dev/role": "canary" } }),
                mutate(deployment({ name: "api", app: "api" }), (p) => delete p.spec.replicas),
                hpa("api", { kind: "Deployment", name: "api" }, 2),
                daemonSet(),
            ];
            assert.deepStrictEqual(checkProductionReplicas(stack, production), []);
        });

        it("reports single-replica workloads in production only", () => {
            const single = mutate(statefulSet(), (p) => delete p.spec.replicas);
            assert.deepStrictEqual(checkProductionReplicas([single], staging), []);
            const findings = checkProductionReplicas([single], production);
            assert.strictEqual(findings[0]?.resource, single);
            assert.match(
                findings[0]?.message ?? "",
                /^StatefulSet staging-demo\/cache: spec\.replicas is 1 \(default\); production workloads must run more than 1 replica/,
            );
        });

        it("reports an HPA that may scale to one replica", () => {
            const h = hpa("api", { kind: "Deployment", name: "api" }, undefined);
            const findings = checkProductionReplicas([deployment({ name: "api", app: "api" }), h], production);
            assert.strictEqual(findings.length, 1);
            assert.strictEqual(findings[0]?.resource, h);
            assert.match(findings[0]?.message ?? "", /^HorizontalPodAutoscaler staging-demo\/api: spec\.minReplicas is 1 \(default\)/);
        });
    });

    describe("production-pdb-coverage", () => {
        it("passes when a PDB in the namespace selects every active workload", () => {
            const stack = [
                deployment(),
                deployment({ name: "demo-green", annotations: { "rollout.dev/role": "idle" }, replicas: 0 }),
                pdb("demo", DEMO),
            ];
            assert.deepStrictEqual(checkPdbCoverage(stack, production), []);
        });

        it("reports uncovered workloads in production (PDB in another namespace or not matching)", () => {
            const stack = [deployment(), pdb("demo", DEMO, { maxUnavailable: 1 }, "other"), pdb("x", { "app.kubernetes.io/name": "x" })];
            assert.deepStrictEqual(checkPdbCoverage(stack, staging), []);
            const [msg, ...rest] = messages(checkPdbCoverage(stack, production));
            assert.strictEqual(rest.length, 0);
            assert.match(
                msg ?? "",
                /^Deployment staging-demo\/demo: no PodDisruptionBudget in namespace staging-demo selects spec\.template\.metadata\.labels \{app\.kubernetes\.io\/name=demo, /,
            );
        });
    });

    describe("pdb-allows-eviction", () => {
        it("accepts maxUnavailable >= 1 / > 0% and minAvailable below the replica count", () => {
            for (const budget of [{ maxUnavailable: 1 }, { maxUnavailable: "10%" }, { minAvailable: 2 }, { minAvailable: "50%" }]) {
                assert.deepStrictEqual(checkPdbAllowsEviction([deployment(), pdb("demo", DEMO, budget)]), [], JSON.stringify(budget));
            }
        });

        it("counts HPA minReplicas and sums the selected workloads", () => {
            const blue = deployment({ name: "demo-blue", replicas: 2, labels: { "rollout.dev/slot": "blue" } });
            const green = deployment({
                name: "demo-green",
                replicas: 0,
                labels: { "rollout.dev/slot": "green" },
                annotations: { "rollout.dev/role": "idle" },
            });
            assert.deepStrictEqual(checkPdbAllowsEviction([blue, green, pdb("demo", DEMO, { minAvailable: 1 })]), []);
            const scaled = [mutate(deployment(), (p) => delete p.spec.replicas), hpa("demo", { kind: "Deployment", name: "demo" }, 3)];
            assert.deepStrictEqual(checkPdbAllowsEviction([...scaled, pdb("demo", DEMO, { minAvailable: 2 })]), []);
        });

        it("reports budgets that block every eviction", () => {
            const cases: [object, RegExp][] = [
                [{ maxUnavailable: 0 }, /spec\.maxUnavailable is 0; it blocks every voluntary eviction/],
                [{ maxUnavailable: "0%" }, /spec\.maxUnavailable is "0%"/],
                [{ minAvailable: 3 }, /spec\.minAvailable is 3 but the selected workloads run 3 pods \(Deployment staging-demo\/demo: 3\)/],
                [{ minAvailable: "100%" }, /spec\.minAvailable is "100%" but the selected workloads run 3 pods/],
                [{ minAvailable: "90%" }, /spec\.minAvailable is "90%"/], // ceil(0.9 * 3) = 3
                [{}, /sets neither spec\.minAvailable nor spec\.maxUnavailable/],
            ];
            for (const [budget, re] of cases) {
                const [msg, ...rest] = messages(checkPdbAllowsEviction([deployment(), pdb("demo", DEMO, budget)]));
                assert.strictEqual(rest.length, 0, JSON.stringify(budget));
                assert.match(msg ?? "", /^PodDisruptionBudget staging-demo\/demo: /);
                assert.match(msg ?? "", re);
            }
        });

        it("reports a PDB that selects no workload", () => {
            const findings = checkPdbAllowsEviction([deployment(), pdb("orphan", { ...podLabels("demo"), "rollout.dev/slot": "purple" })]);
            assert.deepStrictEqual(messages(findings), [
                "PodDisruptionBudget staging-demo/orphan: spec.selector matches the pod template labels of no Deployment, StatefulSet or DaemonSet in namespace staging-demo; a PDB must select at least one workload",
            ]);
        });

        it("supports matchExpressions", () => {
            const p = mutate(pdb("demo", {}), (props) => {
                props.spec.selector = { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["demo", "api"] }] };
            });
            assert.deepStrictEqual(checkPdbAllowsEviction([deployment(), p]), []);
        });
    });

    describe("production-zero-unavailable-rollout", () => {
        it("passes maxUnavailable 0 and ignores staging", () => {
            assert.deepStrictEqual(checkZeroUnavailableRollout(deployment(), production), []);
            const loose = mutate(deployment(), (p) => (p.spec.strategy.rollingUpdate.maxUnavailable = "25%"));
            assert.deepStrictEqual(checkZeroUnavailableRollout(loose, staging), []);
        });

        it("reports the 25% default, non-zero values and Recreate in production", () => {
            const unset = mutate(deployment(), (p) => delete p.spec.strategy);
            assert.deepStrictEqual(checkZeroUnavailableRollout(unset, production), [
                "Deployment staging-demo/demo: spec.strategy.rollingUpdate.maxUnavailable is not set (defaults to 25%); it must be 0 in production",
            ]);
            const one = mutate(deployment(), (p) => (p.spec.strategy.rollingUpdate.maxUnavailable = 1));
            assert.match(checkZeroUnavailableRollout(one, production)[0] ?? "", /maxUnavailable is 1; it must be 0/);
            const recreate = mutate(deployment(), (p) => (p.spec.strategy = { type: "Recreate" }));
            assert.match(checkZeroUnavailableRollout(recreate, production)[0] ?? "", /spec\.strategy\.type is "Recreate"/);
        });
    });

    describe("workload-min-ready-seconds", () => {
        it("passes minReadySeconds > 0 on Deployments, StatefulSets and DaemonSets", () => {
            for (const r of [deployment(), statefulSet(), daemonSet()]) {
                assert.deepStrictEqual(checkMinReadySeconds(r), []);
            }
        });

        it("reports a missing or zero minReadySeconds", () => {
            const r = mutate(daemonSet(), (p) => delete p.spec.minReadySeconds);
            assert.deepStrictEqual(checkMinReadySeconds(r), [
                "DaemonSet staging-demo/node-agent: spec.minReadySeconds is not set (0); it must be greater than 0 so a new pod has to stay ready before it counts as available",
            ]);
            assert.strictEqual(checkMinReadySeconds(mutate(deployment(), (p) => (p.spec.minReadySeconds = 0))).length, 1);
        });
    });

    describe("progress-deadline-below-await-timeout", () => {
        it("passes a deadline below the await timeout, and skipAwait workloads", () => {
            assert.deepStrictEqual(checkProgressDeadline(deployment()), []);
            const skip = mutate(deployment(), (p) => (p.metadata.annotations = { "pulumi.com/skipAwait": "true" }));
            assert.deepStrictEqual(checkProgressDeadline(skip), []);
        });

        it("reports the defaults (600 is not < 600)", () => {
            const r = mutate(deployment(), (p) => {
                delete p.spec.progressDeadlineSeconds;
                p.metadata.annotations = {};
            });
            assert.deepStrictEqual(checkProgressDeadline(r), [
                'Deployment staging-demo/demo: spec.progressDeadlineSeconds is 600 (default) but metadata.annotations["pulumi.com/timeoutSeconds"] is 600 (default, not set); ' +
                    "progressDeadlineSeconds must be strictly less so Kubernetes reports a stuck rollout before Pulumi's await gives up",
            ]);
        });

        it("reports a deadline at or above an explicit timeout, and a malformed annotation", () => {
            const r = mutate(deployment(), (p) => (p.metadata.annotations["pulumi.com/timeoutSeconds"] = "300"));
            assert.match(checkProgressDeadline(r)[0] ?? "", /progressDeadlineSeconds is 300 but .* is 300;/);
            const bad = mutate(deployment(), (p) => (p.metadata.annotations["pulumi.com/timeoutSeconds"] = "10m"));
            assert.match(checkProgressDeadline(bad)[0] ?? "", /is "10m"; it must be a whole number of seconds/);
        });
    });

    describe("on-delete-skip-await", () => {
        it("requires pulumi.com/skipAwait on OnDelete StatefulSets/DaemonSets", () => {
            assert.deepStrictEqual(checkOnDeleteSkipAwait(statefulSet()), []);
            const onDelete = mutate(statefulSet(), (p) => (p.spec.updateStrategy = { type: "OnDelete" }));
            assert.match(
                checkOnDeleteSkipAwait(onDelete)[0] ?? "",
                /^StatefulSet staging-demo\/cache: spec\.updateStrategy\.type is OnDelete but .*skipAwait"\] is not set; it must be "true"/,
            );
            const ok = mutate(onDelete, (p) => (p.metadata.annotations["pulumi.com/skipAwait"] = "true"));
            assert.deepStrictEqual(checkOnDeleteSkipAwait(ok), []);
        });
    });
});
