// Which of an app's hash-named ConfigMaps can go. The program retains a ConfigMap when its content
// changes, because pods of older revisions (and `kubectl rollout undo`) still read it. A ConfigMap
// that no ReplicaSet of the app refers to any more can go: the Deployment controller has already
// pruned those ReplicaSets to revisionHistoryLimit. Pure, so the rule is tested alone.

import { createHash } from "crypto";

/** An app's config as its ConfigMap holds it: keys sorted, so the name below depends on content only. */
export function revisionConfigData(config: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (!config || Object.keys(config).length === 0) return undefined;
  return Object.fromEntries(
    Object.keys(config)
      .sort()
      .map((k) => [k, config[k]]),
  );
}

/** The name of an app's ConfigMap for this config (`<app>-config-<10 hex of sha256>`), or undefined without config. */
export function revisionConfigMapName(app: string, config: Readonly<Record<string, string>> | undefined): string | undefined {
  const data = revisionConfigData(config);
  return data && `${app}-config-${createHash("sha256").update(JSON.stringify(data)).digest("hex").slice(0, 10)}`;
}

/** The parts of a ReplicaSet's pod template that can name a ConfigMap. */
export interface TemplateRefs {
  readonly containers?: readonly ContainerRefs[];
  readonly initContainers?: readonly ContainerRefs[];
  readonly volumes?: readonly { readonly configMap?: { readonly name?: string } }[];
}

interface ContainerRefs {
  readonly envFrom?: readonly { readonly configMapRef?: { readonly name?: string } }[];
  readonly env?: readonly { readonly valueFrom?: { readonly configMapKeyRef?: { readonly name?: string } } }[];
}

/** The name pattern of the program's ConfigMaps for `app` (workloads/objects.ts `configMap`). */
export function isRevisionConfigMap(app: string, name: string): boolean {
  return name.startsWith(`${app}-config-`) && /^[0-9a-f]{10}$/.test(name.slice(app.length + "-config-".length));
}

export function referencedConfigMaps(templates: readonly TemplateRefs[]): Set<string> {
  const names = new Set<string>();
  for (const t of templates) {
    for (const c of [...(t.containers ?? []), ...(t.initContainers ?? [])]) {
      for (const e of c.envFrom ?? []) if (e.configMapRef?.name) names.add(e.configMapRef.name);
      for (const e of c.env ?? []) if (e.valueFrom?.configMapKeyRef?.name) names.add(e.valueFrom.configMapKeyRef.name);
    }
    for (const v of t.volumes ?? []) if (v.configMap?.name) names.add(v.configMap.name);
  }
  return names;
}

/**
 * The app's revision ConfigMaps that neither `current` nor any retained ReplicaSet's template
 * names, sorted. ConfigMaps of other shapes (not made by the program) are never candidates.
 */
export function configMapsToPrune(
  app: string,
  configMaps: readonly string[],
  templates: readonly TemplateRefs[],
  current?: string,
  /** The revision a rolling app's record keeps for `undo`, whatever the ReplicaSets say. */
  recorded?: string,
): string[] {
  const keep = referencedConfigMaps(templates);
  if (current) keep.add(current);
  if (recorded) keep.add(recorded);
  return configMaps.filter((n) => isRevisionConfigMap(app, n) && !keep.has(n)).sort();
}
