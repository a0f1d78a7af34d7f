import * as assert from "assert";
import type { PolicyResource, StackFinding } from "../lib/types";
import { checkHttpRouteBackends, checkServiceSelectors } from "../rules/traffic";
import { Backend, daemonSet, deployment, httpRoute, mutate, service, statefulSet } from "./fixtures";

const messages = (fs: StackFinding[]) => fs.map((f) => f.message);
const blue = deployment({ name: "demo-blue", labels: { "rollout.dev/slot": "blue" } });
const green = deployment({
    name: "demo-green",
    labels: { "rollout.dev/slot": "green" },
    replicas: 0,
    annotations: { "rollout.dev/role": "idle" },
});

describe("traffic", () => {
    describe("service-selects-workload", () => {
        it("passes Services selecting existing pod templates (blue/green slots, StatefulSets)", () => {
            const stack = [
                blue,
                green,
                statefulSet(),
                service("demo", { "app.kubernetes.io/name": "demo", "rollout.dev/slot": "blue" }),
                service("demo-preview", { "app.kubernetes.io/name": "demo", "rollout.dev/slot": "green" }),
                service("cache", { "app.kubernetes.io/name": "cache" }),
                mutate(service("external", {}), (p) => (p.spec = { type: "ExternalName", externalName: "db.example.com" })),
            ];
            assert.deepStrictEqual(checkServiceSelectors(stack), []);
        });

        it("catches a blue/green switch to a slot that does not exist", () => {
            const svc = service("demo", { "app.kubernetes.io/name": "demo", "rollout.dev/slot": "purple" });
            const findings = checkServiceSelectors([blue, green, svc]);
            assert.strictEqual(findings.length, 1);
            assert.strictEqual(findings[0]?.resource, svc);
            assert.match(
                findings[0]?.message ?? "",
                /^Service staging-demo\/demo: spec\.selector \{app\.kubernetes\.io\/name=demo, rollout\.dev\/slot=purple\} matches the pod template labels of no Deployment/,
            );
        });

        it("does not match workloads of another namespace", () => {
            const svc = service("demo", { "app.kubernetes.io/name": "demo" }, "other");
            assert.strictEqual(checkServiceSelectors([blue, svc]).length, 1);
        });
    });

    describe("httproute-backends", () => {
        const services = [service("demo-stable", {}), service("demo-canary", {})];

        it("passes weighted backends naming Services of the stack (CustomResource and typed HTTPRoute)", () => {
            const rules = [
                [
                    { name: "demo-stable", weight: 90 },
                    { name: "demo-canary", weight: 10 },
                ],
                [{ name: "demo-stable" }],
            ];
            assert.deepStrictEqual(checkHttpRouteBackends([...services, httpRoute("demo", rules)]), []);
            assert.deepStrictEqual(checkHttpRouteBackends([...services, httpRoute("demo", rules, { typed: true })]), []);
            const allOnCanary = [
                [
                    { name: "demo-stable", weight: 0 },
                    { name: "demo-canary", weight: 1000000 },
                ],
            ];
            assert.deepStrictEqual(checkHttpRouteBackends([...services, httpRoute("demo", allOnCanary)]), []);
        });

        it("reports weights that are not integers in 0..1000000", () => {
            const route = httpRoute("demo", [
                [
                    { name: "demo-stable", weight: 1.5 },
                    { name: "demo-canary", weight: 1000001 },
                    { name: "demo-canary", weight: "10" },
                ],
            ]);
            assert.deepStrictEqual(messages(checkHttpRouteBackends([...services, route])), [
                "HTTPRoute staging-demo/demo: spec.rules[0].backendRefs[0].weight is 1.5; it must be an integer between 0 and 1000000",
                "HTTPRoute staging-demo/demo: spec.rules[0].backendRefs[1].weight is 1000001; it must be an integer between 0 and 1000000",
                'HTTPRoute staging-demo/demo: spec.rules[0].backendRefs[2].weight is "10"; it must be an integer between 0 and 1000000',
                "HTTPRoute staging-demo/demo: spec.rules[0].backendRefs has no backend with a weight above 0; at least one backend per rule must receive traffic",
            ]);
        });

        it("reports a rule whose backends all have weight 0", () => {
            const route = httpRoute(
                "demo",
                [
                    [
                        { name: "demo-stable", weight: 0 },
                        { name: "demo-canary", weight: 0 },
                    ],
                ],
                { typed: true },
            );
            assert.deepStrictEqual(messages(checkHttpRouteBackends([...services, route])), [
                "HTTPRoute staging-demo/demo: spec.rules[0].backendRefs has no backend with a weight above 0; at least one backend per rule must receive traffic",
            ]);
        });

        it("reports backends naming missing Services, other namespaces or wrong ports", () => {
            const route = httpRoute("demo", [
                [
                    { name: "demo-stable", weight: 50 },
                    { name: "demo-green", weight: 50 },
                ],
                [{ name: "demo-stable", namespace: "prod" }],
                [{ name: "demo-canary", port: 8443 }],
            ]);
            assert.deepStrictEqual(messages(checkHttpRouteBackends([...services, route])), [
                'HTTPRoute staging-demo/demo: spec.rules[0].backendRefs[1].name "demo-green" names no Service of the stack in namespace staging-demo',
                'HTTPRoute staging-demo/demo: spec.rules[1].backendRefs[0].namespace is "prod"; backends must be Services in the route\'s namespace staging-demo',
                "HTTPRoute staging-demo/demo: spec.rules[2].backendRefs[0].port 8443 is not a port of Service staging-demo/demo-canary (ports: 80)",
            ]);
        });
    });
});

