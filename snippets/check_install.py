"""What this PyTorch build is, what it was compiled for, which GPUs it sees.

    python check_install.py
"""

import platform

import torch

cuda = torch.cuda.is_available()
cudnn = torch.backends.cudnn
print("python", platform.python_version())
print("torch", torch.__version__)  # after the "+": the variant (cu128, cpu)
print("CUDA runtime in this build:", torch.version.cuda)  # None: CPU-only
print("cuDNN:", cudnn.version() if cudnn.is_available() else None)
nccl = ".".join(map(str, torch.cuda.nccl.version())) if cuda else None
print("NCCL:", nccl)
arch = " ".join(torch.cuda.get_arch_list())  # sm_XY: native, compute_XY: PTX
print("compiled for:", arch or "nothing (CPU-only build)")
print("GPUs visible:", torch.cuda.device_count())
for i in range(torch.cuda.device_count()):
    name = torch.cuda.get_device_name(i)
    major, minor = torch.cuda.get_device_capability(i)
    print(f"GPU {i}: {name}, compute capability {major}.{minor}")
