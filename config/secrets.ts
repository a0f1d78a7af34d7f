// `apps[].secrets`: Secret Manager secrets an app reads, declared by name only. Hooked into
// config/schema.ts; the cross-field rules run from the stack check.
import { z } from "zod";
import { secretValueAdvice, secretValueProblem } from "../lib/secret-values";

// Also on the number branch: a string that misses the pattern fails there, and zod reports that branch's message.
const versionError = "expected 'latest' or a version number such as '3'";

/** Where the CSI driver mounts an app's secrets, one file per secret. */
export const secretsMountPath = "/var/run/secrets/app";

export const appSecretKeys = {
  secrets: z
    .array(
      z.strictObject({
        /** Secret Manager secret ID in the cluster's project. */
        name: z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, { error: "expected a Secret Manager secret ID (letters, digits, '-', '_')" }),
        /** A version number, or `latest` (a new version reaches pods when they restart). */
        version: z
          .union([z.literal("latest"), z.string().regex(/^[1-9][0-9]*$/, { error: versionError })], { error: versionError })
          .default("latest"),
        /** File name under /var/run/secrets/app. @default the secret's name */
        file: z
          .string()
          .regex(/^[A-Za-z0-9._-]+$/, { error: "expected a file name (no '/')" })
          .optional(),
      }),
    )
    .default([]),
};

type Push = (path: (string | number)[], input: unknown, message: string) => void;
interface StackLike {
  readonly cluster?: { readonly provider?: string };
  readonly apps?: readonly {
    readonly env?: Record<string, unknown>;
    readonly config?: Record<string, unknown>;
    readonly secrets?: readonly { readonly name?: string; readonly file?: string }[];
  }[];
}

/** No secret value in env/config; secrets only where the GKE Secret Manager add-on exists; one file per secret. */
export function checkSecrets(stack: StackLike, push: Push): void {
  // Runs even when parts of the stack failed to parse: skip what is not a mapping (already reported).
  const apps = (Array.isArray(stack.apps) ? stack.apps : []).map((a) => (a && typeof a === "object" && !Array.isArray(a) ? a : undefined));
  apps.forEach((app, i) => {
    if (!app) return;
    for (const field of ["env", "config"] as const) {
      const values = app[field];
      for (const [key, value] of Object.entries(values && typeof values === "object" ? values : {})) {
        const problem = typeof value === "string" ? secretValueProblem(key, value) : undefined;
        if (problem)
          push(["apps", i, field, key], "(value hidden)", `expected no secret value in ${field} (${problem}); ${secretValueAdvice}`);
      }
    }
    const secrets: readonly { readonly name?: string; readonly file?: string }[] = Array.isArray(app.secrets)
      ? app.secrets.filter((s: unknown) => s && typeof s === "object")
      : [];
    if (secrets.length > 0 && stack.cluster?.provider !== "gke") {
      push(
        ["apps", i, "secrets"],
        secrets.map((s) => s.name),
        "expected no secrets unless cluster.provider is 'gke' (they are mounted by GKE's Secret Manager add-on)",
      );
    }
    const files = new Map<string, number>();
    secrets.forEach((s, j) => {
      const file = s.file ?? s.name ?? "";
      if (files.has(file))
        push(["apps", i, "secrets", j, "file"], file, `expected a file name unique within the app (secrets[${files.get(file)}] uses it)`);
      files.set(file, j);
    });
  });
}
