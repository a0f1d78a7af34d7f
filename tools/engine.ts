// The one way this project runs the Pulumi engine: `preview`, `up`, `destroy` and `refresh` of any
// stack of this program through the Automation API, with the CLI and the Kubernetes provider that
// engine/build.sh builds. The program runs inline (the language runtime lives in this Node
// process; the Node language host is not needed), with per-run config, the engine's own progress
// lines streamed, and a file backend. There is no fallback: a missing or wrong toolchain fails.
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import type { OpMap, PreviewResult, ProjectSettings, UpResult, DestroyResult, RefreshResult } from "@pulumi/pulumi/automation";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { readStackConfig } from "./render";

export const projectDir = path.resolve(__dirname, "..");
export const projectName = "rollout";

/** The engine's pinned versions (engine/versions.sh is the source; this is checked against it). */
export const pulumiVersion = "v3.259.0";
export const kubernetesProviderVersion = "4.25.0";

/**
 * The committed Pulumi.yaml's `options` (`refresh: always`): the generated workspace carries them,
 * so the CLI refreshes before every preview and up here exactly as it does for a user.
 */
export function projectOptions(): Record<string, unknown> {
  const project = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { options?: Record<string, unknown> };
  return project.options ?? {};
}

export function rolloutCache(): string {
  return process.env.ROLLOUT_CACHE ?? path.join(os.homedir(), ".cache", "rollout");
}

export function engineDir(): string {
  return path.join(rolloutCache(), `engine-pulumi-${pulumiVersion}-kubernetes-${kubernetesProviderVersion}`);
}

export class EngineMissing extends Error {}

export interface EngineVersions {
  readonly cli: string;
  readonly kubernetesProvider: string;
  readonly pulumiHome: string;
}

function engineEnv(): Record<string, string> {
  const bin = path.join(engineDir(), "bin");
  return {
    PULUMI_HOME: path.join(engineDir(), "home"),
    // The shims beside the CLI (dynamic providers, policy packs) run this project's SDK.
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
    ROLLOUT_PROJECT_DIR: projectDir,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "false",
  };
}

/** The versions the engine reports (the CLI's `pulumi version`, the provider's `-version`). */
export function engineVersions(): EngineVersions {
  const bin = path.join(engineDir(), "bin");
  const run = (file: string, args: string[]) => {
    const exe = path.join(bin, file);
    if (!fs.existsSync(exe))
      throw new EngineMissing(`${exe} is missing: run 'bash engine/build.sh' (it builds the Pulumi engine from the Go module proxy)`);
    return execFileSync(exe, args, { encoding: "utf8", env: { ...process.env, ...engineEnv() } }).trim();
  };
  const cli = run("pulumi", ["version"]);
  // The provider has no version flag; the plugin engine/build.sh installed from it says its version.
  const plugins = JSON.parse(run("pulumi", ["plugin", "ls", "--json"])) as { kind: string; name: string; version: string }[];
  const kubernetes = plugins.filter((p) => p.kind === "resource" && p.name === "kubernetes").map((p) => p.version);
  const versions = { cli, kubernetesProvider: kubernetes.join(", ") || "none", pulumiHome: engineEnv().PULUMI_HOME };
  if (cli !== pulumiVersion || kubernetes.length !== 1 || kubernetes[0] !== kubernetesProviderVersion) {
    throw new EngineMissing(
      `engine reports pulumi ${cli} and kubernetes plugin(s) ${versions.kubernetesProvider} in ${versions.pulumiHome}; expected ${pulumiVersion} and exactly ${kubernetesProviderVersion}: run 'bash engine/build.sh'`,
    );
  }
  return versions;
}

export function formatVersions(v: EngineVersions): string {
  return `engine: pulumi ${v.cli} (built from github.com/pulumi/pulumi/pkg/v3), kubernetes provider ${v.kubernetesProvider}, PULUMI_HOME ${v.pulumiHome}`;
}

