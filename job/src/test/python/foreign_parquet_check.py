#!/usr/bin/env python3
"""Manual end-to-end check of `sparkconv run` on data SparkConv never wrote (not run by the tests).

1. pyarrow writes a dataset with varied image sizes and bad rows: a tensor struct with int64 shapes
   (as pyarrow writes numpy shapes), plus an id and a label column to pass through.
2. `sparkconv run` processes it.
3. pyarrow reads the output and errors back; each output row is compared with PyTorch's result
   (computed by Debian's /usr/bin/python3 with torch, in float64) for the same input.
4. The same images as nested float64 lists (pandas-style), with a ragged and a null row, again.

Usage: python3 job/src/test/python/foreign_parquet_check.py WORKDIR   (needs pyarrow + numpy, and
/usr/bin/python3 with torch)
"""
import json, os, subprocess, sys
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
work = sys.argv[1]
os.makedirs(work, exist_ok=True)
model = os.path.join(ROOT, "conf/models/digits-autoencoder.json")
rng = np.random.default_rng(7)

rows, arrays = [], {}
for i in range(60):
    h, w = int(rng.integers(8, 41)), int(rng.integers(8, 41))
    x = rng.random((1, h, w), dtype=np.float32)
    rows.append({"id": i, "label": f"img{i}",
                 "t": {"dtype": "float32", "shape": list(x.shape), "data": x.tobytes()}})
    arrays[i] = x
bad = {
    60: None,                                                                   # null tensor
    61: {"dtype": "float32", "shape": [3, 20, 20], "data": np.zeros((3, 20, 20), np.float32).tobytes()},  # channels
    62: {"dtype": "float32", "shape": [1, 20, 20], "data": b"\0" * 100},       # length != shape
    63: {"dtype": "int8", "shape": [1, 20, 20], "data": b"\0" * 400},          # dtype
    64: {"dtype": "float32", "shape": [1, 0, 5], "data": b""},                 # too small for the kernel
}
for i, t in bad.items():
    rows.append({"id": i, "label": f"bad{i}", "t": t})
rows.append({"id": 65, "label": "nan", "t": {"dtype": "float32", "shape": [1, 12, 12],
             "data": np.full((1, 12, 12), np.nan, np.float32).tobytes()}})
arrays[65] = np.full((1, 12, 12), np.nan, np.float32)
schema = pa.schema([("id", pa.int64()), ("label", pa.string()),
                    ("t", pa.struct([("dtype", pa.string()), ("shape", pa.list_(pa.int64())), ("data", pa.binary())]))])
inp = os.path.join(work, "in")
os.makedirs(inp, exist_ok=True)
table = pa.Table.from_pylist(rows, schema=schema)
pq.write_table(table.slice(0, 33), os.path.join(inp, "a.parquet"))
pq.write_table(table.slice(33), os.path.join(inp, "b.parquet"), row_group_size=7)
np.savez(os.path.join(work, "inputs.npz"), **{str(k): v for k, v in arrays.items()})

out = os.path.join(work, "out")
r = subprocess.run([os.path.join(ROOT, "submit-scripts/sparkconv"), "run", "--model", model, "--input", inp,
                    "--output", out, "--mode", "overwrite", "--batch-size", "4"], capture_output=True, text=True)
print(r.stderr.strip().splitlines()[-6:] if r.stderr else "", "exit", r.returncode)
assert r.returncode == 0

