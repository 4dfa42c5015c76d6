#!/usr/bin/env bash
# Builds and runs one libFuzzer target (Fuzz/TARGET/TARGET.swift) under AddressSanitizer and
# LeakSanitizer, on a copy of its committed seed corpus (Fuzz/TARGET/corpus/).
#
#   scripts/fuzz.sh --list                     the targets, one a line
#   scripts/fuzz.sh TARGET SECONDS [OPTION...] build, then fuzz for SECONDS (extra libFuzzer options
#                                              are passed on, e.g. -seed=1 or -max_len=65536)
#   scripts/fuzz.sh TARGET --build             build only; prints the binary's path
#   scripts/fuzz.sh TARGET FILE...             build, then run the target once on each FILE
#                                              (a crash from Fuzz/TARGET/crashes/, say)
#
# Crashes, leaks, timeouts and out-of-memory inputs go to Fuzz/TARGET/crashes/ (git-ignored); the
# growing corpus lives in .build-fuzz/corpus/TARGET/ and is kept between runs. Fuzzing runs under
# `nice -n 10`: the machine is shared. Each run is limited to 2 GB of memory (an allocation over that
# is reported as a bug) and 10 s per input (longer is reported as a hang).
#
# How it builds: the library modules are compiled by SwiftPM into a separate scratch path,
# .build-fuzz, in the debug configuration (so that @testable import works) with `-O` and
# `-sanitize=fuzzer,address` added; `-O`, not the release configuration's `-Ounchecked`, so that
# preconditions stay in and a precondition failure on a reachable path shows up as a crash. Then
# swiftc compiles the target file with the same flags and links it with those modules' objects,
# libFuzzer's main and the C libraries.
set -euo pipefail
cd "$(dirname "$0")/.."

targets() { for f in Fuzz/*/*.swift; do t=$(basename "$(dirname "$f")"); [ "$f" = "Fuzz/$t/$t.swift" ] && echo "$t"; done; }
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }

[ $# -ge 1 ] || usage
if [ "$1" = --list ]; then targets; exit 0; fi
target=$1; shift
[ -f "Fuzz/$target/$target.swift" ] || { echo "fuzz.sh: no target '$target' (have: $(targets | tr '\n' ' '))" >&2; exit 64; }
[ $# -ge 1 ] || usage

COCHLEA_SETUP_TESTS=0 scripts/setup.sh

# Every target draws on CochleaTraining or a module beneath it: build that target's closure once.
modules=(CochleaCore CochleaAudio CochleaFeatures CochleaLinalg CochleaNN CochleaModel CochleaCTC CochleaDecoding CochleaMetrics CochleaDistributed CochleaTraining)
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -O)
scratch=.build-fuzz
echo "fuzz.sh: building the library modules with -sanitize=fuzzer,address -O into $scratch" >&2
mkdir -p "$scratch"
if ! nice -n 10 swift build --scratch-path "$scratch" "${flags[@]}" --target CochleaTraining > "$scratch/build.log" 2>&1; then
  grep -E "error" "$scratch/build.log" >&2 || tail -20 "$scratch/build.log" >&2
  echo "fuzz.sh: the build failed (all of it in $scratch/build.log)" >&2
  exit 1
fi
bin=$(swift build --scratch-path "$scratch" "${flags[@]}" --show-bin-path)
objects=()
for m in "${modules[@]}"; do
  compgen -G "$bin/$m.build/*.o" >/dev/null || { echo "fuzz.sh: $m was not built (see the errors above)" >&2; exit 1; }
  objects+=("$bin/$m.build/"*.o)
done

# The C wrappers' module maps and the C libraries, as SwiftPM passes them.
cflags=()
for c in Sources/C*/module.modulemap; do cflags+=(-Xcc "-fmodule-map-file=$c"); done
for f in $(pkg-config --cflags-only-I sndfile fftw3f openblas soxr ompi-c); do cflags+=(-Xcc "$f"); done
mkdir -p "$scratch/fuzz"
binary=$scratch/fuzz/$target
echo "fuzz.sh: linking $binary" >&2
nice -n 10 swiftc -sanitize=fuzzer,address -O -g -use-ld=lld -parse-as-library -module-name "Fuzz_$target" \
  "Fuzz/$target/$target.swift" -I "$bin/Modules" "${cflags[@]}" "${objects[@]}" \
  $(pkg-config --libs sndfile fftw3f openblas soxr ompi-c) -o "$binary"

if [ "$1" = --build ]; then echo "$binary"; exit 0; fi

# One thread for OpenBLAS: the fuzzer is single-threaded, and spinning BLAS workers only steal the
# other core. Leaks are checked by LeakSanitizer at the end of every input that libFuzzer suspects.
export OPENBLAS_NUM_THREADS=1
# Swift's own crash backtracer would run inside ASan and trip over it; ASan prints the stack instead.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
# Leaks inside libsndfile/libvorbis themselves, each shown to be theirs (see the file).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/scripts/sanitizers/lsan.supp:print_suppressions=0}
options=(-rss_limit_mb=2048 -timeout=10 -artifact_prefix="Fuzz/$target/crashes/" -print_final_stats=1)
[ -f "Fuzz/$target/$target.dict" ] && options+=(-dict="Fuzz/$target/$target.dict")
mkdir -p "Fuzz/$target/crashes"

if [[ "$1" =~ ^[0-9]+$ ]]; then
  seconds=$1; shift
  corpus=$scratch/corpus/$target
  mkdir -p "$corpus"
  cp -n "Fuzz/$target/corpus/"* "$corpus/" 2>/dev/null || true
  exec nice -n 10 "$binary" "$corpus" "${options[@]}" -max_total_time="$seconds" "$@"
fi
# Files: run each once (libFuzzer runs, rather than fuzzes, when given files).
exec nice -n 10 "$binary" "${options[@]}" "$@"
