// The CD identity's Role, compared by exact equality: a new grant (say pods/exec) must fail here.
import { strict as assert } from "assert";
import { cdRoleRules, forbiddenResources, forbiddenVerbs } from "../../../lib/rbac";

describe("lib/rbac: the CD role", () => {
  it("grants exactly these rules, in this order", () => {
    const read = ["get", "list", "watch"];
    const write = ["get", "list", "watch", "create", "update", "patch", "delete"];
    assert.deepEqual(cdRoleRules(), [
      { apiGroups: ["apps"], resources: ["deployments", "statefulsets", "daemonsets"], verbs: write },
      { apiGroups: ["apps"], resources: ["deployments/scale", "statefulsets/scale"], verbs: ["get", "update", "patch"] },
      { apiGroups: ["apps"], resources: ["replicasets", "controllerrevisions"], verbs: read },
      { apiGroups: [""], resources: ["services", "configmaps"], verbs: write },
      { apiGroups: [""], resources: ["pods", "pods/log", "events", "endpoints"], verbs: read },
      { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: read },
      { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: write },
      { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: write },
      { apiGroups: ["gateway.networking.k8s.io"], resources: ["httproutes"], verbs: write },
    ]);
  });

  it("returns a fresh copy each time (a caller cannot widen the next role)", () => {
    const first = cdRoleRules();
    first[0].verbs.push("*");
    assert.deepEqual(cdRoleRules()[0].verbs, ["get", "list", "watch", "create", "update", "patch", "delete"]);
  });

  it("lists exactly the verbs and resources no CD role may hold", () => {
    assert.deepEqual([...forbiddenVerbs], ["*", "bind", "escalate", "impersonate"]);
    assert.deepEqual(
      [...forbiddenResources],
      [
        "*",
        "secrets",
        "roles",
        "rolebindings",
        "clusterroles",
        "clusterrolebindings",
        "pods/exec",
        "pods/attach",
        "pods/portforward",
        "pods/ephemeralcontainers",
        "nodes/proxy",
        "serviceaccounts/token",
      ],
    );
  });
});
