#!/usr/bin/env bash
# Installs what the tests need, builds, and runs the whole default test suite (a few minutes on 2 cores).
# Long checks are opt-in: COCHLEA_LONG_TESTS=1 scripts/test.sh
# Under a sanitizer (its own build folder, .build-asan or .build-tsan; about 10 minutes):
#   COCHLEA_SANITIZE=address scripts/test.sh   AddressSanitizer and LeakSanitizer
#   COCHLEA_SANITIZE=thread scripts/test.sh    ThreadSanitizer
# Suppressions for the C libraries' own reports are in scripts/sanitizers/, each with its evidence.
set -euo pipefail
cd "$(dirname "$0")/.."
COCHLEA_SETUP_TESTS=1 scripts/setup.sh
# Piper's Python, for the test that synthesises with it.
[ -x .build/voices-venv/bin/python ] && export COCHLEA_PYTHON="${COCHLEA_PYTHON:-$PWD/.build/voices-venv/bin/python}"
sanitize=${COCHLEA_SANITIZE:-}
case "$sanitize" in
  "")
    swift build --build-tests 2>&1 | grep -E "error|Build complete" || true
    exec swift test "$@" ;;
  address)
    scratch=.build-asan
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
    export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/scripts/sanitizers/lsan.supp:print_suppressions=0} ;;
  thread)
    scratch=.build-tsan
    export TSAN_OPTIONS=${TSAN_OPTIONS:-suppressions=$PWD/scripts/sanitizers/tsan.supp:halt_on_error=1:second_deadlock_stack=1} ;;
  *) echo "test.sh: COCHLEA_SANITIZE must be address or thread, not '$sanitize'" >&2; exit 64 ;;
esac
# Swift's crash backtracer runs inside the sanitized process and trips over the sanitizer; the
# sanitizer prints the stack itself.
export SWIFT_BACKTRACE=enable=no
mkdir -p "$scratch"
if ! swift build --build-tests --sanitize="$sanitize" --scratch-path "$scratch" > "$scratch/build.log" 2>&1; then
  grep -E "error" "$scratch/build.log" >&2 || tail -20 "$scratch/build.log" >&2
  echo "test.sh: the $sanitize-sanitizer build failed (all of it in $scratch/build.log)" >&2
  exit 1
fi
grep -E "Build complete" "$scratch/build.log" || true
exec swift test --skip-build --sanitize="$sanitize" --scratch-path "$scratch" "$@"
