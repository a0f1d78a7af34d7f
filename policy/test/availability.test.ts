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
import type { PolicyResource, StackFinding } from "../lib/types";

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

describe("availability (exact findings and boundaries)", () => {
    const local = resolveConfig({ environment: "local" });
    const DEP = "Deployment staging-demo/demo";
    const LABELS =
        "{app.kubernetes.io/name=demo, app.kubernetes.io/instance=demo-prod, app.kubernetes.io/version=1.4.2, app.kubernetes.io/managed-by=pulumi, app.kubernetes.io/part-of=rollout, rollout.dev/track=stable}";
    const replicasMessage = (what: string, n: string) =>
        `${what}: spec.replicas is ${n}; production workloads must run more than 1 replica (or be scaled by a HorizontalPodAutoscaler with spec.minReplicas > 1), unless annotated rollout.dev/role: idle|canary`;
    const hpaMessage = (n: string) =>
        `HorizontalPodAutoscaler staging-demo/demo: spec.minReplicas is ${n}; the HorizontalPodAutoscaler of ${DEP} must keep more than 1 replica in production`;

    describe("production-replicas", () => {
        it("fails 0 and 1 replicas and passes 2 (the limit is more than 1)", () => {
            const zero = deployment({ replicas: 0 });
            const one = deployment({ replicas: 1 });
            assert.deepStrictEqual(messages(checkProductionReplicas([zero], production)), [replicasMessage(DEP, "0")]);
            assert.deepStrictEqual(checkProductionReplicas([one], production), [{ resource: one, message: replicasMessage(DEP, "1") }]);
            assert.deepStrictEqual(checkProductionReplicas([deployment({ replicas: 2 })], production), []);
        });

        it("reports nothing in local and staging", () => {
            for (const config of [local, staging]) {
                assert.deepStrictEqual(checkProductionReplicas([deployment({ replicas: 1 })], config), []);
            }
        });

        it("judges an HPA's minReplicas instead of spec.replicas: 1 fails, 2 passes", () => {
            const withHpa = (min: number | undefined) => [
                deployment({ replicas: 5 }),
                hpa("demo", { kind: "Deployment", name: "demo" }, min),
            ];
            assert.deepStrictEqual(messages(checkProductionReplicas(withHpa(1), production)), [hpaMessage("1")]);
            assert.deepStrictEqual(messages(checkProductionReplicas(withHpa(undefined), production)), [hpaMessage("1 (default)")]);
            assert.deepStrictEqual(checkProductionReplicas(withHpa(2), production), []);
            const single = [deployment({ replicas: 1 }), hpa("demo", { kind: "Deployment", name: "demo" }, 3)];
            assert.deepStrictEqual(checkProductionReplicas(single, production), []);
        });

        it("pairs an HPA only with the workload of its namespace, kind and name", () => {
            const one = deployment({ replicas: 1 });
            for (const h of [
                hpa("demo", { kind: "Deployment", name: "demo" }, 3, "other"),
                hpa("demo", { kind: "StatefulSet", name: "demo" }, 3),
                hpa("demo", { kind: "Deployment", name: "demo-2" }, 3),
            ]) {
                assert.deepStrictEqual(messages(checkProductionReplicas([one, h], production)), [replicasMessage(DEP, "1")]);
            }
        });

        it("skips DaemonSets and only idle/canary roles", () => {
            assert.deepStrictEqual(checkProductionReplicas([daemonSet()], production), []);
            const other = deployment({ replicas: 1, annotations: { "rollout.dev/role": "stable" } });
            assert.deepStrictEqual(messages(checkProductionReplicas([other], production)), [replicasMessage(DEP, "1")]);
        });
    });

    describe("production-pdb-coverage", () => {
        it("names the workload's namespace and pod labels", () => {
            const d = deployment();
            assert.deepStrictEqual(checkPdbCoverage([d], production), [
                {
                    resource: d,
                    message: `${DEP}: no PodDisruptionBudget in namespace staging-demo selects spec.template.metadata.labels ${LABELS}; every production Deployment/StatefulSet must be covered by a PDB`,
                },
            ]);
        });

        it("reports nothing in local, and skips DaemonSets and canaries", () => {
            assert.deepStrictEqual(checkPdbCoverage([deployment()], local), []);
            assert.deepStrictEqual(checkPdbCoverage([daemonSet()], production), []);
            const canary = deployment({ annotations: { "rollout.dev/role": "canary" } });
            assert.deepStrictEqual(checkPdbCoverage([canary], production), []);
        });

        it("does not count a Service or a PDB of another namespace", () => {
            const inOther = pdb("demo", DEMO, { maxUnavailable: 1 }, "other");
            assert.strictEqual(checkPdbCoverage([deployment(), inOther], production).length, 1);
            assert.deepStrictEqual(checkPdbCoverage([deployment({ namespace: "other" }), inOther], production), []);
        });
    });

    describe("pdb-allows-eviction", () => {
        const PDB = "PodDisruptionBudget staging-demo/demo";
        const run = (budget: object, ...workloads: PolicyResource[]) =>
            messages(checkPdbAllowsEviction([...(workloads.length ? workloads : [deployment()]), pdb("demo", DEMO, budget)]));
        const blocked = (min: string, total: number, detail: string) =>
            `${PDB}: spec.minAvailable is ${min} but the selected workloads run ${total} pod${total === 1 ? "" : "s"} (${detail}); minAvailable must stay below the replica count (or use spec.maxUnavailable: 1) so evictions remain possible`;

        it("minAvailable as a count: one below the 3 replicas passes, at and above fail", () => {
            assert.deepStrictEqual(run({ minAvailable: 2 }), []);
            assert.deepStrictEqual(run({ minAvailable: 3 }), [blocked("3", 3, `${DEP}: 3`)]);
            assert.deepStrictEqual(run({ minAvailable: 4 }), [blocked("4", 3, `${DEP}: 3`)]);
        });

        it("minAvailable as a percentage rounds up: 66% of 3 is 2 (passes), 67% is 3 (fails)", () => {
            assert.deepStrictEqual(run({ minAvailable: "66%" }), []);
            assert.deepStrictEqual(run({ minAvailable: "67%" }), [blocked('"67%"', 3, `${DEP}: 3`)]);
            assert.deepStrictEqual(run({ minAvailable: "0%" }), []);
        });

        it("sums every selected workload and writes 1 pod in the singular", () => {
            const a = deployment({ name: "demo-a", replicas: 1, labels: { "rollout.dev/slot": "a" } });
            const b = deployment({ name: "demo-b", replicas: 2, labels: { "rollout.dev/slot": "b" } });
            assert.deepStrictEqual(run({ minAvailable: 3 }, a, b), [
                blocked("3", 3, "Deployment staging-demo/demo-a: 1, Deployment staging-demo/demo-b: 2"),
            ]);
            assert.deepStrictEqual(run({ minAvailable: 2 }, a, b), []);
            assert.deepStrictEqual(run({ minAvailable: 1 }, a), [blocked("1", 1, "Deployment staging-demo/demo-a: 1")]);
        });

        it("uses HPA minReplicas (default 1) for scaled workloads", () => {
            const scaled = (min: number | undefined) => [
                deployment({ replicas: 5 }),
                hpa("demo", { kind: "Deployment", name: "demo" }, min),
            ];
            assert.deepStrictEqual(messages(checkPdbAllowsEviction([...scaled(2), pdb("demo", DEMO, { minAvailable: 1 })])), []);
            assert.deepStrictEqual(messages(checkPdbAllowsEviction([...scaled(2), pdb("demo", DEMO, { minAvailable: 2 })])), [
                blocked("2", 2, `${DEP}: 2`),
            ]);
            assert.deepStrictEqual(messages(checkPdbAllowsEviction([...scaled(undefined), pdb("demo", DEMO, { minAvailable: 1 })])), [
                blocked("1", 1, `${DEP}: 1`),
            ]);
        });

        it("ignores workloads scaled to zero", () => {
            assert.deepStrictEqual(run({ minAvailable: 1 }, deployment({ replicas: 0 })), []);
        });

        it("with a DaemonSet selected, reports only a minAvailable of 100% (pods depend on the nodes)", () => {
            const ds = daemonSet({ app: "demo" });
            const dsPdb = (budget: object) => messages(checkPdbAllowsEviction([ds, pdb("demo", DEMO, budget)]));
            assert.deepStrictEqual(dsPdb({ minAvailable: "100%" }), [
                `${PDB}: spec.minAvailable is "100%"; it blocks every voluntary eviction and must be below 100%`,
            ]);
            assert.deepStrictEqual(dsPdb({ minAvailable: "99%" }), []);
            assert.deepStrictEqual(dsPdb({ minAvailable: 100 }), []);
        });

        it("maxUnavailable: 0 and 0% fail, 1 and 1% pass, and it wins over minAvailable", () => {
            const zeroMessage = (v: string) =>
                `${PDB}: spec.maxUnavailable is ${v}; it blocks every voluntary eviction (node drains, upgrades) and must be at least 1 (or above 0%)`;
            assert.deepStrictEqual(run({ maxUnavailable: 0 }), [zeroMessage("0")]);
            assert.deepStrictEqual(run({ maxUnavailable: "0%" }), [zeroMessage('"0%"')]);
            assert.deepStrictEqual(run({ maxUnavailable: 1 }), []);
            assert.deepStrictEqual(run({ maxUnavailable: "1%" }), []);
            assert.deepStrictEqual(run({ maxUnavailable: 1, minAvailable: 3 }), []);
            assert.deepStrictEqual(run({ maxUnavailable: null, minAvailable: 2 }), []);
        });

        it("reports invalid values with the reason", () => {
            const notInt = 'not an integer >= 0 or a percentage such as "25%" (a quoted number like "3" is not one)';
            assert.deepStrictEqual(run({ maxUnavailable: "1" }), [`${PDB}: spec.maxUnavailable "1" is ${notInt}`]);
            assert.deepStrictEqual(run({ maxUnavailable: "101%" }), [`${PDB}: spec.maxUnavailable "101%" is 101% is above 100%`]);
            assert.deepStrictEqual(run({ maxUnavailable: "100%" }), []);
            assert.deepStrictEqual(run({ minAvailable: -1 }), [`${PDB}: spec.minAvailable -1 is ${notInt}`]);
            assert.deepStrictEqual(run({ minAvailable: "101%" }), [`${PDB}: spec.minAvailable "101%" is 101% is above 100%`]);
            assert.deepStrictEqual(run({ minAvailable: null }), [
                `${PDB}: sets neither spec.minAvailable nor spec.maxUnavailable; set spec.maxUnavailable (e.g. 1) so the budget is explicit`,
            ]);
        });

        it("selects workloads of the PDB's own namespace only", () => {
            const other = pdb("demo", DEMO, { maxUnavailable: 1 }, "other");
            assert.deepStrictEqual(messages(checkPdbAllowsEviction([deployment(), other])), [
                "PodDisruptionBudget other/demo: spec.selector matches the pod template labels of no Deployment, StatefulSet or DaemonSet in namespace other; a PDB must select at least one workload",
            ]);
            const stack = [deployment(), pdb("demo", DEMO, { minAvailable: 3 })];
            assert.strictEqual(checkPdbAllowsEviction(stack)[0]?.resource, stack[1]);
        });
    });

    describe("production-zero-unavailable-rollout", () => {
        const withStrategy = (strategy: object | undefined) => mutate(deployment(), (p) => (p.spec.strategy = strategy));

        it("passes 0 and 0%, with maxSurge unset or above 0", () => {
            for (const ru of [{ maxUnavailable: 0 }, { maxUnavailable: "0%", maxSurge: "25%" }, { maxUnavailable: 0, maxSurge: null }]) {
                assert.deepStrictEqual(
                    checkZeroUnavailableRollout(withStrategy({ rollingUpdate: ru }), production),
                    [],
                    JSON.stringify(ru),
                );
            }
        });

        it("reports 1%, a maxSurge of 0 or 0%, and a null maxUnavailable", () => {
            assert.deepStrictEqual(
                checkZeroUnavailableRollout(withStrategy({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: "1%" } }), production),
                [`${DEP}: spec.strategy.rollingUpdate.maxUnavailable is "1%"; it must be 0 in production`],
            );
            for (const [surge, shown] of [
                [0, "0"],
                ["0%", '"0%"'],
            ] as const) {
                assert.deepStrictEqual(
                    checkZeroUnavailableRollout(withStrategy({ rollingUpdate: { maxUnavailable: 0, maxSurge: surge } }), production),
                    [
                        `${DEP}: spec.strategy.rollingUpdate.maxSurge is ${shown} with maxUnavailable 0; maxSurge must be at least 1 or the rollout cannot progress`,
                    ],
                );
            }
            assert.deepStrictEqual(checkZeroUnavailableRollout(withStrategy({ rollingUpdate: { maxUnavailable: null } }), production), [
                `${DEP}: spec.strategy.rollingUpdate.maxUnavailable is not set (defaults to 25%); it must be 0 in production`,
            ]);
        });

        it("gives the exact Recreate message, and ignores local and non-Deployments", () => {
            assert.deepStrictEqual(checkZeroUnavailableRollout(withStrategy({ type: "Recreate" }), production), [
                `${DEP}: spec.strategy.type is "Recreate"; production Deployments must use RollingUpdate with spec.strategy.rollingUpdate.maxUnavailable 0`,
            ]);
            assert.deepStrictEqual(checkZeroUnavailableRollout(withStrategy({ type: "Recreate" }), local), []);
            assert.deepStrictEqual(checkZeroUnavailableRollout(statefulSet(), production), []);
            assert.deepStrictEqual(checkZeroUnavailableRollout(daemonSet(), production), []);
        });
    });

    describe("workload-min-ready-seconds", () => {
        const withMin = (v: unknown) => mutate(statefulSet(), (p) => (p.spec.minReadySeconds = v));
        const message = (v: string) =>
            `StatefulSet staging-demo/cache: spec.minReadySeconds is ${v}; it must be greater than 0 so a new pod has to stay ready before it counts as available`;

        it("fails 0 and -1, passes 1", () => {
            assert.deepStrictEqual(checkMinReadySeconds(withMin(0)), [message("0")]);
            assert.deepStrictEqual(checkMinReadySeconds(withMin(-1)), [message("-1")]);
            assert.deepStrictEqual(checkMinReadySeconds(withMin(1)), []);
        });

        it("ignores resources that are not long-running workloads", () => {
            const svc: PolicyResource = { type: "kubernetes:core/v1:Service", name: "s", props: { spec: { minReadySeconds: 0 } } };
            assert.deepStrictEqual(checkMinReadySeconds(svc), []);
        });
    });

    describe("progress-deadline-below-await-timeout", () => {
        const withTiming = (deadline: number | undefined, timeout: string | undefined, extra: Record<string, string> = {}) =>
            mutate(deployment(), (p) => {
                if (deadline === undefined) delete p.spec.progressDeadlineSeconds;
                else p.spec.progressDeadlineSeconds = deadline;
                p.metadata.annotations = { ...(timeout === undefined ? {} : { "pulumi.com/timeoutSeconds": timeout }), ...extra };
            });
        const message = (deadline: string, timeout: string) =>
            `${DEP}: spec.progressDeadlineSeconds is ${deadline} but metadata.annotations["pulumi.com/timeoutSeconds"] is ${timeout}; ` +
            "progressDeadlineSeconds must be strictly less so Kubernetes reports a stuck rollout before Pulumi's await gives up";

        it("passes a deadline one below the timeout, fails at and one above", () => {
            assert.deepStrictEqual(checkProgressDeadline(withTiming(299, "300")), []);
            assert.deepStrictEqual(checkProgressDeadline(withTiming(300, "300")), [message("300", "300")]);
            assert.deepStrictEqual(checkProgressDeadline(withTiming(301, "300")), [message("301", "300")]);
        });

        it("compares with the 600 s defaults on either side", () => {
            assert.deepStrictEqual(checkProgressDeadline(withTiming(undefined, "601")), []);
            assert.deepStrictEqual(checkProgressDeadline(withTiming(undefined, "600")), [message("600 (default)", "600")]);
            assert.deepStrictEqual(checkProgressDeadline(withTiming(599, undefined)), []);
            assert.deepStrictEqual(checkProgressDeadline(withTiming(600, undefined)), [message("600", "600 (default, not set)")]);
        });

        it("accepts whole seconds with surrounding spaces only", () => {
            assert.deepStrictEqual(checkProgressDeadline(withTiming(300, " 420 ")), []);
            for (const raw of ["", "420s", "4.5", "-1", "x420", "420x"]) {
                assert.deepStrictEqual(
                    checkProgressDeadline(withTiming(300, raw)),
                    [`${DEP}: metadata.annotations["pulumi.com/timeoutSeconds"] is "${raw}"; it must be a whole number of seconds`],
                    raw,
                );
            }
        });

        it('skips only skipAwait "true", and non-Deployments', () => {
            assert.deepStrictEqual(checkProgressDeadline(withTiming(600, "60", { "pulumi.com/skipAwait": "true" })), []);
            assert.deepStrictEqual(checkProgressDeadline(withTiming(600, "60", { "pulumi.com/skipAwait": "false" })), [
                message("600", "60"),
            ]);
            const sts = mutate(statefulSet(), (p) => {
                p.spec.progressDeadlineSeconds = 900;
                p.metadata.annotations = { "pulumi.com/timeoutSeconds": "60" };
            });
            assert.deepStrictEqual(checkProgressDeadline(sts), []);
        });
    });

    describe("on-delete-skip-await", () => {
        const onDelete = (r: PolicyResource, skip?: string) =>
            mutate(r, (p) => {
                p.spec.updateStrategy = { type: "OnDelete" };
                if (skip !== undefined) p.metadata.annotations = { "pulumi.com/skipAwait": skip };
            });

        it("gives the exact message for a DaemonSet without, or with a false, skipAwait", () => {
            const msg = (shown: string) =>
                `DaemonSet staging-demo/node-agent: spec.updateStrategy.type is OnDelete but metadata.annotations["pulumi.com/skipAwait"] is ${shown}; it must be "true" because pods are only replaced when deleted and Pulumi would wait until its timeout`;
            assert.deepStrictEqual(checkOnDeleteSkipAwait(onDelete(daemonSet())), [msg("not set")]);
            assert.deepStrictEqual(checkOnDeleteSkipAwait(onDelete(daemonSet(), "false")), [msg('"false"')]);
            assert.deepStrictEqual(checkOnDeleteSkipAwait(onDelete(daemonSet(), "true")), []);
        });

        it("ignores RollingUpdate and Deployments", () => {
            assert.deepStrictEqual(checkOnDeleteSkipAwait(daemonSet()), []);
            assert.deepStrictEqual(checkOnDeleteSkipAwait(onDelete(deployment())), []);
        });
    });
});

