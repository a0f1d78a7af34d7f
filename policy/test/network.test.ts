import * as assert from "assert";
import type { PolicyResource } from "../lib/types";
import { checkGatewayHttpsOnly, checkIdentitiesNotShared, checkNamespaceNetworkPolicy, checkNoSecretValues } from "../rules/network";
import { AnyProps, NAMESPACE, clone, container, defaultDeny, deployment, mutate } from "./fixtures";

const cr = (props: AnyProps, name = String(props.metadata.name)): PolicyResource => ({
    type: "kubernetes:apiextensions.k8s.io:CustomResource",
    name,
    props,
});

function gateway(listeners: AnyProps[]): PolicyResource {
    return cr({
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: { name: "gateway", namespace: "gateway" },
        spec: { gatewayClassName: "gke-l7-global-external-managed", listeners },
    });
}
const https = { name: "https", protocol: "HTTPS", port: 443, allowedRoutes: { namespaces: { from: "Selector" } } };
const http = { name: "http", protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "Same" } } };
function route(name: string, namespace: string, sectionName: string | undefined, rules: AnyProps[]): PolicyResource {
    return cr({
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name, namespace },
        spec: { parentRefs: [{ name: "gateway", namespace: "gateway", ...(sectionName ? { sectionName } : {}) }], rules },
    });
}
const redirect = route("gateway-https-redirect", "gateway", "http", [
    { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
]);
const appRoute = route("demo", NAMESPACE, "https", [{ backendRefs: [{ name: "demo", port: 80 }] }]);

describe("network", () => {
    describe("namespace-network-policy", () => {
        it("passes a namespace with a default-deny policy", () => {
            assert.deepStrictEqual(checkNamespaceNetworkPolicy([deployment(), defaultDeny()]), []);
        });

        it("reports each namespace without one once, naming it", () => {
            const other = mutate(deployment({ name: "api" }), (p) => {
                p.metadata.namespace = "staging-api";
            });
            const findings = checkNamespaceNetworkPolicy([deployment(), deployment({ name: "demo-2" }), other, defaultDeny("staging-api")]);
            assert.deepStrictEqual(
                findings.map((f) => f.message),
                [
                    "Deployment staging-demo/demo: namespace staging-demo has no default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress], no ingress rules); every pod in it accepts connections from anywhere in the cluster",
                ],
            );
        });

        it("does not count a policy that selects some pods, or one that allows ingress", () => {
            const partial = mutate(defaultDeny(), (p) => {
                p.spec.podSelector = { matchLabels: { app: "demo" } };
            });
            const allowing = mutate(defaultDeny(), (p) => {
                p.spec.ingress = [{}];
            });
            const egressOnly = mutate(defaultDeny(), (p) => {
                p.spec.policyTypes = ["Egress"];
            });
            for (const np of [partial, allowing, egressOnly]) assert.strictEqual(checkNamespaceNetworkPolicy([deployment(), np]).length, 1);
        });
    });

    describe("gateway-https-only", () => {
        it("passes HTTPS plus an HTTP listener that only redirects", () => {
            assert.deepStrictEqual(checkGatewayHttpsOnly([gateway([https, http]), redirect, appRoute]), []);
        });

        it("reports an HTTP listener with no redirect, or one open to other namespaces", () => {
            assert.deepStrictEqual(
                checkGatewayHttpsOnly([gateway([https, http]), appRoute]).map((f) => f.message),
                [
                    "Gateway gateway/gateway: spec.listeners[1] (http) is plain HTTP with no route redirecting to https (RequestRedirect scheme https, no backendRefs)",
                ],
            );
            const open = { ...http, allowedRoutes: { namespaces: { from: "All" } } };
            assert.deepStrictEqual(
                checkGatewayHttpsOnly([gateway([https, open]), redirect]).map((f) => f.message),
                [
                    "Gateway gateway/gateway: spec.listeners[1] (http) is plain HTTP and admits routes from other namespaces (allowedRoutes.namespaces.from must be Same), so an app could serve over HTTP",
                ],
            );
        });

        it("reports a route serving content on the HTTP listener, also through a parentRef without sectionName", () => {
            const serving = route("gateway-plain", "gateway", undefined, [{ backendRefs: [{ name: "x", port: 80 }] }]);
            assert.deepStrictEqual(
                checkGatewayHttpsOnly([gateway([https, http]), redirect, serving]).map((f) => f.message),
                [
                    "HTTPRoute gateway/gateway-plain: attaches to the plain-HTTP listener http of Gateway gateway/gateway and serves content; set parentRefs[].sectionName to the HTTPS listener",
                ],
            );
            const halfRedirect = route("gateway-https-redirect", "gateway", "http", [
                { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "http" } }] },
            ]);
            assert.strictEqual(checkGatewayHttpsOnly([gateway([https, http]), halfRedirect]).length, 2);
        });

        it("reports TCP listeners and TLS passthrough", () => {
            const tcp = { name: "raw", protocol: "TCP", port: 9000 };
            const passthrough = { ...https, tls: { mode: "Passthrough" } };
            assert.deepStrictEqual(
                checkGatewayHttpsOnly([gateway([passthrough, tcp])]).map((f) => f.message),
                [
                    "Gateway gateway/gateway: spec.listeners[0] (https) passes TLS through; it must terminate HTTPS",
                    "Gateway gateway/gateway: spec.listeners[1] (raw) has protocol TCP; listeners must be HTTPS, or HTTP that only redirects to HTTPS",
                ],
            );
        });
    });

    describe("no-secret-values-in-config", () => {
        const configMap = (data: Record<string, string>): PolicyResource => ({
            type: "kubernetes:core/v1:ConfigMap",
            name: "cm",
            props: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "demo-config", namespace: NAMESPACE }, data },
        });

        it("passes ordinary settings and mounted-secret paths", () => {
            assert.deepStrictEqual(
                checkNoSecretValues(configMap({ GREETING: "OK", DB_PASSWORD_FILE: "/var/run/secrets/app/db", TOKEN_TTL: "" })),
                [],
            );
            assert.deepStrictEqual(checkNoSecretValues(deployment()), []);
        });

        it("reports credential-named keys and credential-shaped values in ConfigMaps and env", () => {
            assert.deepStrictEqual(checkNoSecretValues(configMap({ DB_PASSWORD: "hunter2", URL: "postgres://app:pw@db:5432/app" })), [
                "ConfigMap staging-demo/demo-config: data.DB_PASSWORD: the key name 'DB_PASSWORD' says it holds a credential; declare it in apps[].secrets by its Secret Manager name (mounted as a file), never as a value in config",
                "ConfigMap staging-demo/demo-config: data.URL: the value looks like credentials in a URL; declare it in apps[].secrets by its Secret Manager name (mounted as a file), never as a value in config",
            ]);
            const c = clone(container());
            c.env = [
                { name: "PORT", value: "8080" },
                { name: "GH", value: `ghp_${"a".repeat(36)}` },
            ];
            const d = mutate(deployment(), (p) => {
                p.spec.template.spec.containers = [c];
            });
            assert.deepStrictEqual(checkNoSecretValues(d), [
                "Deployment staging-demo/demo: spec.template.spec.containers[0].env[1] (GH): the value looks like a GitHub token; declare it in apps[].secrets by its Secret Manager name (mounted as a file), never as a value in config",
            ]);
        });
    });

    describe("app-identity-not-shared", () => {
        const wi = (gsa: string, ksa: string): PolicyResource => ({
            type: "gcp:serviceaccount/iAMMember:IAMMember",
            name: `${gsa}-${ksa}`,
            props: {
                serviceAccountId: `projects/p/serviceAccounts/${gsa}@p.iam.gserviceaccount.com`,
                role: "roles/iam.workloadIdentityUser",
                member: `serviceAccount:p.svc.id.goog[${ksa}]`,
            },
        });
        const ksa = (ns: string, gsa: string): PolicyResource => ({
            type: "kubernetes:core/v1:ServiceAccount",
            name: `${ns}-sa`,
            props: {
                apiVersion: "v1",
                kind: "ServiceAccount",
                metadata: { name: "app", namespace: ns, annotations: { "iam.gke.io/gcp-service-account": gsa } },
            },
        });

        it("passes one Google account per ServiceAccount, and ignores GitHub principal sets", () => {
            const github: PolicyResource = {
                type: "gcp:serviceaccount/iAMMember:IAMMember",
                name: "gh",
                props: {
                    serviceAccountId: "projects/p/serviceAccounts/a@p.iam.gserviceaccount.com",
                    role: "roles/iam.workloadIdentityUser",
                    member: "principalSet://iam.googleapis.com/pool/attribute.lane/staging",
                },
            };
            assert.deepStrictEqual(
                checkIdentitiesNotShared([
                    wi("a", "staging-a/a"),
                    wi("b", "staging-b/b"),
                    github,
                    ksa("staging-a", "a@p"),
                    ksa("staging-b", "b@p"),
                ]),
                [],
            );
        });

        it("reports a Google account bound to two ServiceAccounts, a ServiceAccount bound twice, and a shared annotation", () => {
            assert.deepStrictEqual(
                checkIdentitiesNotShared([wi("a", "staging-a/a"), wi("a", "staging-b/b")]).map((f) => f.message),
                [
                    "Google service account projects/p/serviceAccounts/a@p.iam.gserviceaccount.com is bound to 2 Kubernetes ServiceAccounts (staging-a/a, staging-b/b); each app needs its own identity",
                ],
            );
            assert.deepStrictEqual(
                checkIdentitiesNotShared([wi("a", "staging-a/a"), wi("b", "staging-a/a")]).map((f) => f.message),
                [
                    "Kubernetes ServiceAccount staging-a/a may act as 2 Google service accounts (projects/p/serviceAccounts/a@p.iam.gserviceaccount.com, projects/p/serviceAccounts/b@p.iam.gserviceaccount.com); bind exactly one",
                ],
            );
            assert.deepStrictEqual(
                checkIdentitiesNotShared([ksa("staging-a", "a@p"), ksa("staging-b", "a@p")]).map((f) => f.message),
                [
                    "ServiceAccount staging-a/app and ServiceAccount staging-b/app share the Google service account a@p (iam.gke.io/gcp-service-account); each app needs its own identity",
                ],
            );
        });
    });
});

