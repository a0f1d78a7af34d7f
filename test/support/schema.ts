// Validates rendered objects against the Kubernetes OpenAPI schemas (kubernetes-models) and the
// Gateway API schemas (@kubernetes-models/gateway-api). Both packages are ESM-only: loaded with import().

type Model = new (data: unknown) => { validate(): void };

function modulePath(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "gateway.networking.k8s.io") return `@kubernetes-models/gateway-api/${group}/${version}/${kind}`;
  return `kubernetes-models/${group ? `${group}/` : ""}${version}/${kind}`;
}

const cache = new Map<string, Model>();

export async function modelFor(apiVersion: string, kind: string): Promise<Model> {
  const key = `${apiVersion}/${kind}`;
  if (!cache.has(key)) {
    const mod = (await import(modulePath(apiVersion, kind))) as Record<string, Model>;
    if (!mod[kind]) throw new Error(`no schema model for ${key}`);
    cache.set(key, mod[kind]);
  }
  return cache.get(key)!;
}

/** Throws with the object's name and the schema's complaint when the object is invalid. */
export async function validateObject(obj: Record<string, unknown>): Promise<void> {
  const apiVersion = String(obj.apiVersion);
  const kind = String(obj.kind);
  const Model = await modelFor(apiVersion, kind);
  try {
    new Model(obj).validate();
  } catch (e) {
    const meta = obj.metadata as { name?: string; namespace?: string } | undefined;
    throw new Error(`${kind} ${meta?.namespace ?? ""}/${meta?.name ?? "?"} fails the ${apiVersion} schema: ${(e as Error).message}`);
  }
}
