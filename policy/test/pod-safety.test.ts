import * as assert from "assert";
import {
    checkExecForm,
    checkGracefulShutdown,
    checkProbes,
    checkResources,
    checkSecurityContext,
    checkStartupProbe,
    drainSeconds,
    shellScript,
} from "../rules/pod-safety";
import type { PolicyResource } from "../lib/types";
import { AnyProps, NAMESPACE, daemonSet, deployment, mutate, service, statefulSet } from "./fixtures";

const C0 = "spec.template.spec.containers[0]";

describe("pod safety", () => {
    describe("workload-probes", () => {
        it("passes a compliant Deployment, StatefulSet and DaemonSet", () => {
            for (const r of [deployment(), statefulSet(), daemonSet()]) {
                assert.deepStrictEqual(checkProbes(r), []);
            }
        });

        it("reports a missing readiness probe with resource, field path and expectation", () => {
            const r = mutate(deployment(), (p) => delete p.spec.template.spec.containers[0].readinessProbe);
            assert.deepStrictEqual(checkProbes(r), [
                `Deployment staging-demo/demo: ${C0}.readinessProbe is missing; every container must have a readiness probe`,
            ]);
        });

        it("reports missing liveness probes on every container, and probes without a handler", () => {
            const r = mutate(deployment(), (p) => {
                const c = p.spec.template.spec.containers;
                delete c[0].livenessProbe;
                c.push({ ...c[0], name: "sidecar", readinessProbe: { periodSeconds: 5 } });
            });
            assert.deepStrictEqual(checkProbes(r), [
                `Deployment staging-demo/demo: ${C0}.livenessProbe is missing; every container must have a liveness probe`,
                "Deployment staging-demo/demo: spec.template.spec.containers[1].readinessProbe has no handler; it must set one of httpGet, tcpSocket, exec or grpc",
                "Deployment staging-demo/demo: spec.template.spec.containers[1].livenessProbe is missing; every container must have a liveness probe",
            ]);
        });

        it("ignores init containers and non-workloads", () => {
            const r = mutate(deployment(), (p) => delete p.spec.template.spec.initContainers[0].readinessProbe);
            assert.deepStrictEqual(checkProbes(r), []);
            assert.deepStrictEqual(checkProbes(service("demo", { app: "demo" })), []);
        });
    });

    describe("workload-startup-probe", () => {
        it("accepts a short liveness delay, or a long one paired with a startup probe", () => {
            assert.deepStrictEqual(checkStartupProbe(deployment()), []);
            const withStartup = mutate(deployment(), (p) => (p.spec.template.spec.containers[0].livenessProbe.initialDelaySeconds = 120));
            assert.deepStrictEqual(checkStartupProbe(withStartup), []);
            const thirty = mutate(deployment(), (p) => {
                delete p.spec.template.spec.containers[0].startupProbe;
                p.spec.template.spec.containers[0].livenessProbe.initialDelaySeconds = 30;
            });
            assert.deepStrictEqual(checkStartupProbe(thirty), []);
        });

        it("requires a startup probe when the liveness probe waits more than 30s", () => {
            const r = mutate(deployment(), (p) => {
                delete p.spec.template.spec.containers[0].startupProbe;
                p.spec.template.spec.containers[0].livenessProbe.initialDelaySeconds = 90;
            });
            const [msg, ...rest] = checkStartupProbe(r);
            assert.strictEqual(rest.length, 0);
            assert.match(
                msg ?? "",
                /^Deployment staging-demo\/demo: spec\.template\.spec\.containers\[0\]\.livenessProbe\.initialDelaySeconds is 90; slow starters must use .*startupProbe/,
            );
        });
    });

    describe("workload-graceful-shutdown", () => {
        it("accepts sleep.seconds and exec sleep drains shorter than the grace period", () => {
            assert.deepStrictEqual(checkGracefulShutdown(deployment()), []);
            const exec = mutate(
                deployment(),
                (p) => (p.spec.template.spec.containers[0].lifecycle.preStop = { exec: { command: ["/bin/sleep", "15"] } }),
            );
            assert.deepStrictEqual(checkGracefulShutdown(exec), []);
            assert.strictEqual(drainSeconds({ lifecycle: { preStop: { exec: { command: ["sleep", "7"] } } } }), 7);
        });

        it("reports a missing preStop drain", () => {
            const r = mutate(deployment(), (p) => delete p.spec.template.spec.containers[0].lifecycle);
            assert.deepStrictEqual(checkGracefulShutdown(r), [
                `Deployment staging-demo/demo: ${C0}.lifecycle.preStop is missing; every container must drain before SIGTERM (lifecycle.preStop.sleep.seconds, e.g. 5)`,
            ]);
        });

        it("reports a preStop hook that is not a sleep drain", () => {
            const r = mutate(
                deployment(),
                (p) => (p.spec.template.spec.containers[0].lifecycle.preStop = { exec: { command: ["sh", "-c", "sleep 5"] } }),
            );
            assert.match(checkGracefulShutdown(r)[0] ?? "", /lifecycle\.preStop is not a recognised drain/);
        });

        it("requires terminationGracePeriodSeconds (default 30) to be strictly longer than the drain", () => {
            const equal = mutate(deployment(), (p) => {
                delete p.spec.template.spec.terminationGracePeriodSeconds;
                p.spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds = 30;
            });
            assert.deepStrictEqual(checkGracefulShutdown(equal), [
                `Deployment staging-demo/demo: spec.template.spec.terminationGracePeriodSeconds is 30 (default); it must be greater than the preStop drain of 30s in ${C0}`,
            ]);
            const shorter = mutate(deployment(), (p) => (p.spec.template.spec.terminationGracePeriodSeconds = 5));
            assert.match(
                checkGracefulShutdown(shorter)[0] ?? "",
                /terminationGracePeriodSeconds is 5; it must be greater than the preStop drain of 10s/,
            );
        });
    });

    describe("workload-exec-form-entrypoint", () => {
        it("accepts exec-form commands and shell scripts that exec", () => {
            assert.deepStrictEqual(checkExecForm(deployment()), []);
            const execForm = mutate(deployment(), (p) => (p.spec.template.spec.containers[0].command = ["/app/server", "--port=8080"]));
            assert.deepStrictEqual(checkExecForm(execForm), []);
            const execScript = mutate(deployment(), (p) => {
                p.spec.template.spec.containers[0].command = ["/bin/sh", "-c"];
                p.spec.template.spec.containers[0].args = ["exec /app/server --port=$PORT"];
            });
            assert.deepStrictEqual(checkExecForm(execScript), []);
        });

        it("reports sh -c / bash -c scripts that keep the shell as PID 1", () => {
            const sh = mutate(
                deployment(),
                (p) => (p.spec.template.spec.containers[0].command = ["sh", "-c", "/app/migrate && /app/server"]),
            );
            assert.deepStrictEqual(checkExecForm(sh), [
                `Deployment staging-demo/demo: ${C0}.command runs "sh -c" with a script that does not start with "exec "; ` +
                    `the shell stays PID 1 and ignores SIGTERM, so use the exec form (command: ["/app/binary", ...]) or start the script with "exec "`,
            ]);
            const bashArgs = mutate(
                deployment(),
                (p) => (p.spec.template.spec.containers[0].args = ["/bin/bash", "-ec", "node server.js"]),
            );
            assert.match(checkExecForm(bashArgs)[0] ?? "", /containers\[0\]\.args runs "\/bin\/bash -c"/);
        });

        it("parses shell argv forms", () => {
            assert.strictEqual(shellScript(["bash", "-o", "pipefail", "-c", "run"]), "run");
            assert.strictEqual(shellScript(["sh", "/entrypoint.sh"]), undefined);
            assert.strictEqual(shellScript(["tini", "--", "sh", "-c", "run"]), undefined);
        });
    });

    describe("container-resources", () => {
        it("passes containers and init containers with requests and a memory limit", () => {
            assert.deepStrictEqual(checkResources(deployment()), []);
        });

        it("reports each missing request/limit, init containers included", () => {
            const r = mutate(deployment(), (p) => {
                delete p.spec.template.spec.initContainers[0].resources;
                delete p.spec.template.spec.containers[0].resources.limits;
            });
            assert.deepStrictEqual(
                checkResources(r).map((m) => m.split(" is missing")[0]),
                [
                    "Deployment staging-demo/demo: spec.template.spec.initContainers[0].resources.requests.cpu",
                    "Deployment staging-demo/demo: spec.template.spec.initContainers[0].resources.requests.memory",
                    "Deployment staging-demo/demo: spec.template.spec.initContainers[0].resources.limits.memory",
                    `Deployment staging-demo/demo: ${C0}.resources.limits.memory`,
                ],
            );
        });
    });

    describe("pod-security-context", () => {
        it("passes a non-root, non-privileged pod (pod-level runAsNonRoot)", () => {
            assert.deepStrictEqual(checkSecurityContext(deployment()), []);
        });

        it("accepts runAsNonRoot at container level only", () => {
            const r = mutate(deployment(), (p) => {
                delete p.spec.template.spec.securityContext;
                for (const c of [...p.spec.template.spec.containers, ...p.spec.template.spec.initContainers]) {
                    c.securityContext.runAsNonRoot = true;
                }
            });
            assert.deepStrictEqual(checkSecurityContext(r), []);
        });

        it("reports root, privileged and privilege escalation", () => {
            const r = mutate(deployment(), (p) => {
                p.spec.template.spec.containers[0].securityContext = { runAsNonRoot: false, privileged: true };
            });
            assert.deepStrictEqual(checkSecurityContext(r), [
                `Deployment staging-demo/demo: ${C0}.securityContext.runAsNonRoot is false; it must be true`,
                `Deployment staging-demo/demo: ${C0}.securityContext.privileged is true; privileged containers are not allowed`,
                `Deployment staging-demo/demo: ${C0}.securityContext.allowPrivilegeEscalation is not set (defaults to true); it must be false`,
            ]);
        });

        it("reports a pod without runAsNonRoot anywhere and UID 0", () => {
            const r = mutate(deployment(), (p) => {
                p.spec.template.spec.securityContext = { runAsUser: 0 };
                p.spec.template.spec.initContainers = [];
            });
            assert.deepStrictEqual(checkSecurityContext(r), [
                `Deployment staging-demo/demo: spec.template.spec.securityContext.runAsNonRoot is not set and ${C0}.securityContext.runAsNonRoot is not set; runAsNonRoot must be true`,
                `Deployment staging-demo/demo: ${C0} runs as UID 0 (securityContext.runAsUser); it must run as a non-root UID`,
            ]);
        });
    });
});

