// lib/util.ts: the prop readers and Kubernetes helpers every rule relies on, by exact value.

import * as assert from "assert";
import type { PolicyResource } from "../lib/types";
import {
    annotations,
    at,
    containersOf,
    describe as describeResource,
    fmt,
    intOrString,
    isIdleOrCanary,
    isK8s,
    isSet,
    k8sKind,
    k8sName,
    labelSelectorMatches,
    list,
    longRunningKind,
    mapSelectorMatches,
    namespaceOf,
    num,
    percent,
    podKind,
    podTemplate,
    rec,
    replicasOf,
    str,
    strMap,
    strings,
} from "../lib/util";

const res = (type: string, props: Record<string, unknown> = {}, name = "logical"): PolicyResource => ({ type, name, props });
const CR = "kubernetes:apiextensions.k8s.io:CustomResource";

describe("lib/util", () => {
    describe("readers", () => {
        it("rec accepts plain objects only", () => {
            const o = { a: 1 };
            assert.strictEqual(rec(o), o);
            for (const v of [null, undefined, [1], "x", 1, true]) assert.strictEqual(rec(v), undefined, String(v));
        });

        it("list, str, num and strings keep only their type", () => {
            assert.deepStrictEqual(list([1, "a"]), [1, "a"]);
            assert.deepStrictEqual(list({ 0: "a" }), []);
            assert.deepStrictEqual(list("ab"), []);
            assert.strictEqual(str("x"), "x");
            assert.strictEqual(str(""), "");
            assert.strictEqual(str(1), undefined);
            assert.strictEqual(num(0), 0);
            assert.strictEqual(num(-2.5), -2.5);
            for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, "1", null]) {
                assert.strictEqual(num(v), undefined, String(v));
            }
            assert.deepStrictEqual(strings(["a", 1, null, "", "b"]), ["a", "", "b"]);
            assert.deepStrictEqual(strings("a"), []);
        });

        it("at walks objects by key and arrays by index only", () => {
            const o = { spec: { items: [{ name: "a" }, { name: "b" }] } };
            assert.strictEqual(at(o, "spec", "items", 1, "name"), "b");
            assert.strictEqual(at(o, "spec", "items", "1", "name"), undefined);
            assert.strictEqual(at(o, "spec", 0), undefined);
            assert.strictEqual(at(o, "spec", "missing", "deeper"), undefined);
            assert.strictEqual(at(o, "spec", "items", 5), undefined);
            assert.strictEqual(at(null, "a"), undefined);
            assert.strictEqual(at(o), o);
        });

        it("strMap drops non-string values and reads nothing from non-objects", () => {
            assert.deepStrictEqual(strMap({ a: "1", b: 2, c: null, d: "" }), { a: "1", d: "" });
            assert.deepStrictEqual(strMap(["a"]), {});
            assert.deepStrictEqual(strMap(undefined), {});
        });

        it("isSet is false only for undefined, null and the empty string", () => {
            for (const v of [undefined, null, ""]) assert.strictEqual(isSet(v), false, String(v));
            for (const v of [0, false, " ", {}, []]) assert.strictEqual(isSet(v), true, JSON.stringify(v));
        });

        it("fmt quotes strings only", () => {
            assert.strictEqual(fmt("25%"), '"25%"');
            assert.strictEqual(fmt(""), '""');
            assert.strictEqual(fmt(0), "0");
            assert.strictEqual(fmt(undefined), "undefined");
            assert.strictEqual(fmt(null), "null");
            assert.strictEqual(fmt(true), "true");
        });
    });

    describe("kinds", () => {
        it("reads group, version and kind from the type token, core when there is no group", () => {
            assert.deepStrictEqual(k8sKind(res("kubernetes:apps/v1:Deployment")), { group: "apps", version: "v1", kind: "Deployment" });
            assert.deepStrictEqual(k8sKind(res("kubernetes:core/v1:Service")), { group: "core", version: "v1", kind: "Service" });
            assert.deepStrictEqual(k8sKind(res("kubernetes:v1:Widget")), { group: "core", version: "v1", kind: "Widget" });
            assert.deepStrictEqual(k8sKind(res("kubernetes:gateway.networking.k8s.io/v1beta1:HTTPRoute")), {
                group: "gateway.networking.k8s.io",
                version: "v1beta1",
                kind: "HTTPRoute",
            });
        });

        it("rejects type tokens that are not one Kubernetes kind", () => {
            for (const type of [
                "gcp:container/cluster:Cluster",
                "kubernetes:apps/v1:Deployment:extra",
                "xkubernetes:apps/v1:Deployment",
                "kubernetes:apps/v1:",
                "kubernetes:a/b/v1:Deployment",
                "kubernetes:apps/v1:Deploy-ment",
                "kubernetes:helm.sh/v3:Chart ",
            ]) {
                assert.strictEqual(k8sKind(res(type)), undefined, type);
            }
        });

        it("reads a CustomResource from apiVersion and kind", () => {
            assert.deepStrictEqual(k8sKind(res(CR, { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute" })), {
                group: "gateway.networking.k8s.io",
                version: "v1",
                kind: "HTTPRoute",
            });
            assert.deepStrictEqual(k8sKind(res(CR, { apiVersion: "v1", kind: "Thing" })), { group: "core", version: "v1", kind: "Thing" });
            assert.strictEqual(k8sKind(res(CR, { apiVersion: "v1" })), undefined);
            assert.strictEqual(k8sKind(res(CR, { kind: "Thing" })), undefined);
            assert.strictEqual(k8sKind(res(CR, { apiVersion: "", kind: "Thing" })), undefined);
            assert.strictEqual(k8sKind(res(CR, { apiVersion: "a/v1", kind: "" })), undefined);
        });

        it("isK8s needs the group and one of the kinds", () => {
            const d = res("kubernetes:apps/v1:Deployment");
            assert.strictEqual(isK8s(d, "apps", "StatefulSet", "Deployment"), true);
            assert.strictEqual(isK8s(d, "extensions", "Deployment"), false);
            assert.strictEqual(isK8s(d, "apps"), false);
            assert.strictEqual(isK8s(res("gcp:x/y:Deployment"), "apps", "Deployment"), false);
        });

        it("knows long-running kinds of apps only, and pod kinds of batch and core", () => {
            for (const kind of ["Deployment", "StatefulSet", "DaemonSet"] as const) {
                assert.strictEqual(longRunningKind(res(`kubernetes:apps/v1:${kind}`)), kind);
                assert.strictEqual(podKind(res(`kubernetes:apps/v1:${kind}`)), kind);
            }
            assert.strictEqual(longRunningKind(res("kubernetes:apps/v1:ReplicaSet")), undefined);
            assert.strictEqual(longRunningKind(res("kubernetes:example.com/v1:Deployment")), undefined);
            assert.strictEqual(longRunningKind(res("gcp:a/b:C")), undefined);
            assert.strictEqual(podKind(res("kubernetes:batch/v1:Job")), "Job");
            assert.strictEqual(podKind(res("kubernetes:batch/v1:CronJob")), "CronJob");
            assert.strictEqual(podKind(res("kubernetes:core/v1:Pod")), "Pod");
            assert.strictEqual(podKind(res("kubernetes:batch/v1:Pod")), undefined);
            assert.strictEqual(podKind(res("kubernetes:core/v1:Job")), undefined);
            assert.strictEqual(podKind(res("kubernetes:apps/v1:Pod")), undefined);
            assert.strictEqual(podKind(res("kubernetes:batch/v1:Task")), undefined);
            assert.strictEqual(podKind(res("gcp:a/b:Pod")), undefined);
        });
    });

    describe("names", () => {
        it("namespaceOf and k8sName fall back to default and the logical name", () => {
            assert.strictEqual(namespaceOf({ metadata: { namespace: "ns" } }), "ns");
            assert.strictEqual(namespaceOf({ metadata: { namespace: "" } }), "default");
            assert.strictEqual(namespaceOf({}), "default");
            assert.strictEqual(k8sName(res("kubernetes:v1:X", { metadata: { name: "real" } })), "real");
            assert.strictEqual(k8sName(res("kubernetes:v1:X", { metadata: { name: "" } })), "logical");
            assert.strictEqual(k8sName(res("kubernetes:v1:X", {})), "logical");
        });

        it("describes namespaced and cluster-scoped Kubernetes kinds", () => {
            assert.strictEqual(
                describeResource(res("kubernetes:apps/v1:Deployment", { metadata: { name: "d", namespace: "ns" } })),
                "Deployment ns/d",
            );
            assert.strictEqual(describeResource(res("kubernetes:apps/v1:Deployment", { metadata: { name: "d" } })), "Deployment default/d");
            for (const [type, kind] of [
                ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "ClusterRole"],
                ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "ClusterRoleBinding"],
                ["kubernetes:core/v1:Namespace", "Namespace"],
                ["kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", "CustomResourceDefinition"],
                ["kubernetes:core/v1:PersistentVolume", "PersistentVolume"],
                ["kubernetes:storage.k8s.io/v1:StorageClass", "StorageClass"],
                ["kubernetes:scheduling.k8s.io/v1:PriorityClass", "PriorityClass"],
                ["kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "GatewayClass"],
            ]) {
                assert.strictEqual(describeResource(res(type!, { metadata: { name: "x", namespace: "ignored" } })), `${kind} x`, type);
            }
        });

        it("describes other resources by the last part of the type and props.name", () => {
            assert.strictEqual(describeResource(res("gcp:container/cluster:Cluster", { name: "prod" })), "Cluster prod");
            assert.strictEqual(describeResource(res("gcp:container/cluster:Cluster", { name: "" })), "Cluster logical");
            assert.strictEqual(describeResource(res("gcp:container/cluster:Cluster", { name: 3 })), "Cluster logical");
            assert.strictEqual(describeResource(res("custom:", {})), "custom: logical");
        });
    });

    describe("pod templates and containers", () => {
        const tpl = { metadata: { labels: { app: "a", n: 1 } }, spec: { containers: [{ name: "c" }] } };

        it("finds the template of workloads, Jobs, CronJobs and Pods with its path and string labels", () => {
            assert.deepStrictEqual(podTemplate(res("kubernetes:apps/v1:StatefulSet", { spec: { template: tpl } })), {
                spec: tpl.spec,
                path: "spec.template.spec",
                labels: { app: "a" },
            });
            assert.deepStrictEqual(podTemplate(res("kubernetes:batch/v1:Job", { spec: { template: tpl } })), {
                spec: tpl.spec,
                path: "spec.template.spec",
                labels: { app: "a" },
            });
            assert.deepStrictEqual(
                podTemplate(res("kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template: tpl } } } })),
                {
                    spec: tpl.spec,
                    path: "spec.jobTemplate.spec.template.spec",
                    labels: { app: "a" },
                },
            );
            assert.deepStrictEqual(podTemplate(res("kubernetes:core/v1:Pod", { metadata: tpl.metadata, spec: tpl.spec })), {
                spec: tpl.spec,
                path: "spec",
                labels: { app: "a" },
            });
        });

        it("gives an empty spec and labels when the template is missing, and nothing for other kinds", () => {
            const empty = { spec: {}, path: "spec.template.spec", labels: {} };
            assert.deepStrictEqual(podTemplate(res("kubernetes:apps/v1:Deployment", {})), empty);
            assert.deepStrictEqual(podTemplate(res("kubernetes:batch/v1:CronJob", {})), {
                spec: {},
                path: "spec.jobTemplate.spec.template.spec",
                labels: {},
            });
            assert.deepStrictEqual(podTemplate(res("kubernetes:core/v1:Pod", { spec: "x" })), { spec: {}, path: "spec", labels: {} });
            assert.strictEqual(podTemplate(res("kubernetes:core/v1:Service", { spec: { template: tpl } })), undefined);
        });

        it("lists init containers first when asked, with paths, init flags and names (#index when unnamed)", () => {
            const t = {
                spec: { initContainers: [{ name: "i" }], containers: [{ name: "a" }, null, { image: "x" }] },
                path: "p",
                labels: {},
            };
            assert.deepStrictEqual(containersOf(t, { includeInit: true }), [
                { container: { name: "i" }, path: "p.initContainers[0]", init: true, name: "i" },
                { container: { name: "a" }, path: "p.containers[0]", init: false, name: "a" },
                { container: {}, path: "p.containers[1]", init: false, name: "#1" },
                { container: { image: "x" }, path: "p.containers[2]", init: false, name: "#2" },
            ]);
            assert.deepStrictEqual(
                containersOf(t, { includeInit: false }).map((c) => c.path),
                ["p.containers[0]", "p.containers[1]", "p.containers[2]"],
            );
        });
    });

    describe("workload helpers", () => {
        const withRole = (role: unknown) =>
            res("kubernetes:apps/v1:Deployment", { metadata: { annotations: { "rollout.dev/role": role } } });

        it("reads string annotations and exempts exactly idle and canary", () => {
            assert.deepStrictEqual(annotations(withRole("idle")), { "rollout.dev/role": "idle" });
            assert.deepStrictEqual(annotations(res("kubernetes:v1:X", {})), {});
            assert.strictEqual(isIdleOrCanary(withRole("idle")), true);
            assert.strictEqual(isIdleOrCanary(withRole("canary")), true);
            for (const role of ["stable", "Idle", "", undefined, 1])
                assert.strictEqual(isIdleOrCanary(withRole(role)), false, String(role));
        });

        it("replicasOf defaults to 1 but keeps 0", () => {
            assert.strictEqual(replicasOf(res("kubernetes:apps/v1:Deployment", { spec: { replicas: 0 } })), 0);
            assert.strictEqual(replicasOf(res("kubernetes:apps/v1:Deployment", { spec: { replicas: 4 } })), 4);
            assert.strictEqual(replicasOf(res("kubernetes:apps/v1:Deployment", { spec: { replicas: "4" } })), 1);
            assert.strictEqual(replicasOf(res("kubernetes:apps/v1:Deployment", {})), 1);
        });

        it("percent and intOrString read IntOrString values as the API server does", () => {
            assert.strictEqual(percent("25%"), 25);
            assert.strictEqual(percent("0%"), 0);
            assert.strictEqual(percent(25), undefined);
            assert.strictEqual(percent("25"), undefined);
            assert.strictEqual(intOrString(3), 3);
            assert.strictEqual(intOrString(0), 0);
            assert.strictEqual(intOrString("3"), undefined);
            assert.strictEqual(intOrString("3%"), undefined);
            assert.strictEqual(intOrString(-1), undefined);
        });
    });

    describe("selectors", () => {
        const labels = { app: "demo", tier: "web" };
        const expr = (operator: string, values?: string[], key = "tier") => ({
            matchExpressions: [{ key, operator, ...(values ? { values } : {}) }],
        });

        it("matchLabels must all match; an empty selector selects everything; a missing one nothing", () => {
            assert.strictEqual(labelSelectorMatches({ matchLabels: { app: "demo" } }, labels), true);
            assert.strictEqual(labelSelectorMatches({ matchLabels: { app: "demo", tier: "db" } }, labels), false);
            assert.strictEqual(labelSelectorMatches({ matchLabels: { zone: "a" } }, labels), false);
            assert.strictEqual(labelSelectorMatches({}, labels), true);
            assert.strictEqual(labelSelectorMatches({ matchLabels: {}, matchExpressions: [] }, labels), true);
            assert.strictEqual(labelSelectorMatches(undefined, labels), false);
            assert.strictEqual(labelSelectorMatches("app=demo", labels), false);
        });

        it("In and NotIn", () => {
            assert.strictEqual(labelSelectorMatches(expr("In", ["web", "api"]), labels), true);
            assert.strictEqual(labelSelectorMatches(expr("In", ["api"]), labels), false);
            assert.strictEqual(labelSelectorMatches(expr("In", ["web"], "zone"), labels), false);
            assert.strictEqual(labelSelectorMatches(expr("In", [""], "zone"), labels), false);
            assert.strictEqual(labelSelectorMatches(expr("NotIn", ["api"]), labels), true);
            assert.strictEqual(labelSelectorMatches(expr("NotIn", ["web"]), labels), false);
            assert.strictEqual(labelSelectorMatches(expr("NotIn", ["web"], "zone"), labels), true);
            assert.strictEqual(labelSelectorMatches(expr("NotIn", [""], "zone"), labels), true);
        });

        it("Exists, DoesNotExist, unknown operators, and all expressions together with matchLabels", () => {
            assert.strictEqual(labelSelectorMatches(expr("Exists"), labels), true);
            assert.strictEqual(labelSelectorMatches(expr("Exists", undefined, "zone"), labels), false);
            assert.strictEqual(labelSelectorMatches(expr("DoesNotExist", undefined, "zone"), labels), true);
            assert.strictEqual(labelSelectorMatches(expr("DoesNotExist"), labels), false);
            assert.strictEqual(labelSelectorMatches(expr("Gt", ["1"]), labels), false);
            assert.strictEqual(labelSelectorMatches({ matchExpressions: [{ operator: "Exists" }] }, { "": "x" }), true);
            const both = {
                matchLabels: { app: "demo" },
                matchExpressions: [
                    { key: "tier", operator: "Exists" },
                    { key: "zone", operator: "DoesNotExist" },
                ],
            };
            assert.strictEqual(labelSelectorMatches(both, labels), true);
            assert.strictEqual(labelSelectorMatches({ ...both, matchLabels: { app: "x" } }, labels), false);
            assert.strictEqual(labelSelectorMatches(both, { ...labels, zone: "a" }), false);
            assert.strictEqual(labelSelectorMatches({ matchExpressions: [null] }, labels), false);
        });

        it("does not read inherited properties as labels", () => {
            assert.strictEqual(labelSelectorMatches(expr("Exists", undefined, "toString"), labels), false);
            assert.strictEqual(labelSelectorMatches(expr("DoesNotExist", undefined, "toString"), labels), true);
        });

        it("map selectors: every entry must match and an empty map matches nothing", () => {
            assert.strictEqual(mapSelectorMatches({ app: "demo" }, labels), true);
            assert.strictEqual(mapSelectorMatches({ app: "demo", tier: "web" }, labels), true);
            assert.strictEqual(mapSelectorMatches({ app: "demo", tier: "db" }, labels), false);
            assert.strictEqual(mapSelectorMatches({}, labels), false);
        });
    });
});

describe("lib/util (index and apiVersion edges)", () => {
    it("at reads numeric steps from arrays only", () => {
        assert.strictEqual(at({ 0: "x" }, 0), undefined);
        assert.strictEqual(at("abc", 0), undefined);
        assert.strictEqual(at(["x"], 0), "x");
    });

    it("k8sKind splits a CustomResource apiVersion at its first slash, even at position 0", () => {
        assert.deepStrictEqual(k8sKind(res(CR, { apiVersion: "/v1", kind: "Thing" })), { group: "", version: "v1", kind: "Thing" });
        assert.deepStrictEqual(k8sKind(res(CR, { apiVersion: "a/b/v1", kind: "Thing" })), { group: "a", version: "b/v1", kind: "Thing" });
    });
});
