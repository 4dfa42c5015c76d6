#!/usr/bin/env bash
# A model on real people: Google's Speech Commands (Warden 2018, CC BY 4.0; one-second recordings of
# single words by thousands of speakers, made in their own rooms with their own phones and laptops).
# The project does not ship it and nothing here downloads it: bring a copy, then
#   scripts/speech_commands_test.sh PATH [MODEL]      # MODEL: models/default
# PATH is the dataset (v0.01 or v0.02: one folder per word; its testing_list.txt picks the test
# clips) or its separate test-set archive (speech_commands_test_set_v0.02: one folder per word, all
# of them test clips); listed clips that are not there are left out. Only the words the model can output count (its config's vocabulary; the
# shipped model's 20 are Speech Commands' 10 commands and 10 digits); other folders (`bed`, `_unknown_`,
# `_silence_`, ...) are left out. Prints the word error rate with transcription's default padding
# (--pad auto) and without any (--pad 0), then with --one-word (each clip read as exactly one word of
# the vocabulary, as the dataset's task is), then each word's.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:?usage: scripts/speech_commands_test.sh PATH/TO/speech_commands [MODEL]}"
model="${2:-models/default}"
[ -d "$data" ] || { echo "speech_commands_test.sh: no folder '$data'" >&2; exit 1; }
[ -f "$model/config.json" ] || { echo "speech_commands_test.sh: no model in '$model' (a folder with config.json)" >&2; exit 1; }
# The vocabulary array of config.json, one word a line (no JSON tool needed).
words=$(tr -d ' \n' < "$model/config.json" | sed -n 's/.*"vocabulary":\[\([^]]*\)\].*/\1/p' | tr -d '"' | tr ',' '\n')
[ -n "$words" ] || { echo "speech_commands_test.sh: $model has no vocabulary (not a keyword model)" >&2; exit 1; }
work="${TMPDIR:-/tmp}/cochlea-speech-commands-$$"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
# Manifest paths stay inside the manifest's folder: the dataset is reached through a link.
ln -s "$(cd "$data" && pwd)" "$work/data"
printf 'path\ttranscript\tspeaker\n' > "$work/all.tsv"
found=()
for word in $words; do
  [ -d "$data/$word" ] || continue
  if [ -f "$data/testing_list.txt" ]; then
    # Listed and present (copies of part of the dataset keep the whole list).
    grep "^$word/" "$data/testing_list.txt" | while read -r f; do [ -f "$data/$f" ] && echo "$f"; done || true
  else
    (cd "$data" && ls "$word"/*.wav 2> /dev/null) || true
  fi > "$work/$word.list"
  [ -s "$work/$word.list" ] || continue
  found+=("$word")
  printf 'path\ttranscript\tspeaker\n' > "$work/$word.tsv"
  # Files are WORD/SPEAKERHASH_nohash_N.wav.
  sed -E "s|^(([^/]+)/([^_]+)_.*)$|data/\1\t\2\t\3|" "$work/$word.list" | tee -a "$work/all.tsv" >> "$work/$word.tsv"
done
[ ${#found[@]} -gt 0 ] || { echo "speech_commands_test.sh: no folder in '$data' is a word of $model's vocabulary" >&2; exit 1; }
echo "== $model on Speech Commands: $(($(wc -l < "$work/all.tsv") - 1)) clips of ${#found[@]} words, as recorded (--pad auto)" >&2
.build/release/cochlea evaluate "$work/all.tsv" --model "$model" --quiet
echo "== without padding (--pad 0)" >&2
.build/release/cochlea evaluate "$work/all.tsv" --model "$model" --quiet --pad 0 | sed -n 1p
echo "== one word a clip (--one-word)" >&2
.build/release/cochlea evaluate "$work/all.tsv" --model "$model" --quiet --one-word | sed -n 1p
echo "== each word (--pad auto)" >&2
for word in "${found[@]}"; do
  printf '%-6s ' "$word"
  .build/release/cochlea evaluate "$work/$word.tsv" --model "$model" --quiet | grep '^%WER'
done
