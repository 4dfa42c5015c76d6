#!/usr/bin/env bash
# A model on real people: the Free Spoken Digit Dataset (FSDD; github.com/Jakobovski/free-spoken-digit-dataset,
# CC BY-SA 4.0; 3,000 recordings of the digits by 6 speakers, 8 kHz, cut close around each word). The
# project does not ship it and nothing here downloads it: clone it yourself, then
#   scripts/fsdd_test.sh PATH/TO/free-spoken-digit-dataset [MODEL]     # MODEL: models/default
# Writes a manifest for its recordings folder and evaluates the model on them five times: as they are
# (transcription's default `--pad auto` pads the clips that start in their word), as they are without
# any padding (`--pad 0`), with 0.3 s of digital silence before and after each (sox), as a zero-padding
# loader would give them, as they are with `--pad 0.2` (0.2 s around every clip, at the model's rate),
# and so with `--one-word` as well (each clip read as exactly one word of the vocabulary).
# Each figure is followed by each speaker's.
set -euo pipefail
cd "$(dirname "$0")/.."
fsdd="${1:?usage: scripts/fsdd_test.sh PATH/TO/free-spoken-digit-dataset [MODEL]}"
model="${2:-models/default}"
[ -d "$fsdd/recordings" ] || { echo "fsdd_test.sh: no recordings folder in '$fsdd' (a clone of FSDD)" >&2; exit 1; }
[ -f "$model/config.json" ] || { echo "fsdd_test.sh: no model in '$model' (a folder with config.json)" >&2; exit 1; }
command -v sox > /dev/null || { echo "fsdd_test.sh: needs sox (apt-get install sox)" >&2; exit 1; }
work="${TMPDIR:-/tmp}/cochlea-fsdd-$$"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/padded"
digits=(zero one two three four five six seven eight nine)
# Manifest paths stay inside the manifest's folder: the recordings are reached through a link.
ln -s "$(cd "$fsdd" && pwd)/recordings" "$work/recordings"
speakers=()
printf 'path\ttranscript\n' | tee "$work/as-is.tsv" > "$work/padded.tsv"
for file in "$fsdd"/recordings/*.wav; do
  name="$(basename "$file" .wav)"            # DIGIT_SPEAKER_INDEX
  digit="${name%%_*}" rest="${name#*_}"
  speaker="${rest%_*}"
  if [ ! -f "$work/as-is-$speaker.tsv" ]; then
    speakers+=("$speaker")
    printf 'path\ttranscript\n' > "$work/as-is-$speaker.tsv"
    printf 'path\ttranscript\n' > "$work/padded-$speaker.tsv"
  fi
  printf 'recordings/%s.wav\t%s\n' "$name" "${digits[$digit]}" | tee -a "$work/as-is.tsv" >> "$work/as-is-$speaker.tsv"
  sox -V1 "$file" "$work/padded/$name.wav" pad 0.3 0.3
  printf 'padded/%s.wav\t%s\n' "$name" "${digits[$digit]}" | tee -a "$work/padded.tsv" >> "$work/padded-$speaker.tsv"
done
# evaluate TITLE MANIFEST [OPTION...]: the whole set, then each speaker.
evaluate() {
  local title="$1" manifest="$2"
  shift 2
  echo "== $model on FSDD, $title" >&2
  .build/release/cochlea evaluate "$work/$manifest.tsv" --model "$model" --quiet "$@"
  for s in "${speakers[@]}"; do
    printf '%-10s ' "$s"
    .build/release/cochlea evaluate "$work/$manifest-$s.tsv" --model "$model" --quiet "$@" | grep '^%WER'
  done
}
evaluate "as-is (transcription's default, --pad auto)" as-is
evaluate "as-is, no padding (--pad 0)" as-is --pad 0
evaluate "padded (sox)" padded --pad 0
evaluate "as-is, with transcription's --pad 0.2" as-is --pad 0.2
evaluate "as-is, --pad 0.2 --one-word" as-is --pad 0.2 --one-word
