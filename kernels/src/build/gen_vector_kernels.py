#!/usr/bin/env python3
"""Generates the register tiles of VectorKernels.java (unrolled accumulators).

    python3 kernels/src/build/gen_vector_kernels.py MR NV   (from the repository root)

GEMM tiles: MR rows (broadcast weights) x NV vectors (input panel) of accumulators, between the
GENERATED markers. Blocked tiles (BlockedConv): W output positions x 32 output channels (two
vectors), one method per width W in [BLOCK_MIN, BLOCK_MAX], and the two-row tile of BLOCK_MIN-wide
maps, between the BLOCKED markers. 16x16
transposes (planar rows to channel-blocked positions and back) and the blocked depthwise kernels
(BlockedDepthwise), between the TRANSPOSE markers. The rest of VectorKernels.java is hand-written.
"""
import re
import sys
from pathlib import Path

MR = int(sys.argv[1]) if len(sys.argv) > 1 else 8
NV = int(sys.argv[2]) if len(sys.argv) > 2 else 2


INIT_COMMENT = """\
    // Accumulators always start in registers (from the bias, or 0 for a later K block) and an
    // earlier block's sums are added at the store: a vector merged from two branches (loaded or
    // broadcast) costs C2 ~15% of the loop when both branches run in one process.
    boolean start = bias != null && !accumulate;
"""


def stores(T, sp, lenname, arr, off, ld, R=None):
    R = MR if R is None else R
    L = ['    if (accumulate) {\n']
    for r in range(R):
        for v in range(NV):
            at = f'{off} + {r} * {ld} + {v} * {lenname}'
            L.append(f'      c{r}_{v}.add({T}.fromArray({sp}, {arr}, {at})).intoArray({arr}, {at});\n')
    L.append('    } else {\n')
    for r in range(R):
        for v in range(NV):
            L.append(f'      c{r}_{v}.intoArray({arr}, {off} + {r} * {ld} + {v} * {lenname});\n')
    L.append('    }\n')
    return L


def acc_init(T, sp, R, comment=True):
    """Declares the R x NV accumulators and starts them from the bias (or 0)."""
    L = []
    for r in range(R):
        for v in range(NV):
            L.append(f'    {T} c{r}_{v};\n')
    L.append(INIT_COMMENT if comment else '    boolean start = bias != null && !accumulate;\n')
    for r in range(R):
        L.append(f'    c{r}_0 = {T}.broadcast({sp}, start && {r} < rows ? bias[biasOff + {r}] : 0);\n')
        for v in range(1, NV):
            L.append(f'    c{r}_{v} = c{r}_0;\n')
    return L


def kstep(T, sp, lenname, R, arr):
    """One K step of an R-row tile: NV input vectors from arr at bi, R broadcast weights."""
    L = []
    for v in range(NV):
        L.append(f'      {T} b{v} = {T}.fromArray({sp}, {arr}, bi + {v} * {lenname});\n')
    for r in range(R):
        L.append(f'      {T} a{r} = {T}.broadcast({sp}, a[ai + {r}]);\n')
        for v in range(NV):
            L.append(f'      c{r}_{v} = a{r}.fma(b{v}, c{r}_{v});\n')
    return L


