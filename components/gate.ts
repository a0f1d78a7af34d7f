import * as pulumi from "@pulumi/pulumi";
import * as childProcess from "child_process";
import type { GatesConfig } from "../config/schema";
import * as gates from "../lib/gates";
import { kubectlArgs } from "../lib/kubectl";

export interface RolloutGateInputs {
  readonly namespace: pulumi.Input<string>;
  readonly service: pulumi.Input<string>;
  readonly config: GatesConfig;
  /** The version under test: a new version re-runs the gate. */
  readonly candidate: pulumi.Input<string>;
  /** The traffic step under test (canary): a new step re-runs the gate for the same image. */
  readonly step?: string;
  /** Canary: what a failure puts back on the live objects before `pulumi up` fails. */
  readonly revert?: gates.Revert;
  /** kubeconfig contents or path, and context, for the API server's service proxy. */
  readonly kubeconfig?: pulumi.Input<string>;
  readonly context?: string;
}

/**
 * Runs inside the dynamic provider's create/update, i.e. only during `pulumi up`. It shells out to
 * kubectl (which handles every auth plugin) for the smoke check through the service proxy, and to
 * fetch for Prometheus. Dynamic providers are serialized with what they capture: built-in modules
 * become `require` calls, and the pure functions of lib/gates travel as code.
 */
// Dynamic provider inputs arrive untyped (they are deserialized in the provider process).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runChecks(inputs: Record<string, any>): Promise<void> {
  const cfg = inputs.config;
  const kubeArgs = kubectlArgs(inputs.kubeconfig, inputs.context);
  const fail = (reason: string): never => {
    const what = `gate failed for ${inputs.namespace}/${inputs.service} (${inputs.candidate}${inputs.step ? `, ${inputs.step}` : ""}): ${reason}`;
    if (!inputs.revert) throw new Error(`${what}; traffic stays on the current version`);
    try {
      for (const args of gates.revertCommands(inputs.namespace, inputs.revert))
        childProcess.execFileSync("kubectl", [...kubeArgs, ...args], {
          encoding: "utf8",
          timeout: 30000,
          stdio: ["ignore", "pipe", "pipe"],
        });
    } catch (e) {
      throw new Error(`${what}; putting traffic back on stable FAILED (${kubectlError(e)}): check the live objects`, { cause: e });
    }
    throw new Error(`${what}; traffic is back on stable: ${inputs.revert.summary}; the next \`pulumi up\` retries this step`);
  };
  if (cfg.smoke) {
    const results: gates.SmokeResult[] = [];
    for (let i = 0; i < cfg.smoke.attempts; i++) {
      try {
        const body = childProcess.execFileSync(
          "kubectl",
          [...kubeArgs, "get", "--raw", gates.serviceProxyPath(inputs.namespace, inputs.service, cfg.smoke.path)],
          { encoding: "utf8", timeout: 15000, stdio: ["ignore", "pipe", "pipe"] },
        );
        results.push({ status: 200, body });
      } catch (e) {
        results.push({ error: kubectlError(e) });
      }
      if (gates.smokeVerdict(cfg.smoke, results[results.length - 1]).pass) break;
      await new Promise((r) => setTimeout(r, cfg.smoke.intervalSeconds * 1000));
    }
    const v = gates.smokeVerdictOfAttempts(cfg.smoke, results);
    if (!v.pass) fail(v.reason);
  }
  if (cfg.prometheus) {
    let v: gates.Verdict;
    try {
      const res = await fetch(`${cfg.prometheus.url.replace(/\/$/, "")}/api/v1/query?query=${encodeURIComponent(cfg.prometheus.query)}`);
      v = gates.prometheusVerdict(cfg.prometheus, await res.json());
    } catch (e) {
      v = { pass: false, reason: `Prometheus at ${cfg.prometheus.url} unreachable: ${(e as Error).message}` };
    }
    if (!v.pass) fail(v.reason);
  }
}

/** What a failed kubectl call said: its stderr, or the spawn error. */
function kubectlError(e: unknown): string {
  return String((e as { stderr?: string }).stderr || (e as Error).message).trim();
}

/** The gate's dynamic provider (exported for its unit tests, which call it as the engine would). */
export const gateProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    await runChecks(inputs);
    return { id: `${inputs.namespace}/${inputs.service}@${inputs.candidate}`, outs: { ...inputs, passedAt: new Date().toISOString() } };
  },
  async diff(_id, olds, news) {
    const changed =
      olds.candidate !== news.candidate || olds.step !== news.step || JSON.stringify(olds.config) !== JSON.stringify(news.config);
    return { changes: changed };
  },
  async update(_id, _olds, news) {
    await runChecks(news);
    return { outs: { ...news, passedAt: new Date().toISOString() } };
  },
};

/** A rollout gate: `pulumi up` fails here, before traffic moves, when the new version fails its checks. */
export class RolloutGate extends pulumi.dynamic.Resource {
  constructor(name: string, args: RolloutGateInputs, opts?: pulumi.CustomResourceOptions) {
    super(gateProvider, name, { ...args, passedAt: undefined }, opts, "rollout-gate");
  }
}
