#!/usr/bin/env bash
# A model on three draws of the corpus's test voices (the 15 voices no training run hears), not one:
#   scripts/test_voices.sh [MODEL] [EVALUATE OPTION...]     # MODEL: models/default; e.g. --pad 0
# Draw A is the test split of datasets/generated/full (scripts/make_corpus.sh makes it). Draws 1 and 2
# are the test splits of two small corpora made on first use (datasets/generated/draw1 and draw2, a
# minute or two each): the seed alone splits the voices, so theirs are the same, and with other
# training counts their clips are drawn otherwise. Two seeds of the recipe differed by 45 errors on the
# three draws (262 and 307 on a Zen 3, the model README's eighteenth session), so one draw says little.
# Prints each draw's errors on single keywords and on multi-word utterances (keyword decoding unless
# the options say otherwise), then the sums.
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-models/default}"
[ $# -gt 0 ] && shift
[ -f "$model/config.json" ] || { echo "test_voices.sh: no model in '$model' (a folder with config.json)" >&2; exit 1; }
[ -f datasets/generated/full/plan.complete.tsv ] || {
  echo "test_voices.sh: no whole corpus in datasets/generated/full: run scripts/make_corpus.sh first" >&2; exit 1; }
for n in 1 2; do
  [ -f "datasets/generated/draw$n/plan.complete.tsv" ] || scripts/make_corpus.sh "draw$n" --quiet \
    --train-clips-per-word "$n" --train-sentences "$n" --accented-clips-per-word 0 --accented-sentences 0 \
    --neural-clips-per-word 0 --neural-sentences 0
done
single=0 multi=0 words_single=0 words_multi=0
for draw in full draw1 draw2; do
  output=$(scripts/cochlea.sh evaluate "datasets/generated/$draw" --model "$model" --quiet "$@" 2>&1) \
    && line=$(grep '^single word:' <<< "$output") || {
    echo "$output" >&2; echo "test_voices.sh: evaluating $model on datasets/generated/$draw failed" >&2; exit 1; }
  echo "$draw: $line"
  # "single word: %WER 2.67 [ 16 / 600 ], ...; multi-word: %WER 5.58 [ 58 / 1040 ], ..."
  read -r s ws m wm < <(sed -E 's/.*\[ ([0-9]+) \/ ([0-9]+) \].*\[ ([0-9]+) \/ ([0-9]+) \].*/\1 \2 \3 \4/' <<< "$line")
  single=$((single + s)) words_single=$((words_single + ws)) multi=$((multi + m)) words_multi=$((words_multi + wm))
done
awk -v s="$single" -v ws="$words_single" -v m="$multi" -v wm="$words_multi" 'BEGIN {
  printf "three draws: %d errors in %d words (%.2f%%); single keywords %d / %d (%.2f%%), multi-word %d / %d (%.2f%%)\n",
    s + m, ws + wm, 100 * (s + m) / (ws + wm), s, ws, 100 * s / ws, m, wm, 100 * m / wm }'
