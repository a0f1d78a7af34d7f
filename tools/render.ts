// The offline render: the program's Kubernetes objects for a stack, as manifests in the order
// `pulumi up` would apply them, with what it would wait for. Like `helm template`: nothing is
// applied and GCP resources are only listed.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml, stringify } from "yaml";
import { RecordedResource, runOffline, OfflineResult } from "./offline";
import { skipAwaitAnnotation, timeoutAnnotation, waitForAnnotation } from "../workloads/objects";

export interface ManifestEntry {
  readonly file: string;
  readonly resource: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** Resources (by Pulumi name) that must be applied and awaited first. */
  readonly dependsOn: string[];
  /** What `pulumi up` waits for after applying it. */
  readonly await: {
    readonly mode: "builtin" | "skip" | "waitFor" | "none" | "gate";
    readonly timeoutSeconds?: number;
    readonly waitFor?: string[];
  };
  readonly object: Record<string, unknown>;
}

export interface RenderResult extends OfflineResult {
  readonly stack: string;
  readonly manifests: ManifestEntry[];
  readonly cloudResources: { type: string; name: string }[];
}

export function readStackConfig(projectDir: string, stack: string): Record<string, unknown> {
  const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) throw new Error(`no stack config ${file}`);
  const doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  return doc.config ?? {};
}

const awaitedKinds = new Set(["Deployment", "StatefulSet", "DaemonSet", "Service", "Pod", "Job", "Ingress", "PersistentVolumeClaim"]);

function awaitOf(kind: string, annotations: Record<string, string>): ManifestEntry["await"] {
  const timeout = annotations[timeoutAnnotation] ? Number(annotations[timeoutAnnotation]) : undefined;
  if (annotations[skipAwaitAnnotation] === "true") return { mode: "skip" };
  const waitFor = annotations[waitForAnnotation];
  if (waitFor)
    return {
      mode: "waitFor",
      timeoutSeconds: timeout ?? 600,
      waitFor: waitFor.startsWith("[") ? (JSON.parse(waitFor) as string[]) : [waitFor],
    };
  return awaitedKinds.has(kind) ? { mode: "builtin", timeoutSeconds: timeout ?? 600 } : { mode: "none" };
}

export const gateType = "pulumi-nodejs:dynamic/rollout-gate:Resource";

function isKubernetesObject(r: RecordedResource): boolean {
  return r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers") && typeof r.props.kind === "string";
}

/** Gates are dynamic resources, not Kubernetes objects; they travel in the render as `RolloutGate` entries (listed, never applied). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function asObject(r: RecordedResource): Record<string, any> {
  if (r.type !== gateType) return r.props;
  const { __provider: _provider, ...props } = r.props;
  return { apiVersion: "rollout.dev/v1", kind: "RolloutGate", metadata: { name: r.name, namespace: props.namespace }, spec: props };
}

/** Runs the stack offline; a `promote` image takes the digest the referenced stack renders to. */
export async function renderStack(projectDir: string, stack: string, gitSha?: string): Promise<RenderResult> {
  return renderConfig(projectDir, readStackConfig(projectDir, stack), stack, gitSha);
}

/** Renders a stack from raw config values (the e2e suite renders variants of the local stack). */
export async function renderConfig(
  projectDir: string,
  raw: Record<string, unknown>,
  stack: string,
  gitSha?: string,
): Promise<RenderResult> {
  const image = raw["rollout:image"] as { source?: string; fromStack?: string } | undefined;
  const stackReferences: Record<string, Record<string, unknown>> = {};
  if (image?.source === "promote" && image.fromStack) {
    const source = image.fromStack.split("/").pop()!;
    const upstream = await runOffline(readStackConfig(projectDir, source), source, { projectDir, gitSha });
    stackReferences[image.fromStack] = { image: upstream.values.image, imageCommit: upstream.values.imageCommit };
  }
  const result = await runOffline(raw, stack, { projectDir, gitSha, stackReferences });
  let n = 0;
  const manifests: ManifestEntry[] = result.resources
    .filter((r) => isKubernetesObject(r) || r.type === gateType)
    .map((r) => {
      const object = asObject(r);
      const meta = (object.metadata ?? {}) as { name: string; namespace?: string; annotations?: Record<string, string> };
      const kind = String(object.kind);
      const file = `${String(n++).padStart(3, "0")}-${kind.toLowerCase()}-${meta.namespace ? `${meta.namespace}-` : ""}${meta.name}.yaml`;
      return {
        file,
        resource: r.name,
        apiVersion: String(r.props.apiVersion),
        kind,
        name: meta.name,
        namespace: meta.namespace,
        dependsOn: r.dependsOn,
        await: kind === "RolloutGate" ? { mode: "gate" } : awaitOf(kind, meta.annotations ?? {}),
        object,
      };
    });
  const cloudResources = result.resources
    .filter((r) => r.type.startsWith("gcp:") || r.type.startsWith("docker:"))
    .map((r) => ({ type: r.type, name: r.name }));
  return { ...result, stack, manifests, cloudResources };
}

export function writeRender(result: RenderResult, outDir: string): void {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  for (const m of result.manifests) fs.writeFileSync(path.join(outDir, m.file), stringify(m.object));
  const index = {
    stack: result.stack,
    note: "Offline render under Pulumi mocks: what the program asks for, in registration order. GCP resources are listed, not rendered.",
    manifests: result.manifests.map(({ object: _object, ...m }) => m),
    cloudResources: result.cloudResources,
    outputs: Object.fromEntries(Object.entries(result.values).map(([k, v]) => [k, result.secretOutputs.includes(k) ? "[secret]" : v])),
  };
  fs.writeFileSync(path.join(outDir, "index.json"), JSON.stringify(index, null, 2));
  fs.writeFileSync(path.join(outDir, "plan.json"), JSON.stringify(result.values.rolloutPlan, null, 2));
}
