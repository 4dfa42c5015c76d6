#!/usr/bin/env python3
"""Adam / AdamW / clip_grad_norm_ trajectories from PyTorch, as fixtures for Cochlea's optimiser tests.

    /opt/peers-venv/bin/python scripts/reference/make_optimizer_reference.py Tests/CochleaTestSupport/Fixtures/optim
"""
import json, os, sys
import torch

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
start = torch.randn(12, dtype=torch.float64)
grads = [torch.randn(12, dtype=torch.float64) * s for s in (1.0, 3.0, 0.5, 10.0, 2.0)]
cases = {}
for name, cls, kw in [("adam", torch.optim.Adam, dict(lr=0.01)),
                      ("adamw", torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1)),
                      ("adam_clipped", torch.optim.Adam, dict(lr=0.003))]:
    p = torch.nn.Parameter(start.clone())
    opt = cls([p], **kw)
    trajectory, norms = [], []
    for g in grads:
        p.grad = g.clone()
        if name == "adam_clipped":
            norms.append(float(torch.nn.utils.clip_grad_norm_([p], max_norm=2.0)))
        opt.step()
        trajectory.append(p.detach().tolist())
    cases[name] = {"options": kw, "trajectory": trajectory, "norms": norms}
json.dump({"start": start.tolist(), "grads": [g.tolist() for g in grads], "cases": cases,
           "torch": torch.__version__, "note": "AdamW is torch.optim.AdamW (decoupled weight decay); adam_clipped clips to norm 2 before each step"},
          open(os.path.join(out, "adam.json"), "w"), indent=1)
print("wrote", out)
