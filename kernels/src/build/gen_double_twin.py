#!/usr/bin/env python3
"""Generates OffsetGemmConvD.java, the float64 twin of OffsetGemmConv.java.

Run from the repository root after editing OffsetGemmConv.java:
  python3 kernels/src/build/gen_double_twin.py && ./mvnw -q -pl kernels spotless:apply
"""
import re
from pathlib import Path

d = Path("kernels/src/main/java/io/sparkconv/kernels/cpu")


def twin(s, name):
    s = s.replace(f"final class {name} {{", f"final class {name}D {{")
    s = s.replace(f"  {name}(CpuKernels", f"  {name}D(CpuKernels")
    s = re.sub(r"\bfloat\[\]", "double[]", s)
    s = re.sub(r"\bfloat v\b", "double v", s)
    s = s.replace("new float[", "new double[")
    s = s.replace("0f", "0.0")
    s = s.replace("kern.gemmTile(", "kern.gemmTileD(").replace("kern.gemmTileShift(", "kern.gemmTileShiftD(")
    s = s.replace("kern.gemmTileShiftPack(", "kern.gemmTileShiftPackD(")
    s = s.replace("s.tile(", "s.tileD(").replace("s.panel(", "s.panelD(").replace("s.edge)", "s.edgeD)")
    s = s.replace("sc.tile(", "sc.tileD(").replace("sc.panel(", "sc.panelD(").replace("sc.edge)", "sc.edgeD)")
    s = s.replace("sc.plane(", "sc.planeD(")
    s = s.replace("kern.interleave2(", "kern.interleave2D(")
    s = s.replace("kern.deinterleave2(", "kern.deinterleave2D(")
    s = s.replace("kern.deinterleave4(", "kern.deinterleave4D(")
    s = s.replace("kern.stridedCopy(", "kern.stridedCopyD(")
    s = s.replace("kern.scatterPanels(", "kern.scatterPanelsD(")
    s = s.replace("Pools.borrow(", "Pools.borrowD(")
    s = s.replace("this.nr = kern.nr();", "this.nr = kern.nrD();")
    s = s.replace("/**\n * ", f"/**\n * GENERATED from {name}.java by kernels/src/build/gen_double_twin.py: the float64\n * twin.\n *\n * <p>", 1)
    return s


(d / "OffsetGemmConvD.java").write_text(twin((d / "OffsetGemmConv.java").read_text(), "OffsetGemmConv"))
