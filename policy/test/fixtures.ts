// Builders for realistic, compliant resources. Tests clone one and break a single field.

import type { PolicyResource } from "../lib/types";

/* eslint-disable @typescript-eslint/no-explicit-any */
export type AnyProps = any;

export const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
export const REGISTRY = "us-central1-docker.pkg.dev/acme-prod/rollout/";
export const IMAGE = `${REGISTRY}demo@${DIGEST}`;
export const NAMESPACE = "staging-demo";

export function clone<T>(v: T): T {
    return JSON.parse(JSON.stringify(v)) as T;
}

/** A deep copy of `r` with `edit` applied to its props. */
export function mutate(r: PolicyResource, edit: (props: AnyProps) => void): PolicyResource {
    const copy = clone(r);
    edit(copy.props as AnyProps);
    return copy;
}

export function podLabels(app = "demo", extra: Record<string, string> = {}): Record<string, string> {
    return {
        "app.kubernetes.io/name": app,
        "app.kubernetes.io/instance": `${app}-prod`,
        "app.kubernetes.io/version": "1.4.2",
        "app.kubernetes.io/managed-by": "pulumi",
        "app.kubernetes.io/part-of": "rollout",
        ...extra,
    };
}

export function container(name = "demo", image = IMAGE): AnyProps {
    return {
        name,
        image,
        ports: [{ name: "http", containerPort: 8080 }],
        readinessProbe: { httpGet: { path: "/readyz", port: "http" }, periodSeconds: 5, failureThreshold: 3 },
        livenessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10, failureThreshold: 3 },
        startupProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 2, failureThreshold: 60 },
        lifecycle: { preStop: { sleep: { seconds: 10 } } },
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
        securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        },
    };
}

export function initContainer(name = "migrate", image = IMAGE): AnyProps {
    return {
        name,
        image,
        command: ["/app/migrate", "--wait"],
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    };
}

export interface WorkloadOptions {
    name?: string;
    namespace?: string;
    app?: string;
    labels?: Record<string, string>;
    replicas?: number;
    annotations?: Record<string, string>;
    image?: string;
}

function podTemplate(o: WorkloadOptions, labels: Record<string, string>): AnyProps {
    return {
        metadata: { labels },
        spec: {
            serviceAccountName: o.app ?? "demo",
            terminationGracePeriodSeconds: 45,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, fsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
            initContainers: [initContainer("migrate", o.image ?? IMAGE)],
            containers: [container(o.app ?? "demo", o.image ?? IMAGE)],
        },
    };
}

/** A Deployment that passes every rule in production. */
export function deployment(o: WorkloadOptions = {}): PolicyResource {
    const app = o.app ?? "demo";
    const name = o.name ?? app;
    const labels = { ...podLabels(app), "rollout.dev/track": "stable", ...(o.labels ?? {}) };
    return {
        type: "kubernetes:apps/v1:Deployment",
        name,
        props: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: {
                name,
                namespace: o.namespace ?? NAMESPACE,
                labels: podLabels(app),
                annotations: { "pulumi.com/timeoutSeconds": "420", ...(o.annotations ?? {}) },
            },
            spec: {
                replicas: o.replicas ?? 3,
                minReadySeconds: 10,
                progressDeadlineSeconds: 300,
                revisionHistoryLimit: 5,
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                selector: { matchLabels: labels },
                template: podTemplate(o, labels),
            },
        },
    };
}

export function statefulSet(o: WorkloadOptions = {}): PolicyResource {
    const app = o.app ?? "cache";
    const name = o.name ?? app;
    const labels = { ...podLabels(app), ...(o.labels ?? {}) };
    return {
        type: "kubernetes:apps/v1:StatefulSet",
        name,
        props: {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: { name, namespace: o.namespace ?? NAMESPACE, labels, annotations: { ...(o.annotations ?? {}) } },
            spec: {
                replicas: o.replicas ?? 3,
                serviceName: name,
                minReadySeconds: 10,
                updateStrategy: { type: "RollingUpdate" },
                selector: { matchLabels: labels },
                template: podTemplate({ ...o, app }, labels),
            },
        },
    };
}

