#!/usr/bin/env bash
# The recipe of Cochlea's default model (models/default): generates the synthetic corpus if it is
# not there yet (about 4 minutes on 2 cores), trains on it (about 12 minutes), and prints the
# word error rate on the test voices (voices never heard in training), for single keywords and for
# multi-word utterances apart.
#   scripts/train_default.sh                 # → models/trained, then compare with models/default
#   scripts/train_default.sh models/mine --epochs 40      # an output folder, then any train options
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-models/trained}"
[ $# -gt 0 ] && shift
[ -f datasets/generated/full/plan.tsv ] || scripts/make_corpus.sh full
exec scripts/cochlea.sh train datasets/generated/full --out "$out" \
  --features fbank40 --stack 3 --stride 3 --layers 2 --hidden 128 --epochs 24 "$@"