def gen(T, t, sp, suffix, nrname, lenname):
    L = []
    L.append(f'''  @Override
  public void gemmTile{suffix}(
      {t}[] a,
      int aOff,
      {t}[] b,
      int bOff,
      int kc,
      {t}[] bias,
      int biasOff,
      boolean accumulate,
      {t}[] c,
      int cOff,
      int ldc,
      int rows,
      int cols,
      {t}[] edge) {{
    if (rows <= 2 && cols == {nrname}) {{
      // One or two output channels (heads): two rows, two K chains.
      gemmTileTwo{suffix}(a, aOff, b, bOff, kc, bias, biasOff, accumulate, c, cOff, ldc, rows);
      return;
    }}
    if (rows <= MR / 2 && cols == {nrname}) {{
      // Few output channels (heads): half the rows, twice the useful FMAs per cycle.
      gemmTileHalf{suffix}(a, aOff, b, bOff, kc, bias, biasOff, accumulate, c, cOff, ldc, rows);
      return;
    }}
    {t}[] out = c;
    int o = cOff;
    int ld = ldc;
    boolean full = rows == MR && cols == {nrname};
    if (!full) {{
      // Partial tile: run the full register tile on the edge buffer, copy the valid part back.
      out = edge;
      o = 0;
      ld = {nrname};
      if (accumulate) {{
        for (int r = 0; r < rows; r++) {{
          System.arraycopy(c, cOff + r * ldc, edge, r * {nrname}, cols);
        }}
      }}
    }}
''')
    L += acc_init(T, sp, MR)
    L.append(f'''    int ai = aOff;
    int bi = bOff;
    for (int k = 0; k < kc; k++) {{
''')
    L += kstep(T, sp, lenname, MR, 'b')
    L.append(f'''      ai += MR;
      bi += {nrname};
    }}
''')
    L += stores(T, sp, lenname, 'out', 'o', 'ld')
    L.append(f'''    if (!full) {{
      for (int r = 0; r < rows; r++) {{
        System.arraycopy(edge, r * {nrname}, c, cOff + r * ldc, cols);
      }}
    }}
  }}
''')
    return ''.join(L)


def gen_shift(T, t, sp, suffix, nrname, lenname, pack=False):
    """gemmTileShift, or with pack gemmTileShiftPack: the same tile that also stores the rows it
    reads as a packed panel."""
    name = 'gemmTileShiftPack' if pack else 'gemmTileShift'
    L = []
    L.append(f'''  @Override
  public void {name}{suffix}(
      {t}[] a,
      int aOff,
      {t}[] x,
      int xBase,
      int[] offs,
      int offOff,
      int kc,
      {t}[] bias,
      int biasOff,
      int rows,
      boolean accumulate,
      {t}[] c,
      int cOff,
      int ldc,
      int prefetch''')
    if pack:
        L.append(f''',
      {t}[] pb,
      int pbOff,
      {t}[] edge) {{
    if (rows < MR) {{
      CpuKernels.super.gemmTileShiftPack{suffix}(
          a, aOff, x, xBase, offs, offOff, kc, bias, biasOff, rows, accumulate, c, cOff, ldc,
          prefetch, pb, pbOff, edge);
      return;
    }}
''')
    else:
        L.append(f''') {{
    if (rows <= 2) {{
      gemmTileShiftTwo{suffix}(
          a, aOff, x, xBase, offs, offOff, kc, bias, biasOff, rows, accumulate, c, cOff, ldc);
      return;
    }}
    if (rows <= MR / 2) {{
      gemmTileShiftHalf{suffix}(
          a, aOff, x, xBase, offs, offOff, kc, bias, biasOff, rows, accumulate, c, cOff, ldc);
      return;
    }}
''')
    L += acc_init(T, sp, MR)
    L.append(f'''    int ai = aOff;
    {t} touched = 0;
    for (int k = 0; k < kc; k++) {{
      int bi = xBase + offs[offOff + k];
      if (prefetch != 0) {{
        // Touch the next panel's lines of this row while the FMAs run: the K rows come from K
        // planes, too many streams for the hardware prefetchers.
        touched += x[bi + prefetch] + x[bi + prefetch + 64 / {"4" if t == "float" else "8"}];
      }}
''')
    step = kstep(T, sp, lenname, MR, 'x')
    if pack:
        step[NV:NV] = [f'      b{v}.intoArray(pb, pbOff + k * {nrname} + {v} * {lenname});\n'
                       for v in range(NV)]
    L += step
    L.append('''      ai += MR;
    }
''')
    L += stores(T, sp, lenname, 'c', 'cOff', 'ldc')
    L.append(f'    sink{suffix} = touched;\n')
    L.append('  }\n')
    return ''.join(L)