describe("availability (mixed selections and look-alikes)", () => {
    const PDB = "PodDisruptionBudget staging-demo/demo";

    it("with a DaemonSet and a Deployment selected, judges only a 100% minAvailable", () => {
        const both = [daemonSet({ app: "demo" }), deployment()];
        assert.deepStrictEqual(messages(checkPdbAllowsEviction([...both, pdb("demo", DEMO, { minAvailable: "100%" })])), [
            `${PDB}: spec.minAvailable is "100%"; it blocks every voluntary eviction and must be below 100%`,
        ]);
        assert.deepStrictEqual(messages(checkPdbAllowsEviction([...both, pdb("demo", DEMO, { minAvailable: 3 })])), []);
    });

    it("does not take a VerticalPodAutoscaler for an HPA", () => {
        const vpa: PolicyResource = {
            type: "kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler",
            name: "demo",
            props: {
                metadata: { name: "demo", namespace: "staging-demo" },
                spec: {
                    targetRef: { kind: "Deployment", name: "demo" },
                    scaleTargetRef: { kind: "Deployment", name: "demo" },
                    minReplicas: 3,
                },
            },
        };
        assert.deepStrictEqual(messages(checkProductionReplicas([deployment({ replicas: 1 }), vpa], production)), [
            "Deployment staging-demo/demo: spec.replicas is 1; production workloads must run more than 1 replica (or be scaled by a HorizontalPodAutoscaler with spec.minReplicas > 1), unless annotated rollout.dev/role: idle|canary",
        ]);
    });
});