# PyTorch oracle in Debian's Python: rebuild the autoencoder from its safetensors weights.
oracle = r'''
import json, struct, sys, numpy as np, torch
root, model, npz, dst = sys.argv[1:5]
spec = json.load(open(model))
b = open(model.rsplit("/", 1)[0] + "/" + spec["weights"], "rb").read()
n = struct.unpack("<Q", b[:8])[0]; h = json.loads(b[8:8 + n])
sd = {k: torch.from_numpy(np.frombuffer(b[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]], "<f4").reshape(v["shape"]).copy())
      for k, v in h.items() if k != "__metadata__"}
mods = []
for l in spec["layers"]:
    t = l["type"]
    if t == "Conv2d": mods.append(torch.nn.Conv2d(l["in_channels"], l["out_channels"], l["kernel_size"], l["stride"], l["padding"]))
    elif t == "ConvTranspose2d": mods.append(torch.nn.ConvTranspose2d(l["in_channels"], l["out_channels"], l["kernel_size"], l["stride"], l["padding"]))
    else: mods.append(getattr(torch.nn, t)())
m = torch.nn.Sequential(*mods); m.load_state_dict(sd); m = m.double()
xs = np.load(npz); ys = {}
with torch.no_grad():
    for k in xs.files:
        ys[k] = m(torch.from_numpy(xs[k]).double()[None])[0].float().numpy()
np.savez(dst, **ys)
'''
open(os.path.join(work, "oracle.py"), "w").write(oracle)
subprocess.run(["/usr/bin/python3", os.path.join(work, "oracle.py"), ROOT, model,
                os.path.join(work, "inputs.npz"), os.path.join(work, "torch.npz")], check=True)
want = np.load(os.path.join(work, "torch.npz"))

got = pq.read_table(out).to_pylist()
errors = pq.read_table(out + "_errors").to_pylist()
assert len(got) + len(errors) == len(rows), (len(got), len(errors), len(rows))
worst = 0.0
for row in got:
    o = row["output"]
    y = np.frombuffer(o["data"], o["dtype"]).reshape(o["shape"])
    w = want[str(row["id"])]
    assert y.shape == w.shape, (row["id"], y.shape, w.shape)
    assert row["label"].startswith("img") or row["label"] == "nan"
    if row["label"] == "nan":
        assert np.isnan(y).all(); continue
    worst = max(worst, float(np.abs(y - w).max()))
assert worst <= 2e-4, worst
print(f"{len(got)} output rows match PyTorch (max abs diff {worst:.2e}); {len(errors)} error rows:")
for e in sorted(errors, key=lambda e: e["id"]):
    print(f"  id {e['id']} {e['label']}: {e['reason']}")
assert sorted(e["id"] for e in errors) == sorted(bad), [e["id"] for e in errors]

# 4. The same images as nested float64 lists (what pandas + pyarrow write for numpy .tolist()),
#    plus a ragged image and a null one.
nested_rows = [{"id": i, "img": arrays[i].astype(np.float64).tolist()} for i in range(60)]
ragged = arrays[0].astype(np.float64).tolist(); ragged[0][3] = ragged[0][3][:-1]
nested_rows += [{"id": 70, "img": ragged}, {"id": 71, "img": None}]
nschema = pa.schema([("id", pa.int64()), ("img", pa.list_(pa.list_(pa.list_(pa.float64()))))])
ninp = os.path.join(work, "in_nested")
os.makedirs(ninp, exist_ok=True)
pq.write_table(pa.Table.from_pylist(nested_rows, schema=nschema), os.path.join(ninp, "n.parquet"), row_group_size=16)
nout = os.path.join(work, "out_nested")
r = subprocess.run([os.path.join(ROOT, "submit-scripts/sparkconv"), "run", "--model", model, "--input", ninp,
                    "--output", nout, "--mode", "overwrite"], capture_output=True, text=True)
assert r.returncode == 0, r.stderr
ngot = pq.read_table(nout).to_pylist()
nerr = pq.read_table(nout + "_errors").to_pylist()
assert len(ngot) == 60 and sorted(e["id"] for e in nerr) == [70, 71], (len(ngot), [e["id"] for e in nerr])
nworst = 0.0
for row in ngot:
    o = row["output"]
    y = np.frombuffer(o["data"], o["dtype"]).reshape(o["shape"])
    nworst = max(nworst, float(np.abs(y - want[str(row["id"])]).max()))
assert nworst <= 2e-4, nworst
print(f"nested float64 lists: {len(ngot)} rows match PyTorch (max abs diff {nworst:.2e}); errors:")
for e in sorted(nerr, key=lambda e: e["id"]):
    print(f"  id {e['id']}: {e['reason']}")
print("OK")
