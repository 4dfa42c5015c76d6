#!/usr/bin/env python3
"""Extra Kaldi-compatible feature references beyond ../shared/reference (which covers the defaults).

Each case varies one option group of torchaudio.compliance.kaldi (which follows Kaldi's
compute-mfcc-feats / compute-fbank-feats code path) on the speech clip, plus sliding-window CMN
(torchaudio.functional.sliding_window_cmn) and python_speech_features' mfcc. Run once with the
peers' venv (../shared/peers/setup.sh); the outputs are committed as test fixtures, so neither the
tests nor Cochlea need Python:

    /opt/peers-venv/bin/python scripts/reference/make_extra_features.py \
        Tests/CochleaTestSupport/Fixtures/audio/speech.wav Tests/CochleaTestSupport/Fixtures/features_extra
"""
import json, os, sys
import numpy as np
import soundfile as sf
import torch
import torchaudio
from torchaudio.compliance import kaldi
import torchaudio.functional as F
import python_speech_features as psf

wav, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
x, rate = sf.read(wav, dtype="float64")
w = torch.from_numpy(x * 32768.0).unsqueeze(0)
base = dict(sample_frequency=rate, dither=0.0, energy_floor=0.0)
cases = {
    "mfcc_hamming_nosnip": ("mfcc", dict(window_type="hamming", snip_edges=False)),
    "mfcc_hanning": ("mfcc", dict(window_type="hanning")),
    "mfcc_rectangular_nopreemph_nodc": ("mfcc", dict(window_type="rectangular", preemphasis_coefficient=0.0, remove_dc_offset=False)),
    "mfcc_blackman_20ceps_nolifter": ("mfcc", dict(window_type="blackman", num_ceps=20, num_mel_bins=30, cepstral_lifter=0.0)),
    "mfcc_energy_notraw_floor": ("mfcc", dict(use_energy=True, raw_energy=False, energy_floor=1e6)),
    "mfcc_band_300_3400_shift": ("mfcc", dict(low_freq=300.0, high_freq=3400.0, frame_length=20.0, frame_shift=5.0)),
    "mfcc_highfreq_negative": ("mfcc", dict(high_freq=-400.0)),
    "fbank80_energy_nosnip": ("fbank", dict(num_mel_bins=80, use_energy=True, snip_edges=False)),
    "fbank23_magnitude": ("fbank", dict(use_power=False)),
    "fbank40_linear": ("fbank", dict(num_mel_bins=40, use_log_fbank=False)),
    "fbank40_no_pow2": ("fbank", dict(num_mel_bins=40, round_to_power_of_two=False)),
    "fbank40_vtln88": ("fbank", dict(num_mel_bins=40, vtln_warp=0.88)),
    "fbank40_vtln112": ("fbank", dict(num_mel_bins=40, vtln_warp=1.12)),
}
doc = {}
for name, (kind, opts) in cases.items():
    fn = kaldi.mfcc if kind == "mfcc" else kaldi.fbank
    if kind == "mfcc":
        opts = dict(dict(use_energy=False), **opts)
    y = fn(w, **dict(base, **opts)).numpy()
    np.save(os.path.join(out, f"{name}.npy"), y)
    doc[name] = {"kind": kind, "options": opts, "shape": list(y.shape)}

mfcc = kaldi.mfcc(w, use_energy=False, **base)
for name, kw in {"sliding_cmn_default": dict(cmn_window=600, min_cmn_window=100),
                 "sliding_cmn_w50_min20": dict(cmn_window=50, min_cmn_window=20),
                 "sliding_cmn_w40_center": dict(cmn_window=40, center=True),
                 "sliding_cmvn_w60_center": dict(cmn_window=60, center=True, norm_vars=True)}.items():
    y = F.sliding_window_cmn(mfcc.unsqueeze(0), **kw)[0].numpy()
    np.save(os.path.join(out, f"{name}.npy"), y)
    doc[name] = {"input": "kaldi_mfcc defaults (use_energy false, dither 0)", "options": kw, "shape": list(y.shape)}

y = psf.mfcc(x, samplerate=rate)
np.save(os.path.join(out, "psf_mfcc.npy"), y)
doc["psf_mfcc"] = {"options": "python_speech_features.mfcc defaults on samples in [-1, 1]", "shape": list(y.shape)}
doc["_source"] = {"wav": os.path.basename(wav), "torch": torch.__version__, "torchaudio": torchaudio.__version__,
                  "samples_scaled_by": 32768, "dither": 0}
json.dump(doc, open(os.path.join(out, "README.json"), "w"), indent=1)
print("wrote", out)
