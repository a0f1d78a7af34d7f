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
