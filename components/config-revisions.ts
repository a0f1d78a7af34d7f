import * as pulumi from "@pulumi/pulumi";
import * as childProcess from "child_process";
import { configMapsToPrune, TemplateRefs } from "../lib/config-revisions";
import { kubectlArgs } from "../lib/kubectl";

export interface ConfigRevisionPrunerInputs {
  readonly namespace: pulumi.Input<string>;
  readonly app: string;
  /**
   * The ConfigMap this update's pods read: never pruned. Only its change re-runs the pruner, so an
   * image-only release touches nothing more than its workloads.
   */
  readonly current: pulumi.Input<string>;
  /** The previous revision's ConfigMap a rolling app's record keeps for `undo`: never pruned either. */
  readonly recorded?: string;
  readonly kubeconfig?: pulumi.Input<string>;
  readonly context?: string;
}

// Dynamic provider inputs arrive untyped (they are deserialized in the provider process).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function prune(inputs: Record<string, any>): Promise<string[]> {
  const kube = [...kubectlArgs(inputs.kubeconfig, inputs.context), "-n", inputs.namespace];
  const list = (kind: string) =>
    JSON.parse(
      childProcess.execFileSync("kubectl", [...kube, "get", kind, "-l", `app.kubernetes.io/name=${inputs.app}`, "-o", "json"], {
        encoding: "utf8",
        timeout: 30000,
      }),
    ).items as { metadata: { name: string }; spec?: { template?: { spec?: TemplateRefs } } }[];
  const templates = list("replicasets").map((rs) => rs.spec?.template?.spec ?? {});
  const names = list("configmaps").map((c) => c.metadata.name);
  const gone = configMapsToPrune(inputs.app, names, templates, inputs.current, inputs.recorded);
  for (const name of gone)
    childProcess.execFileSync("kubectl", [...kube, "delete", "configmap", name, "--ignore-not-found", "--wait=false"], { timeout: 30000 });
  return gone;
}

/** The pruner's dynamic provider (exported for its unit tests, which call it as the engine would). */
export const pruner: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: `${inputs.namespace}/${inputs.app}-config-revisions`, outs: { ...inputs, pruned: await prune(inputs) } };
  },
  async diff(_id, olds, news) {
    return { changes: olds.current !== news.current };
  },
  async update(_id, _olds, news) {
    return { outs: { ...news, pruned: await prune(news) } };
  },
};

/**
 * After a Deployment app's rollout with new config (only in `pulumi up`, never in a preview): deletes the app's retained hash-named
 * ConfigMaps that no ReplicaSet kept by revisionHistoryLimit names, so old revisions stay
 * undoable and nothing older piles up. Its output `pruned` lists what it deleted.
 */
export class ConfigRevisionPruner extends pulumi.dynamic.Resource {
  declare readonly pruned: pulumi.Output<string[]>;
  constructor(name: string, args: ConfigRevisionPrunerInputs, opts?: pulumi.CustomResourceOptions) {
    super(pruner, name, { ...args, pruned: undefined }, opts, "rollout-config-revisions");
  }
}
