// Runs the bootstrap program under Pulumi's mock runtime: what it asks GCP for, never what GCP did.
import * as pulumi from "@pulumi/pulumi";
import { defineBootstrap } from "../bootstrap";
import { parseBootstrapConfig } from "../config";

export interface Recorded {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly protect: boolean;
  readonly parent?: string;
}

const projectNumber = "123456789012";

/** What GCP would report for the fields the program reads (ids and names it derives nothing from). */
// Mock inputs are whatever the program passed: untyped by nature.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function mockIdAndState(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, unknown> } {
  switch (type) {
    case "gcp:serviceaccount/account:Account": {
      const email = `${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com`;
      return {
        id: `projects/${inputs.project}/serviceAccounts/${email}`,
        state: { ...inputs, email, name: `projects/${inputs.project}/serviceAccounts/${email}` },
      };
    }
    case "gcp:iam/workloadIdentityPool:WorkloadIdentityPool":
      return {
        id: name,
        state: { ...inputs, name: `projects/${projectNumber}/locations/global/workloadIdentityPools/${inputs.workloadIdentityPoolId}` },
      };
    case "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider":
      return {
        id: name,
        state: {
          ...inputs,
          name: `projects/${projectNumber}/locations/global/workloadIdentityPools/${inputs.workloadIdentityPoolId}/providers/${inputs.workloadIdentityPoolProviderId}`,
        },
      };
    case "gcp:kms/keyRing:KeyRing":
      return { id: `projects/${inputs.project}/locations/${inputs.location}/keyRings/${inputs.name}`, state: inputs };
    case "gcp:kms/cryptoKey:CryptoKey":
      return { id: `${inputs.keyRing}/cryptoKeys/${inputs.name}`, state: inputs };
    default:
      return { id: `${name}-id`, state: inputs };
  }
}

export async function runBootstrap(raw: Record<string, unknown>): Promise<{ resources: Recorded[]; outputs: Record<string, unknown> }> {
  const config = parseBootstrapConfig(raw);
  const recorded = new Map<string, Recorded>();
  const order: string[] = [];
  const opts = new Map<string, { protect: boolean; parent?: string }>();
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const key = `${args.type}::${args.name}`;
        order.push(key);
        recorded.set(key, { type: args.type, name: args.name, props: args.inputs, protect: false });
        return mockIdAndState(args.type, args.name, args.inputs);
      },
      call: (args) => args.inputs,
    },
    "rollout-bootstrap",
    "acme",
    false,
  );
  let out: Record<string, pulumi.Output<string>> = {};
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((t) => {
      opts.set(`${t.type}::${t.name}`, {
        protect: t.opts.protect === true,
        parent: (t.opts.parent as { __name?: string } | undefined)?.__name,
      });
      return undefined;
    });
    out = { ...defineBootstrap(config) };
    return {};
  });
  const outputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(out))
    outputs[k] = await new Promise((r) =>
      v.apply((x) => {
        r(x);
        return x;
      }),
    );
  await new Promise((r) => setTimeout(r, 50));
  return { resources: order.map((k) => ({ ...recorded.get(k)!, ...(opts.get(k) ?? {}) })), outputs };
}
