#!/usr/bin/env bash
# Installs what the tests need, builds, and runs the whole default test suite (a few minutes on 2 cores).
# Long checks are opt-in: COCHLEA_LONG_TESTS=1 scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
COCHLEA_SETUP_TESTS=1 scripts/setup.sh
swift build --build-tests 2>&1 | grep -E "error|Build complete" || true
swift test "$@"
