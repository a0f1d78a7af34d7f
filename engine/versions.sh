# Sourced by engine/*.sh: the engine's pinned versions and where it is installed.
# shellcheck shell=bash disable=SC2034
PULUMI_VERSION=v3.259.0
# The Kubernetes provider: the proxy serves this pseudo-version only; it is the v4.25.0 release commit.
K8S_PROVIDER_VERSION=4.25.0
K8S_PROVIDER_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
GO_MIN=1.26

ROLLOUT_CACHE="${ROLLOUT_CACHE:-${HOME}/.cache/rollout}"
ROLLOUT_ENGINE_DIR="${ROLLOUT_CACHE}/engine-pulumi-${PULUMI_VERSION}-kubernetes-${K8S_PROVIDER_VERSION}"
# On PATH for the engine: the CLI and the two Node shims.
ROLLOUT_ENGINE_BIN="${ROLLOUT_ENGINE_DIR}/bin"
# The provider is not on PATH (the CLI would warn and prefer it): it is installed into PULUMI_HOME.
ROLLOUT_ENGINE_PROVIDER="${ROLLOUT_ENGINE_DIR}/provider"
# A project-owned PULUMI_HOME: plugins installed from the binaries above, never downloaded.
ROLLOUT_PULUMI_HOME="${ROLLOUT_ENGINE_DIR}/home"
