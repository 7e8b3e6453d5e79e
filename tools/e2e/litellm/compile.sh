#!/usr/bin/env bash
# Regenerate requirements.txt (every transitive dependency pinned, with hashes) from requirements.in.
# pip-tools runs from a throw-away venv; nothing is installed system-wide.
# Candidates are limited to files uploaded before UPLOADED_PRIOR_TO (pip >= 26 --uploaded-prior-to):
# the day after litellm 1.82.6 was published and before the compromised 1.82.7/1.82.8, so the whole
# dependency set is the one a user installing 1.82.6 then would have got.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${AGENTOPS_E2E_PYTHON:-python3.11}"
UPLOADED_PRIOR_TO="${UPLOADED_PRIOR_TO:-2026-03-23T00:00:00Z}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -m venv "$tmp/venv"
# Our own pip/pip-tools for the tooling venv only (PIP_* from the environment must not leak into the lock).
env -u PIP_FIND_LINKS "$tmp/venv/bin/python" -m pip install -q --disable-pip-version-check 'pip>=26' 'pip-tools==7.6.2'
env -u PIP_FIND_LINKS "$tmp/venv/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras \
  --no-emit-index-url --no-emit-find-links \
  --pip-args "--uploaded-prior-to=$UPLOADED_PRIOR_TO" \
  --output-file requirements.txt requirements.in
echo "requirements.txt: $(grep -c '^[a-zA-Z]' requirements.txt) pinned distributions"
