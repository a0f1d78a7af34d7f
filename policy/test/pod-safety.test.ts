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
import { daemonSet, deployment, mutate, service, statefulSet } from "./fixtures";

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
