#!/usr/bin/env python3
"""Generates GemmConvD.java (float64) from GemmConv.java (float32): same algorithm, double arrays.

Run from the repository root after editing GemmConv.java:
  python3 kernels/src/build/gen_gemmconv_double.py && ./mvnw -q -pl kernels spotless:apply
"""
import re
from pathlib import Path

d = Path("kernels/src/main/java/io/sparkconv/kernels/cpu")
s = (d / "GemmConv.java").read_text()
s = s.replace("final class GemmConv {", "final class GemmConvD {")
s = s.replace("GemmConv(CpuKernels", "GemmConvD(CpuKernels")
s = re.sub(r"\bfloat\[\]", "double[]", s)
s = re.sub(r"\bfloat v\b", "double v", s)
s = s.replace("new float[", "new double[")
s = s.replace("0f", "0.0")
s = s.replace("kern.gemmTile(", "kern.gemmTileD(")
s = s.replace("s.tile(", "s.tileD(").replace("s.panel(", "s.panelD(").replace("s.edge)", "s.edgeD)")
s = s.replace("this.nr = kern.nr();", "this.nr = kern.nrD();")
s = s.replace("static int ceilDiv", "private static int ceilDivUnused").replace(
    "static int roundUp", "private static int roundUpUnused")
s = re.sub(r"\n  private static int ceilDivUnused.*?\n  }\n", "\n", s, flags=re.S)
s = re.sub(r"\n  private static int roundUpUnused.*?\n  }\n", "\n", s, flags=re.S)
s = s.replace("static final int KC = 128;\n  static final int NC_MAX = 256;",
              "private static final int KC = GemmConv.KC;\n  private static final int NC_MAX = GemmConv.NC_MAX;")
s = re.sub(r"\bceilDiv\(", "GemmConv.ceilDiv(", s)
s = re.sub(r"\broundUp\(", "GemmConv.roundUp(", s)
s = s.replace("/**\n * Convolution as a packed", "/**\n * GENERATED from GemmConv.java by kernels/src/build/gen_gemmconv_double.py: the float64 twin.\n *\n * <p>Convolution as a packed", 1)
(d / "GemmConvD.java").write_text(s)
