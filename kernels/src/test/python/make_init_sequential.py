"""Writes golden-extra/init_sequential_*.safetensors: the state_dict that torch.manual_seed(seed)
followed by building an nn.Sequential of several layers gives, to check that SparkConv's seeded
initialisation draws every layer from one generator, in order.

Run by hand with a CPU PyTorch (made with 1.13.1 on x86-64 with AVX2/AVX-512, like golden/):
    python3 kernels/src/test/python/make_init_sequential.py kernels/src/test/resources/golden-extra
Tests only read the files it writes; they never need Python.

File format: safetensors; tensors under their state_dict keys ("0.weight", "0.bias", ...);
complex64 stored as F32 with a trailing dimension of 2 (torch.view_as_real); __metadata__.spec is
JSON {"op": "init_sequential", "seed": S, "dtype": D, "layers": [{"type": ..., ...}, ...]}.
"""
import json
import struct
import sys

import torch
import torch.nn as nn

CASES = [
    # name, seed, dtype, layers
    ("f32", 7, "float32", [
        {"type": "Conv2d", "in_channels": 3, "out_channels": 8, "kernel_size": [3, 3], "groups": 1, "bias": True},
        {"type": "ReLU"},
        {"type": "Conv2d", "in_channels": 8, "out_channels": 4, "kernel_size": [1, 3], "groups": 2, "bias": False},
        {"type": "Tanh"},
        {"type": "ConvTranspose2d", "in_channels": 4, "out_channels": 6, "kernel_size": [4, 4], "groups": 2, "bias": True},
    ]),
    ("f64", 2024, "float64", [
        {"type": "ConvTranspose2d", "in_channels": 2, "out_channels": 3, "kernel_size": [2, 2], "groups": 1, "bias": True},
        {"type": "Sigmoid"},
        {"type": "Conv2d", "in_channels": 3, "out_channels": 5, "kernel_size": [3, 3], "groups": 1, "bias": True},
    ]),
    ("c64", 99, "complex64", [
        {"type": "Conv2d", "in_channels": 2, "out_channels": 4, "kernel_size": [3, 3], "groups": 1, "bias": True},
        {"type": "ConvTranspose2d", "in_channels": 4, "out_channels": 2, "kernel_size": [2, 3], "groups": 1, "bias": False},
        {"type": "Conv2d", "in_channels": 2, "out_channels": 2, "kernel_size": [1, 1], "groups": 1, "bias": True},
    ]),
    # Only the low 32 bits of the seed count: 2**32 + 5 seeds like 5.
    ("seed_high_bits", 2**32 + 5, "float32", [
        {"type": "Conv2d", "in_channels": 1, "out_channels": 2, "kernel_size": [2, 2], "groups": 1, "bias": True},
        {"type": "LeakyReLU"},
        {"type": "Conv2d", "in_channels": 2, "out_channels": 1, "kernel_size": [3, 3], "groups": 1, "bias": True},
    ]),
]

DTYPES = {"float32": torch.float32, "float64": torch.float64, "complex64": torch.complex64}


def build(layers, dtype):
    mods = []
    for spec in layers:
        t = spec["type"]
        if t in ("Conv2d", "ConvTranspose2d"):
            cls = nn.Conv2d if t == "Conv2d" else nn.ConvTranspose2d
            mods.append(cls(spec["in_channels"], spec["out_channels"], tuple(spec["kernel_size"]),
                            groups=spec["groups"], bias=spec["bias"], dtype=dtype))
        else:
            mods.append(getattr(nn, t)())
    return nn.Sequential(*mods)


def save(path, tensors, metadata):
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for key, t in tensors.items():
        if t.is_complex():
            t = torch.view_as_real(t)
        t = t.detach().contiguous()
        code = {torch.float32: "F32", torch.float64: "F64"}[t.dtype]
        data = t.numpy().astype("<" + t.numpy().dtype.str[1:]).tobytes()
        header[key] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def main(out_dir):
    for name, seed, dtype, layers in CASES:
        torch.manual_seed(seed)
        model = build(layers, DTYPES[dtype])
        spec = {"op": "init_sequential", "seed": seed, "dtype": dtype, "layers": layers}
        save(f"{out_dir}/init_sequential_{name}.safetensors", model.state_dict(),
             {"spec": json.dumps(spec), "torch": torch.__version__})
        print(name, list(model.state_dict().keys()))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
