// The stack config as the Pulumi engine hands it to the program, with the keys the user marked secret
// (`pulumi config set --secret`), so parseStackConfig can refuse to render a secret in plain text.
import * as pulumi from "@pulumi/pulumi";

/** The runtime's own secret-key lookup (`runtime/config.ts`, marked internal in the SDK's types). */
type SecretLookup = { isConfigSecret?: (key: string) => boolean };

export function readPulumiConfig(): { raw: Record<string, string>; secretKeys: string[] } {
  const raw = pulumi.runtime.allConfig();
  const isSecret = (pulumi.runtime as unknown as SecretLookup).isConfigSecret;
  return { raw, secretKeys: typeof isSecret === "function" ? Object.keys(raw).filter((k) => isSecret(k)) : [] };
}
