// Small, dependency-free helpers to read Kubernetes / GCP props safely.
//
// During `pulumi preview` the SDK wraps props in a proxy that throws when an unknown (computed)
// value is read; the helpers below only read the fields they are asked for (no spreading, no
// JSON.stringify), so a rule only fails to run when a field it really needs is unknown.

import { annotationKeys, parseIntOrPercent } from "../../lib/contract";
import type { PolicyResource } from "./types";

export type Dict = Record<string, unknown>;

export function rec(v: unknown): Dict | undefined {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Dict) : undefined;
}

export function list(v: unknown): unknown[] {
    return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

export function num(v: unknown): number | undefined {
    return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function strings(v: unknown): string[] {
    return list(v).filter((x): x is string => typeof x === "string");
}

/** Reads a nested field: at(o, "spec", "template", "spec"). Missing links yield undefined. */
export function at(v: unknown, ...path: (string | number)[]): unknown {
    let cur: unknown = v;
    for (const p of path) {
        if (typeof p === "number") {
            if (!Array.isArray(cur)) {
                return undefined;
            }
            cur = cur[p];
        } else {
            const r = rec(cur);
            if (!r) {
                return undefined;
            }
            cur = r[p];
        }
    }
    return cur;
}

/** A map of string values (labels, annotations, selectors); non-string values are dropped. */
export function strMap(v: unknown): Record<string, string> {
    const r = rec(v);
    const out: Record<string, string> = {};
    if (!r) {
        return out;
    }
    for (const k of Object.keys(r)) {
        const val = r[k];
        if (typeof val === "string") {
            out[k] = val;
        }
    }
    return out;
}

export function isSet(v: unknown): boolean {
    return v !== undefined && v !== null && v !== "";
}

export function fmt(v: unknown): string {
    return typeof v === "string" ? `"${v}"` : String(v);
}

// ---- Kubernetes kinds ---------------------------------------------------------------------------

export interface K8sKind {
    /** API group; "core" for the legacy core group. */
    group: string;
    version: string;
    kind: string;
}

const CUSTOM_RESOURCE = "kubernetes:apiextensions.k8s.io:CustomResource";

/**
 * The Kubernetes group/version/kind of a resource: from the type token
 * (`kubernetes:apps/v1:Deployment`) or, for the generic CustomResource type, from
 * props.apiVersion / props.kind (HTTPRoutes are created that way).
 */
export function k8sKind(r: { type: string; props: Dict }): K8sKind | undefined {
    if (r.type === CUSTOM_RESOURCE) {
        const apiVersion = str(r.props.apiVersion);
        const kind = str(r.props.kind);
        if (!apiVersion || !kind) {
            return undefined;
        }
        const slash = apiVersion.indexOf("/");
        return slash < 0
            ? { group: "core", version: apiVersion, kind }
            : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
    }
    // `kubernetes:apps/v1:Deployment`; a CustomResource of the core group registers as `kubernetes:v1:Kind`.
    const m = /^kubernetes:(?:([^/:]+)\/)?([^/:]+):([A-Za-z0-9]+)$/.exec(r.type);
    if (!m) {
        return undefined;
    }
    return { group: m[1] ?? "core", version: m[2] ?? "", kind: m[3] ?? "" };
}

export function isK8s(r: { type: string; props: Dict }, group: string, ...kinds: string[]): boolean {
    const k = k8sKind(r);
    return k !== undefined && k.group === group && kinds.includes(k.kind);
}

export const RBAC_GROUP = "rbac.authorization.k8s.io";
export const GATEWAY_GROUP = "gateway.networking.k8s.io";

/** Deployments, StatefulSets and DaemonSets: long-running workloads with a pod template. */
export type LongRunningKind = "Deployment" | "StatefulSet" | "DaemonSet";
export type PodKind = LongRunningKind | "Job" | "CronJob" | "Pod";

export function longRunningKind(r: PolicyResource): LongRunningKind | undefined {
    const k = k8sKind(r);
    if (!k || k.group !== "apps") {
        return undefined;
    }
    return k.kind === "Deployment" || k.kind === "StatefulSet" || k.kind === "DaemonSet" ? k.kind : undefined;
}

export function podKind(r: PolicyResource): PodKind | undefined {
    const lr = longRunningKind(r);
    if (lr) {
        return lr;
    }
    const k = k8sKind(r);
    if (!k) {
        return undefined;
    }
    if (k.group === "batch" && (k.kind === "Job" || k.kind === "CronJob")) {
        return k.kind;
    }
    if (k.group === "core" && k.kind === "Pod") {
        return "Pod";
    }
    return undefined;
}

const CLUSTER_SCOPED = new Set([
    "ClusterRole",
    "ClusterRoleBinding",
    "Namespace",
    "CustomResourceDefinition",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
    "GatewayClass",
]);

export function namespaceOf(props: Dict): string {
    return str(at(props, "metadata", "namespace")) || "default";
}

export function k8sName(r: PolicyResource): string {
    return str(at(r.props, "metadata", "name")) || r.name;
}

/** `Deployment staging-demo/demo`, `ClusterRole ci-reader`, `Cluster rollout-prod`. */
export function describe(r: PolicyResource): string {
    const k = k8sKind(r);
    if (k) {
        const name = k8sName(r);
        return CLUSTER_SCOPED.has(k.kind) ? `${k.kind} ${name}` : `${k.kind} ${namespaceOf(r.props)}/${name}`;
    }
    const kind = r.type.split(":").pop() || r.type;
    return `${kind} ${str(r.props.name) || r.name}`;
}

// ---- Pod templates ------------------------------------------------------------------------------

export interface PodTemplate {
    /** The pod spec object. */
    spec: Dict;
    /** Field path of the pod spec, e.g. `spec.template.spec`. */
    path: string;
    /** Labels of the pod template (what Services / PDBs select). */
    labels: Record<string, string>;
}

export function podTemplate(r: PolicyResource): PodTemplate | undefined {
    const kind = podKind(r);
    if (!kind) {
        return undefined;
    }
    if (kind === "Pod") {
        return { spec: rec(r.props.spec) ?? {}, path: "spec", labels: strMap(at(r.props, "metadata", "labels")) };
    }
    if (kind === "CronJob") {
        const tpl = at(r.props, "spec", "jobTemplate", "spec", "template");
        return {
            spec: rec(at(tpl, "spec")) ?? {},
            path: "spec.jobTemplate.spec.template.spec",
            labels: strMap(at(tpl, "metadata", "labels")),
        };
    }
    const tpl = at(r.props, "spec", "template");
    return { spec: rec(at(tpl, "spec")) ?? {}, path: "spec.template.spec", labels: strMap(at(tpl, "metadata", "labels")) };
}

export interface ContainerRef {
    container: Dict;
    /** Full field path, e.g. `spec.template.spec.initContainers[0]`. */
    path: string;
    init: boolean;
    name: string;
}

export function containersOf(tpl: PodTemplate, opts: { includeInit: boolean }): ContainerRef[] {
    const out: ContainerRef[] = [];
    const add = (field: "containers" | "initContainers") => {
        list(tpl.spec[field]).forEach((c, i) => {
            const container = rec(c) ?? {};
            out.push({
                container,
                path: `${tpl.path}.${field}[${i}]`,
                init: field === "initContainers",
                name: str(container.name) ?? `#${i}`,
            });
        });
    };
    if (opts.includeInit) {
        add("initContainers");
    }
    add("containers");
    return out;
}

// ---- Workload helpers ---------------------------------------------------------------------------

// The annotation names the program writes (lib/contract.ts).
export const ROLE_ANNOTATION = annotationKeys.role;
export const TIMEOUT_ANNOTATION = annotationKeys.timeoutSeconds;
export const SKIP_AWAIT_ANNOTATION = annotationKeys.skipAwait;

export function annotations(r: PolicyResource): Record<string, string> {
    return strMap(at(r.props, "metadata", "annotations"));
}

/** Workloads annotated `rollout.dev/role: idle|canary` are exempt from replica and PDB rules. */
export function isIdleOrCanary(r: PolicyResource): boolean {
    const role = annotations(r)[ROLE_ANNOTATION];
    return role === "idle" || role === "canary";
}

/** spec.replicas, defaulting to 1 as the API server does. */
export function replicasOf(r: PolicyResource): number {
    const n = num(at(r.props, "spec", "replicas"));
    return n === undefined ? 1 : n;
}

/** Matches a Kubernetes LabelSelector (matchLabels + matchExpressions) against labels. */
export function labelSelectorMatches(selector: unknown, labels: Record<string, string>): boolean {
    const sel = rec(selector);
    if (!sel) {
        return false;
    }
    const matchLabels = strMap(sel.matchLabels);
    const exprs = list(sel.matchExpressions).map((e) => rec(e) ?? {});
    if (Object.keys(matchLabels).length === 0 && exprs.length === 0) {
        // An empty selector selects every pod in the namespace.
        return true;
    }
    for (const [k, v] of Object.entries(matchLabels)) {
        if (labels[k] !== v) {
            return false;
        }
    }
    for (const e of exprs) {
        const key = str(e.key) ?? "";
        const values = strings(e.values);
        const has = Object.prototype.hasOwnProperty.call(labels, key);
        switch (str(e.operator)) {
            case "In":
                if (!has || !values.includes(labels[key] ?? "")) {
                    return false;
                }
                break;
            case "NotIn":
                if (has && values.includes(labels[key] ?? "")) {
                    return false;
                }
                break;
            case "Exists":
                if (!has) {
                    return false;
                }
                break;
            case "DoesNotExist":
                if (has) {
                    return false;
                }
                break;
            default:
                return false;
        }
    }
    return true;
}

/** Matches a Service-style equality selector (a plain map). Empty maps match nothing here. */
export function mapSelectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
    const entries = Object.entries(selector);
    return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** "25%" → 25, as the API server reads an IntOrString (lib/contract.ts); undefined for anything else. */
export function percent(v: unknown): number | undefined {
    const p = parseIntOrPercent(v);
    return p?.kind === "percent" ? p.value : undefined;
}

/** A non-negative integer IntOrString (a JSON integer; the API server rejects the string "3"). */
export function intOrString(v: unknown): number | undefined {
    const p = parseIntOrPercent(v);
    return p?.kind === "int" ? p.value : undefined;
}
