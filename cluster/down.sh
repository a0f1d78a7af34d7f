#!/usr/bin/env bash
# Stop the processes cluster/up.sh started (by recorded PID, only if that PID
# still runs the expected binary), wait for them to exit.
#
# Usage: cluster/down.sh [--wipe]
#   --wipe   also delete the state dir ($ROLLOUT_CLUSTER_DIR, default
#            ~/.cache/rollout/cluster): etcd data, certificates, logs, kubeconfig.
# Safe to run when nothing is up. Built binaries are never touched.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${SCRIPT_DIR}/lib.sh"

WIPE=0
for arg in "$@"; do
  case "$arg" in
    --wipe) WIPE=1 ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "down.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

if [ ! -d "$STATE" ]; then
  echo "down.sh: nothing to do ($STATE does not exist)"
  exit 0
fi
if [ ! -e "$MARKER" ]; then
  echo "down.sh: ERROR: $STATE was not created by up.sh (no $(basename "$MARKER")); not touching it" >&2
  exit 1
fi

exec 8>"${STATE}/.lock"
if ! flock -n 8; then
  echo "down.sh: another up.sh/down.sh is running for $STATE; waiting up to 300s ..."
  flock -w 300 8 || { echo "down.sh: ERROR: timed out waiting for the lock $STATE/.lock" >&2; exit 1; }
fi

if [ -d "$PIDS" ] && stop_all; then
  echo "down.sh: cluster stopped"
else
  echo "down.sh: no cluster processes were running"
fi

if [ "$WIPE" = 1 ]; then
  exec 8>&-
  rm -rf -- "$STATE"
  echo "down.sh: wiped $STATE"
fi
