// Edge and isolation (issue 13): NetworkPolicy in every namespace that runs pods, Gateway
// listeners HTTPS-only (HTTP only to redirect), no secret values in config, app identities not shared.

import { secretValueAdvice, secretValueProblem } from "../../lib/secret-values";
import type { PolicyResource, StackFinding } from "../lib/types";
import { GATEWAY_GROUP, at, containersOf, describe, isK8s, k8sName, list, namespaceOf, podTemplate, rec, str, strMap } from "../lib/util";
import { resourcePolicy, stackPolicy } from "../lib/wrap";

export const WORKLOAD_IDENTITY_MEMBER = /^serviceAccount:[a-z0-9.:-]+\.svc\.id\.goog\[([^/\]]+)\/([^\]]+)\]$/;
export const GKE_SA_ANNOTATION = "iam.gke.io/gcp-service-account";
const SA_IAM_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember";

// ---- namespace-network-policy ------------------------------------------------------------------

function isDefaultDenyIngress(r: PolicyResource): boolean {
    if (!isK8s(r, "networking.k8s.io", "NetworkPolicy")) {
        return false;
    }
    const selector = rec(at(r.props, "spec", "podSelector")) ?? {};
    const selectsAll = Object.keys(strMap(selector.matchLabels)).length === 0 && list(selector.matchExpressions).length === 0;
    const types = list(at(r.props, "spec", "policyTypes")).map(str);
    return selectsAll && types.includes("Ingress") && list(at(r.props, "spec", "ingress")).length === 0;
}

export function checkNamespaceNetworkPolicy(resources: PolicyResource[]): StackFinding[] {
    const denied = new Set(resources.filter(isDefaultDenyIngress).map((r) => namespaceOf(r.props)));
    const seen = new Set<string>();
    const out: StackFinding[] = [];
    for (const r of resources.filter((x) => podTemplate(x) !== undefined)) {
        const ns = namespaceOf(r.props);
        if (denied.has(ns) || seen.has(ns)) continue;
        seen.add(ns);
        out.push({
            resource: r,
            message:
                `${describe(r)}: namespace ${ns} has no default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress], no ingress rules); ` +
                "every pod in it accepts connections from anywhere in the cluster",
        });
    }
    return out;
}

// ---- gateway-https-only ------------------------------------------------------------------------

function isRedirectOnly(route: PolicyResource): boolean {
    const rules = list(at(route.props, "spec", "rules"));
    return (
        rules.length > 0 &&
        rules.every((rule) => {
            const filters = list(at(rule, "filters"));
            const redirects = filters.some(
                (f) => str(at(f, "type")) === "RequestRedirect" && str(at(f, "requestRedirect", "scheme")) === "https",
            );
            return redirects && list(at(rule, "backendRefs")).length === 0;
        })
    );
}

/** Routes attached to `listener` of `gw` (a parentRef without sectionName attaches to every listener). */
function routesOn(resources: PolicyResource[], gw: PolicyResource, listener: string): PolicyResource[] {
    const gwNs = namespaceOf(gw.props);
    return resources.filter(
        (r) =>
            isK8s(r, GATEWAY_GROUP, "HTTPRoute") &&
            list(at(r.props, "spec", "parentRefs")).some(
                (p) =>
                    str(at(p, "name")) === k8sName(gw) &&
                    (str(at(p, "namespace")) ?? namespaceOf(r.props)) === gwNs &&
                    (str(at(p, "sectionName")) === undefined || str(at(p, "sectionName")) === listener),
            ),
    );
}

export function checkGatewayHttpsOnly(resources: PolicyResource[]): StackFinding[] {
    const out: StackFinding[] = [];
    for (const gw of resources.filter((r) => isK8s(r, GATEWAY_GROUP, "Gateway"))) {
        list(at(gw.props, "spec", "listeners")).forEach((l, i) => {
            const name = str(at(l, "name")) ?? `#${i}`;
            const protocol = str(at(l, "protocol"));
            const where = `${describe(gw)}: spec.listeners[${i}] (${name})`;
            if (protocol === "HTTPS") {
                if (str(at(l, "tls", "mode")) === "Passthrough")
                    out.push({ resource: gw, message: `${where} passes TLS through; it must terminate HTTPS` });
                return;
            }
            if (protocol !== "HTTP") {
                out.push({
                    resource: gw,
                    message: `${where} has protocol ${protocol ?? "(none)"}; listeners must be HTTPS, or HTTP that only redirects to HTTPS`,
                });
                return;
            }
            if (str(at(l, "allowedRoutes", "namespaces", "from")) !== "Same") {
                out.push({
                    resource: gw,
                    message: `${where} is plain HTTP and admits routes from other namespaces (allowedRoutes.namespaces.from must be Same), so an app could serve over HTTP`,
                });
            }
            const routes = routesOn(resources, gw, name);
            const serving = routes.filter((r) => !isRedirectOnly(r));
            for (const r of serving) {
                out.push({
                    resource: r,
                    message: `${describe(r)}: attaches to the plain-HTTP listener ${name} of ${describe(gw)} and serves content; set parentRefs[].sectionName to the HTTPS listener`,
                });
            }
            if (routes.length - serving.length === 0) {
                out.push({
                    resource: gw,
                    message: `${where} is plain HTTP with no route redirecting to https (RequestRedirect scheme https, no backendRefs)`,
                });
            }
        });
    }
    return out;
}

