// End-to-end wiring without the Pulumi CLI: start the real pack (index.ts) the way the CLI does
// (a child process that prints its gRPC port), then act as the CLI: GetAnalyzerInfo, Configure with
// the production config file (schema defaults + file, as the CLI reconciles them), Analyze and
// AnalyzeStack. Loopback only; the child is killed in `after`.

import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import { createRequire } from "module";
import * as path from "path";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { CONFIG_PROPERTIES } from "../lib/config";
import { loadPackConfig } from "../lib/evaluate";
import { policies } from "../lib/policies";
import type { PolicyResource } from "../lib/types";
import { REGISTRY, deployment, gkeCluster, mutate, service } from "./fixtures";

const PACK_DIR = path.join(__dirname, "..");
// The grpc-js copy @pulumi/pulumi's generated client was built against.
const grpc = createRequire(require.resolve("@pulumi/pulumi/package.json"))("@grpc/grpc-js") as typeof import("@grpc/grpc-js");

/** Promisifies one unary call: unary<Res>((cb) => client.analyze(req, cb)). */
function unary<Res>(invoke: (cb: (err: Error | null, res: Res) => void) => unknown): Promise<Res> {
    return new Promise((resolve, reject) => invoke((err, res) => (err ? reject(err) : resolve(res))));
}

const LEVEL = { advisory: pb.EnforcementLevel.ADVISORY, mandatory: pb.EnforcementLevel.MANDATORY, disabled: pb.EnforcementLevel.DISABLED };

function options(protect: boolean): pb.AnalyzerResourceOptions {
    const o = new pb.AnalyzerResourceOptions();
    o.setProtect(protect);
    return o;
}

function urnOf(r: PolicyResource): string {
    return `urn:pulumi:production::rollout::${r.type}::${r.name}`;
}

