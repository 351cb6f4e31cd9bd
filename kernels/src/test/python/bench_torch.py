#!/usr/bin/env python3
"""PyTorch side of `sparkconv bench`: times the same shapes file and prints the same JSON lines.

    python3 bench_torch.py SHAPES.json [--threads N] [--seconds S]

Each shape: random weights, a warm-up, then forward passes of the whole batch (under
torch.no_grad) for at least S seconds and 5 repetitions; `seconds` is the median, `gflops` counts
as ConvGeometry.flops() (PyTorch's profiler count).
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F


def pair(v):
    return tuple(v) if isinstance(v, list) else (v, v)


def flops(op, n, cin, cout, h, w, oh, ow, kh, kw, groups):
    if op == "conv_transpose2d":
        return 2.0 * n * cin * h * w * (cout // groups) * kh * kw
    return 2.0 * n * cout * oh * ow * (cin // groups) * kh * kw


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("shapes")
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--seconds", type=float, default=1.0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    for s in json.load(open(a.shapes)):
        op = s["op"]
        dtype = getattr(torch, s.get("dtype", "float32"))
        kh, kw = pair(s["k"])
        stride, pad = pair(s.get("stride", 1)), pair(s.get("pad", 0))
        dil, groups = pair(s.get("dilation", 1)), s.get("groups", 1)
        opad = pair(s.get("output_padding", 0))
        n, cin, cout, h, w = s["n"], s["cin"], s["cout"], s["h"], s["w"]
        x = torch.rand(n, cin, h, w, dtype=dtype) * 2 - 1
        if op == "conv2d":
            wt = torch.rand(cout, cin // groups, kh, kw, dtype=dtype) * 2 - 1
            fn = lambda: F.conv2d(x, wt, None, stride, pad, dil, groups)
        else:
            wt = torch.rand(cin, cout // groups, kh, kw, dtype=dtype) * 2 - 1
            fn = lambda: F.conv_transpose2d(x, wt, None, stride, pad, opad, groups, dil)
        b = torch.rand(cout, dtype=dtype) * 2 - 1
        with torch.no_grad():
            try:
                y = fn()
            except RuntimeError as e:  # e.g. complex ConvTranspose2d is not implemented on CPU
                print(json.dumps({"name": s["name"], "op": op, "dtype": str(dtype).replace("torch.", ""),
                                  "backend": "torch-" + torch.__version__, "threads": a.threads,
                                  "error": str(e).splitlines()[0]}), flush=True)
                continue
            t_end = time.perf_counter() + 0.5
            while time.perf_counter() < t_end:
                fn()
            times = []
            t_end = time.perf_counter() + a.seconds
            while len(times) < 5 or time.perf_counter() < t_end:
                t0 = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        fl = flops(op, n, cin, cout, h, w, y.shape[2], y.shape[3], kh, kw, groups)
        print(json.dumps({"name": s["name"], "op": op, "dtype": str(dtype).replace("torch.", ""),
                          "backend": "torch-" + torch.__version__, "threads": a.threads,
                          "reps": len(times), "seconds": med, "gflops": fl / med / 1e9,
                          "min_seconds": min(times)}),
              flush=True)


if __name__ == "__main__":
    main()