export function daemonSet(o: WorkloadOptions = {}): PolicyResource {
    const app = o.app ?? "node-agent";
    const name = o.name ?? app;
    const labels = { ...podLabels(app), ...(o.labels ?? {}) };
    return {
        type: "kubernetes:apps/v1:DaemonSet",
        name,
        props: {
            apiVersion: "apps/v1",
            kind: "DaemonSet",
            metadata: { name, namespace: o.namespace ?? NAMESPACE, labels, annotations: { ...(o.annotations ?? {}) } },
            spec: {
                minReadySeconds: 10,
                updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
                selector: { matchLabels: labels },
                template: podTemplate({ ...o, app }, labels),
            },
        },
    };
}

export function service(name: string, selector: Record<string, string>, namespace = NAMESPACE, port = 80): PolicyResource {
    return {
        type: "kubernetes:core/v1:Service",
        name,
        props: {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name, namespace, labels: podLabels("demo") },
            spec: { type: "ClusterIP", selector, ports: [{ name: "http", port, targetPort: "http" }] },
        },
    };
}

export function pdb(
    name: string,
    matchLabels: Record<string, string>,
    budget: { minAvailable?: number | string; maxUnavailable?: number | string } = { maxUnavailable: 1 },
    namespace = NAMESPACE,
): PolicyResource {
    return {
        type: "kubernetes:policy/v1:PodDisruptionBudget",
        name,
        props: {
            apiVersion: "policy/v1",
            kind: "PodDisruptionBudget",
            metadata: { name, namespace },
            spec: { selector: { matchLabels }, ...budget },
        },
    };
}

export function hpa(
    name: string,
    target: { kind: string; name: string },
    minReplicas: number | undefined,
    namespace = NAMESPACE,
): PolicyResource {
    return {
        type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        name,
        props: {
            apiVersion: "autoscaling/v2",
            kind: "HorizontalPodAutoscaler",
            metadata: { name, namespace },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", ...target },
                ...(minReplicas === undefined ? {} : { minReplicas }),
                maxReplicas: 10,
                metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
            },
        },
    };
}

export interface Backend {
    name: string;
    weight?: unknown;
    port?: number;
    namespace?: string;
    kind?: string;
}

/** An HTTPRoute as the program creates it (generic CustomResource) or typed (`typed: true`). */
export function httpRoute(name: string, rules: Backend[][], opts: { typed?: boolean; namespace?: string } = {}): PolicyResource {
    return {
        type: opts.typed ? "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute" : "kubernetes:apiextensions.k8s.io:CustomResource",
        name,
        props: {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: { name, namespace: opts.namespace ?? NAMESPACE },
            spec: {
                parentRefs: [{ name: "public", namespace: "gateway" }],
                hostnames: ["demo.example.com"],
                rules: rules.map((backendRefs) => ({
                    matches: [{ path: { type: "PathPrefix", value: "/" } }],
                    backendRefs: backendRefs.map((b) => ({ port: 80, ...b })),
                })),
            },
        },
    };
}

export function role(name: string, rules: AnyProps[], opts: { cluster?: boolean; namespace?: string } = {}): PolicyResource {
    const kind = opts.cluster ? "ClusterRole" : "Role";
    return {
        type: `kubernetes:rbac.authorization.k8s.io/v1:${kind}`,
        name,
        props: {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind,
            metadata: opts.cluster ? { name } : { name, namespace: opts.namespace ?? NAMESPACE },
            rules,
        },
    };
}

/** The narrow Role the CD agent needs to roll out workloads. */
export function deployerRole(namespace = NAMESPACE): PolicyResource {
    return role(
        "cd-deployer",
        [
            {
                apiGroups: ["apps"],
                resources: ["deployments", "statefulsets", "daemonsets"],
                verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
            },
            {
                apiGroups: [""],
                resources: ["services", "configmaps", "serviceaccounts"],
                verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
            },
            {
                apiGroups: ["policy"],
                resources: ["poddisruptionbudgets"],
                verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
            },
            {
                apiGroups: ["gateway.networking.k8s.io"],
                resources: ["httproutes"],
                verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
            },
        ],
        { namespace },
    );
}

