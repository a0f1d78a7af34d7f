// kubectl's connection flags from what a dynamic provider receives: kubeconfig contents (written to
// a private temporary file) or a path, and a context. Shared by the gate and the ConfigMap pruner;
// dynamic providers serialize it with them (built-in modules become `require` calls).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export function kubectlArgs(kubeconfig?: string, context?: string): string[] {
  const args: string[] = [];
  if (kubeconfig) {
    let file = kubeconfig;
    if (kubeconfig.trim().startsWith("{") || kubeconfig.includes("apiVersion")) {
      file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rollout-kube-")), "kubeconfig");
      fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
    }
    args.push("--kubeconfig", file);
  }
  if (context) args.push("--context", context);
  return args;
}
