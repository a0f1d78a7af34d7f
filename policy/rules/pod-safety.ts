// Pod safety: probes, graceful shutdown, exec-form entrypoints, resources, security context.

import { shellForm, shellFormProblem } from "../../lib/contract";
import type { PolicyResource } from "../lib/types";
import { ContainerRef, Dict, at, containersOf, describe, fmt, isSet, list, longRunningKind, num, podTemplate, rec, str } from "../lib/util";
import { resourcePolicy } from "../lib/wrap";

/** Liveness initialDelaySeconds above this marks a slow starter that needs a startup probe. */
export const SLOW_START_SECONDS = 30;
/** Kubernetes default terminationGracePeriodSeconds. */
export const DEFAULT_GRACE_SECONDS = 30;

const PROBE_HANDLERS = ["httpGet", "tcpSocket", "exec", "grpc"];

function probeProblem(probe: unknown): "missing" | "no-handler" | undefined {
    const p = rec(probe);
    if (!p) {
        return "missing";
    }
    return PROBE_HANDLERS.some((h) => isSet(p[h])) ? undefined : "no-handler";
}

/** Long-running workloads (Deployment/StatefulSet/DaemonSet) with their regular containers. */
function longRunningContainers(r: PolicyResource): ContainerRef[] | undefined {
    if (!longRunningKind(r)) {
        return undefined;
    }
    const tpl = podTemplate(r);
    return tpl ? containersOf(tpl, { includeInit: false }) : undefined;
}

// ---- workload-probes ----------------------------------------------------------------------------

export function checkProbes(r: PolicyResource): string[] {
    const containers = longRunningContainers(r);
    if (!containers) {
        return [];
    }
    const out: string[] = [];
    for (const c of containers) {
        for (const [field, label] of [
            ["readinessProbe", "readiness"],
            ["livenessProbe", "liveness"],
        ] as const) {
            const problem = probeProblem(c.container[field]);
            if (problem === "missing") {
                out.push(`${describe(r)}: ${c.path}.${field} is missing; every container must have a ${label} probe`);
            } else if (problem === "no-handler") {
                out.push(`${describe(r)}: ${c.path}.${field} has no handler; it must set one of httpGet, tcpSocket, exec or grpc`);
            }
        }
    }
    return out;
}

// ---- workload-startup-probe ---------------------------------------------------------------------

export function checkStartupProbe(r: PolicyResource): string[] {
    const containers = longRunningContainers(r);
    if (!containers) {
        return [];
    }
    const out: string[] = [];
    for (const c of containers) {
        const delay = num(at(c.container, "livenessProbe", "initialDelaySeconds"));
        if (delay !== undefined && delay > SLOW_START_SECONDS && probeProblem(c.container.startupProbe) !== undefined) {
            out.push(
                `${describe(r)}: ${c.path}.livenessProbe.initialDelaySeconds is ${delay}; slow starters must use ` +
                    `${c.path}.startupProbe instead of an initial delay above ${SLOW_START_SECONDS}s`,
            );
        }
    }
    return out;
}

// ---- workload-graceful-shutdown -----------------------------------------------------------------

const SLEEP_BINARIES = new Set(["sleep", "/bin/sleep", "/usr/bin/sleep"]);

/**
 * Seconds the preStop hook drains for: `lifecycle.preStop.sleep.seconds`, or an exec hook of
 * exactly `["sleep", "N"]` / `["/bin/sleep", "N"]`. "missing" when no preStop hook exists,
 * "unrecognized" for any other hook (its duration cannot be compared with the grace period).
 */
export function drainSeconds(container: Dict): number | "missing" | "unrecognized" {
    const preStop = rec(at(container, "lifecycle", "preStop"));
    if (!preStop) {
        return "missing";
    }
    const sleep = num(at(preStop, "sleep", "seconds"));
    if (sleep !== undefined) {
        return sleep;
    }
    const cmd = list(at(preStop, "exec", "command"));
    if (cmd.length === 2 && SLEEP_BINARIES.has(str(cmd[0]) ?? "")) {
        const arg = cmd[1];
        const n = typeof arg === "number" ? arg : /^\d+$/.test(str(arg) ?? "") ? Number(arg) : undefined;
        if (n !== undefined) {
            return n;
        }
    }
    return "unrecognized";
}

export function checkGracefulShutdown(r: PolicyResource): string[] {
    const containers = longRunningContainers(r);
    const tpl = podTemplate(r);
    if (!containers || !tpl) {
        return [];
    }
    const out: string[] = [];
    let longest: { seconds: number; path: string } | undefined;
    for (const c of containers) {
        const drain = drainSeconds(c.container);
        if (drain === "missing") {
            out.push(
                `${describe(r)}: ${c.path}.lifecycle.preStop is missing; every container must drain before SIGTERM ` +
                    `(lifecycle.preStop.sleep.seconds, e.g. 5)`,
            );
        } else if (drain === "unrecognized") {
            out.push(
                `${describe(r)}: ${c.path}.lifecycle.preStop is not a recognised drain; use lifecycle.preStop.sleep.seconds ` +
                    `(or exec.command ["sleep", "N"])`,
            );
        } else if (drain < 1) {
            out.push(`${describe(r)}: ${c.path}.lifecycle.preStop drains for ${drain}s; the drain must be at least 1 second`);
        } else if (!longest || drain > longest.seconds) {
            longest = { seconds: drain, path: c.path };
        }
    }
    if (longest) {
        const configured = num(tpl.spec.terminationGracePeriodSeconds);
        const grace = configured ?? DEFAULT_GRACE_SECONDS;
        if (grace <= longest.seconds) {
            out.push(
                `${describe(r)}: ${tpl.path}.terminationGracePeriodSeconds is ${grace}${configured === undefined ? " (default)" : ""}; ` +
                    `it must be greater than the preStop drain of ${longest.seconds}s in ${longest.path}`,
            );
        }
    }
    return out;
}

