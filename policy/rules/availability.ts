// Availability: replicas, PodDisruptionBudgets, rollout strategy and await timing.

import { blocksEvictions, intOrPercentProblem, isZeroIntOrPercent, parseIntOrPercent } from "../../lib/contract";
import type { PolicyResource, RolloutConfig, StackFinding } from "../lib/types";
import {
    LongRunningKind,
    SKIP_AWAIT_ANNOTATION,
    TIMEOUT_ANNOTATION,
    annotations,
    at,
    describe,
    fmt,
    isIdleOrCanary,
    isK8s,
    k8sName,
    labelSelectorMatches,
    longRunningKind,
    namespaceOf,
    num,
    podTemplate,
    replicasOf,
    str,
} from "../lib/util";
import { resourcePolicy, stackPolicy } from "../lib/wrap";

/** Default Deployment spec.progressDeadlineSeconds and Pulumi's default Deployment await timeout. */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
export const DEFAULT_AWAIT_TIMEOUT_SECONDS = 600;

export interface Workload {
    resource: PolicyResource;
    kind: LongRunningKind;
    namespace: string;
    name: string;
    labels: Record<string, string>;
    /** The HPA scaling it, if any. */
    hpa?: PolicyResource;
}

export function isHpa(r: PolicyResource): boolean {
    return isK8s(r, "autoscaling", "HorizontalPodAutoscaler");
}

export function isPdb(r: PolicyResource): boolean {
    return isK8s(r, "policy", "PodDisruptionBudget");
}

/** Deployments, StatefulSets and DaemonSets of the stack with their pod labels and HPA. */
export function workloadsOf(resources: PolicyResource[]): Workload[] {
    const hpas = resources.filter(isHpa);
    const out: Workload[] = [];
    for (const r of resources) {
        const kind = longRunningKind(r);
        if (!kind) {
            continue;
        }
        const namespace = namespaceOf(r.props);
        const name = k8sName(r);
        const hpa = hpas.find(
            (h) =>
                namespaceOf(h.props) === namespace &&
                str(at(h.props, "spec", "scaleTargetRef", "kind")) === kind &&
                str(at(h.props, "spec", "scaleTargetRef", "name")) === name,
        );
        out.push({
            resource: r,
            kind,
            namespace,
            name,
            labels: podTemplate(r)?.labels ?? {},
            ...(hpa ? { hpa } : {}),
        });
    }
    return out;
}

/** The fewest pods the workload runs: HPA minReplicas (default 1) or spec.replicas (default 1). */
export function minPods(w: Workload): number | undefined {
    if (w.kind === "DaemonSet") {
        return undefined; // one per node: unknown here
    }
    if (w.hpa) {
        return num(at(w.hpa.props, "spec", "minReplicas")) ?? 1;
    }
    return replicasOf(w.resource);
}

// ---- production-replicas ------------------------------------------------------------------------

export function checkProductionReplicas(resources: PolicyResource[], config: RolloutConfig): StackFinding[] {
    if (config.environment !== "production") {
        return [];
    }
    const out: StackFinding[] = [];
    for (const w of workloadsOf(resources)) {
        if (w.kind === "DaemonSet" || isIdleOrCanary(w.resource)) {
            continue;
        }
        if (w.hpa) {
            const min = num(at(w.hpa.props, "spec", "minReplicas"));
            if ((min ?? 1) <= 1) {
                out.push({
                    resource: w.hpa,
                    message:
                        `${describe(w.hpa)}: spec.minReplicas is ${min ?? "1 (default)"}; the HorizontalPodAutoscaler of ` +
                        `${describe(w.resource)} must keep more than 1 replica in production`,
                });
            }
            continue;
        }
        const replicas = num(at(w.resource.props, "spec", "replicas"));
        if ((replicas ?? 1) <= 1) {
            out.push({
                resource: w.resource,
                message:
                    `${describe(w.resource)}: spec.replicas is ${replicas ?? "1 (default)"}; production workloads must run more than 1 ` +
                    `replica (or be scaled by a HorizontalPodAutoscaler with spec.minReplicas > 1), unless annotated rollout.dev/role: idle|canary`,
            });
        }
    }
    return out;
}

// ---- production-pdb-coverage --------------------------------------------------------------------

function labelList(labels: Record<string, string>): string {
    return `{${Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")}}`;
}

export function checkPdbCoverage(resources: PolicyResource[], config: RolloutConfig): StackFinding[] {
    if (config.environment !== "production") {
        return [];
    }
    const pdbs = resources.filter(isPdb);
    const out: StackFinding[] = [];
    for (const w of workloadsOf(resources)) {
        if (w.kind === "DaemonSet" || isIdleOrCanary(w.resource)) {
            continue;
        }
        const covered = pdbs.some(
            (p) => namespaceOf(p.props) === w.namespace && labelSelectorMatches(at(p.props, "spec", "selector"), w.labels),
        );
        if (!covered) {
            out.push({
                resource: w.resource,
                message:
                    `${describe(w.resource)}: no PodDisruptionBudget in namespace ${w.namespace} selects spec.template.metadata.labels ` +
                    `${labelList(w.labels)}; every production Deployment/StatefulSet must be covered by a PDB`,
            });
        }
    }
    return out;
}

