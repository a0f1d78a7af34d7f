// Runs the program for a stack without the Pulumi engine: Pulumi's mock runtime stands in for the
// engine and every provider, so the result is what the program *asks for* (types, names, inputs,
// options), never what a cloud or cluster did with it. The offline renderer and the tests use it.
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { parseStackConfig } from "../config/load";
import { defineStack, gitHead, readReleases, StackContext, StackOutputs } from "../stack";
import type { ReleaseHistory } from "../strategies/release";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** Inputs as the provider would receive them (Outputs resolved). */
  readonly props: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly parent?: string;
  readonly dependsOn: string[];
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly ignoreChanges: string[];
  readonly deleteBeforeReplace: boolean;
  /** The logical names the resource also answers to (aliases given by name or URN). */
  readonly aliases: string[];
  /** The explicit provider's logical name, if one was given. */
  readonly provider?: string;
}

export interface OfflineOptions {
  /** Outputs of referenced stacks, by fully qualified name. */
  readonly stackReferences?: Record<string, Record<string, unknown>>;
  /** The commit a `build` image is tagged with (instead of `git rev-parse HEAD`). */
  readonly gitSha?: string;
  readonly projectDir?: string;
  /** `ROLLOUT_EXPECT_COMMIT` for a promoting stack. */
  readonly expectCommit?: string;
  /** This stack's `releases` output from its last update (none: a first release). */
  readonly releases?: ReleaseHistory;
}

export interface OfflineResult {
  readonly resources: RecordedResource[];
  readonly outputs: StackOutputs;
  /** Outputs resolved to plain values; secrets are listed in `secretOutputs`. */
  readonly values: Record<string, unknown>;
  readonly secretOutputs: string[];
}

/** Deterministic fake digest for a built image, so tests can assert on it. */
export function fakeDigest(seed: string): string {
  return `sha256:${createHash("sha256").update(seed).digest("hex")}`;
}

function mockState(
  type: string,
  name: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inputs: Record<string, any>,
  refs: Record<string, Record<string, unknown>>,
): Record<string, unknown> {
  switch (type) {
    case "gcp:container/cluster:Cluster":
      return {
        ...inputs,
        endpoint: "203.0.113.10",
        masterAuth: { ...(inputs.masterAuth ?? {}), clusterCaCertificate: "LS0tLS1CRUdJTi1GQUtFLUNBLS0tLS0=" },
      };
    case "gcp:serviceaccount/account:Account":
      return {
        ...inputs,
        email: `${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com`,
        name: `projects/${inputs.project}/serviceAccounts/${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com`,
      };
    case "gcp:iam/workloadIdentityPool:WorkloadIdentityPool":
      return { ...inputs, name: `projects/123456789012/locations/global/workloadIdentityPools/${inputs.workloadIdentityPoolId}` };
    case "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider":
      return {
        ...inputs,
        name: `projects/123456789012/locations/global/workloadIdentityPools/${inputs.workloadIdentityPoolId}/providers/${inputs.workloadIdentityPoolProviderId}`,
      };
    case "docker:index/image:Image": {
      const repo = String(inputs.imageName).replace(/:[^:/]+$/, "");
      return { ...inputs, repoDigest: `${repo}@${fakeDigest(String(inputs.imageName))}` };
    }
    case "pulumi:pulumi:StackReference": {
      const outputs = refs[String(inputs.name ?? name)];
      if (!outputs) throw new Error(`no mock outputs for stack reference ${inputs.name ?? name}`);
      return { ...inputs, outputs };
    }
    default:
      return inputs;
  }
}

function nameOf(r: unknown): string {
  return (r as { __name?: string }).__name ?? "?";
}

async function resolve(value: unknown): Promise<{ value: unknown; secret: boolean }> {
  if (pulumi.Output.isInstance(value)) {
    const out = value as pulumi.Output<unknown>;
    const [v, secret] = await Promise.all([
      new Promise((r) =>
        out.apply((x) => {
          r(x);
          return x;
        }),
      ),
      pulumi.isSecret(out),
    ]);
    const inner = await resolve(v);
    return { value: inner.value, secret: secret || inner.secret };
  }
  if (Array.isArray(value)) {
    const items = await Promise.all(value.map(resolve));
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  return { value, secret: false };
}

/** Runs the program for `stackName` with raw config values (`rollout:apps` -> value). */
export async function runOffline(raw: Record<string, unknown>, stackName: string, options: OfflineOptions = {}): Promise<OfflineResult> {
  // Config first: a bad config throws here, before the mock runtime exists or anything registers.
  const config = parseStackConfig(raw, stackName);
  const byName = new Map<string, RecordedResource>();
  const order: string[] = [];
  const opts = new Map<string, Omit<RecordedResource, "props" | "type" | "name">>();
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const key = `${args.type}::${args.name}`;
        // The program reads its own last outputs through a reference to itself.
        const refs = {
          [`organization/rollout/${stackName}`]: options.releases ? { releases: options.releases } : {},
          ...options.stackReferences,
        };
        const state = mockState(args.type, args.name, args.inputs, refs);
        order.push(key);
        byName.set(key, {
          type: args.type,
          name: args.name,
          props: args.inputs,
          dependsOn: [],
          protect: false,
          retainOnDelete: false,
          ignoreChanges: [],
          deleteBeforeReplace: false,
          aliases: [],
        });
        return { id: `${args.name}-id`, state };
      },
      call: (args) =>
        args.token === "gcp:organizations/getClientConfig:getClientConfig"
          ? { accessToken: "mock-access-token", project: "mock" }
          : args.inputs,
    },
    "rollout",
    stackName,
    false,
    "organization",
  );

  let outputs: StackOutputs | undefined;
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((t) => {
      opts.set(`${t.type}::${t.name}`, {
        parent: t.opts.parent ? nameOf(t.opts.parent) : undefined,
        dependsOn: ([] as unknown[]).concat(t.opts.dependsOn ?? []).map(nameOf),
        protect: t.opts.protect === true,
        retainOnDelete: t.opts.retainOnDelete === true,
        ignoreChanges: t.opts.ignoreChanges ?? [],
        deleteBeforeReplace: (t.opts as pulumi.CustomResourceOptions).deleteBeforeReplace === true,
        // The SDKs add type-only aliases (old API versions); those carry no name and are left out.
        aliases: (t.opts.aliases ?? []).flatMap((a) =>
          typeof a === "string" ? [a] : (a as pulumi.Alias).name !== undefined ? [String((a as pulumi.Alias).name)] : [],
        ),
        provider: (t.opts as pulumi.CustomResourceOptions).provider ? nameOf((t.opts as pulumi.CustomResourceOptions).provider) : undefined,
      });
      return undefined;
    });
    const ctx: StackContext = {
      stack: stackName,
      projectDir: options.projectDir ?? process.cwd(),
      expectCommit: options.expectCommit,
      gitHead: () => options.gitSha ?? gitHead(options.projectDir ?? process.cwd()) ?? "0000000000000000000000000000000000000000",
    };
    // As index.ts does: what blue/green apps continue from is read before anything else.
    outputs = defineStack(config, { ...ctx, releases: await readReleases(config, ctx) });
    return {};
  });
  const values: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  for (const [k, v] of Object.entries(outputs!)) {
    const r = await resolve(v);
    values[k] = r.value;
    if (r.secret) secretOutputs.push(k);
  }
  // Let every registration settle.
  await new Promise((r) => setTimeout(r, 50));
  const resources = order.map((key) => ({ ...byName.get(key)!, ...(opts.get(key) ?? {}) }));
  return { resources, outputs: outputs!, values, secretOutputs };
}
