#!/usr/bin/env bash
# How a model holds up in a room: copies the test split of the synthetic corpus through sox's
# reverb (Freeverb, a different reverberator from the room `cochlea train --reverb` simulates) with
# seeded random settings, then evaluates the model on the dry test split and on the copy.
#   scripts/reverberant_test.sh                       # models/default, strong rooms
#   scripts/reverberant_test.sh models/trained mild   # another model, milder rooms
# strong: reverberance 20–80%, room scale 30–100%; mild: reverberance 10–40%, room scale 20–50%.
# Needs the corpus (scripts/make_corpus.sh) and sox; the copy goes to datasets/generated/reverb-LEVEL.
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-models/default}"
level="${2:-strong}"
case "$level" in
  strong) reverberance=(20 80) room=(30 100) ;;
  mild) reverberance=(10 40) room=(20 50) ;;
  *) echo "reverberant_test.sh: the level is strong or mild, not '$level'" >&2; exit 64 ;;
esac
corpus=datasets/generated/full
[ -f "$corpus/plan.complete.tsv" ] || { echo "reverberant_test.sh: no whole corpus in $corpus; run scripts/make_corpus.sh" >&2; exit 1; }
command -v sox > /dev/null || { echo "reverberant_test.sh: needs sox (apt-get install sox)" >&2; exit 1; }
out="datasets/generated/reverb-$level"
if ! cmp -s "$corpus/plan.complete.tsv" "$out/source-plan.tsv"; then
  rm -rf "$out" && mkdir -p "$out/audio"
  # bash's generator, seeded: the same copy every time. Draws stay in this shell (no $(...) or
  # pipeline around them): bash reseeds RANDOM in every subshell.
  RANDOM=5
  manifest="$out/test.tsv.partial"
  printf 'path\ttranscript\tspeaker\treverberance\troom_scale\n' > "$manifest"
  add() {   # add RELATIVE-PATH TRANSCRIPT SPEAKER
    local name="${1//\//__}"
    local r=$(( reverberance[0] + RANDOM % (reverberance[1] - reverberance[0] + 1) ))
    local s=$(( room[0] + RANDOM % (room[1] - room[0] + 1) ))
    # -R: sox seeds its dither too; -V1: failures only, not clipping warnings.
    sox -R -V1 -q "$corpus/$1" "$out/audio/$name" reverb "$r" 50 "$s"
    printf 'audio/%s\t%s\t%s\t%s\t%s\n' "$name" "$2" "$3" "$r" "$s" >> "$manifest"
  }
  echo "reverberant_test.sh: making $out ($level rooms)" >&2
  while read -r clip; do
    [ -n "$clip" ] || continue
    file="${clip#*/}"
    add "words/$clip" "${clip%%/*}" "${file%%_nohash_*}"
  done < "$corpus/words/testing_list.txt"
  while IFS=$'\t' read -r path transcript speaker _; do
    add "sentences/$path" "$transcript" "$speaker"
  done < <(tail -n +2 "$corpus/sentences/test.tsv")
  mv "$manifest" "$out/test.tsv"
  cp "$corpus/plan.complete.tsv" "$out/source-plan.tsv"
fi
for data in "$corpus" "$out/test.tsv"; do
  echo "== $model on $data" >&2
  scripts/cochlea.sh evaluate "$data" --split "$([ "$data" = "$corpus" ] && echo test || echo all)" --model "$model" --quiet
done