def half_stores(T, sp, lenname, R):
    """Stores rows r < rows only (row 0 always valid)."""
    L = []
    for r in range(R):
        ind = '    ' if r == 0 else '      '
        if r > 0:
            L.append(f'    if (rows > {r}) {{\n')
        for v in range(NV):
            at = f'cOff + {r} * ldc + {v} * {lenname}'
            L.append(f'{ind}(accumulate ? c{r}_{v}.add({T}.fromArray({sp}, c, {at})) : c{r}_{v}).intoArray(c, {at});\n')
        if r > 0:
            L.append('    }\n')
    return L


def gen_half(T, t, sp, suffix, nrname, lenname):
    """MR/2 rows x NV vectors: the tile for at most MR/2 valid rows (full columns), in the same
    packed weight layout (MR weights per K step, the first MR/2 read)."""
    R = MR // 2
    L = [f'''  /** {{@link #gemmTile{suffix}}} for at most MR / 2 rows and all columns: rows from {{@code rows}} on untouched. */
  private void gemmTileHalf{suffix}(
      {t}[] a,
      int aOff,
      {t}[] b,
      int bOff,
      int kc,
      {t}[] bias,
      int biasOff,
      boolean accumulate,
      {t}[] c,
      int cOff,
      int ldc,
      int rows) {{
''']
    L += acc_init(T, sp, R, comment=False)
    L.append(f'''    int ai = aOff;
    int bi = bOff;
    for (int k = 0; k < kc; k++) {{
''')
    L += kstep(T, sp, lenname, R, 'b')
    L.append(f'''      ai += MR;
      bi += {nrname};
    }}
''')
    L += half_stores(T, sp, lenname, R)
    L.append('  }\n')
    return ''.join(L)


def gen_shift_half(T, t, sp, suffix, nrname, lenname):
    """gemmTileShift for at most MR/2 valid rows (no prefetch touches)."""
    R = MR // 2
    L = [f'''  /** {{@link #gemmTileShift{suffix}}} for at most MR / 2 rows: rows from {{@code rows}} on untouched. */
  private void gemmTileShiftHalf{suffix}(
      {t}[] a,
      int aOff,
      {t}[] x,
      int xBase,
      int[] offs,
      int offOff,
      int kc,
      {t}[] bias,
      int biasOff,
      int rows,
      boolean accumulate,
      {t}[] c,
      int cOff,
      int ldc) {{
''']
    L += acc_init(T, sp, R, comment=False)
    L.append('''    int ai = aOff;
    for (int k = 0; k < kc; k++) {
      int bi = xBase + offs[offOff + k];
''')
    L += kstep(T, sp, lenname, R, 'x')
    L.append('''      ai += MR;
    }
''')
    L += half_stores(T, sp, lenname, R)
    L.append('  }\n')
    return ''.join(L)


