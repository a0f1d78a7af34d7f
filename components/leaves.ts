// Resource inputs whose only unknowns are their leaves: the object is built once with a marker in
// place of each value that may be unknown in a preview (a new image digest, its version label, the
// change-cause naming it), and each string holding a marker becomes an Output of that one string.
// Everything else stays a plain value, so `pulumi preview` shows every other field and the policy
// pack can evaluate it.
import * as pulumi from "@pulumi/pulumi";

/** The marker for `key`: letters only, so label sanitising (lib/labels.ts labelValue) keeps it whole. */
export function leafMarker(key: string): string {
  return `ROLLOUTLEAF${key}ROLLOUTLEAF`;
}

const markerPattern = /ROLLOUTLEAF([A-Za-z]+)ROLLOUTLEAF/g;

/** `value` with every marked string replaced by an Output of it (the leaves resolved into it). */
export function withLeaves<T>(value: T, leaves: Readonly<Record<string, pulumi.Input<string>>>): pulumi.Input<T> {
  return substitute(value, leaves) as pulumi.Input<T>;
}

function substitute(value: unknown, leaves: Readonly<Record<string, pulumi.Input<string>>>): unknown {
  if (typeof value === "string") {
    const keys = [...value.matchAll(markerPattern)].map((m) => m[1]);
    if (keys.length === 0) return value;
    for (const k of keys) if (!(k in leaves)) throw new Error(`withLeaves: no value for leaf '${k}'`);
    return pulumi.all(keys.map((k) => leaves[k])).apply((resolved) => {
      const byKey = new Map(keys.map((k, i) => [k, resolved[i]]));
      return value.replace(markerPattern, (_m, k: string) => byKey.get(k)!);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, leaves));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [substitute(k, leaves) as string, substitute(v, leaves)]));
  return value;
}
