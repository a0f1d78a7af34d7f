# Source me:  source cluster/env.sh
# Exports KUBECONFIG for the local cluster started by cluster/up.sh and puts
# the control-plane binaries (etcd, kube-apiserver, ..., kwok) on PATH.
# kubectl itself comes from the system.
# shellcheck shell=bash
if [ -n "${BASH_SOURCE[0]:-}" ]; then
  _rollout_cluster_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
elif [ -n "${ZSH_VERSION:-}" ]; then
  # shellcheck disable=SC2296
  _rollout_cluster_dir="$(cd "$(dirname "${(%):-%x}")" && pwd)"
else
  echo "env.sh: source it from bash or zsh" >&2; return 1 2>/dev/null || exit 1
fi
# shellcheck source=versions.sh
. "${_rollout_cluster_dir}/versions.sh"
export KUBECONFIG="${ROLLOUT_CLUSTER_DIR}/kubeconfig"
case ":${PATH}:" in
  *":${ROLLOUT_BIN}:"*) ;;
  *) export PATH="${ROLLOUT_BIN}:${PATH}" ;;
esac
unset _rollout_cluster_dir K8S_VERSION ETCD_VERSION KWOK_VERSION GATEWAY_API_VERSION GO_MIN ROLLOUT_TOOLS_DIR
