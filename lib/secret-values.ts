// "No secret values in config": the one check both the config schema (apps[].env, apps[].config)
// and the policy pack (ConfigMaps, pod env) run. Secrets are declared by Secret Manager name
// (`apps[].secrets`) and mounted by the CSI driver; a value in config would land in state, in Git
// and in a ConfigMap anyone with `get configmaps` can read.

/** Key names that say the value is a credential. */
const secretKeyName =
  /(^|[_.-])(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API[_.-]?KEY|PRIVATE[_.-]?KEY|ACCESS[_.-]?KEY|CREDENTIALS?|AUTH)([_.-]|$)/i;

/** Values that are credentials whatever their key is called. */
const secretValuePatterns: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: "a PEM private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { name: "an AWS access key id", pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: "a GitHub token", pattern: /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{22,}\b/ },
  { name: "a Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: "a Slack token", pattern: /\bxox[abprs]-[0-9A-Za-z-]{10,}\b/ },
  { name: "a GCP service account key", pattern: /"private_key_id"\s*:/ },
  { name: "credentials in a URL", pattern: /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
];

/**
 * Why `value` under `key` looks like a secret value, or undefined. An empty value, or one that is
 * a file path (a mounted secret's location), is not a secret.
 */
export function secretValueProblem(key: string, value: string): string | undefined {
  for (const { name, pattern } of secretValuePatterns) {
    if (pattern.test(value)) return `the value looks like ${name}`;
  }
  if (value !== "" && !value.startsWith("/") && secretKeyName.test(key)) return `the key name '${key}' says it holds a credential`;
  return undefined;
}

/** The advice both the schema and the policy give. */
export const secretValueAdvice = "declare it in apps[].secrets by its Secret Manager name (mounted as a file), never as a value in config";
