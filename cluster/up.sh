#!/usr/bin/env bash
# Start a local Kubernetes control plane on 127.0.0.1:
#   etcd, kube-apiserver, kube-controller-manager, kube-scheduler, and kwok
#   (fake nodes + fake pod lifecycle), plus the Gateway API standard CRDs.
#
# Usage: cluster/up.sh [--wipe]
#   --wipe            start from empty etcd data (same as ROLLOUT_WIPE=1)
# Env:
#   ROLLOUT_CLUSTER_DIR  state dir (default ~/.cache/rollout/cluster): pki, etcd data, logs, pids, kubeconfig
#   ROLLOUT_CACHE        cache root for binaries (default ~/.cache/rollout)
#   ROLLOUT_NODES        number of fake nodes (default 3)
#   ROLLOUT_APISERVER_PORT (16443) ROLLOUT_ETCD_PORT (12379) ROLLOUT_ETCD_PEER_PORT (12380)
#   ROLLOUT_KCM_PORT (16257) ROLLOUT_SCHEDULER_PORT (16259)
#   ROLLOUT_UP_TIMEOUT   seconds to wait for readiness (default 120)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${SCRIPT_DIR}/lib.sh"

WIPE="${ROLLOUT_WIPE:-0}"
for arg in "$@"; do
  case "$arg" in
    --wipe) WIPE=1 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "up.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done
TIMEOUT="${ROLLOUT_UP_TIMEOUT:-120}"

