#!/usr/bin/env bash
# Regenerates man/gatewayctl.1 from the command-line definitions (swift-argument-parser's
# generate-manual plugin), so the page never drifts from --help. Run after changing a command.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swift package --allow-writing-to-package-directory generate-manual \
  --date 2026-11-29 --authors "the gatewayctl developers" --output-directory "$out" >/dev/null
# The plugin writes into its own output folder and names it; copy the page from there.
page=$(find .build/plugins/GenerateManual/outputs/gatewayctl "$out" -name gatewayctl.1 -newer Package.swift 2>/dev/null | head -1)
[ -n "$page" ] || { echo "gen-man: generate-manual wrote no gatewayctl.1" >&2; exit 1; }
cp "$page" man/gatewayctl.1
echo "man/gatewayctl.1 regenerated"
