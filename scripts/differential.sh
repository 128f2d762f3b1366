#!/usr/bin/env bash
# The long randomised differential of lint's open-relay verdict and simulate's replies against
# the real Postfix (RandomDifferentialTests with more configurations): prints the agreement
# figures and every mismatch. Needs root, postfix and dnsmasq (scripts/setup.sh installs them).
#   bash scripts/differential.sh [CONFIGS [SEED]]     default 400 configurations, seed 2026
set -euo pipefail
cd "$(dirname "$0")/.."
configs="${1:-400}"
seed="${2:-2026}"
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
swift build --build-tests
status=0
GATEWAYCTL_DIFF_CONFIGS="$configs" GATEWAYCTL_DIFF_SEED="$seed" GATEWAYCTL_DIFF_REPORT="$report" \
    swift test --skip-build --disable-swift-testing --filter RandomDifferentialTests >/dev/null 2>&1 || status=$?
cat "$report"
exit "$status"
