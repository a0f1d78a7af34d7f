// The main job: the real `pulumi up --stack local` (Automation API, the engine engine/build.sh
// built) deploys the local stack to the control plane, then rolls it to a new version with its
// strategy while showing pods old/new/ready and where traffic goes, then prints the result.
import { EngineStack, engineVersions, formatVersions, changed } from "../tools/engine";
import { clusterKubeconfig } from "../tools/kube";
import { localConfig, localImage, localVersion } from "../tools/local-stack";
import { observe, readyEndpoints, Sample } from "../tools/observe";
import { formatPlan } from "../strategies/format";
import type { ExportedPlan } from "../strategies/plan";

function line(s: Sample, versions: { old: string; next: string }): string {
  const podsOf = (v: string) => Object.values(s.versions).filter((x) => x === v).length;
  const readyOf = (v: string) => s.readyPods.filter((p) => s.versions[p] === v).length;
  const traffic = s.ready.map((p) => s.versions[p]);
  const share = (v: string) => (traffic.length ? Math.round((100 * traffic.filter((x) => x === v).length) / traffic.length) : 0);
  return `  t=${s.t.toFixed(1).padStart(5)}s  old ${versions.old}: ${podsOf(versions.old)} pods (${readyOf(versions.old)} ready)  new ${versions.next}: ${podsOf(versions.next)} pods (${readyOf(versions.next)} ready)  traffic: old ${share(versions.old)}% / new ${share(versions.next)}%  [${s.ready.length} endpoints]`;
}

async function main(): Promise<void> {
  const kubeconfig = clusterKubeconfig();
  console.log(formatVersions(engineVersions()));
  const engineLine = (l: string) => {
    if (l.trim()) console.log(`  pulumi | ${l}`);
  };
  const stack = await EngineStack.open({ stack: "local", kubeconfig, onOutput: engineLine });
  console.log(`state: ${stack.workDir} (file backend); KUBECONFIG=${kubeconfig}`);
  // The cluster may have been wiped since the last demo: refresh makes the state match it first.
  await stack.refresh();

  console.log(`\n[1/2] pulumi up --stack local: version 1 (${localImage(1)})`);
  await stack.setConfig(localConfig(undefined, localImage(1)));
  const first = await stack.up();
  console.log(`  -> ${first.result} in ${first.seconds.toFixed(1)}s ${JSON.stringify(changed(first.changes))}`);
  const plan = ((await stack.outputs()).rolloutPlan as ExportedPlan[])[0];
  const live = plan.services.find((s) => s.purpose === "live")!.name;
  await readyEndpoints(kubeconfig, plan.namespace, live, plan.minReadyPods);

  await stack.setConfig(localConfig(undefined, localImage(2)));
  const preview = await stack.preview();
  console.log(`\n[2/2] pulumi up --stack local: version 2 (${localImage(2)}); the preview: ${JSON.stringify(changed(preview.changes))}`);
  const versions = { old: localVersion(1), next: localVersion(2) };
  let last = "";
  const watch = observe(kubeconfig, plan.namespace, live, plan.app, (s) => {
    const l = line(s, versions);
    const key = l.replace(/t=\s*[0-9.]+s/, "");
    if (key !== last) console.log(l);
    last = key;
  });
  const second = await stack.up();
  const o = await watch.stop();
  const next = ((await stack.outputs()).rolloutPlan as ExportedPlan[])[0];
  console.log(`\nthe plan it ran:\n${formatPlan([next], "text").replace(/^/gm, "  ")}`);
  const final = o.samples[o.samples.length - 1];
  const allNew = final.ready.length > 0 && final.ready.every((p) => final.versions[p] === versions.next);
  console.log(
    `\nresult: ${allNew ? "rolled out" : "NOT rolled out"} by pulumi up in ${second.seconds.toFixed(1)}s (${JSON.stringify(changed(second.changes))}); peak ${o.peakPods} pods (plan: ${next.peakPods}); ` +
      `never fewer than ${o.minReadyEndpoints} ready endpoints (plan: ${next.minReadyPods}); traffic now on ${allNew ? versions.next : "a mix"}`,
  );
  console.log(
    `inspect: KUBECONFIG=${kubeconfig} kubectl -n ${plan.namespace} get deploy,rs,pods,endpointslices   history: npm run engine -- refresh --stack local   stop: npm run cluster:down`,
  );
  if (!allNew) process.exit(1);
}

main().catch((e: Error) => {
  console.error(`demo failed: ${e.message}`);
  process.exit(1);
});