// ---- no-secret-values-in-config ----------------------------------------------------------------

export function checkNoSecretValues(r: PolicyResource): string[] {
    const out: string[] = [];
    if (isK8s(r, "core", "ConfigMap")) {
        for (const [key, value] of Object.entries(strMap(r.props.data))) {
            const problem = secretValueProblem(key, value);
            if (problem) out.push(`${describe(r)}: data.${key}: ${problem}; ${secretValueAdvice}`);
        }
    }
    const tpl = podTemplate(r);
    for (const c of tpl ? containersOf(tpl, { includeInit: true }) : []) {
        list(c.container.env).forEach((e, i) => {
            const name = str(at(e, "name")) ?? "";
            const value = str(at(e, "value"));
            const problem = value === undefined ? undefined : secretValueProblem(name, value);
            if (problem) out.push(`${describe(r)}: ${c.path}.env[${i}] (${name}): ${problem}; ${secretValueAdvice}`);
        });
    }
    return out;
}

// ---- app-identity-not-shared -------------------------------------------------------------------

export function checkIdentitiesNotShared(resources: PolicyResource[]): StackFinding[] {
    const out: StackFinding[] = [];
    const kubeByGoogle = new Map<string, { r: PolicyResource; ksa: string }[]>();
    const googleByKube = new Map<string, { r: PolicyResource; gsa: string }[]>();
    for (const r of resources.filter((x) => x.type === SA_IAM_MEMBER && str(x.props.role) === "roles/iam.workloadIdentityUser")) {
        const m = WORKLOAD_IDENTITY_MEMBER.exec(str(r.props.member) ?? "");
        if (!m) continue; // e.g. a GitHub principalSet
        const gsa = str(r.props.serviceAccountId) ?? r.name;
        const ksa = `${m[1]}/${m[2]}`;
        kubeByGoogle.set(gsa, [...(kubeByGoogle.get(gsa) ?? []), { r, ksa }]);
        googleByKube.set(ksa, [...(googleByKube.get(ksa) ?? []), { r, gsa }]);
    }
    for (const [gsa, bound] of kubeByGoogle) {
        if (bound.length > 1)
            out.push({
                resource: bound[1].r,
                message: `Google service account ${gsa} is bound to ${bound.length} Kubernetes ServiceAccounts (${bound
                    .map((b) => b.ksa)
                    .sort()
                    .join(", ")}); each app needs its own identity`,
            });
    }
    for (const [ksa, bound] of googleByKube) {
        if (bound.length > 1)
            out.push({
                resource: bound[1].r,
                message: `Kubernetes ServiceAccount ${ksa} may act as ${bound.length} Google service accounts (${bound
                    .map((b) => b.gsa)
                    .sort()
                    .join(", ")}); bind exactly one`,
            });
    }
    const byAnnotation = new Map<string, PolicyResource[]>();
    for (const r of resources.filter((x) => isK8s(x, "core", "ServiceAccount"))) {
        const gsa = strMap(at(r.props, "metadata", "annotations"))[GKE_SA_ANNOTATION];
        if (gsa) byAnnotation.set(gsa, [...(byAnnotation.get(gsa) ?? []), r]);
    }
    for (const [gsa, sas] of byAnnotation) {
        if (sas.length > 1)
            out.push({
                resource: sas[1],
                message: `${sas.map(describe).join(" and ")} share the Google service account ${gsa} (${GKE_SA_ANNOTATION}); each app needs its own identity`,
            });
    }
    return out;
}

export const networkPolicies = [
    stackPolicy({
        name: "namespace-network-policy",
        description: "Every namespace that runs pods has a default-deny ingress NetworkPolicy.",
        check: checkNamespaceNetworkPolicy,
    }),
    stackPolicy({
        name: "gateway-https-only",
        description: "Gateway listeners are HTTPS; a plain-HTTP listener only redirects to HTTPS.",
        check: checkGatewayHttpsOnly,
    }),
    resourcePolicy({
        name: "no-secret-values-in-config",
        description: "No credential values in ConfigMaps or container env: secrets come from Secret Manager by name.",
        check: checkNoSecretValues,
    }),
    stackPolicy({
        name: "app-identity-not-shared",
        description:
            "Each Google service account is bound to one Kubernetes ServiceAccount, and each ServiceAccount to one Google account.",
        check: checkIdentitiesNotShared,
    }),
];
