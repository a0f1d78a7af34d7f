// GKE network and maintenance options, spread into the `rollout:cluster` (provider gke) schema.
import { z } from "zod";

const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/, { error: "expected an IPv4 CIDR such as '203.0.113.0/24'" });
const rfc3339 = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, { error: "expected an RFC 3339 UTC time such as '2026-01-03T02:00:00Z'" });

export const gkeClusterOptionKeys = {
  /** Nodes get no public IP (egress through Cloud NAT, which this program does not create). @default false */
  privateNodes: z.boolean().default(false),
  /** CIDRs allowed to reach the control plane; empty: GKE's default (any address, still IAM + RBAC). */
  authorizedNetworks: z.array(z.strictObject({ cidr, name: z.string().min(1).max(60) })).default([]),
  /** When GKE may upgrade: a recurring window (RFC 5545 RRULE), e.g. weekends 02:00-06:00 UTC. */
  maintenanceWindow: z
    .strictObject({
      startTime: rfc3339,
      endTime: rfc3339,
      recurrence: z
        .string()
        .regex(/^FREQ=(DAILY|WEEKLY)(;[A-Z]+=[A-Z0-9,]+)*$/, { error: "expected an RRULE such as 'FREQ=WEEKLY;BYDAY=SA,SU'" }),
    })
    .optional(),
};

export interface GkeClusterOptions {
  readonly privateNodes: boolean;
  readonly authorizedNetworks: readonly { readonly cidr: string; readonly name: string }[];
  readonly maintenanceWindow?: { readonly startTime: string; readonly endTime: string; readonly recurrence: string };
}

/** The gcp.container.Cluster arguments these options become (pure, so tests read them directly). */
export function clusterOptionArgs(o: GkeClusterOptions) {
  return {
    ...(o.privateNodes ? { privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false } } : {}),
    ...(o.authorizedNetworks.length > 0
      ? { masterAuthorizedNetworksConfig: { cidrBlocks: o.authorizedNetworks.map((n) => ({ cidrBlock: n.cidr, displayName: n.name })) } }
      : {}),
    ...(o.maintenanceWindow ? { maintenancePolicy: { recurringWindow: { ...o.maintenanceWindow } } } : {}),
    // The Secret Manager add-on mounts apps' secrets through the CSI driver (apps[].secrets).
    secretManagerConfig: { enabled: true },
  };
}