// ---- workload-exec-form-entrypoint --------------------------------------------------------------

/**
 * For an argv starting with a shell (any path, `env`/`busybox` in front, clustered flags like
 * `-ec`), the script passed with `-c`; undefined otherwise. The grammar is lib/contract.ts's, so
 * the pack and the config schema agree on every argv.
 */
export function shellScript(argv: string[]): string | undefined {
    return shellForm(argv)?.script;
}

export function checkExecForm(r: PolicyResource): string[] {
    const containers = longRunningContainers(r);
    if (!containers) {
        return [];
    }
    const out: string[] = [];
    for (const c of containers) {
        const command = list(c.container.command).map((x) => String(x));
        const args = list(c.container.args).map((x) => String(x));
        const problem = shellFormProblem(command, args);
        if (problem) {
            const shell = shellForm(problem.argv)?.shell ?? problem.argv[0];
            out.push(
                `${describe(r)}: ${c.path}.${problem.field} runs ${fmt(`${shell} -c`)} with a script that does not start with "exec "; ` +
                    `the shell stays PID 1 and ignores SIGTERM, so use the exec form (command: ["/app/binary", ...]) ` +
                    `or start the script with "exec "`,
            );
        }
    }
    return out;
}

// ---- container-resources ------------------------------------------------------------------------

export function checkResources(r: PolicyResource): string[] {
    const tpl = podTemplate(r);
    if (!tpl) {
        return [];
    }
    const out: string[] = [];
    for (const c of containersOf(tpl, { includeInit: true })) {
        for (const [section, resource] of [
            ["requests", "cpu"],
            ["requests", "memory"],
            ["limits", "memory"],
        ] as const) {
            if (!isSet(at(c.container, "resources", section, resource))) {
                out.push(
                    `${describe(r)}: ${c.path}.resources.${section}.${resource} is missing; every container ` +
                        `(init containers included) must set cpu and memory requests and a memory limit`,
                );
            }
        }
    }
    return out;
}

// ---- pod-security-context -----------------------------------------------------------------------

export function checkSecurityContext(r: PolicyResource): string[] {
    const tpl = podTemplate(r);
    if (!tpl) {
        return [];
    }
    const out: string[] = [];
    const podSc = rec(tpl.spec.securityContext) ?? {};
    for (const c of containersOf(tpl, { includeInit: true })) {
        const sc = rec(c.container.securityContext) ?? {};
        const nonRoot = sc.runAsNonRoot !== undefined ? sc.runAsNonRoot : podSc.runAsNonRoot;
        if (nonRoot !== true) {
            out.push(
                sc.runAsNonRoot !== undefined
                    ? `${describe(r)}: ${c.path}.securityContext.runAsNonRoot is ${fmt(sc.runAsNonRoot)}; it must be true`
                    : `${describe(r)}: ${tpl.path}.securityContext.runAsNonRoot is ${podSc.runAsNonRoot === undefined ? "not set" : fmt(podSc.runAsNonRoot)} ` +
                          `and ${c.path}.securityContext.runAsNonRoot is not set; runAsNonRoot must be true`,
            );
        }
        const user = sc.runAsUser !== undefined ? sc.runAsUser : podSc.runAsUser;
        if (user === 0) {
            out.push(`${describe(r)}: ${c.path} runs as UID 0 (securityContext.runAsUser); it must run as a non-root UID`);
        }
        if (sc.privileged === true) {
            out.push(`${describe(r)}: ${c.path}.securityContext.privileged is true; privileged containers are not allowed`);
        }
        if (sc.allowPrivilegeEscalation !== false) {
            out.push(
                `${describe(r)}: ${c.path}.securityContext.allowPrivilegeEscalation is ` +
                    `${sc.allowPrivilegeEscalation === undefined ? "not set (defaults to true)" : fmt(sc.allowPrivilegeEscalation)}; it must be false`,
            );
        }
    }
    return out;
}

// ---- policies -----------------------------------------------------------------------------------

export const podSafetyPolicies = [
    resourcePolicy({
        name: "workload-probes",
        description: "Every container of a Deployment, StatefulSet or DaemonSet has a readiness and a liveness probe.",
        check: checkProbes,
    }),
    resourcePolicy({
        name: "workload-startup-probe",
        description: `Containers whose liveness probe waits more than ${SLOW_START_SECONDS}s (initialDelaySeconds) must use a startup probe instead.`,
        check: checkStartupProbe,
    }),
    resourcePolicy({
        name: "workload-graceful-shutdown",
        description:
            "Every container has a preStop drain (lifecycle.preStop.sleep.seconds or exec sleep N) and terminationGracePeriodSeconds (default 30) is longer than the drain.",
        check: checkGracefulShutdown,
    }),
    resourcePolicy({
        name: "workload-exec-form-entrypoint",
        description:
            "Containers must not run `sh -c`/`bash -c` scripts that do not start with `exec `: the shell stays PID 1 and ignores SIGTERM.",
        check: checkExecForm,
    }),
    resourcePolicy({
        name: "container-resources",
        description: "Every container, init containers included, sets cpu and memory requests and a memory limit.",
        check: checkResources,
    }),
    resourcePolicy({
        name: "pod-security-context",
        description:
            "Pods run as non-root (runAsNonRoot true at pod or container level), no container is privileged and allowPrivilegeEscalation is false.",
        check: checkSecurityContext,
    }),
];
