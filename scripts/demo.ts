// The main job: deploy the `local` stack to the control plane and roll it to a new version with its
// strategy, showing pods old/new/ready and which version gets traffic, then print the result.
// With a `pulumi` CLI and its kubernetes plugin on PATH it runs the real `pulumi up --stack local`;
// otherwise (these machines) the kubectl driver applies the program's offline render.
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { applyStep, clusterKubeconfig } from "../tools/driver";
import { localImage, projectDir, renderLocal } from "../tools/local-stack";
import { observe, Sample } from "../tools/observe";
import { formatPlan } from "../strategies/format";
import type { AppPlan } from "../strategies/plan";

function pulumiAvailable(): boolean {
  try {
    return execFileSync("pulumi", ["plugin", "ls"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).includes("kubernetes");
  } catch {
    return false;
  }
}

function line(s: Sample, versions: { old: string; next: string }): string {
  const podsOf = (v: string) => Object.values(s.versions).filter((x) => x === v).length;
  const readyOf = (v: string) => s.readyPods.filter((p) => s.versions[p] === v).length;
  const traffic = s.ready.map((p) => s.versions[p]);
  const share = (v: string) => (traffic.length ? Math.round((100 * traffic.filter((x) => x === v).length) / traffic.length) : 0);
  return `  t=${s.t.toFixed(1).padStart(5)}s  old ${versions.old}: ${podsOf(versions.old)} pods (${readyOf(versions.old)} ready)  new ${versions.next}: ${podsOf(versions.next)} pods (${readyOf(versions.next)} ready)  traffic: old ${share(versions.old)}% / new ${share(versions.next)}%  [${s.ready.length} endpoints]`;
}

/**
 * The real engine: `pulumi up --stack local` through the Automation API, file backend under the
 * cache folder, passphrase from PULUMI_CONFIG_PASSPHRASE (a throwaway default for the local stack).
 * Not exercised on these machines (no CLI or plugin here).
 */
async function pulumiUp(kubeconfig: string, image: string): Promise<void> {
  const state = path.join(os.homedir(), ".cache", "rollout", "pulumi-state");
  fs.mkdirSync(state, { recursive: true });
  const stack = await LocalWorkspace.createOrSelectStack({ stackName: "local", workDir: projectDir }, {
    envVars: { PULUMI_BACKEND_URL: `file://${state}`, PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "rollout-local", KUBECONFIG: kubeconfig },
  });
  await stack.setConfig("rollout:image", { value: JSON.stringify({ source: "prebuilt", ref: image }) });
  await stack.up({ onOutput: (out) => process.stdout.write(out) });
}

async function main(): Promise<void> {
  const kubeconfig = clusterKubeconfig();
  const usePulumi = pulumiAvailable();
  if (usePulumi) {
    console.log("engine: pulumi up --stack local (Automation API, file backend)");
  } else {
    console.log("engine: kubectl driver (no pulumi CLI / kubernetes plugin on this machine): the program's offline render is applied in its plan order, waiting where `pulumi up` waits");
  }
  const v1 = await renderLocal(undefined, localImage(1));
  const app = (v1.values.rolloutPlan as AppPlan[])[0];
  const ns = app.namespace;
  console.log(`\n[1/2] deploy version 1 of the local stack (${v1.manifests.length} objects)`);
  if (usePulumi) await pulumiUp(kubeconfig, localImage(1));
  else await applyStep({ kubeconfig, log: (l) => console.log(`  ${l}`) }, v1.manifests);

  const v2 = await renderLocal(undefined, localImage(2));
  const plan = v2.values.rolloutPlan as AppPlan[];
  console.log(`\n[2/2] roll to version 2; the plan:\n${formatPlan(plan, "text").replace(/^/gm, "  ")}\n`);
  const versions = { old: "sha256-111111111111", next: "sha256-222222222222" };
  let last = "";
  const watch = observe(kubeconfig, ns, app.services.find((s) => s.purpose === "live")!.name, app.app, (s) => {
    const l = line(s, versions);
    const key = l.replace(/t=\s*[0-9.]+s/, "");
    if (key !== last) console.log(l);
    last = key;
  });
  const t0 = Date.now();
  if (usePulumi) await pulumiUp(kubeconfig, localImage(2));
  else await applyStep({ kubeconfig }, v2.manifests);
  const seconds = (Date.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 1000));
  const o = await watch.stop();
  const final = o.samples[o.samples.length - 1];
  const allNew = final.ready.length > 0 && final.ready.every((p) => final.versions[p] === versions.next);
  console.log(`\nresult: ${allNew ? "rolled out" : "NOT rolled out"} in ${seconds.toFixed(1)}s; peak ${o.peakPods} pods (plan: ${plan[0].peakPods}); ` +
    `never fewer than ${o.minReadyEndpoints} ready endpoints (plan: ${plan[0].minReadyPods}); traffic now on ${allNew ? versions.next : "a mix"}`);
  console.log(`inspect: KUBECONFIG=${kubeconfig} kubectl -n ${ns} get deploy,rs,pods,endpointslices   stop: npm run cluster:down`);
  if (!allNew) process.exit(1);
}

main().catch((e: Error) => {
  console.error(`demo failed: ${e.message}`);
  process.exit(1);
});
