"""Oracle for RationalResampler: torchaudio.functional.resample (sinc_interp_kaiser) in float64.
Run with the peers' Python (../shared/peers): python make.py (writes the .npy files and README.json here)."""
import json
import numpy as np
import torch
import torchaudio
import torchaudio.functional as F

rng = np.random.default_rng(2026)
n = 1201
t = np.arange(n) / 16000.0
signal = 0.5 * np.sin(2 * np.pi * 440 * t) + 0.3 * np.sin(2 * np.pi * 6100 * t) + 0.2 * rng.standard_normal(n)
signal = signal.astype(np.float32)
np.save("input.npy", signal)
# (orig, new, lowpass_filter_width, rolloff, beta): Cochlea's speed-perturbation filter, then torchaudio's kaiser defaults.
cases = [(o, n, 48, 0.95, 8.6) for o, n in [(100, 85), (100, 97), (100, 113), (100, 125), (441, 160)]] + [(100, 85, 6, 0.99, 14.769656459379492)]
made = []
for orig, new, width, rolloff, beta in cases:
    out = F.resample(torch.from_numpy(signal.astype(np.float64))[None], orig, new,
                     lowpass_filter_width=width, rolloff=rolloff, beta=beta, resampling_method="sinc_interp_kaiser")[0].numpy()
    name = f"from{orig}_to{new}_width{width}.npy"
    np.save(name, out)
    made.append({"file": name, "orig_freq": orig, "new_freq": new, "lowpass_filter_width": width, "rolloff": rolloff, "beta": beta,
                 "samples": int(out.shape[0])})
json.dump({"made_by": f"torchaudio {torchaudio.__version__}, torch {torch.__version__}, float64 input",
           "input": "input.npy: 1,201 float32 samples, 0.5 sin 440 Hz + 0.3 sin 6.1 kHz (at 16 kHz) + 0.2 N(0,1), numpy seed 2026",
           "call": "torchaudio.functional.resample(x[None], orig_freq, new_freq, lowpass_filter_width=W, rolloff=R, beta=B, resampling_method='sinc_interp_kaiser')",
           "cases": made}, open("README.json", "w"), indent=1)
