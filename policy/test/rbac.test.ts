import * as assert from "assert";
import { resolveConfig } from "../lib/config";
import type { PolicyResource } from "../lib/types";
import {
    checkCdAccountBindings,
    checkRbacEscalationVerbs,
    checkRbacPodAccess,
    checkRbacSecrets,
    checkRbacWildcards,
    subjectIsAccount,
} from "../rules/rbac";
import { CD_SUBJECT, binding, deployerRole, mutate, role } from "./fixtures";

const config = resolveConfig({});

describe("rbac", () => {
    describe("rbac-no-wildcards", () => {
        it("passes an explicit Role", () => {
            assert.deepStrictEqual(checkRbacWildcards(deployerRole()), []);
        });

        it("reports * in verbs, resources and apiGroups (Role and ClusterRole)", () => {
            const r = role("everything", [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]);
            assert.deepStrictEqual(checkRbacWildcards(r), [
                'Role staging-demo/everything: rules[0].apiGroups contains "*"; list the exact apiGroups the role needs',
                'Role staging-demo/everything: rules[0].resources contains "*"; list the exact resources the role needs',
                'Role staging-demo/everything: rules[0].verbs contains "*"; list the exact verbs the role needs',
            ]);
            const cr = role(
                "reader",
                [
                    { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] },
                    { apiGroups: [""], resources: ["pods"], verbs: ["*"] },
                ],
                { cluster: true },
            );
            assert.deepStrictEqual(checkRbacWildcards(cr), [
                'ClusterRole reader: rules[1].verbs contains "*"; list the exact verbs the role needs',
            ]);
        });
    });

    describe("rbac-no-secrets-access", () => {
        it("passes roles without secrets, and secrets of another API group", () => {
            assert.deepStrictEqual(checkRbacSecrets(deployerRole()), []);
            assert.deepStrictEqual(
                checkRbacSecrets(role("ext", [{ apiGroups: ["external-secrets.io"], resources: ["secrets"], verbs: ["get"] }])),
                [],
            );
        });

        it("reports any rule granting core secrets", () => {
            const r = role("reader", [{ apiGroups: [""], resources: ["configmaps", "secrets"], verbs: ["get", "list"] }], {
                cluster: true,
            });
            assert.deepStrictEqual(checkRbacSecrets(r), [
                'ClusterRole reader: rules[0].resources grants "secrets" (verbs: get, list); roles must not grant access to Secrets',
            ]);
        });
    });

    describe("rbac-no-pod-access", () => {
        it("passes the deployer's pods, pods/log and events reads", () => {
            assert.deepStrictEqual(checkRbacPodAccess(deployerRole()), []);
            assert.deepStrictEqual(
                checkRbacPodAccess(role("logs", [{ apiGroups: [""], resources: ["pods", "pods/log", "pods/status"], verbs: ["get"] }])),
                [],
            );
        });

        it("reports each shell, port, kubelet and token subresource in the core group, with its verbs", () => {
            const r = role("debug", [
                { apiGroups: [""], resources: ["pods", "pods/exec", "pods/attach"], verbs: ["create", "get"] },
                { resources: ["pods/portforward"], verbs: ["create"] },
                { apiGroups: ["*"], resources: ["pods/ephemeralcontainers", "nodes/proxy"], verbs: ["patch"] },
                { apiGroups: [""], resources: ["serviceaccounts/token"] },
            ]);
            assert.deepStrictEqual(checkRbacPodAccess(r), [
                'Role staging-demo/debug: rules[0].resources grants "pods/exec", "pods/attach" (verbs: create, get); a shell, port-forward or token reaches past the role\'s own rules: use logs and events, or a break-glass role outside the pipeline',
                'Role staging-demo/debug: rules[1].resources grants "pods/portforward" (verbs: create); a shell, port-forward or token reaches past the role\'s own rules: use logs and events, or a break-glass role outside the pipeline',
                'Role staging-demo/debug: rules[2].resources grants "pods/ephemeralcontainers", "nodes/proxy" (verbs: patch); a shell, port-forward or token reaches past the role\'s own rules: use logs and events, or a break-glass role outside the pipeline',
                'Role staging-demo/debug: rules[3].resources grants "serviceaccounts/token" (verbs: none); a shell, port-forward or token reaches past the role\'s own rules: use logs and events, or a break-glass role outside the pipeline',
            ]);
        });

        it("ignores the same names in another API group", () => {
            assert.deepStrictEqual(
                checkRbacPodAccess(role("crd", [{ apiGroups: ["example.com"], resources: ["pods/exec"], verbs: ["create"] }])),
                [],
            );
        });
    });

    describe("rbac-no-escalation-verbs", () => {
        it("passes ordinary verbs", () => {
            assert.deepStrictEqual(checkRbacEscalationVerbs(deployerRole()), []);
        });

        it("reports bind, escalate and impersonate", () => {
            const r = role("granter", [
                { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["get", "bind", "escalate"] },
                { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
            ]);
            assert.deepStrictEqual(checkRbacEscalationVerbs(r), [
                'Role staging-demo/granter: rules[0].verbs contains "bind", "escalate"; privilege-escalation verbs (bind, escalate, impersonate) are not allowed',
                'Role staging-demo/granter: rules[1].verbs contains "impersonate"; privilege-escalation verbs (bind, escalate, impersonate) are not allowed',
            ]);
        });
    });

    describe("rbac-cd-least-privilege", () => {
        it("passes a namespaced RoleBinding of the CD account to a narrow Role, and other accounts", () => {
            assert.deepStrictEqual(checkCdAccountBindings(binding("cd", { kind: "Role", name: "cd-deployer" }, [CD_SUBJECT]), config), []);
            assert.deepStrictEqual(
                checkCdAccountBindings(binding("view", { kind: "ClusterRole", name: "view" }, [CD_SUBJECT]), config),
                [],
            );
            const other = binding(
                "ops",
                { kind: "ClusterRole", name: "cluster-admin" },
                [{ kind: "ServiceAccount", name: "ops", namespace: "ops" }],
                { cluster: true },
            );
            assert.deepStrictEqual(checkCdAccountBindings(other, config), []);
        });

        it("reports any ClusterRoleBinding of the CD account", () => {
            const crb = binding("cd-admin", { kind: "ClusterRole", name: "cluster-admin" }, [CD_SUBJECT], { cluster: true });
            assert.deepStrictEqual(checkCdAccountBindings(crb, config), [
                "ClusterRoleBinding cd-admin: subjects[0] is the CD service account cd/cd-agent bound cluster-wide (roleRef ClusterRole cluster-admin); the CD account must only get namespaced RoleBindings to narrow Roles",
            ]);
            const viaUser = binding(
                "cd-view",
                { kind: "ClusterRole", name: "view" },
                [{ kind: "User", name: "system:serviceaccount:cd:cd-agent" }],
                { cluster: true },
            );
            assert.strictEqual(checkCdAccountBindings(viaUser, config).length, 1);
        });

        it("reports RoleBindings of the CD account to cluster-admin, admin or edit", () => {
            for (const name of ["cluster-admin", "admin", "edit"]) {
                const rb = binding("cd", { kind: "ClusterRole", name }, [{ kind: "ServiceAccount", name: "cd-agent", namespace: "cd" }]);
                assert.match(
                    checkCdAccountBindings(rb, config)[0] ?? "",
                    new RegExp(`^RoleBinding staging-demo/cd: roleRef is ClusterRole "${name}" for the CD service account cd/cd-agent`),
                );
            }
        });

        it("uses the configured cdServiceAccount", () => {
            const custom = resolveConfig({ cdServiceAccount: "delivery/argo" });
            const crb = binding(
                "argo",
                { kind: "ClusterRole", name: "edit" },
                [{ kind: "ServiceAccount", name: "argo", namespace: "delivery" }],
                { cluster: true },
            );
            assert.strictEqual(checkCdAccountBindings(crb, config).length, 0);
            assert.strictEqual(checkCdAccountBindings(crb, custom).length, 1);
        });
    });
});

