// Traffic wiring (stack rules): Service selectors and HTTPRoute backends must point at real things.

import type { PolicyResource, StackFinding } from "../lib/types";
import {
    GATEWAY_GROUP,
    at,
    describe,
    fmt,
    isK8s,
    k8sName,
    list,
    mapSelectorMatches,
    namespaceOf,
    num,
    rec,
    str,
    strMap,
} from "../lib/util";
import { stackPolicy } from "../lib/wrap";
import { workloadsOf } from "./availability";

export const MAX_BACKEND_WEIGHT = 1_000_000;

export function isService(r: PolicyResource): boolean {
    return isK8s(r, "core", "Service");
}

/** HTTPRoutes, whether typed (`kubernetes:gateway.networking.k8s.io/v1:HTTPRoute`) or CustomResource. */
export function isHttpRoute(r: PolicyResource): boolean {
    return isK8s(r, GATEWAY_GROUP, "HTTPRoute");
}

// ---- service-selects-workload -------------------------------------------------------------------

export function checkServiceSelectors(resources: PolicyResource[]): StackFinding[] {
    const workloads = workloadsOf(resources);
    const out: StackFinding[] = [];
    for (const svc of resources.filter(isService)) {
        if (str(at(svc.props, "spec", "type")) === "ExternalName") {
            continue;
        }
        const selector = strMap(at(svc.props, "spec", "selector"));
        if (Object.keys(selector).length === 0) {
            continue; // no selector: endpoints are managed elsewhere
        }
        const ns = namespaceOf(svc.props);
        const matched = workloads.filter((w) => w.namespace === ns && mapSelectorMatches(selector, w.labels));
        if (matched.length === 0) {
            const sel = Object.entries(selector)
                .map(([k, v]) => `${k}=${v}`)
                .join(", ");
            out.push({
                resource: svc,
                message:
                    `${describe(svc)}: spec.selector {${sel}} matches the pod template labels of no Deployment, StatefulSet or ` +
                    `DaemonSet in namespace ${ns}; the Service would have no endpoints (e.g. a blue/green switch to a slot that does not exist)`,
            });
        }
    }
    return out;
}

// ---- httproute-backends -------------------------------------------------------------------------

export function checkHttpRouteBackends(resources: PolicyResource[]): StackFinding[] {
    const services = resources.filter(isService);
    const out: StackFinding[] = [];
    for (const route of resources.filter(isHttpRoute)) {
        const ns = namespaceOf(route.props);
        const report = (message: string) => out.push({ resource: route, message: `${describe(route)}: ${message}` });
        list(at(route.props, "spec", "rules")).forEach((rule, i) => {
            const refs = list(rec(rule)?.backendRefs);
            let positive = 0;
            refs.forEach((rawRef, j) => {
                const ref = rec(rawRef) ?? {};
                const path = `spec.rules[${i}].backendRefs[${j}]`;
                const weight = ref.weight === undefined || ref.weight === null ? 1 : ref.weight;
                const w = num(weight);
                if (w === undefined || !Number.isInteger(w) || w < 0 || w > MAX_BACKEND_WEIGHT) {
                    report(`${path}.weight is ${fmt(weight)}; it must be an integer between 0 and ${MAX_BACKEND_WEIGHT}`);
                } else if (w > 0) {
                    positive++;
                }
                const kind = str(ref.kind) ?? "Service";
                const group = str(ref.group) ?? "";
                if (kind !== "Service" || (group !== "" && group !== "core")) {
                    return; // not a Service backend: nothing to look up in the stack
                }
                const refNs = str(ref.namespace) ?? ns;
                if (refNs !== ns) {
                    report(`${path}.namespace is "${refNs}"; backends must be Services in the route's namespace ${ns}`);
                    return;
                }
                const name = str(ref.name);
                if (!name) {
                    report(`${path}.name is missing; it must name a Service in namespace ${ns}`);
                    return;
                }
                const svc = services.find((s) => namespaceOf(s.props) === ns && k8sName(s) === name);
                if (!svc) {
                    report(`${path}.name "${name}" names no Service of the stack in namespace ${ns}`);
                    return;
                }
                const port = num(ref.port);
                if (port !== undefined) {
                    const ports = list(at(svc.props, "spec", "ports"))
                        .map((p) => num(rec(p)?.port))
                        .filter((p): p is number => p !== undefined);
                    if (ports.length > 0 && !ports.includes(port)) {
                        report(`${path}.port ${port} is not a port of ${describe(svc)} (ports: ${ports.join(", ")})`);
                    }
                }
            });
            if (refs.length > 0 && positive === 0) {
                report(
                    `spec.rules[${i}].backendRefs has no backend with a weight above 0; at least one backend per rule must receive traffic`,
                );
            }
        });
    }
    return out;
}

// ---- policies -----------------------------------------------------------------------------------

export const trafficPolicies = [
    stackPolicy({
        name: "service-selects-workload",
        description:
            "Every Service with a selector selects the pod template labels of at least one workload of the stack in its namespace.",
        check: (resources) => checkServiceSelectors(resources),
    }),
    stackPolicy({
        name: "httproute-backends",
        description: `HTTPRoute backendRefs have integer weights 0..${MAX_BACKEND_WEIGHT}, at least one weight > 0 per rule, and name Services of the stack in the route's namespace.`,
        check: (resources) => checkHttpRouteBackends(resources),
    }),
];
