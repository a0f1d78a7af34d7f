// What the CD identity may do in an app namespace: exactly what a rollout needs. No secrets, no
// wildcards, no RBAC objects (so no escalation), nothing cluster-scoped.

export interface PolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
}

const read = ["get", "list", "watch"];
const write = [...read, "create", "update", "patch", "delete"];

/** A fresh copy per call: the verb lists are shared constants, and a caller must not widen the next role by editing one. */
export function cdRoleRules(): PolicyRule[] {
  return [
    { apiGroups: ["apps"], resources: ["deployments", "statefulsets", "daemonsets"], verbs: [...write] },
    { apiGroups: ["apps"], resources: ["deployments/scale", "statefulsets/scale"], verbs: ["get", "update", "patch"] },
    { apiGroups: ["apps"], resources: ["replicasets", "controllerrevisions"], verbs: [...read] },
    { apiGroups: [""], resources: ["services", "configmaps"], verbs: [...write] },
    { apiGroups: [""], resources: ["pods", "pods/log", "events", "endpoints"], verbs: [...read] },
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: [...read] },
    { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: [...write] },
    { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: [...write] },
    { apiGroups: ["gateway.networking.k8s.io"], resources: ["httproutes"], verbs: [...write] },
  ];
}

/**
 * Subresources that reach past the role's own rules: a shell in a pod (exec, attach, an ephemeral
 * container), its ports, the kubelet (nodes/proxy), or a minted token of another account. The
 * policy pack refuses them in every Role (rbac-no-pod-access); no CD role may hold them.
 */
export const podAccessResources = [
  "pods/exec",
  "pods/attach",
  "pods/portforward",
  "pods/ephemeralcontainers",
  "nodes/proxy",
  "serviceaccounts/token",
] as const;

/** Verbs and resources that must never appear in a CD role. */
export const forbiddenVerbs = ["*", "bind", "escalate", "impersonate"] as const;
export const forbiddenResources = [
  "*",
  "secrets",
  "roles",
  "rolebindings",
  "clusterroles",
  "clusterrolebindings",
  ...podAccessResources,
] as const;