describe("rbac (exact findings and boundaries)", () => {
    const crole = (rules: unknown[]) => role("r", rules, { cluster: true });

    describe("which resources are Roles", () => {
        it("checks only rbac.authorization.k8s.io Roles and ClusterRoles", () => {
            const star = [{ apiGroups: ["*"], resources: ["*"], verbs: ["*", "bind"] }];
            const foreignRole: PolicyResource = {
                type: "kubernetes:apiextensions.k8s.io:CustomResource",
                name: "foreign",
                props: { apiVersion: "example.com/v1", kind: "Role", metadata: { name: "foreign", namespace: "x" }, rules: star },
            };
            const bindingWithRules = mutate(binding("b", { kind: "Role", name: "r" }, [CD_SUBJECT]), (p) => (p.rules = star));
            for (const r of [foreignRole, bindingWithRules]) {
                assert.deepStrictEqual(checkRbacWildcards(r), []);
                assert.deepStrictEqual(checkRbacSecrets(r), []);
                assert.deepStrictEqual(checkRbacEscalationVerbs(r), []);
            }
        });

        it("numbers rules by position and reads a non-object rule as empty", () => {
            const r = role("odd", [null, "text", { apiGroups: [""], resources: ["pods"], verbs: ["*"] }]);
            assert.deepStrictEqual(checkRbacWildcards(r), [
                'Role staging-demo/odd: rules[2].verbs contains "*"; list the exact verbs the role needs',
            ]);
            assert.deepStrictEqual(checkRbacWildcards(mutate(r, (p) => (p.rules = "not a list"))), []);
        });
    });

    describe("rbac-no-wildcards", () => {
        it("reports each field on its own, nonResourceURLs included", () => {
            assert.deepStrictEqual(checkRbacWildcards(crole([{ apiGroups: ["*"], resources: ["pods"], verbs: ["get"] }])), [
                'ClusterRole r: rules[0].apiGroups contains "*"; list the exact apiGroups the role needs',
            ]);
            assert.deepStrictEqual(checkRbacWildcards(crole([{ apiGroups: [""], resources: ["*"], verbs: ["get"] }])), [
                'ClusterRole r: rules[0].resources contains "*"; list the exact resources the role needs',
            ]);
            assert.deepStrictEqual(checkRbacWildcards(crole([{ nonResourceURLs: ["/healthz", "*"], verbs: ["get"] }])), [
                'ClusterRole r: rules[0].nonResourceURLs contains "*"; list the exact nonResourceURLs the role needs',
            ]);
        });

        it('reports the "*/subresource" form in resources (it matches that subresource of every resource)', () => {
            assert.deepStrictEqual(
                checkRbacWildcards(role("scaler", [{ apiGroups: ["apps"], resources: ["*/scale"], verbs: ["update"] }])),
                ['Role staging-demo/scaler: rules[0].resources contains "*"; list the exact resources the role needs'],
            );
        });

        it('passes "pods/*", "*/" outside resources and exact lists (Kubernetes reads them literally)', () => {
            assert.deepStrictEqual(
                checkRbacWildcards(
                    role("literal", [
                        { apiGroups: [""], resources: ["pods/*", "pods/log"], verbs: ["get"] },
                        { apiGroups: ["*/v1"], resources: ["deployments"], verbs: ["*/list"] },
                        { nonResourceURLs: ["/healthz/*"], verbs: ["get"] },
                    ]),
                ),
                [],
            );
        });
    });

    describe("rbac-no-secrets-access", () => {
        it("treats an absent apiGroups list and the * group as the core group", () => {
            assert.deepStrictEqual(checkRbacSecrets(role("nogroup", [{ resources: ["secrets"], verbs: ["watch"] }])), [
                'Role staging-demo/nogroup: rules[0].resources grants "secrets" (verbs: watch); roles must not grant access to Secrets',
            ]);
            assert.deepStrictEqual(
                checkRbacSecrets(role("anygroup", [{ apiGroups: ["apps", "*"], resources: ["secrets"], verbs: ["get"] }])),
                ['Role staging-demo/anygroup: rules[0].resources grants "secrets" (verbs: get); roles must not grant access to Secrets'],
            );
        });

        it('reports secrets subresources and says "none" when no verbs are listed', () => {
            assert.deepStrictEqual(
                checkRbacSecrets(
                    role("sub", [
                        { apiGroups: [""], resources: ["configmaps"], verbs: ["get"] },
                        { apiGroups: [""], resources: ["secrets/status"] },
                    ]),
                ),
                ['Role staging-demo/sub: rules[1].resources grants "secrets" (verbs: none); roles must not grant access to Secrets'],
            );
        });

        it("passes names that only contain secrets", () => {
            assert.deepStrictEqual(
                checkRbacSecrets(
                    role("lookalike", [{ apiGroups: [""], resources: ["mysecrets", "pods/secrets", "secretsx"], verbs: ["get"] }]),
                ),
                [],
            );
        });
    });

    describe("rbac-no-escalation-verbs", () => {
        it("reports one escalation verb among ordinary ones, and passes ordinary verbs alone", () => {
            assert.deepStrictEqual(
                checkRbacEscalationVerbs(role("imp", [{ apiGroups: [""], resources: ["users"], verbs: ["get", "impersonate", "list"] }])),
                [
                    'Role staging-demo/imp: rules[0].verbs contains "impersonate"; privilege-escalation verbs (bind, escalate, impersonate) are not allowed',
                ],
            );
            assert.deepStrictEqual(
                checkRbacEscalationVerbs(
                    role("plain", [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["get", "list"] }]),
                ),
                [],
            );
        });
    });

    describe("rbac-cd-least-privilege", () => {
        const admin = { kind: "ClusterRole" as const, name: "admin" };
        const adminMessage = (name: string, ns: string, subject: number) =>
            `RoleBinding ${ns}/${name}: roleRef is ClusterRole "admin" for the CD service account cd/cd-agent (subjects[${subject}]); ` +
            "bind it to a narrow Role instead of cluster-admin/admin/edit";

        it("reports a RoleBinding to a broad ClusterRole with the exact message", () => {
            assert.deepStrictEqual(checkCdAccountBindings(binding("cd", admin, [CD_SUBJECT]), config), [
                adminMessage("cd", "staging-demo", 0),
            ]);
            assert.deepStrictEqual(checkCdAccountBindings(binding("cd", { kind: "ClusterRole", name: "edit" }, [CD_SUBJECT]), config), [
                'RoleBinding staging-demo/cd: roleRef is ClusterRole "edit" for the CD service account cd/cd-agent (subjects[0]); bind it to a narrow Role instead of cluster-admin/admin/edit',
            ]);
        });

        it("passes a RoleBinding to a namespaced Role that happens to be called admin, and to other ClusterRoles", () => {
            assert.deepStrictEqual(checkCdAccountBindings(binding("cd", { kind: "Role", name: "admin" }, [CD_SUBJECT]), config), []);
            assert.deepStrictEqual(
                checkCdAccountBindings(binding("cd", { kind: "ClusterRole", name: "admins" }, [CD_SUBJECT]), config),
                [],
            );
        });

        it("names the index of the CD subject among others", () => {
            const subjects = [{ kind: "ServiceAccount", name: "ops", namespace: "ops" }, { kind: "User", name: "alice" }, CD_SUBJECT];
            assert.deepStrictEqual(checkCdAccountBindings(binding("cd", admin, subjects), config), [adminMessage("cd", "staging-demo", 2)]);
        });

        it("reads a ServiceAccount subject without namespace as the binding's namespace", () => {
            const bare = { kind: "ServiceAccount", name: "cd-agent" };
            assert.deepStrictEqual(checkCdAccountBindings(binding("cd", admin, [bare], { namespace: "cd" }), config), [
                adminMessage("cd", "cd", 0),
            ]);
            assert.deepStrictEqual(checkCdAccountBindings(binding("cd", admin, [bare], { namespace: "staging-demo" }), config), []);
            const noNamespace = mutate(binding("cd", admin, [bare]), (p) => delete p.metadata.namespace);
            assert.deepStrictEqual(checkCdAccountBindings(noNamespace, config), []);
            const inDefault = resolveConfig({ cdServiceAccount: "default/cd-agent" });
            assert.deepStrictEqual(checkCdAccountBindings(noNamespace, inDefault), [
                'RoleBinding default/cd: roleRef is ClusterRole "admin" for the CD service account default/cd-agent (subjects[0]); bind it to a narrow Role instead of cluster-admin/admin/edit',
            ]);
        });

        it("passes other accounts: another name, another namespace, another kind", () => {
            for (const subject of [
                { kind: "ServiceAccount", name: "cd-agent2", namespace: "cd" },
                { kind: "ServiceAccount", name: "cd-agent", namespace: "cd2" },
                { kind: "User", name: "system:serviceaccount:cd:cd-agent2" },
                { kind: "User", name: "cd-agent" },
                { kind: "Group", name: "system:serviceaccounts:cd2" },
                { kind: "Group", name: "system:masters" },
                { kind: "Robot", name: "cd-agent", namespace: "cd" },
                { name: "cd-agent", namespace: "cd" },
            ]) {
                const crb = binding("cd-admin", { kind: "ClusterRole", name: "cluster-admin" }, [subject], { cluster: true });
                assert.deepStrictEqual(checkCdAccountBindings(crb, config), [], JSON.stringify(subject));
            }
        });

        it("reports Users and Groups that include the CD account, bound cluster-wide", () => {
            for (const subject of [
                { kind: "User", name: "system:serviceaccount:cd:cd-agent" },
                { kind: "Group", name: "system:serviceaccounts" },
                { kind: "Group", name: "system:serviceaccounts:cd" },
                { kind: "Group", name: "system:authenticated" },
            ]) {
                const crb = binding("cd-view", { kind: "ClusterRole", name: "view" }, [subject], { cluster: true });
                assert.deepStrictEqual(
                    checkCdAccountBindings(crb, config),
                    [
                        "ClusterRoleBinding cd-view: subjects[0] is the CD service account cd/cd-agent bound cluster-wide (roleRef ClusterRole view); the CD account must only get namespaced RoleBindings to narrow Roles",
                    ],
                    subject.name,
                );
            }
        });

        it("writes ? and an empty name for a ClusterRoleBinding without roleRef", () => {
            const crb = mutate(binding("cd-x", admin, [CD_SUBJECT], { cluster: true }), (p) => delete p.roleRef);
            assert.deepStrictEqual(checkCdAccountBindings(crb, config), [
                "ClusterRoleBinding cd-x: subjects[0] is the CD service account cd/cd-agent bound cluster-wide (roleRef ? ); the CD account must only get namespaced RoleBindings to narrow Roles",
            ]);
            const rb = mutate(binding("cd", admin, [CD_SUBJECT]), (p) => delete p.roleRef);
            assert.deepStrictEqual(checkCdAccountBindings(rb, config), []);
        });

        it("ignores non-binding resources and bindings of other API groups", () => {
            assert.deepStrictEqual(checkCdAccountBindings(deployerRole(), config), []);
            const foreign: PolicyResource = {
                type: "kubernetes:apiextensions.k8s.io:CustomResource",
                name: "foreign",
                props: {
                    apiVersion: "example.com/v1",
                    kind: "ClusterRoleBinding",
                    metadata: { name: "foreign" },
                    roleRef: { kind: "ClusterRole", name: "cluster-admin" },
                    subjects: [CD_SUBJECT],
                },
            };
            assert.deepStrictEqual(checkCdAccountBindings(foreign, config), []);
            assert.deepStrictEqual(checkCdAccountBindings(binding("cd", admin, [null, CD_SUBJECT]), config), [
                adminMessage("cd", "staging-demo", 1),
            ]);
        });
    });

    describe("subjectIsAccount", () => {
        it("matches exactly the service account namespace/name", () => {
            assert.strictEqual(
                subjectIsAccount({ kind: "ServiceAccount", name: "argo", namespace: "delivery" }, "x", "delivery/argo"),
                true,
            );
            assert.strictEqual(subjectIsAccount({ kind: "ServiceAccount", name: "argo" }, "delivery", "delivery/argo"), true);
            assert.strictEqual(subjectIsAccount({ kind: "ServiceAccount", name: "argo" }, "x", "delivery/argo"), false);
            assert.strictEqual(subjectIsAccount({ kind: "User", name: "system:serviceaccount:delivery:argo" }, "x", "delivery/argo"), true);
            assert.strictEqual(subjectIsAccount({ kind: "Group", name: "system:serviceaccounts:delivery" }, "x", "delivery/argo"), true);
            assert.strictEqual(subjectIsAccount({ kind: "Group", name: "system:serviceaccounts:cd" }, "x", "delivery/argo"), false);
        });
    });
});
