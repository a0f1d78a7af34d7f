/** A Kubernetes object type with every Input resolved: what the pure builders return. */
export type { Unwrap as Plain } from "@pulumi/pulumi";
