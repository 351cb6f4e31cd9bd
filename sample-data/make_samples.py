#!/usr/bin/env python3
"""Makes SparkConv's sample data and sample models, deterministically.

Sources (Debian packages, extracted with `apt-get download` + `dpkg -x`):
  python3-skimage 0.19.3: skimage/data/{astronaut,camera,chelsea,coffee}.png
  opencv-doc 4.6.0:      examples/data/{digits,fruits.jpg,baboon.jpg}
Licences: LICENSES.md. Needs Debian's python3-torch, python3-numpy, python3-pil (not at test time).

Usage:
  cd /tmp && apt-get download python3-skimage opencv-doc
  dpkg -x python3-skimage_*.deb /tmp/pkgs && dpkg -x opencv-doc_*.deb /tmp/pkgs
  /usr/bin/python3 sample-data/make_samples.py /tmp/pkgs
  ./submit-scripts/sparkconv import --images sample-data/images --output sample-data/parquet/photos --mode overwrite
  ./submit-scripts/sparkconv import --images sample-data/digits --output sample-data/parquet/digits --mode overwrite
"""
import json
import os
import struct
import sys

import numpy as np
import torch
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SD = os.path.join(ROOT, "sample-data")
MODELS = os.path.join(ROOT, "conf", "models")
MAX_SIDE = 160


def save_safetensors(path, tensors, metadata=None):
    """Writes safetensors (Debian has no python3-safetensors): LE u64 header length, JSON, data."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        a = t.detach().cpu().contiguous().numpy()
        code = {np.dtype("float32"): "F32", np.dtype("float64"): "F64"}[a.dtype]
        b = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": code, "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def downscale(img):
    w, h = img.size
    s = MAX_SIDE / max(w, h)
    if s < 1:
        img = img.resize((max(1, round(w * s)), max(1, round(h * s))), Image.LANCZOS)
    return img


def chw(img):
    """uint8 image -> float32 (C, H, W) in [0, 1], RGB order; alpha dropped, gray one channel."""
    a = np.asarray(img)
    if a.ndim == 2:
        a = a[:, :, None]
    a = a[:, :, :3]
    return torch.from_numpy(a.transpose(2, 0, 1).astype(np.float32) / np.float32(255))


def images(pkgs):
    sk = os.path.join(pkgs, "usr/lib/python3/dist-packages/skimage/data")
    cv = os.path.join(pkgs, "usr/share/doc/opencv-doc/examples/data")
    out = os.path.join(SD, "images")
    os.makedirs(out, exist_ok=True)
    picks = [
        (os.path.join(sk, "astronaut.png"), "astronaut.png", "RGB"),
        (os.path.join(sk, "camera.png"), "camera.png", "L"),
        (os.path.join(sk, "chelsea.png"), "chelsea.png", "RGB"),
        (os.path.join(sk, "coffee.png"), "coffee.png", "RGB"),
        (os.path.join(cv, "fruits.jpg"), "fruits.png", "RGB"),
        (os.path.join(cv, "baboon.jpg"), "baboon.png", "RGB"),
    ]
    for src, name, mode in picks:
        downscale(Image.open(src).convert(mode)).save(os.path.join(out, name), optimize=True)
    # An RGBA image: chelsea with a left-to-right alpha ramp (the job drops alpha, see README).
    c = Image.open(os.path.join(out, "chelsea.png")).convert("RGBA")
    ramp = np.tile(np.linspace(64, 255, c.size[0]).astype(np.uint8), (c.size[1], 1))
    c.putalpha(Image.fromarray(ramp))
    c.save(os.path.join(out, "chelsea-rgba.png"), optimize=True)


def digits(pkgs):
    """OpenCV's digits.png: 50 rows x 100 columns of 20x20 digits, 500 of each class in order."""
    src = os.path.join(pkgs, "usr/share/doc/opencv-doc/examples/data/digits.png")
    a = np.asarray(Image.open(src).convert("L"))
    tiles = a.reshape(50, 20, 100, 20).transpose(0, 2, 1, 3).reshape(5000, 20, 20)
    labels = np.repeat(np.arange(10), 500)
    out = os.path.join(SD, "digits")
    os.makedirs(out, exist_ok=True)
    pick = [c * 500 + k * 25 for c in range(10) for k in range(20)]  # 20 per class, spread out
    with open(os.path.join(SD, "digits-labels.csv"), "w") as f:
        f.write("file,label\n")
        for i in pick:
            name = "digit_%04d.png" % i
            Image.fromarray(tiles[i]).save(os.path.join(out, name), optimize=True)
            f.write("%s,%d\n" % (name, labels[i]))
    return torch.from_numpy(tiles.astype(np.float32) / np.float32(255))[:, None], pick


def write_model(name, layers, weights=None, seed=None, dtype="float32"):
    m = {"dtype": dtype}
    if weights is not None:
        m["weights"] = name + ".safetensors"
        save_safetensors(os.path.join(MODELS, name + ".safetensors"), weights)
    else:
        m["init_seed"] = seed
    m["layers"] = layers
    with open(os.path.join(MODELS, name + ".json"), "w") as f:
        json.dump(m, f, indent=2)
        f.write("\n")


