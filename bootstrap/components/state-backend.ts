import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { lockObjectsCondition } from "../plan";

export interface StateBackendArgs {
  readonly project: string;
  readonly region: string;
  readonly bucketName: string;
  /** Noncurrent versions kept of each state file (older ones are deleted). */
  readonly versionsKept: number;
  /** Members that run `pulumi up`: read/write state, encrypt/decrypt stack secrets. */
  readonly writers: readonly pulumi.Input<string>[];
  /** Members that run `pulumi preview`: read state, write lock files only, decrypt stack secrets. */
  readonly readers: readonly pulumi.Input<string>[];
}

/** The main stacks' Pulumi state (a GCS bucket) and secrets provider (a Cloud KMS key). */
export class StateBackend extends pulumi.ComponentResource {
  /** `gs://<bucket>`: `pulumi login` takes it as it is. */
  readonly url: pulumi.Output<string>;
  /** `gcpkms://projects/.../cryptoKeys/<key>`: `--secrets-provider` takes it as it is. */
  readonly secretsProvider: pulumi.Output<string>;

  constructor(name: string, args: StateBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:bootstrap:StateBackend", name, {}, opts);
    const keep = { parent: this, protect: true };
    const bucket = new gcp.storage.Bucket(
      `${name}-bucket`,
      {
        project: args.project,
        name: args.bucketName,
        location: args.region,
        // IAM only (no ACLs) and never public: state lists every resource and its inputs.
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        // A bad `pulumi up` or a deleted stack can be recovered from an earlier version.
        versioning: { enabled: true },
        lifecycleRules: [{ action: { type: "Delete" }, condition: { numNewerVersions: args.versionsKept, withState: "ARCHIVED" } }],
        forceDestroy: false,
      },
      keep,
    );
    const ring = new gcp.kms.KeyRing(`${name}-keyring`, { project: args.project, name: `${name}-keyring`, location: args.region }, keep);
    const key = new gcp.kms.CryptoKey(
      `${name}-secrets`,
      {
        name: `${name}-secrets`,
        keyRing: ring.id,
        purpose: "ENCRYPT_DECRYPT",
        // 90 days; old versions still decrypt what they encrypted.
        rotationPeriod: "7776000s",
      },
      keep,
    );

    const child = { parent: this };
    const grant = (
      suffix: string,
      i: number,
      member: pulumi.Input<string>,
      role: string,
      condition?: { title: string; expression: string },
    ) =>
      new gcp.storage.BucketIAMMember(
        `${name}-${suffix}-${i}`,
        { bucket: bucket.name, role, member, ...(condition ? { condition } : {}) },
        child,
      );
    args.writers.forEach((m, i) => {
      grant("writer", i, m, "roles/storage.objectUser");
      new gcp.kms.CryptoKeyIAMMember(
        `${name}-encrypter-${i}`,
        { cryptoKeyId: key.id, role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member: m },
        child,
      );
    });
    args.readers.forEach((m, i) => {
      grant("reader", i, m, "roles/storage.objectViewer");
      // A preview takes the stack's lock: it may create and delete lock files and nothing else.
      grant("locker", i, m, "roles/storage.objectUser", lockObjectsCondition(args.bucketName));
      new gcp.kms.CryptoKeyIAMMember(
        `${name}-decrypter-${i}`,
        { cryptoKeyId: key.id, role: "roles/cloudkms.cryptoKeyDecrypter", member: m },
        child,
      );
    });

    this.url = pulumi.interpolate`gs://${bucket.name}`;
    this.secretsProvider = pulumi.interpolate`gcpkms://${key.id}`;
    this.registerOutputs({ url: this.url, secretsProvider: this.secretsProvider });
  }
}
