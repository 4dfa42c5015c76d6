#!/usr/bin/env bash
# Generates the full synthetic corpus (23,054 files, 851 MB, about 4.5 minutes on 2 cores of a Zen 5):
#   scripts/make_corpus.sh                 # into datasets/generated/full
#   scripts/make_corpus.sh mine --words lights,music,pause --seed 3   # a name, then any cochlea corpus options
# Installs the synthesisers and sox if missing, builds the release binary, then runs
# .build/release/cochlea corpus. An existing corpus of that name is replaced.
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:-full}"
[ $# -gt 0 ] && shift
rm -f "datasets/generated/$name/plan.complete.tsv"
COCHLEA_SETUP_CORPUS=1 scripts/cochlea.sh corpus --out "datasets/generated/$name" --overwrite "$@"
# A copy of the plan marks the corpus as whole (every file made): train_default.sh looks for it.
cp "datasets/generated/$name/plan.tsv" "datasets/generated/$name/plan.complete.tsv"
