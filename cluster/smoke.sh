#!/usr/bin/env bash
# Smoke check against the cluster started by cluster/up.sh:
#  1. ready-delay semantics: a pod without the annotation is Ready after ~2s,
#     a pod annotated rollout.dev/ready-delay=1h is not.
#  2. a 10-replica Deployment (maxSurge 2, maxUnavailable 0, ready delay 2s) is
#     rolled to a new image with `kubectl set image`; the time until
#     `kubectl rollout status` returns is printed. Everything is deleted after.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
source "${SCRIPT_DIR}/versions.sh"
# Always the local cluster (never whatever KUBECONFIG points at).
export KUBECONFIG="${ROLLOUT_CLUSTER_DIR}/kubeconfig"
NS=default
NAME=rollout-smoke
IMG1="registry.example/app@sha256:$(printf 'a%.0s' {1..64})"
IMG2="registry.example/app@sha256:$(printf 'b%.0s' {1..64})"
now() { date +%s.%N; }
secs() { awk -v a="$2" -v b="$1" 'BEGIN{printf "%.1f", a-b}'; }

kubectl get --raw /readyz >/dev/null 2>&1 || { echo "smoke.sh: cluster not reachable via $KUBECONFIG; run cluster/up.sh" >&2; exit 1; }

cleanup() {
  kubectl -n "$NS" delete deployment "$NAME" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  kubectl -n "$NS" delete pod "$NAME-default" "$NAME-never" --ignore-not-found --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
kubectl -n "$NS" wait --for=delete pod -l "app in ($NAME,$NAME-pod)" --timeout=60s >/dev/null 2>&1 || true

# --- 1. ready delay semantics -------------------------------------------------
t0=$(now)
for v in default never; do
  ann=""; [ "$v" = never ] && ann='rollout.dev/ready-delay: "1h"'
  kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $NAME-$v
  labels: {app: $NAME-pod}
  annotations: {${ann}}
spec:
  containers: [{name: app, image: "$IMG1"}]
YAML
done
kubectl -n "$NS" wait --for=condition=Ready pod/"$NAME-default" --timeout=30s >/dev/null
echo "smoke.sh: pod without annotation Ready $(secs "$t0" "$(now)")s after create (default delay 2s; includes scheduling)"
sleep 1
r="$(kubectl -n "$NS" get pod "$NAME-never" -o jsonpath='{.status.phase}/{.status.conditions[?(@.type=="Ready")].status}')"
case "$r" in
  */True) echo "smoke.sh: FAIL: pod annotated ready-delay=1h is Ready ($r)" >&2; exit 1 ;;
  *) echo "smoke.sh: pod annotated rollout.dev/ready-delay=1h not Ready (phase/ready: ${r:-?}) - OK" ;;
esac
kubectl -n "$NS" delete pod "$NAME-default" "$NAME-never" --wait=false >/dev/null

# --- 2. rolling update ----------------------------------------------------------
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $NAME
spec:
  replicas: 10
  selector: {matchLabels: {app: $NAME}}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 2, maxUnavailable: 0}
  template:
    metadata:
      labels: {app: $NAME}
      annotations: {rollout.dev/ready-delay: "2s"}
    spec:
      containers: [{name: app, image: "$IMG1"}]
YAML
t0=$(now)
kubectl -n "$NS" rollout status deployment/"$NAME" --timeout=120s >/dev/null
echo "smoke.sh: initial 10 replicas available in $(secs "$t0" "$(now)")s"

t0=$(now)
kubectl -n "$NS" set image deployment/"$NAME" app="$IMG2" >/dev/null
kubectl -n "$NS" rollout status deployment/"$NAME" --timeout=120s >/dev/null
t1=$(now)
ready="$(kubectl -n "$NS" get deployment "$NAME" -o jsonpath='{.status.updatedReplicas}/{.status.availableReplicas}/{.status.replicas}')"
S="$(secs "$t0" "$t1")"
echo "smoke.sh: rolling update 10 replicas, maxSurge 2, maxUnavailable 0, ready delay 2s: ${S}s (updated/available/total ${ready})"
[ "$ready" = "10/10/10" ] || { echo "smoke.sh: FAIL: unexpected replica counts $ready" >&2; exit 1; }
echo "ROLLOUT_SECONDS=${S}"