def gen_two(T, t, sp, suffix, nrname, lenname, shift):
    """2 rows x NV vectors with even and odd K steps in separate accumulators (8 independent FMA
    chains, where 2 x NV would wait on the FMA latency), summed at the end."""
    R = 2
    name = f'gemmTileShiftTwo{suffix}' if shift else f'gemmTileTwo{suffix}'
    of = f'gemmTileShift{suffix}' if shift else f'gemmTile{suffix}'
    src = f"""      {t}[] x,
      int xBase,
      int[] offs,
      int offOff,
      int kc,
      {t}[] bias,
      int biasOff,
      int rows,
      boolean accumulate,""" if shift else f"""      {t}[] b,
      int bOff,
      int kc,
      {t}[] bias,
      int biasOff,
      boolean accumulate,"""
    L = [f'''  /** {{@link #{of}}} for at most 2 rows{"" if shift else " and all columns"}: rows from {{@code rows}} on untouched. */
  private void {name}(
      {t}[] a,
      int aOff,
{src}
      {t}[] c,
      int cOff,
      int ldc{"" if shift else ","}
{"" if shift else "      int rows"}) {{
''']
    for p in range(2):
        for r in range(R):
            for v in range(NV):
                L.append(f'    {T} c{r}_{v}_{p};\n')
    L.append('    boolean start = bias != null && !accumulate;\n')
    for r in range(R):
        L.append(f'    c{r}_0_0 = {T}.broadcast({sp}, start && {r} < rows ? bias[biasOff + {r}] : 0);\n')
        for v in range(1, NV):
            L.append(f'    c{r}_{v}_0 = c{r}_0_0;\n')
        for v in range(NV):
            L.append(f'    c{r}_{v}_1 = {T}.zero({sp});\n')
    L.append('    int ai = aOff;\n')
    if not shift:
        L.append('    int bi = bOff;\n')
    L.append('    int k = 0;\n')
    def step(p, ind):
        out = []
        if shift:
            out.append(f'{ind}int bi{p} = xBase + offs[offOff + k + {p}];\n')
            base = f'bi{p}'
        else:
            base = f'bi + {p} * {nrname}'
        for v in range(NV):
            out.append(f'{ind}{T} b{v}_{p} = {T}.fromArray({sp}, {"x" if shift else "b"}, {base} + {v} * {lenname});\n')
        for r in range(R):
            out.append(f'{ind}{T} a{r}_{p} = {T}.broadcast({sp}, a[ai + {p} * MR + {r}]);\n')
            for v in range(NV):
                out.append(f'{ind}c{r}_{v}_{p} = a{r}_{p}.fma(b{v}_{p}, c{r}_{v}_{p});\n')
        return out
    L.append('    for (; k + 1 < kc; k += 2) {\n')
    L += step(0, '      ') + step(1, '      ')
    L.append('      ai += 2 * MR;\n')
    if not shift:
        L.append(f'      bi += 2 * {nrname};\n')
    L.append('    }\n')
    L.append('    if (k < kc) {\n')
    L += step(0, '      ')
    L.append('    }\n')
    for r in range(R):
        for v in range(NV):
            L.append(f'    {T} c{r}_{v} = c{r}_{v}_0.add(c{r}_{v}_1);\n')
    L += half_stores(T, sp, lenname, R)
    L.append('  }\n')
    return ''.join(L)


BLOCK_MIN = 7
BLOCK_MAX = 14


def gen_blocked():
    L = ['''  @Override
  public void blockedTile(
      float[] x,
      int xOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int biasOff,
      int width,
      float[] t,
      int tOff,
      int ld) {
    switch (width) {
''']
    for W in range(BLOCK_MIN, BLOCK_MAX + 1):
        L.append(f'      case {W} -> blocked{W}(x, xOff, taps, w, wOff, bias, biasOff, t, tOff, ld);\n')
    L.append('      default -> throw new IllegalArgumentException(\n')
    L.append(f'          "width " + width + " outside [{BLOCK_MIN}, {BLOCK_MAX}]");\n')
    L.append('    }\n  }\n')
    for W in range(BLOCK_MIN, BLOCK_MAX + 1):
        L.append(f'''
  private static void blocked{W}(
      float[] x,
      int xOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int biasOff,
      float[] t,
      int tOff,
      int ld) {{
    FloatVector bias0 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff);
    FloatVector bias1 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff + LEN);
''')
        for j in range(W):
            L.append(f'    FloatVector c{j}_0 = bias0;\n    FloatVector c{j}_1 = bias1;\n')
        L.append('''    int wi = wOff;
    for (int tap = 0; tap < taps.length; tap++) {
      int xi = xOff + taps[tap];
      for (int ic = 0; ic < BLOCK_C; ic++, wi += BLOCK_OC, xi++) {
        FloatVector w0 = FloatVector.fromArray(SF, w, wi);
        FloatVector w1 = FloatVector.fromArray(SF, w, wi + LEN);
''')
        for j in range(W):
            L.append(f'        FloatVector b{j} = FloatVector.broadcast(SF, x[xi + {j} * BLOCK_C]);\n')
            L.append(f'        c{j}_0 = b{j}.fma(w0, c{j}_0);\n        c{j}_1 = b{j}.fma(w1, c{j}_1);\n')
        L.append('      }\n    }\n')
        for j in range(W):
            L.append(f'    c{j}_0.intoArray(t, tOff + {j} * ld);\n    c{j}_1.intoArray(t, tOff + {j} * ld + LEN);\n')
        L.append('  }\n')
    return ''.join(L) + gen_blocked_pair()