describe("pod safety (exact findings and boundaries)", () => {
    const DEP = "Deployment staging-demo/demo";
    const C1 = "spec.template.spec.containers[1]";
    const withMain = (edit: (c: AnyProps) => void) => mutate(deployment(), (p) => edit(p.spec.template.spec.containers[0]));
    const job = (kind: "Job" | "CronJob"): PolicyResource => {
        const d = deployment();
        const tpl = (d.props.spec as AnyProps).template;
        return {
            type: `kubernetes:batch/v1:${kind}`,
            name: "task",
            props: {
                apiVersion: "batch/v1",
                kind,
                metadata: { name: "task", namespace: NAMESPACE },
                spec: kind === "Job" ? { template: tpl } : { schedule: "*/5 * * * *", jobTemplate: { spec: { template: tpl } } },
            },
        };
    };
    const pod = (spec: AnyProps): PolicyResource => ({
        type: "kubernetes:core/v1:Pod",
        name: "debug",
        props: { apiVersion: "v1", kind: "Pod", metadata: { name: "debug", namespace: NAMESPACE }, spec },
    });

    describe("workload-probes", () => {
        it("accepts each handler: tcpSocket, exec and grpc", () => {
            for (const handler of [{ tcpSocket: { port: 8080 } }, { exec: { command: ["/app/health"] } }, { grpc: { port: 9090 } }]) {
                const r = withMain((c) => {
                    c.readinessProbe = { ...handler, periodSeconds: 5 };
                    c.livenessProbe = handler;
                });
                assert.deepStrictEqual(checkProbes(r), [], JSON.stringify(handler));
            }
        });

        it("treats null and empty-string handlers as none, and a non-object probe as missing", () => {
            const r = withMain((c) => {
                c.readinessProbe = { httpGet: null, exec: "" };
                c.livenessProbe = "yes";
            });
            assert.deepStrictEqual(checkProbes(r), [
                `${DEP}: ${C0}.readinessProbe has no handler; it must set one of httpGet, tcpSocket, exec or grpc`,
                `${DEP}: ${C0}.livenessProbe is missing; every container must have a liveness probe`,
            ]);
        });

        it("checks StatefulSets and DaemonSets, not Jobs, CronJobs or Pods", () => {
            const noProbes = (r: PolicyResource) =>
                mutate(r, (p) => {
                    const spec = p.spec.template?.spec ?? p.spec;
                    delete spec.containers[0].readinessProbe;
                });
            assert.deepStrictEqual(checkProbes(noProbes(statefulSet())), [
                `StatefulSet staging-demo/cache: ${C0}.readinessProbe is missing; every container must have a readiness probe`,
            ]);
            assert.deepStrictEqual(checkProbes(noProbes(daemonSet())), [
                `DaemonSet staging-demo/node-agent: ${C0}.readinessProbe is missing; every container must have a readiness probe`,
            ]);
            assert.deepStrictEqual(checkProbes(job("Job")), []);
            assert.deepStrictEqual(checkProbes(job("CronJob")), []);
            assert.deepStrictEqual(checkProbes(pod({ containers: [{ name: "x", image: "x" }] })), []);
        });
    });

    describe("workload-startup-probe", () => {
        const slow = (delay: number, startupProbe?: unknown) =>
            withMain((c) => {
                c.livenessProbe.initialDelaySeconds = delay;
                if (startupProbe === undefined) delete c.startupProbe;
                else c.startupProbe = startupProbe;
            });
        const message = (delay: number) =>
            `${DEP}: ${C0}.livenessProbe.initialDelaySeconds is ${delay}; slow starters must use ${C0}.startupProbe instead of an initial delay above 30s`;

        it("passes 30 s and fails 31 s without a startup probe", () => {
            assert.deepStrictEqual(checkStartupProbe(slow(30)), []);
            assert.deepStrictEqual(checkStartupProbe(slow(31)), [message(31)]);
        });

        it("does not count a startup probe without a handler", () => {
            assert.deepStrictEqual(checkStartupProbe(slow(45, { periodSeconds: 5 })), [message(45)]);
            assert.deepStrictEqual(checkStartupProbe(slow(45, { tcpSocket: { port: 8080 } })), []);
        });

        it("ignores a non-numeric delay and non-workloads", () => {
            assert.deepStrictEqual(checkStartupProbe(slow("90" as unknown as number)), []);
            assert.deepStrictEqual(checkStartupProbe(job("Job")), []);
        });
    });

    describe("drainSeconds", () => {
        const exec = (...command: unknown[]) => ({ lifecycle: { preStop: { exec: { command } } } });

        it("reads sleep.seconds, including 0", () => {
            assert.strictEqual(drainSeconds({ lifecycle: { preStop: { sleep: { seconds: 0 } } } }), 0);
            assert.strictEqual(drainSeconds({ lifecycle: { preStop: { sleep: { seconds: 12 } } } }), 12);
        });

        it("reads exactly [sleep, N] for the three sleep binaries, N a number or digits", () => {
            assert.strictEqual(drainSeconds(exec("sleep", 5)), 5);
            assert.strictEqual(drainSeconds(exec("/bin/sleep", "15")), 15);
            assert.strictEqual(drainSeconds(exec("/usr/bin/sleep", "3")), 3);
        });

        it("calls anything else unrecognized, and no preStop missing", () => {
            for (const c of [
                exec("sleep"),
                exec("sleep", "5", "x"),
                exec("sleep", "5s"),
                exec("sleep", "x5"),
                exec("sleep", ""),
                exec("/opt/sleep", "5"),
                exec(5, "5"),
                exec("sleep", null),
                { lifecycle: { preStop: { httpGet: { path: "/drain", port: 8080 } } } },
                { lifecycle: { preStop: { sleep: { seconds: "5" } } } },
            ]) {
                assert.strictEqual(drainSeconds(c), "unrecognized", JSON.stringify(c));
            }
            assert.strictEqual(drainSeconds({}), "missing");
            assert.strictEqual(drainSeconds({ lifecycle: { preStop: "sleep 5" } }), "missing");
            assert.strictEqual(drainSeconds({ lifecycle: {} }), "missing");
        });
    });

    describe("workload-graceful-shutdown", () => {
        const withDrains = (grace: number | undefined, ...seconds: number[]) =>
            mutate(deployment(), (p) => {
                const spec = p.spec.template.spec;
                if (grace === undefined) delete spec.terminationGracePeriodSeconds;
                else spec.terminationGracePeriodSeconds = grace;
                spec.containers = seconds.map((s, i) => ({
                    ...spec.containers[0],
                    name: `c${i}`,
                    lifecycle: { preStop: { sleep: { seconds: s } } },
                }));
            });
        const graceMessage = (grace: string, drain: number, path: string) =>
            `${DEP}: spec.template.spec.terminationGracePeriodSeconds is ${grace}; it must be greater than the preStop drain of ${drain}s in ${path}`;

        it("passes a grace period one above the drain, fails at and below", () => {
            assert.deepStrictEqual(checkGracefulShutdown(withDrains(11, 10)), []);
            assert.deepStrictEqual(checkGracefulShutdown(withDrains(10, 10)), [graceMessage("10", 10, C0)]);
            assert.deepStrictEqual(checkGracefulShutdown(withDrains(9, 10)), [graceMessage("9", 10, C0)]);
            assert.deepStrictEqual(checkGracefulShutdown(withDrains(undefined, 29)), []);
        });

        it("compares with the longest drain, the first one on a tie", () => {
            assert.deepStrictEqual(checkGracefulShutdown(withDrains(15, 10, 20)), [graceMessage("15", 20, C1)]);
            assert.deepStrictEqual(checkGracefulShutdown(withDrains(15, 20, 10)), [graceMessage("15", 20, C0)]);
            assert.deepStrictEqual(checkGracefulShutdown(withDrains(10, 10, 10)), [graceMessage("10", 10, C0)]);
        });

        it("fails a drain of 0 s and passes 1 s", () => {
            assert.deepStrictEqual(checkGracefulShutdown(withDrains(30, 0)), [
                `${DEP}: ${C0}.lifecycle.preStop drains for 0s; the drain must be at least 1 second`,
            ]);
            assert.deepStrictEqual(checkGracefulShutdown(withDrains(30, 1)), []);
        });

        it("gives the exact unrecognised-hook message, and ignores Jobs and Pods", () => {
            const r = withMain((c) => (c.lifecycle.preStop = { exec: { command: ["sh", "-c", "sleep 5"] } }));
            assert.deepStrictEqual(checkGracefulShutdown(r), [
                `${DEP}: ${C0}.lifecycle.preStop is not a recognised drain; use lifecycle.preStop.sleep.seconds (or exec.command ["sleep", "N"])`,
            ]);
            assert.deepStrictEqual(checkGracefulShutdown(job("Job")), []);
            assert.deepStrictEqual(checkGracefulShutdown(pod({ containers: [{ name: "x" }] })), []);
        });
    });

    describe("workload-exec-form-entrypoint", () => {
        const message = (field: string, shown: string) =>
            `${DEP}: ${C0}.${field} runs ${shown} with a script that does not start with "exec "; ` +
            `the shell stays PID 1 and ignores SIGTERM, so use the exec form (command: ["/app/binary", ...]) or start the script with "exec "`;

        it("reports a shell in command with the script in args, naming the shell as written", () => {
            const r = withMain((c) => {
                c.command = ["/usr/bin/env", "bash", "-c"];
                c.args = ["node server.js"];
            });
            assert.deepStrictEqual(checkExecForm(r), [message("command", '"bash -c"')]);
        });

        it("checks every regular container but not init containers or Jobs", () => {
            const r = mutate(deployment(), (p) => {
                const spec = p.spec.template.spec;
                spec.initContainers[0].command = ["sh", "-c", "/app/migrate"];
                spec.containers.push({ ...spec.containers[0], name: "side", command: ["sh", "-c", "/app/side"] });
            });
            assert.deepStrictEqual(checkExecForm(r), [message("command", '"sh -c"').replace(C0, C1)]);
            const j = mutate(job("Job"), (p) => (p.spec.template.spec.containers[0].command = ["sh", "-c", "run"]));
            assert.deepStrictEqual(checkExecForm(j), []);
        });
    });

    describe("container-resources", () => {
        const message = (path: string) =>
            `${DEP}: ${path} is missing; every container (init containers included) must set cpu and memory requests and a memory limit`;

        it("gives the exact message and treats an empty string as missing", () => {
            const r = withMain((c) => (c.resources = { requests: { cpu: "", memory: "128Mi" }, limits: { memory: "256Mi", cpu: "1" } }));
            assert.deepStrictEqual(checkResources(r), [message(`${C0}.resources.requests.cpu`)]);
            const noMemory = withMain((c) => delete c.resources.requests.memory);
            assert.deepStrictEqual(checkResources(noMemory), [message(`${C0}.resources.requests.memory`)]);
        });

        it("checks Jobs, CronJobs and Pods too, and nothing else", () => {
            assert.deepStrictEqual(checkResources(job("Job")), []);
            const cron = mutate(job("CronJob"), (p) => delete p.spec.jobTemplate.spec.template.spec.containers[0].resources);
            assert.deepStrictEqual(
                checkResources(cron).map((m) => m.split(" is missing")[0]),
                ["requests.cpu", "requests.memory", "limits.memory"].map(
                    (f) => `CronJob staging-demo/task: spec.jobTemplate.spec.template.spec.containers[0].resources.${f}`,
                ),
            );
            assert.deepStrictEqual(checkResources(pod({ containers: [{ name: "x", resources: { requests: { cpu: "1" } } }] })), [
                "Pod staging-demo/debug: spec.containers[0].resources.requests.memory is missing; every container (init containers included) must set cpu and memory requests and a memory limit",
                "Pod staging-demo/debug: spec.containers[0].resources.limits.memory is missing; every container (init containers included) must set cpu and memory requests and a memory limit",
            ]);
            assert.deepStrictEqual(checkResources(service("demo", {})), []);
        });
    });

    describe("pod-security-context", () => {
        const podLevel = (sc: AnyProps, containerSc: AnyProps) =>
            mutate(deployment(), (p) => {
                p.spec.template.spec.securityContext = sc;
                p.spec.template.spec.initContainers = [];
                p.spec.template.spec.containers[0].securityContext = containerSc;
            });
        const SAFE = { allowPrivilegeEscalation: false };

        it("lets the container's runAsNonRoot win over the pod's", () => {
            assert.deepStrictEqual(checkSecurityContext(podLevel({ runAsNonRoot: false }, { ...SAFE, runAsNonRoot: true })), []);
            assert.deepStrictEqual(checkSecurityContext(podLevel({ runAsNonRoot: true }, { ...SAFE, runAsNonRoot: false })), [
                `${DEP}: ${C0}.securityContext.runAsNonRoot is false; it must be true`,
            ]);
        });

        it("reports a pod-level runAsNonRoot that is not true, quoting a string", () => {
            assert.deepStrictEqual(checkSecurityContext(podLevel({ runAsNonRoot: false }, SAFE)), [
                `${DEP}: spec.template.spec.securityContext.runAsNonRoot is false and ${C0}.securityContext.runAsNonRoot is not set; runAsNonRoot must be true`,
            ]);
            assert.deepStrictEqual(checkSecurityContext(podLevel({ runAsNonRoot: "true" }, SAFE)), [
                `${DEP}: spec.template.spec.securityContext.runAsNonRoot is "true" and ${C0}.securityContext.runAsNonRoot is not set; runAsNonRoot must be true`,
            ]);
        });

        it("lets the container's runAsUser win: 0 in the container fails, 0 only in the pod is overridden", () => {
            const uid0 = `${DEP}: ${C0} runs as UID 0 (securityContext.runAsUser); it must run as a non-root UID`;
            assert.deepStrictEqual(checkSecurityContext(podLevel({ runAsNonRoot: true, runAsUser: 1000 }, { ...SAFE, runAsUser: 0 })), [
                uid0,
            ]);
            assert.deepStrictEqual(checkSecurityContext(podLevel({ runAsNonRoot: true, runAsUser: 0 }, { ...SAFE, runAsUser: 1000 })), []);
            assert.deepStrictEqual(checkSecurityContext(podLevel({ runAsNonRoot: true, runAsUser: 1 }, SAFE)), []);
        });

        it("accepts privileged false and reports allowPrivilegeEscalation true", () => {
            assert.deepStrictEqual(checkSecurityContext(podLevel({ runAsNonRoot: true }, { ...SAFE, privileged: false })), []);
            assert.deepStrictEqual(checkSecurityContext(podLevel({ runAsNonRoot: true }, { allowPrivilegeEscalation: true })), [
                `${DEP}: ${C0}.securityContext.allowPrivilegeEscalation is true; it must be false`,
            ]);
            assert.deepStrictEqual(checkSecurityContext(podLevel({ runAsNonRoot: true }, { allowPrivilegeEscalation: "false" })), [
                `${DEP}: ${C0}.securityContext.allowPrivilegeEscalation is "false"; it must be false`,
            ]);
        });

        it("checks init containers and bare Pods, and ignores Services", () => {
            const r = mutate(deployment(), (p) => (p.spec.template.spec.initContainers[0].securityContext.privileged = true));
            assert.deepStrictEqual(checkSecurityContext(r), [
                `${DEP}: spec.template.spec.initContainers[0].securityContext.privileged is true; privileged containers are not allowed`,
            ]);
            assert.deepStrictEqual(
                checkSecurityContext(pod({ securityContext: { runAsNonRoot: true }, containers: [{ name: "x", securityContext: SAFE }] })),
                [],
            );
            assert.deepStrictEqual(checkSecurityContext(service("demo", {})), []);
        });
    });
});