describe("traffic (exact findings and boundaries)", () => {
    const ROUTE = "HTTPRoute staging-demo/demo";
    const noWeight = (i: number) =>
        `${ROUTE}: spec.rules[${i}].backendRefs has no backend with a weight above 0; at least one backend per rule must receive traffic`;
    const badWeight = (path: string, shown: string) => `${ROUTE}: ${path}.weight is ${shown}; it must be an integer between 0 and 1000000`;
    const services = [service("demo-stable", {}), service("demo-canary", {})];
    const run = (...rules: Backend[][]) => messages(checkHttpRouteBackends([...services, httpRoute("demo", rules)]));

    describe("service-selects-workload", () => {
        it("gives the exact message, naming the Service's namespace", () => {
            const svc = service("demo", { "app.kubernetes.io/name": "demo" }, "other");
            assert.deepStrictEqual(checkServiceSelectors([blue, svc]), [
                {
                    resource: svc,
                    message:
                        "Service other/demo: spec.selector {app.kubernetes.io/name=demo} matches the pod template labels of no Deployment, StatefulSet or DaemonSet in namespace other; the Service would have no endpoints (e.g. a blue/green switch to a slot that does not exist)",
                },
            ]);
        });

        it("passes a selector that is a subset of the pod labels, also of a DaemonSet, and fails one key more", () => {
            assert.deepStrictEqual(checkServiceSelectors([daemonSet(), service("agent", { "app.kubernetes.io/name": "node-agent" })]), []);
            const extra = service("demo", { "app.kubernetes.io/name": "demo", tier: "web" });
            assert.strictEqual(checkServiceSelectors([blue, extra]).length, 1);
        });

        it("skips Services without a selector, or whose selector has no string values", () => {
            assert.deepStrictEqual(checkServiceSelectors([service("headless", {})]), []);
            assert.deepStrictEqual(checkServiceSelectors([mutate(service("s", {}), (p) => delete p.spec.selector)]), []);
            assert.deepStrictEqual(checkServiceSelectors([mutate(service("s", {}), (p) => (p.spec.selector = { app: 1 }))]), []);
        });

        it("reports a LoadBalancer Service like any other, and ignores non-Service resources with a selector", () => {
            const lb = mutate(service("lb", { "app.kubernetes.io/name": "nope" }), (p) => (p.spec.type = "LoadBalancer"));
            assert.strictEqual(checkServiceSelectors([lb]).length, 1);
            assert.deepStrictEqual(checkServiceSelectors([pdbLike()]), []);
        });
    });

    describe("httproute-backends", () => {
        it("accepts weights 0 and 1000000 and reports -1 and 1000001", () => {
            assert.deepStrictEqual(
                run([
                    { name: "demo-stable", weight: 0 },
                    { name: "demo-canary", weight: 1000000 },
                ]),
                [],
            );
            assert.deepStrictEqual(
                run([
                    { name: "demo-stable", weight: -1 },
                    { name: "demo-canary", weight: 1 },
                ]),
                [badWeight("spec.rules[0].backendRefs[0]", "-1")],
            );
        });

        it("counts a missing or null weight as 1", () => {
            assert.deepStrictEqual(run([{ name: "demo-stable", weight: null }]), []);
            assert.deepStrictEqual(run([{ name: "demo-stable" }, { name: "demo-canary", weight: 0 }]), []);
        });

        it("reports NaN and Infinity as non-integers", () => {
            assert.deepStrictEqual(run([{ name: "demo-stable", weight: Number.POSITIVE_INFINITY }]), [
                badWeight("spec.rules[0].backendRefs[0]", "Infinity"),
                noWeight(0),
            ]);
        });

        it("judges each rule on its own, and not a rule without backends", () => {
            assert.deepStrictEqual(run([{ name: "demo-stable", weight: 5 }], [{ name: "demo-canary", weight: 0 }], []), [noWeight(1)]);
            const empty = mutate(httpRoute("demo", []), (p) => delete p.spec.rules);
            assert.deepStrictEqual(checkHttpRouteBackends([empty]), []);
        });

        it("does not look up backends that are not core Services, but counts their weight", () => {
            assert.deepStrictEqual(run([{ name: "elsewhere", kind: "ServiceImport", weight: 10 }]), []);
            const withGroup = mutate(
                httpRoute("demo", [[{ name: "elsewhere" }]]),
                (p) => (p.spec.rules[0].backendRefs[0].group = "multicluster.x-k8s.io"),
            );
            assert.deepStrictEqual(checkHttpRouteBackends([withGroup]), []);
            const core = mutate(httpRoute("demo", [[{ name: "missing" }]]), (p) => (p.spec.rules[0].backendRefs[0].group = "core"));
            assert.deepStrictEqual(messages(checkHttpRouteBackends([core])), [
                `${ROUTE}: spec.rules[0].backendRefs[0].name "missing" names no Service of the stack in namespace staging-demo`,
            ]);
            const emptyGroup = mutate(
                httpRoute("demo", [[{ name: "missing", kind: "Service" }]]),
                (p) => (p.spec.rules[0].backendRefs[0].group = ""),
            );
            assert.strictEqual(checkHttpRouteBackends([emptyGroup]).length, 1);
        });

        it("reports a backend without a name, and accepts the route's namespace written out", () => {
            assert.deepStrictEqual(
                messages(
                    checkHttpRouteBackends([
                        ...services,
                        httpRoute("demo", [[{ name: "" }, { name: "demo-stable", namespace: "staging-demo" }]]),
                    ]),
                ),
                [`${ROUTE}: spec.rules[0].backendRefs[0].name is missing; it must name a Service in namespace staging-demo`],
            );
        });

        it("finds Services by namespace and metadata.name", () => {
            const elsewhere = service("demo-stable", {}, "other");
            assert.deepStrictEqual(messages(checkHttpRouteBackends([elsewhere, httpRoute("demo", [[{ name: "demo-stable" }]])])), [
                `${ROUTE}: spec.rules[0].backendRefs[0].name "demo-stable" names no Service of the stack in namespace staging-demo`,
            ]);
            const renamed = { ...service("svc", {}), name: "logical" };
            assert.deepStrictEqual(checkHttpRouteBackends([renamed, httpRoute("demo", [[{ name: "svc" }]])]), []);
        });

        it("checks the port against every Service port, and skips Services without ports", () => {
            const twoPorts = mutate(service("demo-stable", {}), (p) => p.spec.ports.push({ name: "https", port: 443 }));
            assert.deepStrictEqual(checkHttpRouteBackends([twoPorts, httpRoute("demo", [[{ name: "demo-stable", port: 443 }]])]), []);
            assert.deepStrictEqual(
                messages(checkHttpRouteBackends([twoPorts, httpRoute("demo", [[{ name: "demo-stable", port: 8080 }]])])),
                [`${ROUTE}: spec.rules[0].backendRefs[0].port 8080 is not a port of Service staging-demo/demo-stable (ports: 80, 443)`],
            );
            const noPorts = mutate(service("demo-stable", {}), (p) => delete p.spec.ports);
            assert.deepStrictEqual(checkHttpRouteBackends([noPorts, httpRoute("demo", [[{ name: "demo-stable", port: 8080 }]])]), []);
        });

        it("ignores HTTPRoutes of another API group", () => {
            const foreign = mutate(httpRoute("demo", [[{ name: "nothing", weight: 0 }]]), (p) => (p.apiVersion = "example.com/v1"));
            assert.deepStrictEqual(checkHttpRouteBackends([foreign]), []);
        });
    });
});

