"""Writes Tests/DataTests/Fixtures/small.safetensors, the golden file SafeTensorsTests reads.

The file comes from the reference library (safetensors.torch.save_file), so the Swift reader is
checked against the format as PyTorch users produce it: F32, F16, BF16, F64 and I64 tensors, a
scalar, an empty tensor, and metadata with characters that need escaping in JSON.

Run from the package root:

    python3 scripts/make_safetensors_fixture.py

It prints each tensor's values as float32 (what the Swift reader must return) for the test.
"""
import pathlib

import torch
from safetensors.torch import save_file

OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/DataTests/Fixtures/small.safetensors"

tensors = {
    "linear.weight": (torch.arange(6, dtype=torch.float32).reshape(2, 3) - 2.5) / 4,
    "linear.bias": torch.tensor([0.1, -1e-3], dtype=torch.float32),
    "embedding.weight": torch.tensor([[0.1, -2.5], [65504.0, 6e-8], [float("inf"), -0.0]], dtype=torch.float16),
    "gate.weight": torch.tensor([0.1, 3.0, -1e30, 1e-39], dtype=torch.bfloat16),
    "scale": torch.tensor(1.0 / 3.0, dtype=torch.float64),
    "counts": torch.tensor([1, -2, 2**40], dtype=torch.int64),
    "empty": torch.zeros(0, 4),
}
metadata = {"format": "pt", "architecture": "lstm", "note": 'quote " backslash \\ tab \t ünïcödé'}

save_file(tensors, str(OUTPUT), metadata=metadata)
print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")
for name, tensor in tensors.items():
    values = tensor.to(torch.float32).flatten().tolist()
    print(name, tensor.dtype, list(tensor.shape), [float(v).hex() for v in values], values)
