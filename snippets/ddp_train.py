"""One DistributedDataParallel training step, then a check that every rank
holds the same parameters afterwards.

Launch it with torchrun: one process per GPU, or two on a machine without one.

    torchrun --standalone --nproc-per-node=2 ddp_train.py

It uses NCCL when every process can have a GPU of its own, gloo otherwise.
"""

import os
import sys

import torch
import torch.distributed as dist
from torch import nn


def main() -> None:
    world = int(os.environ["WORLD_SIZE"])  # set by torchrun, like RANK
    gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
    backend = "nccl" if gpus >= world else "gloo"
    dist.init_process_group(backend)
    rank = dist.get_rank()
    if backend == "nccl":
        device = torch.device("cuda", int(os.environ["LOCAL_RANK"]))
        torch.cuda.set_device(device)  # each rank owns one GPU
    else:
        device = torch.device("cpu")

    torch.manual_seed(0)  # the same initial weights on every rank
    model = nn.Linear(8, 1).to(device)
    ids = [device.index] if backend == "nccl" else None
    ddp = nn.parallel.DistributedDataParallel(model, device_ids=ids)
    opt = torch.optim.SGD(ddp.parameters(), lr=0.1)

    torch.manual_seed(1 + rank)  # different data on every rank
    x = torch.randn(16, 8, device=device)
    y = torch.randn(16, 1, device=device)
    opt.zero_grad()
    loss = nn.functional.mse_loss(ddp(x), y)
    loss.backward()  # DDP all-reduces the gradients here
    opt.step()

    flat = torch.cat([p.detach().flatten() for p in model.parameters()])
    gathered = [torch.zeros_like(flat) for _ in range(world)]
    dist.all_gather(gathered, flat)
    if rank == 0:
        same = all(torch.equal(gathered[0], g) for g in gathered)
        print(f"backend={backend} world_size={world} device={device.type}")
        print("parameters identical on all ranks after a step:", same)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
    # With gloo, torch 2.13 now and then aborts while the interpreter shuts
    # down, after main() has finished ("terminate called without an active
    # exception"): flush, and leave without that teardown.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
