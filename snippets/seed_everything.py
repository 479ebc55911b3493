"""Seeds and determinism switches for the top of a training script: every
random number generator seeded, DataLoader workers seeded from one generator,
deterministic algorithms only.

    python seed_everything.py
"""

import os
import random

import numpy as np
import torch

# before the first CUDA call
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

SEED = 0
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)  # the CPU and every GPU

torch.backends.cudnn.benchmark = False  # no per-shape algorithm timing
torch.use_deterministic_algorithms(True)  # or an error where none exists


def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)
    random.seed(worker_seed)


g = torch.Generator()
g.manual_seed(SEED)
dataset = torch.utils.data.TensorDataset(torch.arange(64))  # your dataset
loader = torch.utils.data.DataLoader(
    dataset, batch_size=8, shuffle=True, num_workers=2,
    worker_init_fn=seed_worker, generator=g,
)
print("first batch:", next(iter(loader))[0].tolist())  # the same every run
