#!/usr/bin/env bash
# How a model holds up away from dry, full-band speech: copies the test split of the synthetic corpus
# through sox under one CONDITION, then evaluates the model on the dry test split and on the copy.
#   scripts/robustness_test.sh                                # models/default, every condition
#   scripts/robustness_test.sh models/trained telephone       # another model, one condition
#   scripts/robustness_test.sh models/default all --pad 0     # then evaluate's options (the model
#                                                             # README's tables: no padding)
# Conditions:
#   mild-rooms    sox's reverb (Freeverb, not the reverberator `cochlea train --reverb` simulates),
#                 reverberance 10–40%, room scale 20–50%, drawn per clip from a fixed seed
#   strong-rooms  the same, reverberance 20–80%, room scale 30–100%
#   telephone     300–3,400 Hz band-pass, stored at 8 kHz (a phone call)
#   8khz          stored at 8 kHz (sox's rate: about 3.8 kHz of band)
#   clipped       peaks driven 6 dB past full scale and cut there
#   trimmed       leading and trailing audio under 0.5% of full scale (-46 dBFS) cut away, 0.25 s of
#                 digital silence put before and after (a tightly edited, zero-padded dataset)
#   trimmed-bare  cut the same way and left without pauses: the speech starts at the first sample
#   all           each of them in turn (the dry figure once)
# Needs the corpus (scripts/make_corpus.sh) and sox; copies go to datasets/generated/CONDITION and are
# remade only when the corpus changes. Every run makes the same copies (seeded draws, sox -R).
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-models/default}"
condition="${2:-all}"
shift $(( $# < 2 ? $# : 2 ))
conditions=(mild-rooms strong-rooms telephone 8khz clipped trimmed trimmed-bare)
case "$condition" in
  all) ;;
  mild-rooms|strong-rooms|telephone|8khz|clipped|trimmed|trimmed-bare) conditions=("$condition") ;;
  *) echo "robustness_test.sh: the condition is one of ${conditions[*]} or all, not '$condition'" >&2; exit 64 ;;
esac
corpus=datasets/generated/full
[ -f "$corpus/plan.complete.tsv" ] || { echo "robustness_test.sh: no whole corpus in $corpus; run scripts/make_corpus.sh" >&2; exit 1; }
[ -f "$model/config.json" ] || { echo "robustness_test.sh: no model in '$model' (a folder with config.json)" >&2; exit 1; }
command -v sox > /dev/null || { echo "robustness_test.sh: needs sox (apt-get install sox)" >&2; exit 1; }

# make_copy CONDITION OUT: the test split through CONDITION's effects, with a manifest naming the
# effects of every clip.
make_copy() {
  local condition=$1 out=$2 reverberance=() room=()
  case "$condition" in
    mild-rooms) reverberance=(10 40) room=(20 50) ;;
    strong-rooms) reverberance=(20 80) room=(30 100) ;;
  esac
  rm -rf "$out" && mkdir -p "$out/audio"
  # bash's generator, seeded: the same copy every time. Draws stay in this shell (no $(...) or
  # pipeline around them): bash reseeds RANDOM in every subshell.
  RANDOM=5
  local manifest="$out/test.tsv.partial"
  printf 'path\ttranscript\tspeaker\teffects\n' > "$manifest"
  add() {   # add RELATIVE-PATH TRANSCRIPT SPEAKER
    local name="${1//\//__}" effects
    case "$condition" in
      *-rooms) effects="reverb $(( reverberance[0] + RANDOM % (reverberance[1] - reverberance[0] + 1) )) 50 $(( room[0] + RANDOM % (room[1] - room[0] + 1) ))" ;;
      telephone) effects="sinc 300-3400 rate 8k" ;;
      8khz) effects="rate 8k" ;;
      clipped) effects="gain -n 6" ;;
      trimmed) effects="silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse pad 0.25 0.25" ;;
      trimmed-bare) effects="silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse" ;;
    esac
    # -R: sox seeds its dither too; -V1: failures only, not clipping warnings.
    # shellcheck disable=SC2086  # the effects are words
    sox -R -V1 -q "$corpus/$1" "$out/audio/$name" $effects
    printf 'audio/%s\t%s\t%s\t%s\n' "$name" "$2" "$3" "$effects" >> "$manifest"
  }
  echo "robustness_test.sh: making $out" >&2
  local clip file path transcript speaker
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
}

echo "== $model on the dry test split" >&2
scripts/cochlea.sh evaluate "$corpus" --split test --model "$model" --quiet "$@"
for condition in "${conditions[@]}"; do
  out="datasets/generated/$condition"
  cmp -s "$corpus/plan.complete.tsv" "$out/source-plan.tsv" || make_copy "$condition" "$out"
  echo "== $model, $condition" >&2
  .build/release/cochlea evaluate "$out/test.tsv" --model "$model" --quiet "$@"
done
