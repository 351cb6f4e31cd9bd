"""Writes reference_writer.safetensors with the reference safetensors writer (numpy API).

Run once where `safetensors` (>= 0.7, for C64) and numpy are installed:
    python make_reference_writer.py
The file is committed; the tests never run this script.

half:         F16, every sign/exponent combination with edge mantissas, plus random patterns
half_as_f32:  numpy's own float16 -> float32 widening of `half` (the oracle for our reader)
z:            C64 (complex64, the dtype safetensors >= 0.7 writes for numpy complex64)
d:            F64
"""
import numpy as np
import safetensors
from safetensors.numpy import save_file

patterns = [
    sign | (exp << 10) | mant
    for sign in (0, 0x8000)
    for exp in range(32)
    for mant in (0, 1, 2, 0x155, 0x200, 0x201, 0x3FE, 0x3FF)
]
rng = np.random.default_rng(20261121)
patterns += rng.integers(0, 1 << 16, size=512).tolist()
half = np.array(patterns, dtype=np.uint16).view(np.float16)
with np.errstate(invalid="ignore"):
    half_as_f32 = half.astype(np.float32)
z = (np.arange(12, dtype=np.float32) * 0.75 - 4).view(np.complex64).reshape(2, 3)
d = np.array([[np.pi, -1e300], [5e-324, -0.0]], dtype=np.float64)
save_file(
    {"half": half, "half_as_f32": half_as_f32, "z": z, "d": d},
    "reference_writer.safetensors",
    metadata={"writer": "safetensors " + safetensors.__version__ + " numpy " + np.__version__},
)