def gen_blocked_pair():
    """Two output rows of BLOCK_MIN positions in one register tile (7×7 maps): the second row's
    inputs rowOff floats on, its outputs tRow floats on; one weight load feeds both rows."""
    W = BLOCK_MIN
    L = [f"""
  @Override
  public void blockedPairTile(
      float[] x,
      int xOff,
      int rowOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int biasOff,
      float[] t,
      int tOff,
      int tRow,
      int ld) {{
    FloatVector bias0 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff);
    FloatVector bias1 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff + LEN);
"""]
    for j in range(2 * W):
        L.append(f'    FloatVector c{j}_0 = bias0;\n    FloatVector c{j}_1 = bias1;\n')
    L.append("""    int wi = wOff;
    for (int tap = 0; tap < taps.length; tap++) {
      int xi = xOff + taps[tap];
      int xr = xi + rowOff;
      for (int ic = 0; ic < BLOCK_C; ic++, wi += BLOCK_OC, xi++, xr++) {
        FloatVector w0 = FloatVector.fromArray(SF, w, wi);
        FloatVector w1 = FloatVector.fromArray(SF, w, wi + LEN);
""")
    for j in range(2 * W):
        src = f'xi + {j} * BLOCK_C' if j < W else f'xr + {j - W} * BLOCK_C'
        L.append(f'        FloatVector b{j} = FloatVector.broadcast(SF, x[{src}]);\n')
        L.append(f'        c{j}_0 = b{j}.fma(w0, c{j}_0);\n        c{j}_1 = b{j}.fma(w1, c{j}_1);\n')
    L.append('      }\n    }\n')
    for j in range(2 * W):
        dst = f'tOff + {j} * ld' if j < W else f'tOff + tRow + {j - W} * ld'
        L.append(f'    c{j}_0.intoArray(t, {dst});\n    c{j}_1.intoArray(t, {dst} + LEN);\n')
    L.append('  }\n')
    return ''.join(L)


def transpose16(names, L, ind='    '):
    """In-register 16x16 transpose of the vectors named in `names` (row i = vector i); appends
    the statements to L and returns the names of the transposed vectors (column j = vector j).
    Four butterfly stages (distance 8, 4, 2, 1 lanes) of one-vector rearranges and blends, which
    Java 17 compiles to single permutes and masked moves."""
    cur = list(names)
    k = 0
    for s in range(4):
        d = 8 >> s
        new = list(cur)
        for i in range(16):
            if i & d == 0:
                a, b = cur[i], cur[i + d]
                na, nb = f't{k}', f't{k + 1}'
                k += 2
                L.append(f'{ind}FloatVector {na} = {a}.blend({b}.rearrange(DOWN{d}), LANE_BIT{d});\n')
                L.append(f'{ind}FloatVector {nb} = {a}.rearrange(UP{d}).blend({b}, LANE_BIT{d});\n')
                new[i], new[i + d] = na, nb
        cur = new
    return cur


TRANSPOSE_HELPERS = """
  /** Lanes whose index has bit d set. */
  private static VectorMask<Float> laneBit(int d) {
    boolean[] m = new boolean[LEN];
    for (int l = 0; l < LEN; l++) {
      m[l] = (l & d) != 0;
    }
    return VectorMask.fromArray(SF, m, 0);
  }

  /**
   * 16 positions of 16 channel rows into 16 channel-blocked positions: {@code p[pBase + map[mapOff
   * + j] + c] = x[xOff + min(c, last)·stride + j]} for {@code j, c < 16}.
   */
  private static void blockChunk(
      float[] x, int xOff, int stride, int last, float[] p, int pBase, int[] map, int mapOff) {
"""