die() { echo "up.sh: ERROR: $*" >&2; exit 1; }
log() { printf 'up.sh: [%5.1fs] %s\n' "$(elapsed)" "$*"; }
T0=$(date +%s.%N)
elapsed() { awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN{printf "%.1f", a-b}'; }

command -v kubectl >/dev/null 2>&1 || die "kubectl not found on PATH"
command -v openssl >/dev/null 2>&1 || die "openssl not found on PATH"
command -v curl >/dev/null 2>&1 || die "curl not found on PATH"
[[ "$ROLLOUT_NODES" =~ ^[0-9]+$ ]] && [ "$ROLLOUT_NODES" -ge 1 ] || die "ROLLOUT_NODES must be a positive integer (got '$ROLLOUT_NODES')"

mkdir -p "$STATE"
if [ -n "$(ls -A "$STATE" 2>/dev/null)" ] && [ ! -e "$MARKER" ]; then
  die "$STATE exists, is not empty and was not created by up.sh (no $(basename "$MARKER")); refusing to use it"
fi
touch "$MARKER"
mkdir -p "$PKI" "$PIDS" "$LOGS"

# One up/down at a time per state dir.
exec 8>"${STATE}/.lock"
if ! flock -n 8; then
  log "another up.sh/down.sh is running for $STATE; waiting up to 300s ..."
  flock -w 300 8 || die "timed out waiting for the lock $STATE/.lock"
fi

# --- already running? --------------------------------------------------------
running=() missing=()
for c in "${COMPONENTS[@]}"; do
  if pid_of "$c" >/dev/null; then running+=("$c"); else missing+=("$c"); fi
done
if [ ${#missing[@]} -eq 0 ]; then
  if [ "$WIPE" = 1 ]; then
    die "a cluster is already running from $STATE; --wipe not applied. Run cluster/down.sh --wipe first."
  fi
  echo "up.sh: a cluster is already running from $STATE (pids: $(cat "$PIDS"/*.pid | tr '\n' ' '))"
  echo "up.sh: nothing started. Use it with:  export KUBECONFIG=$KUBECONFIG_ADMIN"
  exit 0
fi
if [ ${#running[@]} -gt 0 ]; then
  log "partial cluster found (running: ${running[*]}; not running: ${missing[*]}); stopping the leftovers first"
  stop_all || true
fi

# --- binaries -----------------------------------------------------------------
"${SCRIPT_DIR}/build.sh" 8>&- || die "build failed (see the build.sh messages above)"
GW_CRDS="$(cat "${ROLLOUT_TOOLS_DIR}/gateway-api-crds.path")"
[ -d "$GW_CRDS" ] || die "Gateway API CRD dir missing: $GW_CRDS"
log "binaries ready"

# --- ports ----------------------------------------------------------------------
busy=0
for p in "$ROLLOUT_ETCD_PORT" "$ROLLOUT_ETCD_PEER_PORT" "$ROLLOUT_APISERVER_PORT" "$ROLLOUT_KCM_PORT" "$ROLLOUT_SCHEDULER_PORT"; do
  if [ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; then
    echo "up.sh: port $p is already in use by something else:" >&2
    ss -Hltnp "sport = :$p" >&2 || true
    busy=1
  fi
done
[ "$busy" = 0 ] || die "port(s) taken; stop that process or choose other ports (ROLLOUT_*_PORT env vars, see --help)"

# --- wipe -------------------------------------------------------------------------
if [ "$WIPE" = 1 ]; then
  log "wiping etcd data ($STATE/etcd)"
  rm -rf "${STATE}/etcd"
fi

# --- PKI (generated once) -----------------------------------------------------------
gen_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
gen_ca() { # gen_ca NAME CN
  gen_key "$PKI/$1.key"
  openssl req -x509 -new -key "$PKI/$1.key" -out "$PKI/$1.crt" -days 3650 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
}
gen_cert() { # gen_cert CA NAME SUBJECT EKU [SAN]
  local ca="$1" name="$2" subj="$3" eku="$4" san="${5:-}" ext="$PKI/$2.ext"
  gen_key "$PKI/$name.key"
  openssl req -new -key "$PKI/$name.key" -out "$PKI/$name.csr" -subj "$subj" 2>/dev/null
  { echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    [ -n "$san" ] && echo "subjectAltName=$san"; } >"$ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 3650 -out "$PKI/$name.crt" -extfile "$ext" 2>/dev/null
  rm -f "$PKI/$name.csr" "$ext"
}
if [ ! -f "$PKI/.complete" ]; then
  log "generating certificates in $PKI"
  rm -rf "$PKI"; mkdir -p "$PKI"; chmod 700 "$PKI"
  gen_ca ca rollout-ca
  gen_ca front-proxy-ca rollout-front-proxy-ca
  gen_ca etcd-ca rollout-etcd-ca
  LOCAL_SAN="IP:127.0.0.1,DNS:localhost"
  gen_cert etcd-ca etcd-server "/CN=etcd" serverAuth,clientAuth "$LOCAL_SAN"
  gen_cert etcd-ca etcd-peer "/CN=etcd-peer" serverAuth,clientAuth "$LOCAL_SAN"
  gen_cert etcd-ca apiserver-etcd-client "/CN=kube-apiserver-etcd-client" clientAuth
  gen_cert ca apiserver "/CN=kube-apiserver" serverAuth \
    "$LOCAL_SAN,IP:192.0.2.1,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  gen_cert ca apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
  gen_cert ca admin "/O=system:masters/CN=rollout-admin" clientAuth
  gen_cert ca kube-controller-manager "/CN=system:kube-controller-manager" clientAuth
  gen_cert ca kube-scheduler "/CN=system:kube-scheduler" clientAuth
  # kwok patches many nodes' and pods' status and renews node leases: a node
  # identity (system:node:<name>) is limited to its own node by the Node
  # authorizer, so kwok gets a cluster-admin identity of its own.
  gen_cert ca kwok "/O=system:masters/CN=kwok-controller" clientAuth
  gen_cert front-proxy-ca front-proxy-client "/CN=front-proxy-client" clientAuth
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/sa.key" 2>/dev/null
  openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  chmod 600 "$PKI"/*.key
  touch "$PKI/.complete"
fi

# --- kubeconfigs (rewritten every time: ports may change) -----------------------------
b64() { base64 -w0 <"$1"; }
write_kubeconfig() { # write_kubeconfig FILE CERTNAME USER
  umask 077
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: rollout
  cluster:
    server: https://127.0.0.1:${ROLLOUT_APISERVER_PORT}
    certificate-authority-data: $(b64 "$PKI/ca.crt")
users:
- name: $3
  user:
    client-certificate-data: $(b64 "$PKI/$2.crt")
    client-key-data: $(b64 "$PKI/$2.key")
contexts:
- name: rollout
  context:
    cluster: rollout
    user: $3
    namespace: default
current-context: rollout
EOF
  umask 022
}
write_kubeconfig "$KUBECONFIG_ADMIN" admin rollout-admin
write_kubeconfig "$STATE/kube-controller-manager.kubeconfig" kube-controller-manager system:kube-controller-manager
write_kubeconfig "$STATE/kube-scheduler.kubeconfig" kube-scheduler system:kube-scheduler
write_kubeconfig "$STATE/kwok.kubeconfig" kwok kwok-controller
export KUBECONFIG="$KUBECONFIG_ADMIN"

# --- start processes -------------------------------------------------------------------
# start NAME ARGS...: runs $ROLLOUT_BIN/NAME detached (own session), logs to
# $LOGS/NAME.log, PID (of the binary itself, via exec) to $PIDS/NAME.pid.
start() {
  local name="$1"; shift
  rm -f "$PIDS/$name.pid"
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PIDS/$name.pid" "$ROLLOUT_BIN/$name" "$@" \
    </dev/null >>"$LOGS/$name.log" 2>&1 8>&- &
  local i=0
  while [ ! -s "$PIDS/$name.pid" ] && [ $i -lt 50 ]; do sleep 0.02; i=$((i+1)); done
  echo "==== $(date -u +%FT%TZ) started by up.sh (pid $(cat "$PIDS/$name.pid" 2>/dev/null))" >>"$LOGS/$name.log"
}
fail() { # fail MESSAGE: show log tails, stop what we started, exit 1
  echo "up.sh: ERROR: $*" >&2
  for c in "${COMPONENTS[@]}"; do
    if [ -f "$LOGS/$c.log" ] && ! pid_of "$c" >/dev/null && [ -f "$PIDS/$c.pid" ]; then
      echo "---- $c exited; last log lines ($LOGS/$c.log):" >&2; tail -n 15 "$LOGS/$c.log" >&2
    fi
  done
  echo "up.sh: stopping the processes started so far" >&2
  stop_all >&2 || true
  exit 1
}
check_alive() { local c; for c in "$@"; do pid_of "$c" >/dev/null || fail "$c exited during start-up"; done; }
# wait_until DESCRIPTION COMMAND...: poll every 0.2s until COMMAND succeeds.
wait_until() {
  local what="$1"; shift
  local deadline=$(( $(date +%s) + TIMEOUT ))
  until "$@" >/dev/null 2>&1; do
    check_alive "${started[@]}"
    [ "$(date +%s)" -lt "$deadline" ] || fail "timed out after ${TIMEOUT}s waiting for $what"
    sleep 0.2
  done
}
started=()

ETCD_URL="https://127.0.0.1:${ROLLOUT_ETCD_PORT}"
ETCD_PEER_URL="https://127.0.0.1:${ROLLOUT_ETCD_PEER_PORT}"
# --unsafe-no-fsync: throw-away test data; only an OS crash could lose writes.
start etcd \
  --name=rollout --data-dir="$STATE/etcd" \
  --listen-client-urls="$ETCD_URL" --advertise-client-urls="$ETCD_URL" \
  --listen-peer-urls="$ETCD_PEER_URL" --initial-advertise-peer-urls="$ETCD_PEER_URL" \
  --initial-cluster="rollout=$ETCD_PEER_URL" --initial-cluster-state=new \
  --cert-file="$PKI/etcd-server.crt" --key-file="$PKI/etcd-server.key" \
  --trusted-ca-file="$PKI/etcd-ca.crt" --client-cert-auth=true \
  --peer-cert-file="$PKI/etcd-peer.crt" --peer-key-file="$PKI/etcd-peer.key" \
  --peer-trusted-ca-file="$PKI/etcd-ca.crt" --peer-client-cert-auth=true \
  --unsafe-no-fsync=true --log-level=warn
started+=(etcd)

# --endpoint-reconciler-type=none: the advertise address 192.0.2.1 is fake
# (nothing reaches it), so maintaining default/kubernetes endpoints buys
# nothing, and removing them at shutdown sometimes stalled SIGTERM for 20s.
start kube-apiserver \
  --advertise-address=192.0.2.1 --bind-address=127.0.0.1 --secure-port="$ROLLOUT_APISERVER_PORT" \
  --etcd-servers="$ETCD_URL" --etcd-cafile="$PKI/etcd-ca.crt" \
  --etcd-certfile="$PKI/apiserver-etcd-client.crt" --etcd-keyfile="$PKI/apiserver-etcd-client.key" \
  --client-ca-file="$PKI/ca.crt" \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --service-cluster-ip-range="$ROLLOUT_SERVICE_CIDR" \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction --allow-privileged=true \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --endpoint-reconciler-type=none \
  --enable-priority-and-fairness=true --profiling=false --v=1
started+=(kube-apiserver)
log "started etcd (pid $(pid_of etcd)) and kube-apiserver (pid $(pid_of kube-apiserver)); waiting for /readyz"

readyz() {
  curl -sf --max-time 2 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:${ROLLOUT_APISERVER_PORT}/readyz"
}
wait_until "kube-apiserver /readyz" readyz
T_API="$(elapsed)"
log "kube-apiserver ready"

# Both components get the client and front-proxy CAs directly, so they need
# not look them up (and complain) before the apiserver is fully up.
AUTHN_FLAGS=(--client-ca-file="$PKI/ca.crt" --requestheader-client-ca-file="$PKI/front-proxy-ca.crt"
  --requestheader-allowed-names=front-proxy-client --requestheader-username-headers=X-Remote-User
  --requestheader-group-headers=X-Remote-Group --requestheader-extra-headers-prefix=X-Remote-Extra-)
start kube-controller-manager \
  --kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
  --authentication-kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
  --authorization-kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
  "${AUTHN_FLAGS[@]}" \
  --bind-address=127.0.0.1 --secure-port="$ROLLOUT_KCM_PORT" --cert-dir="$STATE/kcm-serving" \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --use-service-account-credentials=true --controllers='*' \
  --service-cluster-ip-range="$ROLLOUT_SERVICE_CIDR" --cluster-name=rollout \
  --kube-api-qps=100 --kube-api-burst=200 \
  --leader-elect=false --profiling=false --v=1
started+=(kube-controller-manager)
start kube-scheduler \
  --kubeconfig="$STATE/kube-scheduler.kubeconfig" \
  --authentication-kubeconfig="$STATE/kube-scheduler.kubeconfig" \
  --authorization-kubeconfig="$STATE/kube-scheduler.kubeconfig" \
  "${AUTHN_FLAGS[@]}" \
  --bind-address=127.0.0.1 --secure-port="$ROLLOUT_SCHEDULER_PORT" --cert-dir="$STATE/scheduler-serving" \
  --leader-elect=false --profiling=false --v=1
started+=(kube-scheduler)
STAGES="$(printf '%s,' "$SCRIPT_DIR"/kwok/*.yaml)"
mkdir -p "$STATE/kwok"
# KWOK_WORKDIR keeps kwok from reading ~/.kwok/kwok.yaml. No --server-address
# and no --node-port: kwok serves nothing.
KWOK_WORKDIR="$STATE/kwok" start kwok \
  --kubeconfig="$STATE/kwok.kubeconfig" --config="${STAGES%,}" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --node-lease-duration-seconds=40 --cidr=10.244.0.0/16
started+=(kwok)
log "started kube-controller-manager, kube-scheduler, kwok"

# --- Gateway API CRDs (in the background, while nodes come up) ----------------------------
kubectl apply --server-side --force-conflicts -f "$GW_CRDS" >"$LOGS/gateway-api-crds.log" 2>&1 8>&- &
CRD_PID=$!

# --- fake nodes ----------------------------------------------------------------------------
zones=(zone-a zone-b zone-c)
want=()
nodes_yaml=""
for (( i=0; i<ROLLOUT_NODES; i++ )); do
  n="kwok-node-$i"; want+=("$n")
  nodes_yaml+="---
apiVersion: v1
kind: Node
metadata:
  name: $n
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: \"0\"
  labels:
    rollout.dev/fake-node: \"true\"
    type: kwok
    kubernetes.io/hostname: $n
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    node-role.kubernetes.io/agent: \"\"
    topology.kubernetes.io/region: local
    topology.kubernetes.io/zone: ${zones[$((i % 3))]}
status:
  addresses:
  - {type: InternalIP, address: 10.240.$((i / 250)).$((i % 250 + 1))}
  - {type: Hostname, address: $n}
  allocatable: {cpu: \"32\", memory: 256Gi, pods: \"110\", ephemeral-storage: 1Ti}
  capacity: {cpu: \"32\", memory: 256Gi, pods: \"110\", ephemeral-storage: 1Ti}
"
done
kubectl apply -f - <<<"$nodes_yaml" >/dev/null || fail "could not create the fake nodes"
# Remove fake nodes left over from a run with a larger ROLLOUT_NODES.
for n in $(kubectl get nodes -l rollout.dev/fake-node=true -o jsonpath='{.items[*].metadata.name}'); do
  [[ " ${want[*]} " == *" $n "* ]] || { kubectl delete node "$n" --wait=false >/dev/null; log "deleted surplus node $n"; }
done
log "applied $ROLLOUT_NODES fake node(s)"

# --- wait for nodes, ServiceAccount, CRDs ---------------------------------------------------
nodes_ready() {
  local out
  out="$(kubectl get nodes -l rollout.dev/fake-node=true -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.conditions[?(@.type=="Ready")].status}{" "}{.spec.taints[*].key}{"\n"}{end}')" || return 1
  [ "$(grep -c ' True $' <<<"$out")" -eq "$ROLLOUT_NODES" ]
}
wait_until "$ROLLOUT_NODES node(s) Ready and untainted" nodes_ready
T_NODES="$(elapsed)"
log "nodes Ready"
wait_until "ServiceAccount default/default" kubectl get serviceaccount default -n default
wait "$CRD_PID" || { cat "$LOGS/gateway-api-crds.log" >&2; fail "could not apply Gateway API CRDs from $GW_CRDS"; }
log "applied Gateway API ${GATEWAY_API_VERSION} standard CRDs"
wait_until "Gateway API CRDs Established" kubectl wait --for=condition=Established --timeout=1s -f "$GW_CRDS"
for p in "$ROLLOUT_KCM_PORT" "$ROLLOUT_SCHEDULER_PORT"; do
  wait_until "healthz on 127.0.0.1:$p" curl -skf --max-time 2 "https://127.0.0.1:$p/healthz"
done
check_alive "${COMPONENTS[@]}"
T_ALL="$(elapsed)"

cat <<EOF
up.sh: cluster ready in ${T_ALL}s (apiserver ready at ${T_API}s, nodes Ready at ${T_NODES}s)
  state dir : $STATE   (logs: $LOGS, pids: $PIDS)
  apiserver : https://127.0.0.1:${ROLLOUT_APISERVER_PORT}  (Kubernetes ${K8S_VERSION}, etcd ${ETCD_VERSION}, kwok ${KWOK_VERSION})
  nodes     : ${want[*]}
  pods become Ready 2s after scheduling; annotation rollout.dev/ready-delay overrides (e.g. "500ms", "1h")

  export KUBECONFIG=$KUBECONFIG_ADMIN      # or: source $SCRIPT_DIR/env.sh
  kubectl get nodes
  stop: $SCRIPT_DIR/down.sh  [--wipe]
EOF
