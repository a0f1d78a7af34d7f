# Sourced by cluster/up.sh and cluster/down.sh: shared settings and helpers.
# shellcheck shell=bash disable=SC2034

CLUSTER_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
source "${CLUSTER_SCRIPT_DIR}/versions.sh"

# Ports (all bound to 127.0.0.1). Override with env.
ROLLOUT_APISERVER_PORT="${ROLLOUT_APISERVER_PORT:-16443}"
ROLLOUT_ETCD_PORT="${ROLLOUT_ETCD_PORT:-12379}"
ROLLOUT_ETCD_PEER_PORT="${ROLLOUT_ETCD_PEER_PORT:-12380}"
ROLLOUT_KCM_PORT="${ROLLOUT_KCM_PORT:-16257}"
ROLLOUT_SCHEDULER_PORT="${ROLLOUT_SCHEDULER_PORT:-16259}"
ROLLOUT_NODES="${ROLLOUT_NODES:-3}"
ROLLOUT_SERVICE_CIDR="${ROLLOUT_SERVICE_CIDR:-10.96.0.0/16}"

STATE="${ROLLOUT_CLUSTER_DIR}"
PKI="${STATE}/pki"
PIDS="${STATE}/pids"
LOGS="${STATE}/logs"
MARKER="${STATE}/.rollout-cluster"
KUBECONFIG_ADMIN="${STATE}/kubeconfig"

# Start order; down.sh stops in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

# pid_of NAME -> prints the recorded PID if that process is alive and is
# still running the NAME binary; returns 1 otherwise.
pid_of() {
  local name="$1" f="${PIDS}/$1.pid" pid exe
  [ -f "$f" ] || return 1
  pid="$(cat "$f" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  exe="$(readlink "/proc/${pid}/exe" 2>/dev/null)" || return 1
  exe="${exe% (deleted)}"            # binary replaced by a rebuild
  [ "$(basename "$exe")" = "$name" ] || return 1
  echo "$pid"
}

# stop_all: SIGTERM every recorded process still running its binary, wait,
# SIGKILL stragglers. Reverse start order (kwok first, etcd last).
stop_all() {
  local i name pid waited stopped=()
  for (( i=${#COMPONENTS[@]}-1; i>=0; i-- )); do
    name="${COMPONENTS[$i]}"
    if pid="$(pid_of "$name")"; then
      kill -TERM "$pid" 2>/dev/null || true
      stopped+=("$name:$pid")
    fi
  done
  for entry in "${stopped[@]}"; do
    name="${entry%%:*}"; pid="${entry##*:}"
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 150 ]; do sleep 0.1; waited=$((waited+1)); done
    if kill -0 "$pid" 2>/dev/null; then
      echo "  $name (pid $pid) did not exit after 15s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    echo "  stopped $name (pid $pid)"
  done
  for name in "${COMPONENTS[@]}"; do rm -f "${PIDS}/${name}.pid"; done
  [ ${#stopped[@]} -gt 0 ]
}
