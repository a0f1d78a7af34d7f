import * as assert from "assert";
import { resolveConfig } from "../lib/config";
import { checkCdAccountBindings, checkRbacEscalationVerbs, checkRbacSecrets, checkRbacWildcards } from "../rules/rbac";
import { CD_SUBJECT, binding, deployerRole, role } from "./fixtures";

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