function pdbLike(): PolicyResource {
    return {
        type: "kubernetes:policy/v1:PodDisruptionBudget",
        name: "x",
        props: { metadata: { name: "x", namespace: "staging-demo" }, spec: { selector: { "app.kubernetes.io/name": "nope" } } },
    };
}

describe("traffic (lookups that must stay narrow)", () => {
    it("skips an ExternalName Service even with a selector", () => {
        const ext = mutate(service("ext", { "app.kubernetes.io/name": "nothing" }), (p) => (p.spec.type = "ExternalName"));
        assert.deepStrictEqual(checkServiceSelectors([ext]), []);
    });

    it("looks backends up among Services only, survives a null rule and a backendRef without port", () => {
        const notAService = { ...deployment({ name: "demo-api" }), name: "demo-api" };
        assert.deepStrictEqual(messages(checkHttpRouteBackends([notAService, httpRoute("demo", [[{ name: "demo-api" }]])])), [
            'HTTPRoute staging-demo/demo: spec.rules[0].backendRefs[0].name "demo-api" names no Service of the stack in namespace staging-demo',
        ]);
        const route = mutate(httpRoute("demo", [[{ name: "demo-stable" }]]), (p) => {
            delete p.spec.rules[0].backendRefs[0].port;
            p.spec.rules.unshift(null);
        });
        assert.deepStrictEqual(checkHttpRouteBackends([service("demo-stable", {}), route]), []);
    });

    it("lists only the numeric Service ports", () => {
        const svc = mutate(service("demo-stable", {}), (p) => (p.spec.ports = [null, { name: "metrics" }, { name: "http", port: 80 }]));
        assert.deepStrictEqual(messages(checkHttpRouteBackends([svc, httpRoute("demo", [[{ name: "demo-stable", port: 8080 }]])])), [
            "HTTPRoute staging-demo/demo: spec.rules[0].backendRefs[0].port 8080 is not a port of Service staging-demo/demo-stable (ports: 80)",
        ]);
    });
});