UNBLOCK_HEAD = """  }

  /**
   * 16 channel-blocked positions into 16 positions of planar rows: {@code y[yOff + c·ldy + j] =
   * t[tOff + j·ld + c]} for {@code j < 16, c < channels}.
   */
  private static void unblockChunk(
      float[] t, int tOff, int ld, float[] y, int yOff, int ldy, int channels) {
"""


def gen_transpose():
    L = []
    for d in (8, 4, 2, 1):
        L.append(f'  private static final VectorShuffle<Float> UP{d} =\n      VectorShuffle.fromOp(SF, l -> (l + {d}) % LEN);\n')
        L.append(f'  private static final VectorShuffle<Float> DOWN{d} =\n      VectorShuffle.fromOp(SF, l -> (l + LEN - {d}) % LEN);\n')
        L.append(f'  private static final VectorMask<Float> LANE_BIT{d} = laneBit({d});\n')
    L.append(TRANSPOSE_HELPERS)
    for c in range(16):
        off = 'xOff' if c == 0 else f'xOff + Math.min({c}, last) * stride'
        L.append(f'    FloatVector r{c} = FloatVector.fromArray(SF, x, {off});\n')
    out = transpose16([f'r{c}' for c in range(16)], L)
    for j in range(16):
        L.append(f'    {out[j]}.intoArray(p, pBase + map[mapOff + {j}]);\n')
    L.append(UNBLOCK_HEAD)
    for j in range(16):
        off = 'tOff' if j == 0 else f'tOff + {j} * ld'
        L.append(f'    FloatVector r{j} = FloatVector.fromArray(SF, t, {off});\n')
    out = transpose16([f'r{j}' for j in range(16)], L)
    L.append(f'    {out[0]}.intoArray(y, yOff);\n')
    for c in range(1, 16):
        L.append(f'    if (channels > {c}) {{\n      {out[c]}.intoArray(y, yOff + {c} * ldy);\n    }}\n')
    L.append('  }\n')
    return ''.join(L)


DW_WIDTHS = (3, 5, 7)
DW_STRIDES = (1, 2)


def gen_dw_blocked():
    """Depthwise over channel-blocked input, 8 consecutive outputs, kernel width K, stride S,
    dilation 1: per kernel row the K weight vectors stay in registers and each input position is
    loaded once for every output that reads it (13 loads per 24 FMAs for 3x3, 17 per 40 for 5x5)."""
    L = ['''
  /**
   * {@link #depthwiseBlocked} for 8 outputs with kernel width {@code kw} in {3, 5, 7}, stride 1 or
   * 2, dilation 1: false (nothing written) for other shapes.
   */
  private static boolean depthwiseBlocked8(
      float[] p, int pOff, int[] taps, int kw, int sw, float[] w, int wOff, float[] bias,
      int bOff, float[] o, int oOff) {
    switch (kw * 4 + sw) {
''']
    for K in DW_WIDTHS:
        for S in DW_STRIDES:
            L.append(f'      case {K * 4 + S} -> dwBlocked{K}s{S}(p, pOff, taps, w, wOff, bias, bOff, o, oOff);\n')
    L.append('      default -> {\n        return false;\n      }\n    }\n    return true;\n  }\n')
    for K in DW_WIDTHS:
        for S in DW_STRIDES:
            L.append(f'''
  private static void dwBlocked{K}s{S}(
      float[] p, int pOff, int[] taps, float[] w, int wOff, float[] bias, int bOff, float[] o,
      int oOff) {{
    FloatVector b = bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, bOff);
''')
            for k in range(8):
                L.append(f'    FloatVector a{k} = b;\n')
            L.append(f'''    for (int i = 0, wi = wOff; i < taps.length; i += {K}, wi += {K} * LEN) {{
      int xi = pOff + taps[i];
''')
            for t in range(K):
                L.append(f'      FloatVector w{t} = FloatVector.fromArray(SF, w, wi + {t} * LEN);\n')
            for q in range(7 * S + K):
                L.append(f'      FloatVector v{q} = FloatVector.fromArray(SF, p, xi + {q} * LEN);\n')
                for k in range(8):
                    t = q - k * S
                    if 0 <= t < K:
                        L.append(f'      a{k} = w{t}.fma(v{q}, a{k});\n')
            L.append('    }\n')
            for k in range(8):
                L.append(f'    a{k}.intoArray(o, oOff + {k} * LEN);\n')
            L.append('  }\n')
    return ''.join(L)


