"""Print, as JSON, what this environment reports: torch, CUDA runtime, cuDNN, NCCL, the compiled
architectures, the GPUs and the driver. Runs inside the snippet images (no cudacompat needed);
`cudacompat verify --report FILE --image REF` compares it with the knowledge base."""

import json
import platform
import shutil
import subprocess
import sys


def main() -> None:
    out = {"python": platform.python_version(), "platform": platform.machine()}
    try:
        import torch

        out["torch"] = torch.__version__
        out["cuda"] = torch.version.cuda
        out["cudnn"] = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
        out["arch_list"] = torch.cuda.get_arch_list()
        out["cuda_available"] = torch.cuda.is_available()
        if torch.cuda.is_available():
            out["nccl"] = ".".join(map(str, torch.cuda.nccl.version()))
            out["gpus"] = [{"name": torch.cuda.get_device_name(i),
                            "capability": "%d.%d" % torch.cuda.get_device_capability(i)}
                           for i in range(torch.cuda.device_count())]
    except Exception as e:  # report, never crash
        out["torch_error"] = f"{type(e).__name__}: {e}"
    if shutil.which("nvidia-smi"):
        r = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                           capture_output=True, text=True, timeout=60)
        if r.returncode == 0 and r.stdout.strip():
            out["driver"] = r.stdout.split()[0]
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