// ---- pdb-allows-eviction ------------------------------------------------------------------------

export function checkPdbAllowsEviction(resources: PolicyResource[]): StackFinding[] {
    const workloads = workloadsOf(resources);
    const out: StackFinding[] = [];
    for (const pdb of resources.filter(isPdb)) {
        const ns = namespaceOf(pdb.props);
        const selector = at(pdb.props, "spec", "selector");
        const selected = workloads.filter((w) => w.namespace === ns && labelSelectorMatches(selector, w.labels));
        const report = (message: string) => out.push({ resource: pdb, message: `${describe(pdb)}: ${message}` });
        if (selected.length === 0) {
            report(
                `spec.selector matches the pod template labels of no Deployment, StatefulSet or DaemonSet in namespace ${ns}; a PDB must select at least one workload`,
            );
            continue;
        }
        const maxUnavailable = at(pdb.props, "spec", "maxUnavailable");
        const minAvailable = at(pdb.props, "spec", "minAvailable");
        if (maxUnavailable !== undefined && maxUnavailable !== null) {
            const invalid = intOrPercentProblem(maxUnavailable);
            if (invalid !== undefined) {
                report(`spec.maxUnavailable ${fmt(maxUnavailable)} is ${invalid}`);
            } else if (isZeroIntOrPercent(maxUnavailable)) {
                report(
                    `spec.maxUnavailable is ${fmt(maxUnavailable)}; it blocks every voluntary eviction (node drains, upgrades) and must be at least 1 (or above 0%)`,
                );
            }
            continue;
        }
        if (minAvailable === undefined || minAvailable === null) {
            report(`sets neither spec.minAvailable nor spec.maxUnavailable; set spec.maxUnavailable (e.g. 1) so the budget is explicit`);
            continue;
        }
        const counts = selected.map((w) => ({ w, pods: minPods(w) }));
        const parsed = parseIntOrPercent(minAvailable);
        const invalid = intOrPercentProblem(minAvailable);
        if (parsed === undefined || invalid !== undefined) {
            report(`spec.minAvailable ${fmt(minAvailable)} is ${invalid}`);
            continue;
        }
        if (counts.some((c) => c.pods === undefined)) {
            // DaemonSet pods: the count depends on the nodes; only 100% is certainly blocking.
            if (parsed.kind === "percent" && parsed.value >= 100) {
                report(`spec.minAvailable is ${fmt(minAvailable)}; it blocks every voluntary eviction and must be below 100%`);
            }
            continue;
        }
        const total = counts.reduce((s, c) => s + (c.pods ?? 0), 0);
        if (total === 0) {
            continue; // the selected workloads are scaled to zero: nothing to evict
        }
        // One rule for config and pack (lib/contract.ts): the PDB controller rounds percentages up.
        if (blocksEvictions({ minAvailable: minAvailable as number | string }, total)) {
            const detail = counts.map((c) => `${describe(c.w.resource)}: ${c.pods}`).join(", ");
            report(
                `spec.minAvailable is ${fmt(minAvailable)} but the selected workloads run ${total} pod${total === 1 ? "" : "s"} (${detail}); ` +
                    `minAvailable must stay below the replica count (or use spec.maxUnavailable: 1) so evictions remain possible`,
            );
        }
    }
    return out;
}

// ---- production-zero-unavailable-rollout --------------------------------------------------------

function isZero(v: unknown): boolean {
    return isZeroIntOrPercent(v);
}

export function checkZeroUnavailableRollout(r: PolicyResource, config: RolloutConfig): string[] {
    if (config.environment !== "production" || longRunningKind(r) !== "Deployment") {
        return [];
    }
    const type = str(at(r.props, "spec", "strategy", "type")) ?? "RollingUpdate";
    if (type !== "RollingUpdate") {
        return [
            `${describe(r)}: spec.strategy.type is "${type}"; production Deployments must use RollingUpdate with spec.strategy.rollingUpdate.maxUnavailable 0`,
        ];
    }
    const maxUnavailable = at(r.props, "spec", "strategy", "rollingUpdate", "maxUnavailable");
    if (maxUnavailable === undefined || maxUnavailable === null) {
        return [`${describe(r)}: spec.strategy.rollingUpdate.maxUnavailable is not set (defaults to 25%); it must be 0 in production`];
    }
    if (!isZero(maxUnavailable)) {
        return [`${describe(r)}: spec.strategy.rollingUpdate.maxUnavailable is ${fmt(maxUnavailable)}; it must be 0 in production`];
    }
    const maxSurge = at(r.props, "spec", "strategy", "rollingUpdate", "maxSurge");
    if (maxSurge !== undefined && maxSurge !== null && isZero(maxSurge)) {
        return [
            `${describe(r)}: spec.strategy.rollingUpdate.maxSurge is ${fmt(maxSurge)} with maxUnavailable 0; maxSurge must be at least 1 or the rollout cannot progress`,
        ];
    }
    return [];
}

