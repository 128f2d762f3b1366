#!/usr/bin/env bash
# The test command: installs what the tests need, builds, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
bash scripts/module-graph.sh
swift test --skip-build --disable-swift-testing 2>&1 | tee .build/test.log
