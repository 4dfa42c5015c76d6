#!/usr/bin/env bash
# Installs what Cochlea needs, builds it in release mode once, and runs it:
#   scripts/cochlea.sh transcribe datasets/examples
# Afterwards the binary is .build/release/cochlea (copy it anywhere; it links the Debian libraries).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product cochlea 2>&1 | grep -E "error|warning: unre|Compiling|Build complete" >&2 || true
[ -x .build/release/cochlea ] || { echo "cochlea: build failed; run 'swift build -c release' to see why" >&2; exit 1; }
# Piper's Python (scripts/setup.sh makes it when asked to set up for a corpus).
[ -x .build/voices-venv/bin/python ] && export COCHLEA_PYTHON="${COCHLEA_PYTHON:-$PWD/.build/voices-venv/bin/python}"
exec .build/release/cochlea "$@"