// ---- workload-min-ready-seconds -----------------------------------------------------------------

export function checkMinReadySeconds(r: PolicyResource): string[] {
    if (!longRunningKind(r)) {
        return [];
    }
    const v = num(at(r.props, "spec", "minReadySeconds"));
    if (v === undefined || v <= 0) {
        return [
            `${describe(r)}: spec.minReadySeconds is ${v ?? "not set (0)"}; it must be greater than 0 so a new pod has to stay ready before it counts as available`,
        ];
    }
    return [];
}

// ---- progress-deadline-below-await-timeout ------------------------------------------------------

export function checkProgressDeadline(r: PolicyResource): string[] {
    if (longRunningKind(r) !== "Deployment") {
        return [];
    }
    const ann = annotations(r);
    if (ann[SKIP_AWAIT_ANNOTATION] === "true") {
        return [];
    }
    const raw = ann[TIMEOUT_ANNOTATION];
    let timeout = DEFAULT_AWAIT_TIMEOUT_SECONDS;
    if (raw !== undefined) {
        if (!/^\s*\d+\s*$/.test(raw)) {
            return [`${describe(r)}: metadata.annotations["${TIMEOUT_ANNOTATION}"] is "${raw}"; it must be a whole number of seconds`];
        }
        timeout = Number(raw);
    }
    const configured = num(at(r.props, "spec", "progressDeadlineSeconds"));
    const deadline = configured ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
    if (deadline >= timeout) {
        return [
            `${describe(r)}: spec.progressDeadlineSeconds is ${deadline}${configured === undefined ? " (default)" : ""} but ` +
                `metadata.annotations["${TIMEOUT_ANNOTATION}"] is ${timeout}${raw === undefined ? " (default, not set)" : ""}; ` +
                `progressDeadlineSeconds must be strictly less so Kubernetes reports a stuck rollout before Pulumi's await gives up`,
        ];
    }
    return [];
}

// ---- on-delete-skip-await -----------------------------------------------------------------------

export function checkOnDeleteSkipAwait(r: PolicyResource): string[] {
    const kind = longRunningKind(r);
    if (kind !== "StatefulSet" && kind !== "DaemonSet") {
        return [];
    }
    if (str(at(r.props, "spec", "updateStrategy", "type")) !== "OnDelete") {
        return [];
    }
    const skip = annotations(r)[SKIP_AWAIT_ANNOTATION];
    if (skip !== "true") {
        return [
            `${describe(r)}: spec.updateStrategy.type is OnDelete but metadata.annotations["${SKIP_AWAIT_ANNOTATION}"] is ` +
                `${skip === undefined ? "not set" : `"${skip}"`}; it must be "true" because pods are only replaced when deleted and Pulumi would wait until its timeout`,
        ];
    }
    return [];
}

// ---- policies -----------------------------------------------------------------------------------

export const availabilityPolicies = [
    stackPolicy({
        name: "production-replicas",
        description:
            "In production every Deployment/StatefulSet (except rollout.dev/role idle|canary) runs more than 1 replica, or has an HPA with minReplicas > 1.",
        config: ["environment"],
        check: checkProductionReplicas,
    }),
    stackPolicy({
        name: "production-pdb-coverage",
        description:
            "In production every Deployment/StatefulSet (except rollout.dev/role idle|canary) is selected by a PodDisruptionBudget in its namespace.",
        config: ["environment"],
        check: checkPdbCoverage,
    }),
    stackPolicy({
        name: "pdb-allows-eviction",
        description:
            "Every PodDisruptionBudget selects at least one workload and still allows evictions (minAvailable below the replica count, or maxUnavailable >= 1 / > 0%).",
        check: (resources) => checkPdbAllowsEviction(resources),
    }),
    resourcePolicy({
        name: "production-zero-unavailable-rollout",
        description: "In production Deployments use RollingUpdate with maxUnavailable 0 (new pods surge in before old ones go).",
        config: ["environment"],
        check: checkZeroUnavailableRollout,
    }),
    resourcePolicy({
        name: "workload-min-ready-seconds",
        description: "Deployments, StatefulSets and DaemonSets set minReadySeconds > 0.",
        check: checkMinReadySeconds,
    }),
    resourcePolicy({
        name: "progress-deadline-below-await-timeout",
        description: `Deployment progressDeadlineSeconds (default ${DEFAULT_PROGRESS_DEADLINE_SECONDS}) is strictly less than the pulumi.com/timeoutSeconds annotation (default ${DEFAULT_AWAIT_TIMEOUT_SECONDS}).`,
        check: checkProgressDeadline,
    }),
    resourcePolicy({
        name: "on-delete-skip-await",
        description: 'StatefulSets/DaemonSets with updateStrategy OnDelete carry pulumi.com/skipAwait: "true".',
        check: checkOnDeleteSkipAwait,
    }),
];