def filter_bank():
    """Sobel x, Sobel y, Gaussian 3x3 and Laplacian of the luminance (ITU-R 601 weights)."""
    k = torch.tensor(
        [
            [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
            [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
            [[1 / 16, 2 / 16, 1 / 16], [2 / 16, 4 / 16, 2 / 16], [1 / 16, 2 / 16, 1 / 16]],
            [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
        ],
        dtype=torch.float32,
    )
    luma = torch.tensor([0.299, 0.587, 0.114], dtype=torch.float32)
    rgb = torch.nn.Conv2d(3, 4, 3, padding=1, padding_mode="reflect", bias=False)
    gray = torch.nn.Conv2d(1, 4, 3, padding=1, padding_mode="reflect", bias=False)
    with torch.no_grad():
        rgb.weight.copy_(k[:, None] * luma[None, :, None, None])
        gray.weight.copy_(k[:, None])
    layer = {"name": "0", "type": "Conv2d", "in_channels": 3, "out_channels": 4, "kernel_size": 3,
             "padding": 1, "padding_mode": "reflect", "bias": False}
    write_model("filter-bank", [layer], {"0.weight": rgb.weight})
    write_model("filter-bank-gray", [dict(layer, in_channels=1)], {"0.weight": gray.weight})
    return torch.nn.Sequential(rgb)


def autoencoder(x):
    torch.manual_seed(0)
    torch.set_num_threads(1)
    enc = [torch.nn.Conv2d(1, 8, 3, stride=2, padding=1), torch.nn.ReLU(),
           torch.nn.Conv2d(8, 16, 3, stride=2, padding=1), torch.nn.ReLU()]
    dec = [torch.nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1), torch.nn.ReLU(),
           torch.nn.ConvTranspose2d(8, 1, 4, stride=2, padding=1), torch.nn.Sigmoid()]
    model = torch.nn.Sequential(*enc, *dec)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    g = torch.Generator().manual_seed(0)
    for epoch in range(12):
        perm = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), 100):
            xb = x[perm[i:i + 100]]
            loss = torch.nn.functional.mse_loss(model(xb), xb)
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        mse = torch.nn.functional.mse_loss(model(x), x).item()
    print("autoencoder reconstruction MSE on all 5000 digits: %.5f" % mse)
    conv = lambda n, m, kind: {"name": n, "type": kind, "in_channels": m.in_channels,
                               "out_channels": m.out_channels, "kernel_size": list(m.kernel_size),
                               "stride": list(m.stride), "padding": list(m.padding)}
    layers = [conv("0", model[0], "Conv2d"), {"name": "1", "type": "ReLU"},
              conv("2", model[2], "Conv2d"), {"name": "3", "type": "ReLU"},
              conv("4", model[4], "ConvTranspose2d"), {"name": "5", "type": "ReLU"},
              conv("6", model[6], "ConvTranspose2d"), {"name": "7", "type": "Sigmoid"}]
    sd = model.state_dict()
    write_model("digits-autoencoder", layers, sd)
    write_model("digits-encoder", layers[:4], {k: v for k, v in sd.items() if k[0] in "02"})
    return model, mse


def seeded():
    torch.manual_seed(42)
    m = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.LeakyReLU(0.2),
                            torch.nn.Conv2d(8, 3, 3, padding=1), torch.nn.Tanh())
    layers = [{"name": "0", "type": "Conv2d", "in_channels": 3, "out_channels": 8, "kernel_size": 3, "padding": 1},
              {"name": "1", "type": "LeakyReLU", "negative_slope": 0.2},
              {"name": "2", "type": "Conv2d", "in_channels": 8, "out_channels": 3, "kernel_size": 3, "padding": 1},
              {"name": "3", "type": "Tanh"}]
    write_model("seeded-example", layers, seed=42)
    save_safetensors(os.path.join(SD, "parity", "seeded-example.init.safetensors"), m.state_dict(),
                     {"model": "conf/models/seeded-example.json", "init_seed": "42"})
    return m


def parity(name, model, x, meta):
    """PyTorch's output in float64, rounded to float32, for one (C, H, W) input."""
    m64 = __import__("copy").deepcopy(model).double()
    with torch.no_grad():
        y = m64(x.double()[None])[0].float()
    save_safetensors(os.path.join(SD, "parity", name + ".safetensors"), {"input": x, "output": y}, meta)


def main():
    pkgs = sys.argv[1] if len(sys.argv) > 1 else "/tmp/pkgs"
    os.makedirs(MODELS, exist_ok=True)
    os.makedirs(os.path.join(SD, "parity"), exist_ok=True)
    images(pkgs)
    x, pick = digits(pkgs)
    fb = filter_bank()
    ae, _ = autoencoder(x)
    sm = seeded()
    for img in ["astronaut.png", "coffee.png", "chelsea-rgba.png"]:
        t = chw(Image.open(os.path.join(SD, "images", img)))
        parity("filter-bank." + img[:-4], fb, t,
               {"model": "conf/models/filter-bank.json", "image": "sample-data/images/" + img})
    t = chw(Image.open(os.path.join(SD, "images", "fruits.png")))
    parity("seeded-example.fruits", sm, t,
           {"model": "conf/models/seeded-example.json", "image": "sample-data/images/fruits.png"})
    for i in pick[::25]:
        name = "digit_%04d.png" % i
        t = chw(Image.open(os.path.join(SD, "digits", name)))
        parity("digits-autoencoder." + name[:-4], ae, t,
               {"model": "conf/models/digits-autoencoder.json", "image": "sample-data/digits/" + name})


if __name__ == "__main__":
    main()
