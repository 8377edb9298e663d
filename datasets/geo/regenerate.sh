#!/usr/bin/env bash
# Regenerates datasets/geo/*.tsv from @etalab/decoupage-administratif (pinned version).
# Needs node >= 18 and npm with access to the npm registry. Run from anywhere.
set -euo pipefail

PKG_VERSION=6.0.0
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

(
  cd "$TMP"
  npm install --no-save --ignore-scripts --no-audit --no-fund \
    "@etalab/decoupage-administratif@${PKG_VERSION}" >/dev/null
)
node "$HERE/build.mjs" "$TMP/node_modules/@etalab/decoupage-administratif"