describe("network (exact findings and boundaries)", () => {
    const ADVICE = "declare it in apps[].secrets by its Secret Manager name (mounted as a file), never as a value in config";
    const GW = "Gateway gateway/gateway";
    const noDeny = (what: string, ns: string) =>
        `${what}: namespace ${ns} has no default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress], no ingress rules); every pod in it accepts connections from anywhere in the cluster`;
    const noRedirect = (i: number, name: string) =>
        `${GW}: spec.listeners[${i}] (${name}) is plain HTTP with no route redirecting to https (RequestRedirect scheme https, no backendRefs)`;
    const serves = (what: string, listener: string) =>
        `${what}: attaches to the plain-HTTP listener ${listener} of ${GW} and serves content; set parentRefs[].sectionName to the HTTPS listener`;
    const pod = (namespace: string): PolicyResource => ({
        type: "kubernetes:core/v1:Pod",
        name: `pod-${namespace}`,
        props: { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace }, spec: { containers: [container()] } },
    });

    describe("namespace-network-policy", () => {
        it("reports every namespace that runs pods once, at its first workload, Pods included", () => {
            const a = deployment({ namespace: "ns-a" });
            const b = pod("ns-b");
            assert.deepStrictEqual(checkNamespaceNetworkPolicy([a, deployment({ name: "x", namespace: "ns-a" }), b, defaultDeny("ns-c")]), [
                { resource: a, message: noDeny("Deployment ns-a/demo", "ns-a") },
                { resource: b, message: noDeny("Pod ns-b/p", "ns-b") },
            ]);
        });

        it("ignores namespaces that run no pods", () => {
            const svc: PolicyResource = {
                type: "kubernetes:core/v1:Service",
                name: "svc",
                props: {
                    apiVersion: "v1",
                    kind: "Service",
                    metadata: { name: "svc", namespace: "ns-a" },
                    spec: { selector: { app: "a" } },
                },
            };
            assert.deepStrictEqual(checkNamespaceNetworkPolicy([svc]), []);
        });

        it("accepts an Ingress-only default deny without podSelector, and not one with matchExpressions or of another API group", () => {
            const ingressOnly = mutate(defaultDeny(), (p) => {
                delete p.spec.podSelector;
                p.spec.policyTypes = ["Ingress"];
            });
            assert.deepStrictEqual(checkNamespaceNetworkPolicy([deployment(), ingressOnly]), []);
            const emptyIngress = mutate(defaultDeny(), (p) => (p.spec.ingress = []));
            assert.deepStrictEqual(checkNamespaceNetworkPolicy([deployment(), emptyIngress]), []);
            const expr = mutate(defaultDeny(), (p) => (p.spec.podSelector = { matchExpressions: [{ key: "app", operator: "Exists" }] }));
            assert.strictEqual(checkNamespaceNetworkPolicy([deployment(), expr]).length, 1);
            const calico: PolicyResource = { ...defaultDeny(), type: "kubernetes:crd.projectcalico.org/v1:NetworkPolicy" };
            assert.strictEqual(checkNamespaceNetworkPolicy([deployment(), calico]).length, 1);
        });
    });

    describe("gateway-https-only", () => {
        it("passes HTTPS listeners that terminate TLS", () => {
            const terminate = { ...https, tls: { mode: "Terminate" } };
            assert.deepStrictEqual(checkGatewayHttpsOnly([gateway([terminate])]), []);
        });

        it("names a listener without a name by index and a missing protocol as (none)", () => {
            assert.deepStrictEqual(
                checkGatewayHttpsOnly([gateway([https, { port: 8080 }])]).map((f) => f.message),
                [`${GW}: spec.listeners[1] (#1) has protocol (none); listeners must be HTTPS, or HTTP that only redirects to HTTPS`],
            );
        });

        it("reports an HTTP listener without allowedRoutes as open, and with no redirect", () => {
            const bare = { name: "web", protocol: "HTTP", port: 80 };
            assert.deepStrictEqual(
                checkGatewayHttpsOnly([gateway([bare])]).map((f) => f.message),
                [
                    `${GW}: spec.listeners[0] (web) is plain HTTP and admits routes from other namespaces (allowedRoutes.namespaces.from must be Same), so an app could serve over HTTP`,
                    noRedirect(0, "web"),
                ],
            );
        });

        it("reports each serving route, but not the missing redirect when one exists", () => {
            const s1 = route("s1", "gateway", "http", [{ backendRefs: [{ name: "a", port: 80 }] }]);
            const s2 = route("s2", "gateway", undefined, []);
            const findings = checkGatewayHttpsOnly([gateway([http]), s1, redirect, s2]);
            assert.deepStrictEqual(findings, [
                { resource: s1, message: serves("HTTPRoute gateway/s1", "http") },
                { resource: s2, message: serves("HTTPRoute gateway/s2", "http") },
            ]);
        });

        it("counts a redirect only if every rule redirects to https without backends", () => {
            const mixed = route("mixed", "gateway", "http", [
                { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https" } }] },
                { backendRefs: [{ name: "a" }] },
            ]);
            const withBackend = route("with-backend", "gateway", "http", [
                { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https" } }], backendRefs: [{ name: "a" }] },
            ]);
            const rewrite = route("rewrite", "gateway", "http", [
                { filters: [{ type: "URLRewrite", requestRedirect: { scheme: "https" } }] },
            ]);
            for (const r of [mixed, withBackend, rewrite]) {
                assert.deepStrictEqual(
                    checkGatewayHttpsOnly([gateway([http]), r]).map((f) => f.message),
                    [serves(`HTTPRoute gateway/${r.name}`, "http"), noRedirect(0, "http")],
                    r.name,
                );
            }
        });

        it("attaches routes by Gateway name, namespace (default: the route's) and sectionName", () => {
            const onHttps = route("on-https", "gateway", "https", [{ backendRefs: [{ name: "a" }] }]);
            const otherGw = cr({
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "HTTPRoute",
                metadata: { name: "other-gw", namespace: "gateway" },
                spec: { parentRefs: [{ name: "internal", sectionName: "http" }], rules: [{ backendRefs: [{ name: "a" }] }] },
            });
            const otherNs = cr({
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "HTTPRoute",
                metadata: { name: "other-ns", namespace: NAMESPACE },
                spec: { parentRefs: [{ name: "gateway", sectionName: "http" }], rules: [{ backendRefs: [{ name: "a" }] }] },
            });
            const sameNs = cr({
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "HTTPRoute",
                metadata: { name: "same-ns", namespace: "gateway" },
                spec: { parentRefs: [{ name: "gateway", sectionName: "http" }], rules: [{ backendRefs: [{ name: "a" }] }] },
            });
            assert.deepStrictEqual(checkGatewayHttpsOnly([gateway([https, http]), redirect, onHttps, otherGw, otherNs]), []);
            assert.deepStrictEqual(
                checkGatewayHttpsOnly([gateway([https, http]), redirect, sameNs]).map((f) => f.message),
                [serves("HTTPRoute gateway/same-ns", "http")],
            );
            const grpc = cr({ ...sameNs.props, kind: "GRPCRoute", metadata: { name: "grpc", namespace: "gateway" } });
            assert.deepStrictEqual(checkGatewayHttpsOnly([gateway([https, http]), redirect, grpc]), []);
        });

        it("ignores Gateways of another API group", () => {
            const foreign = mutate(gateway([{ name: "x", protocol: "TCP" }]), (p) => (p.apiVersion = "example.com/v1"));
            assert.deepStrictEqual(checkGatewayHttpsOnly([foreign]), []);
        });
    });

    describe("no-secret-values-in-config", () => {
        it("names the env index and container path, init containers included, and skips valueFrom", () => {
            const d = mutate(deployment(), (p) => {
                p.spec.template.spec.initContainers[0].env = [{ name: "DB_PASSWORD", value: "x" }];
                p.spec.template.spec.containers[0].env = [
                    { name: "API_TOKEN", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
                    { value: "postgres://u:p@db/app" },
                ];
            });
            assert.deepStrictEqual(checkNoSecretValues(d), [
                `Deployment staging-demo/demo: spec.template.spec.initContainers[0].env[0] (DB_PASSWORD): the key name 'DB_PASSWORD' says it holds a credential; ${ADVICE}`,
                `Deployment staging-demo/demo: spec.template.spec.containers[0].env[1] (): the value looks like credentials in a URL; ${ADVICE}`,
            ]);
        });

        it("reads only string ConfigMap data, and only of core ConfigMaps", () => {
            const cm = (data: AnyProps, type = "kubernetes:core/v1:ConfigMap"): PolicyResource => ({
                type,
                name: "cm",
                props: { metadata: { name: "c", namespace: NAMESPACE }, data },
            });
            assert.deepStrictEqual(checkNoSecretValues(cm({ PASSWORD: 1 })), []);
            assert.deepStrictEqual(checkNoSecretValues(cm({ PASSWORD: "x" }, "kubernetes:example.com/v1:ConfigMap")), []);
            assert.deepStrictEqual(checkNoSecretValues(cm({ PASSWORD: "x" })), [
                `ConfigMap staging-demo/c: data.PASSWORD: the key name 'PASSWORD' says it holds a credential; ${ADVICE}`,
            ]);
        });
    });

    describe("app-identity-not-shared", () => {
        const WI = "roles/iam.workloadIdentityUser";
        const member = (name: string, props: AnyProps): PolicyResource => ({ type: "gcp:serviceaccount/iAMMember:IAMMember", name, props });

        it("reports three Kubernetes accounts sorted, at the second binding, and falls back to the resource name", () => {
            const b = [
                member("m1", { role: WI, member: "serviceAccount:p.svc.id.goog[ns-c/c]" }),
                member("m1", { role: WI, member: "serviceAccount:p.svc.id.goog[ns-a/a]" }),
                member("m1", { role: WI, member: "serviceAccount:p.svc.id.goog[ns-b/b]" }),
            ];
            assert.deepStrictEqual(checkIdentitiesNotShared(b), [
                {
                    resource: b[1],
                    message:
                        "Google service account m1 is bound to 3 Kubernetes ServiceAccounts (ns-a/a, ns-b/b, ns-c/c); each app needs its own identity",
                },
            ]);
        });

        it("ignores other roles, other resource types and malformed members", () => {
            const same = (role: string, type = "gcp:serviceaccount/iAMMember:IAMMember") =>
                [1, 2].map((i): PolicyResource => ({
                    type,
                    name: `m${i}`,
                    props: { serviceAccountId: "g", role, member: `serviceAccount:p.svc.id.goog[ns/a${i}]` },
                }));
            assert.deepStrictEqual(checkIdentitiesNotShared(same("roles/iam.serviceAccountUser")), []);
            assert.deepStrictEqual(checkIdentitiesNotShared(same(WI, "gcp:projects/iAMMember:IAMMember")), []);
            assert.strictEqual(checkIdentitiesNotShared(same(WI)).length, 1);
            const malformed = [
                member("x1", { serviceAccountId: "g", role: WI, member: "serviceAccount:p.svc.id.goog[ns]" }),
                member("x2", { serviceAccountId: "g", role: WI, member: "user:p.svc.id.goog[ns/a]" }),
                member("x3", { serviceAccountId: "g", role: WI, member: "serviceAccount:p.svc.id.goog[ns/a] " }),
                member("x4", { serviceAccountId: "g", role: WI }),
            ];
            assert.deepStrictEqual(checkIdentitiesNotShared(malformed), []);
        });

        it("reports three ServiceAccounts sharing an annotation, and ignores unannotated ones", () => {
            const sa = (ns: string, annotations: Record<string, string> = { "iam.gke.io/gcp-service-account": "g@p" }): PolicyResource => ({
                type: "kubernetes:core/v1:ServiceAccount",
                name: ns,
                props: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "app", namespace: ns, annotations } },
            });
            const all = [sa("a"), sa("b"), sa("c"), sa("d", {}), sa("e", { other: "g@p" })];
            assert.deepStrictEqual(checkIdentitiesNotShared(all), [
                {
                    resource: all[1],
                    message:
                        "ServiceAccount a/app and ServiceAccount b/app and ServiceAccount c/app share the Google service account g@p (iam.gke.io/gcp-service-account); each app needs its own identity",
                },
            ]);
        });
    });
});

