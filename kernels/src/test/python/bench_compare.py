#!/usr/bin/env python3
"""Runs SparkConv's ConvBench and PyTorch on one shapes file and prints the side-by-side table.

    python3 kernels/src/test/python/bench_compare.py conf/bench-shapes.json --threads 2 1 \
        [--rounds 2] [--backend cpu-scalar] [--seconds 1] [--python /usr/bin/python3]

Run from the repository root after `./mvnw -q -pl kernels compile`. Both sides print JSON lines
(name, seconds = median of one forward pass of the whole batch, gflops). The machine is shared, so
each shape is timed on both sides back to back, `--rounds` times, alternating; each side keeps its
best round. Columns: GFLOP/s from the medians and their ratio (ours / torch), then from the fastest
single passes ("best", the least disturbed by other load) and their ratio; last, our median's
share of this machine's FMA peak on as many threads ("of peak", "peak": ConvBench measures it
in each run, see FmaPeak).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

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


def better(a, b):
    if a is None or "gflops" not in a:
        return b
    return b if "gflops" in b and b["gflops"] > a["gflops"] else a


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("shapes")
    ap.add_argument("--threads", type=int, nargs="+", default=[2, 1])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--backend", default=None, help="force a SparkConv backend, e.g. cpu-scalar")
    ap.add_argument("--seconds", default="1")
    ap.add_argument("--python", default=sys.executable, help="a Python with torch")
    a = ap.parse_args()
    cp = classpath()
    shapes = json.load(open(os.path.join(ROOT, a.shapes) if not os.path.isabs(a.shapes) else a.shapes))
    print(f"{'shape':15s} {'thr':>3s} {'backend':11s} {'ours GF/s':>10s} {'torch GF/s':>10s} {'ratio':>6s}"
          f" {'ours best':>10s} {'torch best':>10s} {'ratio':>6s} {'of peak':>7s} {'peak':>6s}", flush=True)
    for t in a.threads:
        for shape in shapes:
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                json.dump([shape], f)
            java = ["java", "--add-modules", "jdk.incubator.vector", "-Xmx4g", "-cp", cp,
                    "io.sparkconv.kernels.bench.ConvBench", f.name, "--threads", str(t), "--seconds", a.seconds]
            if a.backend:
                java += ["--backend", a.backend]
            torch_cmd = [a.python, os.path.join(ROOT, "kernels/src/test/python/bench_torch.py"),
                         f.name, "--threads", str(t), "--seconds", a.seconds]
            o = p = None
            for _ in range(a.rounds):
                o = better(o, lines(java)[0])
                p = better(p, lines(torch_cmd)[0])
            os.unlink(f.name)
            if "gflops" not in p:
                print(f"{o['name']:15s} {t:3d} {o['backend']:11s} {o['gflops']:10.1f}   torch: {p.get('error')}",
                      flush=True)
                continue
            ob = o["gflops"] * o["seconds"] / o["min_seconds"]
            pb = p["gflops"] * p["seconds"] / p["min_seconds"]
            print(f"{o['name']:15s} {t:3d} {o['backend']:11s} {o['gflops']:10.1f} {p['gflops']:10.1f}"
                  f" {o['gflops'] / p['gflops']:6.2f} {ob:10.1f} {pb:10.1f} {ob / pb:6.2f}"
                  f" {o.get('of_peak', float('nan')):7.2f} {o.get('peak_gflops', float('nan')):6.0f}", flush=True)


if __name__ == "__main__":
    main()