export interface EngineStackOptions {
  /** The stack's name. Its config starts from `Pulumi.<configFrom ?? stack>.yaml` when that file exists. */
  readonly stack: string;
  /** Stack file whose config is the starting point (e.g. "local" for e2e variants of the local stack). */
  readonly configFrom?: string;
  /** Full keys (`rollout:apps`) replacing the stack file's; objects are passed as JSON. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** File backend directory; default `$ROLLOUT_PULUMI_STATE`, else `$ROLLOUT_CACHE/pulumi-state`. */
  readonly stateDir?: string;
  /** KUBECONFIG for the provider, the gates and kubectl. */
  readonly kubeconfig?: string;
  /** Extra environment for the program and the engine (GITHUB_SHA, ROLLOUT_EXPECT_COMMIT, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Receives the engine's progress output, line by line. */
  readonly onOutput?: (line: string) => void;
}

export interface PolicyPackOptions {
  readonly dir: string;
  /** A policy config file (`policy/config/<stack>.json`). */
  readonly config?: string;
}

export interface StepSummary {
  readonly op: "preview" | "up" | "destroy" | "refresh";
  readonly result: string;
  readonly changes: OpMap;
  readonly seconds: number;
  readonly stdout: string;
}

/** Drops this project's modules from the require cache so each run evaluates index.ts afresh. */
function forgetProgram(): void {
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(projectDir + path.sep) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[key];
  }
}

/** Splits streamed chunks into whole lines. */
function lineSplitter(onLine?: (line: string) => void): { write: (chunk: string) => void; flush: () => void; text: () => string } {
  let buffered = "";
  let all = "";
  return {
    write(chunk) {
      all += chunk;
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const l of lines) onLine?.(l);
    },
    flush() {
      if (buffered) onLine?.(buffered);
      buffered = "";
    },
    text: () => all,
  };
}

/**
 * A stack of this program on the real engine. The workspace folder lives beside the state (it
 * holds a generated Pulumi.yaml and the stack's config file with its encryption salt), so the
 * committed stack files are never written to.
 */
export class EngineStack {
  private constructor(
    readonly options: EngineStackOptions,
    readonly stack: Stack,
    readonly workDir: string,
  ) {}