describe("policy pack served by @pulumi/policy (gRPC, as the CLI drives it)", function () {
    this.timeout(60_000);
    let child: ChildProcess | undefined;
    let client: AnalyzerClient;

    before(async () => {
        child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
            cwd: PACK_DIR,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const port = await new Promise<string>((resolve, reject) => {
            let out = "";
            let err = "";
            const timer = setTimeout(() => reject(new Error(`no port printed in 45s; stderr: ${err}`)), 45_000);
            child?.stdout?.on("data", (d: Buffer) => {
                out += d.toString();
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) {
                    clearTimeout(timer);
                    resolve(m[1] ?? "");
                }
            });
            child?.stderr?.on("data", (d: Buffer) => (err += d.toString()));
            child?.on("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${err}`)));
        });
        client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

        // Configure like the CLI: schema defaults, overlaid with config/production.json.
        const file = loadPackConfig("production");
        const req = new pb.ConfigureAnalyzerRequest();
        for (const policy of policies) {
            const entry = file[policy.name];
            const { enforcementLevel, ...props } = typeof entry === "object" ? entry : { enforcementLevel: entry };
            const merged: Record<string, unknown> = {};
            for (const key of policy.configKeys) {
                merged[key] = props[key] ?? CONFIG_PROPERTIES[key].default;
            }
            if (merged.allowedRegistries) {
                merged.allowedRegistries = [REGISTRY]; // the real value replacing the sample placeholder
            }
            const pc = new pb.PolicyConfig();
            pc.setEnforcementlevel(LEVEL[(enforcementLevel ?? policy.enforcementLevel) as keyof typeof LEVEL]);
            pc.setProperties(Struct.fromJavaScript(merged as Record<string, never>));
            req.getPolicyconfigMap().set(policy.name, pc);
        }
        await unary<Empty>((cb) => client.configure(req, cb));
    });

    after(() => {
        client?.close();
        child?.kill();
    });

    it("advertises every policy with its type, default level and config schema", async () => {
        const info = await unary<pb.AnalyzerInfo>((cb) => client.getAnalyzerInfo(new Empty(), cb));
        assert.strictEqual(info.getName(), "rollout-policies");
        const advertised = info.getPoliciesList();
        assert.deepStrictEqual(
            advertised.map((p) => p.getName()),
            policies.map((p) => p.name),
        );
        for (const p of advertised) {
            const ours = policies.find((x) => x.name === p.getName());
            assert.strictEqual(p.getEnforcementlevel(), pb.EnforcementLevel.MANDATORY);
            assert.strictEqual(
                p.getPolicyType(),
                ours?.kind === "stack" ? pb.PolicyType.POLICY_TYPE_STACK : pb.PolicyType.POLICY_TYPE_RESOURCE,
            );
            assert.deepStrictEqual(Object.keys(p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}), ours?.configKeys);
        }
    });

    it("Analyze reports mandatory violations of a broken Deployment and reads opts.protect", async () => {
        const web = mutate(deployment({ name: "web", app: "web" }), (p) => {
            delete p.spec.template.spec.containers[0].readinessProbe;
            p.spec.template.spec.containers[0].image = "nginx:latest";
        });
        const analyze = async (r: PolicyResource) => {
            const req = new pb.AnalyzeRequest();
            req.setType(r.type);
            req.setName(r.name);
            req.setUrn(urnOf(r));
            req.setProperties(Struct.fromJavaScript(r.props as Record<string, never>));
            req.setOptions(options(r.opts?.protect ?? false));
            return (await unary<pb.AnalyzeResponse>((cb) => client.analyze(req, cb))).getDiagnosticsList();
        };
        const diags = await analyze(web);
        assert.deepStrictEqual(diags.map((d) => d.getPolicyname()).sort(), [
            "image-digest-production",
            "image-registry-allowlist",
            "image-tag-pinned",
            "workload-probes",
        ]);
        assert.ok(diags.every((d) => d.getEnforcementlevel() === pb.EnforcementLevel.MANDATORY));
        assert.match(
            diags.find((d) => d.getPolicyname() === "workload-probes")?.getMessage() ?? "",
            /containers\[0\]\.readinessProbe is missing/,
        );

        assert.deepStrictEqual(await analyze(deployment()), []);
        assert.deepStrictEqual(await analyze(gkeCluster({}, true)), []);
        assert.deepStrictEqual(
            (await analyze(gkeCluster({}, false))).map((d) => d.getPolicyname()),
            ["gke-cluster-protected"],
        );
    });

    it("Analyze downgrades rules that read an unknown value during preview to advisory", async () => {
        const unknownImage = mutate(
            deployment(),
            (p) => (p.spec.template.spec.containers[0].image = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"),
        );
        const req = new pb.AnalyzeRequest();
        req.setType(unknownImage.type);
        req.setName(unknownImage.name);
        req.setUrn(urnOf(unknownImage));
        req.setProperties(Struct.fromJavaScript(unknownImage.props as Record<string, never>));
        req.setOptions(options(false));
        const diags = (await unary<pb.AnalyzeResponse>((cb) => client.analyze(req, cb))).getDiagnosticsList();
        assert.deepStrictEqual(diags.map((d) => d.getPolicyname()).sort(), [
            "image-digest-production",
            "image-registry-allowlist",
            "image-tag-pinned",
        ]);
        assert.ok(
            diags.every(
                (d) => d.getEnforcementlevel() === pb.EnforcementLevel.ADVISORY && /can't be known during preview/.test(d.getMessage()),
            ),
        );
    });

    it("AnalyzeStack attributes stack violations to the offending resource's urn", async () => {
        const solo = deployment({ name: "solo", app: "solo", replicas: 1 });
        const svc = service("solo", { "app.kubernetes.io/name": "solo", "rollout.dev/slot": "green" });
        const req = new pb.AnalyzeStackRequest();
        req.setResourcesList(
            [solo, svc].map((r) => {
                const x = new pb.AnalyzerResource();
                x.setType(r.type);
                x.setName(r.name);
                x.setUrn(urnOf(r));
                x.setProperties(Struct.fromJavaScript(r.props as Record<string, never>));
                x.setOptions(options(false));
                return x;
            }),
        );
        const diags = (await unary<pb.AnalyzeResponse>((cb) => client.analyzeStack(req, cb))).getDiagnosticsList();
        assert.deepStrictEqual(diags.map((d) => `${d.getPolicyname()} ${d.getUrn()}`).sort(), [
            // The namespace has no default-deny NetworkPolicy: attributed to its workload.
            `namespace-network-policy ${urnOf(solo)}`,
            `production-pdb-coverage ${urnOf(solo)}`,
            `production-replicas ${urnOf(solo)}`,
            `service-selects-workload ${urnOf(svc)}`,
        ]);
    });
});