export function binding(
    name: string,
    roleRef: { kind: "Role" | "ClusterRole"; name: string },
    subjects: AnyProps[],
    opts: { cluster?: boolean; namespace?: string } = {},
): PolicyResource {
    const kind = opts.cluster ? "ClusterRoleBinding" : "RoleBinding";
    return {
        type: `kubernetes:rbac.authorization.k8s.io/v1:${kind}`,
        name,
        props: {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind,
            metadata: opts.cluster ? { name } : { name, namespace: opts.namespace ?? NAMESPACE },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef },
            subjects,
        },
    };
}

export const CD_SUBJECT = { kind: "ServiceAccount", name: "cd-agent", namespace: "cd" };

export function gkeCluster(extra: AnyProps = {}, protect = true): PolicyResource {
    return {
        type: "gcp:container/cluster:Cluster",
        name: "rollout",
        props: {
            name: "rollout-prod",
            location: "us-central1",
            removeDefaultNodePool: true,
            initialNodeCount: 1,
            releaseChannel: { channel: "REGULAR" },
            workloadIdentityConfig: { workloadPool: "acme-prod.svc.id.goog" },
            deletionProtection: true,
            ...extra,
        },
        opts: { protect },
    };
}

export function nodePool(nodeConfig: AnyProps = {}): PolicyResource {
    return {
        type: "gcp:container/nodePool:NodePool",
        name: "primary",
        props: {
            name: "primary",
            cluster: "rollout-prod",
            location: "us-central1",
            autoscaling: { minNodeCount: 1, maxNodeCount: 5 },
            nodeConfig: {
                machineType: "e2-standard-4",
                serviceAccount: "gke-nodes@acme-prod.iam.gserviceaccount.com",
                oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                workloadMetadataConfig: { mode: "GKE_METADATA" },
                ...nodeConfig,
            },
        },
    };
}

export function registry(extra: AnyProps = {}, protect = true): PolicyResource {
    return {
        type: "gcp:artifactregistry/repository:Repository",
        name: "images",
        props: {
            repositoryId: "rollout",
            location: "us-central1",
            format: "DOCKER",
            dockerConfig: { immutableTags: true },
            ...extra,
        },
        opts: { protect },
    };
}

export function iamMember(role: string, member: string, type = "gcp:projects/iAMMember:IAMMember"): PolicyResource {
    return { type, name: `iam-${role.replace(/\W/g, "-")}`, props: { project: "acme-prod", role, member } };
}

/** A default-deny NetworkPolicy for a namespace (podSelector {}, no ingress rules). */
export function defaultDeny(namespace = NAMESPACE): PolicyResource {
    return {
        type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        name: `${namespace}-default-deny`,
        props: {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "default-deny", namespace },
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        },
    };
}

/** A small production-shaped stack that passes every rule in every environment. */
export function compliantStack(): PolicyResource[] {
    const blue = deployment({ name: "demo-blue", labels: { "rollout.dev/slot": "blue" } });
    const green = deployment({
        name: "demo-green",
        labels: { "rollout.dev/slot": "green" },
        replicas: 0,
        annotations: { "rollout.dev/role": "idle" },
    });
    return [
        gkeCluster(),
        nodePool(),
        registry(),
        iamMember(
            "roles/artifactregistry.reader",
            "serviceAccount:gke-nodes@acme-prod.iam.gserviceaccount.com",
            "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
        ),
        blue,
        green,
        service("demo", { "app.kubernetes.io/name": "demo", "rollout.dev/slot": "blue" }),
        service("demo-preview", { "app.kubernetes.io/name": "demo", "rollout.dev/slot": "green" }),
        pdb("demo", { "app.kubernetes.io/name": "demo" }, { maxUnavailable: 1 }),
        httpRoute("demo", [
            [
                { name: "demo", weight: 100 },
                { name: "demo-preview", weight: 0 },
            ],
        ]),
        deployerRole(),
        binding("cd-deployer", { kind: "Role", name: "cd-deployer" }, [CD_SUBJECT]),
        defaultDeny(),
    ];
}
