import * as assert from "assert";
import type { StackFinding } from "../lib/types";
import { checkHttpRouteBackends, checkServiceSelectors } from "../rules/traffic";
import { deployment, httpRoute, mutate, service, statefulSet } from "./fixtures";

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