describe("network (attachment and identity look-alikes)", () => {
    const GW = "Gateway gateway/gateway";

    it("counts a redirect rule with further filters, and a route with several parentRefs", () => {
        const redirectPlus = route("r", "gateway", "http", [
            {
                filters: [
                    { type: "RequestHeaderModifier", requestHeaderModifier: { add: [{ name: "x", value: "1" }] } },
                    { type: "RequestRedirect", requestRedirect: { scheme: "https" } },
                ],
            },
        ]);
        assert.deepStrictEqual(checkGatewayHttpsOnly([gateway([http]), redirectPlus]), []);
        const twoParents = mutate(redirect, (p) => p.spec.parentRefs.unshift({ name: "internal", namespace: "gateway" }));
        assert.deepStrictEqual(checkGatewayHttpsOnly([gateway([http]), twoParents]), []);
    });

    it("attaches a route of another namespace through an explicit parentRef namespace", () => {
        const app = route("demo-plain", NAMESPACE, "http", [{ backendRefs: [{ name: "demo" }] }]);
        assert.deepStrictEqual(
            checkGatewayHttpsOnly([gateway([http]), redirect, app]).map((f) => f.message),
            [
                `HTTPRoute ${NAMESPACE}/demo-plain: attaches to the plain-HTTP listener http of ${GW} and serves content; set parentRefs[].sectionName to the HTTPS listener`,
            ],
        );
    });

    it("sorts the Google accounts of a shared ServiceAccount, and reads the annotation of ServiceAccounts only", () => {
        const wi = (gsa: string): PolicyResource => ({
            type: "gcp:serviceaccount/iAMMember:IAMMember",
            name: gsa,
            props: { serviceAccountId: gsa, role: "roles/iam.workloadIdentityUser", member: "serviceAccount:p.svc.id.goog[ns/app]" },
        });
        assert.deepStrictEqual(
            checkIdentitiesNotShared([wi("zeta"), wi("alpha")]).map((f) => f.message),
            ["Kubernetes ServiceAccount ns/app may act as 2 Google service accounts (alpha, zeta); bind exactly one"],
        );
        const sa: PolicyResource = {
            type: "kubernetes:core/v1:ServiceAccount",
            name: "sa",
            props: { metadata: { name: "app", namespace: "a", annotations: { "iam.gke.io/gcp-service-account": "g@p" } } },
        };
        const dep = deployment({ annotations: { "iam.gke.io/gcp-service-account": "g@p" } });
        assert.deepStrictEqual(checkIdentitiesNotShared([sa, dep]), []);
    });
});
