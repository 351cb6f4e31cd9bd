#!/usr/bin/env python3
"""Runs SparkConv's ConvBench and PyTorch on one shapes file and prints the side-by-side table.

    python3 kernels/src/test/python/bench_compare.py conf/bench-shapes.json --threads 2 1 \
        [--backend cpu-scalar] [--seconds 1] [--python /usr/bin/python3]

Run from the repository root after `./mvnw -q -pl kernels compile`. Both sides print JSON lines
(name, seconds = median of one forward pass of the whole batch, gflops); the ratio is ours/torch
GFLOP/s from the medians; "best" columns use the fastest pass (less sensitive to other load).
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))


def lines(cmd):
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd[:3])}... failed:\n{out.stderr[-2000:]}")
    return [json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")]


def classpath():
    cp_file = os.path.join(ROOT, "kernels", "target", "bench.classpath")
    subprocess.run([os.path.join(ROOT, "mvnw"), "-q", "-pl", "kernels", "dependency:build-classpath",
                    f"-Dmdep.outputFile={cp_file}"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return os.path.join(ROOT, "kernels", "target", "classes") + os.pathsep + open(cp_file).read().strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("shapes")
    ap.add_argument("--threads", type=int, nargs="+", default=[2, 1])
    ap.add_argument("--backend", default=None, help="force a SparkConv backend, e.g. cpu-scalar")
    ap.add_argument("--seconds", default="1")
    ap.add_argument("--python", default=sys.executable, help="a Python with torch")
    a = ap.parse_args()
    cp = classpath()
    print(f"{'shape':14s} {'thr':>3s} {'backend':11s} {'ours GF/s':>10s} {'torch GF/s':>10s} {'ratio':>6s}"
          f" {'ours best':>10s} {'torch best':>10s} {'ratio':>6s}")
    for t in a.threads:
        java = ["java", "--add-modules", "jdk.incubator.vector", "-Xmx4g", "-cp", cp,
                "io.sparkconv.kernels.bench.ConvBench", a.shapes, "--threads", str(t), "--seconds", a.seconds]
        if a.backend:
            java += ["--backend", a.backend]
        ours = lines(java)
        torch = {d["name"]: d for d in lines([a.python, os.path.join(ROOT, "kernels/src/test/python/bench_torch.py"),
                                              a.shapes, "--threads", str(t), "--seconds", a.seconds])}
        for o in ours:
            p = torch.get(o["name"], {})
            if "gflops" not in p:
                print(f"{o['name']:14s} {t:3d} {o['backend']:11s} {o['gflops']:10.1f}   torch: {p.get('error', 'missing')}")
                continue
            ob = o["gflops"] * o["seconds"] / o["min_seconds"]
            pb = p["gflops"] * p["seconds"] / p["min_seconds"]
            print(f"{o['name']:14s} {t:3d} {o['backend']:11s} {o['gflops']:10.1f} {p['gflops']:10.1f}"
                  f" {o['gflops'] / p['gflops']:6.2f} {ob:10.1f} {pb:10.1f} {ob / pb:6.2f}", flush=True)


if __name__ == "__main__":
    main()
