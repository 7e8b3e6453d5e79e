#!/usr/bin/env bash
# CI entry point: provision the real e2e peers (Jaeger built from the Go module proxy, LiteLLM from
# PyPI with hashes) into ${AGENTOPS_E2E_CACHE:-$HOME/.cache/agentops-e2e}. Idempotent.
# Needs: go (>= 1.24.6; an older go fetches the required toolchain from the Go proxy), python3.11
# (or AGENTOPS_E2E_PYTHON), Node 24 (the repo's node_modules/.bin/node after `npm ci`).
# Usage: tools/e2e/provision.sh [--jaeger] [--litellm] [--check]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
node="$here/../../node_modules/.bin/node"
[ -x "$node" ] || node="node"
command -v go >/dev/null || { echo "provision: go not found on PATH" >&2; exit 1; }
exec "$node" "$here/provision.mjs" "$@"