p = Path("kernels/src/main/java/io/sparkconv/kernels/cpu/VectorKernels.java")
s = p.read_text()
body = ("  // GENERATED-BEGIN by kernels/src/build/gen_vector_kernels.py %d %d\n" % (MR, NV)
        + gen('FloatVector', 'float', 'SF', '', 'NR', 'LEN') + "\n"
        + gen('DoubleVector', 'double', 'SD', 'D', 'NR_D', 'LEND') + "\n"
        + gen_shift('FloatVector', 'float', 'SF', '', 'NR', 'LEN') + "\n"
        + gen_shift('DoubleVector', 'double', 'SD', 'D', 'NR_D', 'LEND') + "\n"
        + gen_shift('FloatVector', 'float', 'SF', '', 'NR', 'LEN', True) + "\n"
        + gen_shift('DoubleVector', 'double', 'SD', 'D', 'NR_D', 'LEND', True) + "\n"
        + gen_half('FloatVector', 'float', 'SF', '', 'NR', 'LEN') + "\n"
        + gen_half('DoubleVector', 'double', 'SD', 'D', 'NR_D', 'LEND') + "\n"
        + gen_shift_half('FloatVector', 'float', 'SF', '', 'NR', 'LEN') + "\n"
        + gen_shift_half('DoubleVector', 'double', 'SD', 'D', 'NR_D', 'LEND') + "\n"
        + gen_two('FloatVector', 'float', 'SF', '', 'NR', 'LEN', False) + "\n"
        + gen_two('DoubleVector', 'double', 'SD', 'D', 'NR_D', 'LEND', False) + "\n"
        + gen_two('FloatVector', 'float', 'SF', '', 'NR', 'LEN', True) + "\n"
        + gen_two('DoubleVector', 'double', 'SD', 'D', 'NR_D', 'LEND', True)
        + "  // GENERATED-END\n")
s = re.sub(r"  // GENERATED-BEGIN.*?  // GENERATED-END\n", lambda m: body, s, flags=re.S)
s = re.sub(r"static final int MR = \d+;", f"static final int MR = {MR};", s)
s = re.sub(r"static final int NR = \d+ \* LEN;", f"static final int NR = {NV} * LEN;", s)
s = re.sub(r"static final int NR_D = \d+ \* LEND;", f"static final int NR_D = {NV} * LEND;", s)
blocked = ("  // BLOCKED-BEGIN by kernels/src/build/gen_vector_kernels.py\n" + gen_blocked()
           + "  // BLOCKED-END\n")
s = re.sub(r"  // BLOCKED-BEGIN.*?  // BLOCKED-END\n", lambda m: blocked, s, flags=re.S)
transpose = ("  // TRANSPOSE-BEGIN by kernels/src/build/gen_vector_kernels.py\n" + gen_transpose()
             + gen_dw_blocked()
             + "  // TRANSPOSE-END\n")
s = re.sub(r"  // TRANSPOSE-BEGIN.*?  // TRANSPOSE-END\n", lambda m: transpose, s, flags=re.S)
p.write_text(s)
