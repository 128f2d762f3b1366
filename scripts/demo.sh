#!/usr/bin/env bash
# The main job on the bundled example: check the seed gateway, then build it into ./out.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release
bin=.build/release/gatewayctl
$bin check examples/seed-gateway.conf