  static async open(options: EngineStackOptions): Promise<EngineStack> {
    engineVersions();
    const stateDir = options.stateDir ?? process.env.ROLLOUT_PULUMI_STATE ?? path.join(rolloutCache(), "pulumi-state");
    const workDir = path.join(stateDir, "workspaces", options.stack);
    fs.mkdirSync(workDir, { recursive: true });
    const pulumiCommand = await PulumiCommand.get({ root: engineDir(), version: undefined });
    const envVars: Record<string, string> = {
      ...engineEnv(),
      PULUMI_BACKEND_URL: `file://${stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "rollout-local",
      ...(options.kubeconfig ? { KUBECONFIG: options.kubeconfig } : {}),
      ...(options.env ?? {}),
    };
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: options.stack, projectName, program: async () => program(options) },
      {
        workDir,
        pulumiCommand,
        envVars,
        // `options` is a Pulumi.yaml field the SDK's type does not list; the workspace writes it as given.
        projectSettings: {
          name: projectName,
          runtime: "nodejs",
          description: "rollout (run inline by tools/engine.ts)",
          options: projectOptions(),
        } as ProjectSettings,
      },
    );
    const es = new EngineStack(options, stack, workDir);
    await es.setConfig(options.config ?? {});
    return es;
  }

  /** Replaces the stack's whole config: the stack file's values with these keys on top. */
  async setConfig(overrides: Readonly<Record<string, unknown>>): Promise<void> {
    const base = this.options.configFrom ?? this.options.stack;
    const fromFile = fs.existsSync(path.join(projectDir, `Pulumi.${base}.yaml`)) ? readStackConfig(projectDir, base) : {};
    const merged = { ...fromFile, ...overrides };
    const current = await this.stack.getAllConfig();
    for (const key of Object.keys(current)) if (!(key in merged)) await this.stack.removeConfig(key);
    const values = Object.fromEntries(
      Object.entries(merged).map(([k, v]) => [k, { value: typeof v === "string" ? v : JSON.stringify(v) }]),
    );
    await this.stack.setAllConfig(values);
  }

  private async run<T extends { stdout: string; summary?: { result?: string; resourceChanges?: OpMap } }>(
    op: StepSummary["op"],
    call: (onOutput: (s: string) => void) => Promise<T>,
  ): Promise<StepSummary & { raw: T }> {
    const out = lineSplitter(this.options.onOutput);
    const t0 = Date.now();
    forgetProgram();
    try {
      const raw = await call(out.write);
      out.flush();
      return {
        op,
        result: raw.summary?.result ?? "succeeded",
        changes: raw.summary?.resourceChanges ?? {},
        seconds: (Date.now() - t0) / 1000,
        stdout: out.text(),
        raw,
      };
    } catch (e) {
      out.flush();
      throw e;
    }
  }

  preview(policyPack?: PolicyPackOptions): Promise<StepSummary & { raw: PreviewResult }> {
    return this.run("preview", async (onOutput) => {
      const r = await this.stack.preview({ onOutput, diff: true, ...policyOpts(policyPack) });
      return { ...r, summary: { result: "succeeded", resourceChanges: r.changeSummary } };
    });
  }

  up(policyPack?: PolicyPackOptions): Promise<StepSummary & { raw: UpResult }> {
    return this.run("up", (onOutput) => this.stack.up({ onOutput, diff: false, ...policyOpts(policyPack) }));
  }

  destroy(): Promise<StepSummary & { raw: DestroyResult }> {
    return this.run("destroy", (onOutput) => this.stack.destroy({ onOutput }));
  }

  refresh(): Promise<StepSummary & { raw: RefreshResult }> {
    return this.run("refresh", (onOutput) => this.stack.refresh({ onOutput }));
  }

  /**
   * `refresh --preview-only`: what drifted, changing nothing. Such a run writes no history, so its
   * summary is read from the engine's own "Resources:" lines (the Automation API would return the
   * previous update's).
   */
  refreshPreview(): Promise<StepSummary> {
    return this.run("refresh", async (onOutput) => {
      const r = await this.stack.refresh({ onOutput, previewOnly: true });
      return { ...r, summary: { result: "succeeded", resourceChanges: resourcesSummary(r.stdout) } };
    });
  }

  async outputs(): Promise<Record<string, unknown>> {
    const o = await this.stack.outputs();
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.value]));
  }

  /** Removes the stack from the backend (after a destroy). */
  async remove(): Promise<void> {
    await this.stack.workspace.removeStack(this.options.stack);
  }
}

function policyOpts(p?: PolicyPackOptions): { policyPacks?: string[]; policyPackConfigs?: string[] } {
  if (!p) return {};
  return { policyPacks: [p.dir], ...(p.config ? { policyPackConfigs: [p.config] } : {}) };
}

/** When the last inline program run started and finished evaluating index.ts (epoch ms), for the benchmark. */
export const programTimings = { start: 0, end: 0 };

/** The inline program: the real index.ts, evaluated afresh; what its function returns is the stack outputs. */
async function program(options: EngineStackOptions): Promise<Record<string, unknown>> {
  programTimings.start = Date.now();
  for (const [k, v] of Object.entries(options.env ?? {})) process.env[k] = v;
  if (options.kubeconfig) process.env.KUBECONFIG = options.kubeconfig;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const main = require(path.join(projectDir, "index.ts")) as () => Promise<Record<string, unknown>>;
  const outputs = await main();
  programTimings.end = Date.now();
  return outputs;
}

const summaryOps: Record<string, keyof OpMap> = {
  create: "create",
  created: "create",
  update: "update",
  updated: "update",
  delete: "delete",
  deleted: "delete",
  replace: "replace",
  replaced: "replace",
  unchanged: "same",
};

/** The engine's "Resources:" block (`~ 1 to update`, `14 unchanged`) as an operation count. */
export function resourcesSummary(stdout: string): OpMap {
  const block = stdout
    .slice(stdout.lastIndexOf("\nResources:") + 1)
    .split("\n")
    .slice(1);
  const out: OpMap = {};
  for (const line of block) {
    const m = /^\s+(?:\+-|[~+-])?\s*(\d+) (?:to )?(\w+)\s*$/.exec(line);
    if (!m) {
      if (line.trim() === "") break;
      continue;
    }
    const op = summaryOps[m[2]];
    if (op) out[op] = (out[op] ?? 0) + Number(m[1]);
  }
  return out;
}

/** The number of resources an update changed, by operation, without the unchanged ones. */
export function changed(changes: OpMap): Record<string, number> {
  return Object.fromEntries(Object.entries(changes).filter(([op, n]) => op !== "same" && (n ?? 0) > 0)) as Record<string, number>;
}
