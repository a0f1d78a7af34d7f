// RBAC: no wildcards, no secrets, no escalation verbs, and a least-privilege CD service account.

import { podAccessResources } from "../../lib/rbac";
import type { PolicyResource, RolloutConfig } from "../lib/types";
import { RBAC_GROUP, at, describe, isK8s, list, namespaceOf, rec, str, strings } from "../lib/util";
import { resourcePolicy } from "../lib/wrap";

export const ESCALATION_VERBS = ["bind", "escalate", "impersonate"];
/** ClusterRoles the CD account must not be granted, even namespaced through a RoleBinding. */
export const BROAD_CLUSTER_ROLES = ["cluster-admin", "admin", "edit"];

interface RuleRef {
    path: string;
    rule: Record<string, unknown>;
}

function rulesOf(r: PolicyResource): RuleRef[] {
    if (!isK8s(r, RBAC_GROUP, "Role", "ClusterRole")) {
        return [];
    }
    return list(r.props.rules).map((rule, i) => ({ path: `rules[${i}]`, rule: rec(rule) ?? {} }));
}

// ---- rbac-no-wildcards --------------------------------------------------------------------------

export function checkRbacWildcards(r: PolicyResource): string[] {
    const out: string[] = [];
    for (const { path, rule } of rulesOf(r)) {
        for (const field of ["apiGroups", "resources", "verbs", "nonResourceURLs"] as const) {
            if (strings(rule[field]).some((v) => v === "*" || (field === "resources" && v.startsWith("*/")))) {
                out.push(`${describe(r)}: ${path}.${field} contains "*"; list the exact ${field} the role needs`);
            }
        }
    }
    return out;
}

// ---- rbac-no-secrets-access ---------------------------------------------------------------------

export function checkRbacSecrets(r: PolicyResource): string[] {
    const out: string[] = [];
    for (const { path, rule } of rulesOf(r)) {
        const groups = strings(rule.apiGroups);
        const coreGroup = groups.length === 0 || groups.includes("") || groups.includes("*");
        if (coreGroup && strings(rule.resources).some((v) => v === "secrets" || v.startsWith("secrets/"))) {
            const verbs = strings(rule.verbs).join(", ");
            out.push(
                `${describe(r)}: ${path}.resources grants "secrets" (verbs: ${verbs || "none"}); roles must not grant access to Secrets`,
            );
        }
    }
    return out;
}

// ---- rbac-no-pod-access ------------------------------------------------------------------------

/** Core-group rules granting a shell in a pod, its ports, the kubelet or a minted token (lib/rbac.ts). */
export function checkRbacPodAccess(r: PolicyResource): string[] {
    const out: string[] = [];
    for (const { path, rule } of rulesOf(r)) {
        const groups = strings(rule.apiGroups);
        if (!(groups.length === 0 || groups.includes("") || groups.includes("*"))) {
            continue;
        }
        const bad = strings(rule.resources).filter((v) => (podAccessResources as readonly string[]).includes(v));
        if (bad.length > 0) {
            out.push(
                `${describe(r)}: ${path}.resources grants ${bad.map((v) => `"${v}"`).join(", ")} (verbs: ${strings(rule.verbs).join(", ") || "none"}); ` +
                    "a shell, port-forward or token reaches past the role's own rules: use logs and events, or a break-glass role outside the pipeline",
            );
        }
    }
    return out;
}

// ---- rbac-no-escalation-verbs -------------------------------------------------------------------

export function checkRbacEscalationVerbs(r: PolicyResource): string[] {
    const out: string[] = [];
    for (const { path, rule } of rulesOf(r)) {
        const bad = strings(rule.verbs).filter((v) => ESCALATION_VERBS.includes(v));
        if (bad.length > 0) {
            out.push(
                `${describe(r)}: ${path}.verbs contains ${bad.map((v) => `"${v}"`).join(", ")}; privilege-escalation verbs (bind, escalate, impersonate) are not allowed`,
            );
        }
    }
    return out;
}

// ---- rbac-cd-least-privilege --------------------------------------------------------------------

/** True when a binding subject is (or includes) the service account `namespace/name`. */
export function subjectIsAccount(subject: Record<string, unknown>, bindingNamespace: string, account: string): boolean {
    const [ns, name] = account.split("/");
    const kind = str(subject.kind);
    const subjectName = str(subject.name);
    switch (kind) {
        case "ServiceAccount":
            return subjectName === name && (str(subject.namespace) ?? bindingNamespace) === ns;
        case "User":
            return subjectName === `system:serviceaccount:${ns}:${name}`;
        case "Group":
            return (
                subjectName === "system:serviceaccounts" ||
                subjectName === `system:serviceaccounts:${ns}` ||
                subjectName === "system:authenticated"
            );
        default:
            return false;
    }
}

export function checkCdAccountBindings(r: PolicyResource, config: RolloutConfig): string[] {
    const isCrb = isK8s(r, RBAC_GROUP, "ClusterRoleBinding");
    const isRb = isK8s(r, RBAC_GROUP, "RoleBinding");
    if (!isCrb && !isRb) {
        return [];
    }
    const bindingNs = namespaceOf(r.props);
    const idx = list(r.props.subjects).findIndex((s) => subjectIsAccount(rec(s) ?? {}, bindingNs, config.cdServiceAccount));
    if (idx < 0) {
        return [];
    }
    const roleKind = str(at(r.props, "roleRef", "kind"));
    const roleName = str(at(r.props, "roleRef", "name")) ?? "";
    if (isCrb) {
        return [
            `${describe(r)}: subjects[${idx}] is the CD service account ${config.cdServiceAccount} bound cluster-wide (roleRef ${roleKind ?? "?"} ${roleName}); ` +
                `the CD account must only get namespaced RoleBindings to narrow Roles`,
        ];
    }
    if (roleKind === "ClusterRole" && BROAD_CLUSTER_ROLES.includes(roleName)) {
        return [
            `${describe(r)}: roleRef is ClusterRole "${roleName}" for the CD service account ${config.cdServiceAccount} (subjects[${idx}]); ` +
                `bind it to a narrow Role instead of ${BROAD_CLUSTER_ROLES.join("/")}`,
        ];
    }
    return [];
}

// ---- policies -----------------------------------------------------------------------------------

export const rbacPolicies = [
    resourcePolicy({
        name: "rbac-no-wildcards",
        description: 'Roles and ClusterRoles do not use "*" in apiGroups, resources, verbs or nonResourceURLs.',
        check: checkRbacWildcards,
    }),
    resourcePolicy({
        name: "rbac-no-secrets-access",
        description: "Roles and ClusterRoles do not grant any access to Secrets.",
        check: checkRbacSecrets,
    }),
    resourcePolicy({
        name: "rbac-no-pod-access",
        description:
            "Roles and ClusterRoles do not grant pods/exec, pods/attach, pods/portforward, pods/ephemeralcontainers, nodes/proxy or serviceaccounts/token.",
        check: checkRbacPodAccess,
    }),
    resourcePolicy({
        name: "rbac-no-escalation-verbs",
        description: "Roles and ClusterRoles do not grant the bind, escalate or impersonate verbs.",
        check: checkRbacEscalationVerbs,
    }),
    resourcePolicy({
        name: "rbac-cd-least-privilege",
        description:
            "The CD service account is never bound by a ClusterRoleBinding, nor by a RoleBinding to the cluster-admin, admin or edit ClusterRoles.",
        config: ["cdServiceAccount"],
        check: checkCdAccountBindings,
    }),
];
