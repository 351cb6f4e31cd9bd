package io.sparkconv.kernels.cpu;

/**
 * Plain-Java kernels: the fallback when {@code jdk.incubator.vector} is not enabled. Same tile
 * shape and contracts as the Vector API kernels; the inner column loops are simple enough for the
 * JIT's auto-vectorizer.
 */
final class ScalarKernels implements CpuKernels {
  static final int MR = 8;
  static final int NR = 32;
  static final int NR_D = 16;

  @Override
  public String description() {
    return "scalar";
  }

  @Override
  public int mr() {
    return MR;
  }

  @Override
  public int nr() {
    return NR;
  }

  @Override
  public int nrD() {
    return NR_D;
  }

  @Override
  public void blockRow(float[] x, int src, int[] planes, int step, float[] s, int d, int count) {
    for (int r = 0; r < count; r++) {
      for (int c = 0; c < BLOCK_C; c++) {
        s[d + r * BLOCK_C + c] = x[src + planes[c] + r * step];
      }
    }
  }

  @Override
  public void blockPositions(
      float[] x,
      int xOff,
      int stride,
      int last,
      float[] p,
      int pBase,
      int[] map,
      int mapOff,
      int count) {
    for (int j = 0; j < count; j++) {
      int d = pBase + map[mapOff + j];
      for (int c = 0; c < BLOCK_C; c++) {
        p[d + c] = x[xOff + Math.min(c, last) * stride + j];
      }
    }
  }

  @Override
  public void unblockPositions(
      float[] t, int tOff, int ld, float[] y, int yOff, int ldy, int channels, int count) {
    for (int c = 0; c < channels; c++) {
      for (int j = 0; j < count; j++) {
        y[yOff + c * ldy + j] = t[tOff + j * ld + c];
      }
    }
  }

  @Override
  public void depthwiseBlocked(
      float[] p,
      int pOff,
      int step,
      int[] taps,
      int kw,
      float[] w,
      int wOff,
      float[] bias,
      int bOff,
      float[] o,
      int oOff,
      int count) {
    for (int j = 0; j < count; j++) {
      for (int c = 0; c < BLOCK_C; c++) {
        float acc = bias == null ? 0f : bias[bOff + c];
        for (int t = 0; t < taps.length; t++) {
          acc = Math.fma(w[wOff + t * BLOCK_C + c], p[pOff + j * step + taps[t] + c], acc);
        }
        o[oOff + j * BLOCK_C + c] = acc;
      }
    }
  }

  /** The scalar kernels keep the implicit GEMM; {@link #blockedTile} is the reference. */
  @Override
  public int blockedOc() {
    return 0;
  }

  @Override
  public int lanes() {
    return 1;
  }

  @Override
  public int groupedWidth() {
    return 0;
  }

  /** Output channels of the scalar {@link #blockedTile} (the vector one's, on 512-bit vectors). */
  static final int BLOCK_OC = 32;

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
      int ld) {
    blockedTile(x, xOff, taps, w, wOff, bias, biasOff, BLOCK_MIN_WIDTH, t, tOff, ld);
    blockedTile(
        x, xOff + rowOff, taps, w, wOff, bias, biasOff, BLOCK_MIN_WIDTH, t, tOff + tRow, ld);
  }

  @Override
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
    if (width < BLOCK_MIN_WIDTH || width > BLOCK_MAX_WIDTH) {
      throw new IllegalArgumentException(
          "width " + width + " outside [" + BLOCK_MIN_WIDTH + ", " + BLOCK_MAX_WIDTH + "]");
    }
    for (int j = 0; j < width; j++) {
      for (int o = 0; o < BLOCK_OC; o++) {
        t[tOff + j * ld + o] = bias == null ? 0f : bias[biasOff + o];
      }
    }
    int wi = wOff;
    for (int tap : taps) {
      for (int c = 0; c < BLOCK_C; c++, wi += BLOCK_OC) {
        for (int j = 0; j < width; j++) {
          float xv = x[xOff + tap + j * BLOCK_C + c];
          for (int o = 0; o < BLOCK_OC; o++) {
            int at = tOff + j * ld + o;
            t[at] = Math.fma(xv, w[wi + o], t[at]);
          }
        }
      }
    }
  }

  @Override
  public void gemmTile(
      float[] a,
      int aOff,
      float[] b,
      int bOff,
      int kc,
      float[] bias,
      int biasOff,
      boolean accumulate,
      float[] c,
      int cOff,
      int ldc,
      int rows,
      int cols,
      float[] edge) {
    // Accumulate in the edge buffer (an MR x NR tile, L1-resident), then write the valid part.
    float[] t = edge;
    for (int r = 0; r < MR; r++) {
      float init = r < rows && !accumulate && bias != null ? bias[biasOff + r] : 0f;
      for (int j = 0; j < NR; j++) {
        t[r * NR + j] = r < rows && j < cols && accumulate ? c[cOff + r * ldc + j] : init;
      }
    }
    // 2 rows × 4 columns of scalar accumulators per pass over k: 6 loads per 8 multiply-adds.
    for (int r = 0; r < MR; r += 2) {
      for (int j = 0; j < NR; j += 4) {
        float c00 = t[r * NR + j];
        float c01 = t[r * NR + j + 1];
        float c02 = t[r * NR + j + 2];
        float c03 = t[r * NR + j + 3];
        float c10 = t[(r + 1) * NR + j];
        float c11 = t[(r + 1) * NR + j + 1];
        float c12 = t[(r + 1) * NR + j + 2];
        float c13 = t[(r + 1) * NR + j + 3];
        int ak = aOff + r;
        int bk = bOff + j;
        for (int k = 0; k < kc; k++, ak += MR, bk += NR) {
          float a0 = a[ak];
          float a1 = a[ak + 1];
          float b0 = b[bk];
          float b1 = b[bk + 1];
          float b2 = b[bk + 2];
          float b3 = b[bk + 3];
          c00 += a0 * b0;
          c01 += a0 * b1;
          c02 += a0 * b2;
          c03 += a0 * b3;
          c10 += a1 * b0;
          c11 += a1 * b1;
          c12 += a1 * b2;
          c13 += a1 * b3;
        }
        t[r * NR + j] = c00;
        t[r * NR + j + 1] = c01;
        t[r * NR + j + 2] = c02;
        t[r * NR + j + 3] = c03;
        t[(r + 1) * NR + j] = c10;
        t[(r + 1) * NR + j + 1] = c11;
        t[(r + 1) * NR + j + 2] = c12;
        t[(r + 1) * NR + j + 3] = c13;
      }
    }
    for (int r = 0; r < rows; r++) {
      System.arraycopy(t, r * NR, c, cOff + r * ldc, cols);
    }
  }

  @Override
  public void gemmTileD(
      double[] a,
      int aOff,
      double[] b,
      int bOff,
      int kc,
      double[] bias,
      int biasOff,
      boolean accumulate,
      double[] c,
      int cOff,
      int ldc,
      int rows,
      int cols,
      double[] edge) {
    double[] t = edge;
    for (int r = 0; r < MR; r++) {
      double init = r < rows && !accumulate && bias != null ? bias[biasOff + r] : 0.0;
      for (int j = 0; j < NR_D; j++) {
        t[r * NR_D + j] = r < rows && j < cols && accumulate ? c[cOff + r * ldc + j] : init;
      }
    }
    // 2 rows × 4 columns of scalar accumulators per pass over k: 6 loads per 8 multiply-adds.
    for (int r = 0; r < MR; r += 2) {
      for (int j = 0; j < NR_D; j += 4) {
        double c00 = t[r * NR_D + j];
        double c01 = t[r * NR_D + j + 1];
        double c02 = t[r * NR_D + j + 2];
        double c03 = t[r * NR_D + j + 3];
        double c10 = t[(r + 1) * NR_D + j];
        double c11 = t[(r + 1) * NR_D + j + 1];
        double c12 = t[(r + 1) * NR_D + j + 2];
        double c13 = t[(r + 1) * NR_D + j + 3];
        int ak = aOff + r;
        int bk = bOff + j;
        for (int k = 0; k < kc; k++, ak += MR, bk += NR_D) {
          double a0 = a[ak];
          double a1 = a[ak + 1];
          double b0 = b[bk];
          double b1 = b[bk + 1];
          double b2 = b[bk + 2];
          double b3 = b[bk + 3];
          c00 += a0 * b0;
          c01 += a0 * b1;
          c02 += a0 * b2;
          c03 += a0 * b3;
          c10 += a1 * b0;
          c11 += a1 * b1;
          c12 += a1 * b2;
          c13 += a1 * b3;
        }
        t[r * NR_D + j] = c00;
        t[r * NR_D + j + 1] = c01;
        t[r * NR_D + j + 2] = c02;
        t[r * NR_D + j + 3] = c03;
        t[(r + 1) * NR_D + j] = c10;
        t[(r + 1) * NR_D + j + 1] = c11;
        t[(r + 1) * NR_D + j + 2] = c12;
        t[(r + 1) * NR_D + j + 3] = c13;
      }
    }
    for (int r = 0; r < rows; r++) {
      System.arraycopy(t, r * NR_D, c, cOff + r * ldc, cols);
    }
  }

  @Override
  public void gemmTileShift(
      float[] a,
      int aOff,
      float[] x,
      int xBase,
      int[] offs,
      int offOff,
      int kc,
      float[] bias,
      int biasOff,
      int rows,
      boolean accumulate,
      float[] c,
      int cOff,
      int ldc,
      int prefetch) {
    for (int r = 0; r < MR; r++) {
      float init = r < rows && bias != null ? bias[biasOff + r] : 0f;
      int cr = cOff + r * ldc;
      for (int j = 0; j < NR && !accumulate; j++) {
        c[cr + j] = init;
      }
    }
    for (int r = 0; r < MR; r += 2) {
      int c0 = cOff + r * ldc;
      int c1 = c0 + ldc;
      for (int j = 0; j < NR; j += 4) {
        float c00 = c[c0 + j];
        float c01 = c[c0 + j + 1];
        float c02 = c[c0 + j + 2];
        float c03 = c[c0 + j + 3];
        float c10 = c[c1 + j];
        float c11 = c[c1 + j + 1];
        float c12 = c[c1 + j + 2];
        float c13 = c[c1 + j + 3];
        int ak = aOff + r;
        for (int k = 0; k < kc; k++, ak += MR) {
          int xk = xBase + offs[offOff + k] + j;
          float a0 = a[ak];
          float a1 = a[ak + 1];
          float b0 = x[xk];
          float b1 = x[xk + 1];
          float b2 = x[xk + 2];
          float b3 = x[xk + 3];
          c00 += a0 * b0;
          c01 += a0 * b1;
          c02 += a0 * b2;
          c03 += a0 * b3;
          c10 += a1 * b0;
          c11 += a1 * b1;
          c12 += a1 * b2;
          c13 += a1 * b3;
        }
        c[c0 + j] = c00;
        c[c0 + j + 1] = c01;
        c[c0 + j + 2] = c02;
        c[c0 + j + 3] = c03;
        c[c1 + j] = c10;
        c[c1 + j + 1] = c11;
        c[c1 + j + 2] = c12;
        c[c1 + j + 3] = c13;
      }
    }
  }

  @Override
  public void gemmTileShiftD(
      double[] a,
      int aOff,
      double[] x,
      int xBase,
      int[] offs,
      int offOff,
      int kc,
      double[] bias,
      int biasOff,
      int rows,
      boolean accumulate,
      double[] c,
      int cOff,
      int ldc,
      int prefetch) {
    for (int r = 0; r < MR; r++) {
      double init = r < rows && bias != null ? bias[biasOff + r] : 0.0;
      int cr = cOff + r * ldc;
      for (int j = 0; j < NR_D && !accumulate; j++) {
        c[cr + j] = init;
      }
    }
    for (int r = 0; r < MR; r += 2) {
      int c0 = cOff + r * ldc;
      int c1 = c0 + ldc;
      for (int j = 0; j < NR_D; j += 4) {
        double c00 = c[c0 + j];
        double c01 = c[c0 + j + 1];
        double c02 = c[c0 + j + 2];
        double c03 = c[c0 + j + 3];
        double c10 = c[c1 + j];
        double c11 = c[c1 + j + 1];
        double c12 = c[c1 + j + 2];
        double c13 = c[c1 + j + 3];
        int ak = aOff + r;
        for (int k = 0; k < kc; k++, ak += MR) {
          int xk = xBase + offs[offOff + k] + j;
          double a0 = a[ak];
          double a1 = a[ak + 1];
          double b0 = x[xk];
          double b1 = x[xk + 1];
          double b2 = x[xk + 2];
          double b3 = x[xk + 3];
          c00 += a0 * b0;
          c01 += a0 * b1;
          c02 += a0 * b2;
          c03 += a0 * b3;
          c10 += a1 * b0;
          c11 += a1 * b1;
          c12 += a1 * b2;
          c13 += a1 * b3;
        }
        c[c0 + j] = c00;
        c[c0 + j + 1] = c01;
        c[c0 + j + 2] = c02;
        c[c0 + j + 3] = c03;
        c[c1 + j] = c10;
        c[c1 + j + 1] = c11;
        c[c1 + j + 2] = c12;
        c[c1 + j + 3] = c13;
      }
    }
  }

  @Override
  public void groupRows(
      float[] x,
      int xOff,
      int xStep,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int bOff,
      int nOut,
      float[] y,
      int yOff,
      int ldy,
      int yStep,
      int rows,
      int count) {
    int nt = taps.length;
    for (int o = 0; o < nOut; o++) {
      float b = bias == null ? 0f : bias[bOff + o];
      for (int r = 0; r < rows; r++) {
        int yr = yOff + o * ldy + r * yStep;
        for (int j = 0; j < count; j++) {
          y[yr + j] = b;
        }
        int xr = xOff + r * xStep;
        for (int k = 0; k < nt; k++) {
          float wv = w[wOff + k * GROUP_OUT + o];
          int xs = xr + taps[k];
          for (int j = 0; j < count; j++) {
            y[yr + j] += wv * x[xs + j];
          }
        }
      }
    }
  }

  @Override
  public void depthwiseRows(
      float[] x,
      int xOff,
      int xStep,
      int[] taps,
      float[] w,
      int wOff,
      float bias,
      float[] y,
      int yOff,
      int yStep,
      int rows,
      int count) {
    for (int r = 0; r < rows; r++) {
      int yr = yOff + r * yStep;
      int xr = xOff + r * xStep;
      for (int j = 0; j < count; j++) {
        y[yr + j] = bias;
      }
      for (int t = 0; t < taps.length; t++) {
        float wv = w[wOff + t];
        int xs = xr + taps[t];
        for (int j = 0; j < count; j++) {
          y[yr + j] += wv * x[xs + j];
        }
      }
    }
  }

  @Override
  public void winogradInput(float[] s, int base, int[] off, float[] v, int vOff, int vStride) {
    float[] d = new float[16];
    for (int j = 0; j < NR; j++) {
      for (int e = 0; e < 16; e++) {
        d[e] = s[base + off[e] + j];
      }
      for (int c = 0; c < 4; c++) {
        float t0 = d[c] - d[8 + c];
        float t1 = d[4 + c] + d[8 + c];
        float t2 = d[8 + c] - d[4 + c];
        float t3 = d[4 + c] - d[12 + c];
        d[c] = t0;
        d[4 + c] = t1;
        d[8 + c] = t2;
        d[12 + c] = t3;
      }
      for (int i = 0; i < 4; i++) {
        int r = 4 * i;
        v[vOff + (r) * vStride + j] = d[r] - d[r + 2];
        v[vOff + (r + 1) * vStride + j] = d[r + 1] + d[r + 2];
        v[vOff + (r + 2) * vStride + j] = d[r + 2] - d[r + 1];
        v[vOff + (r + 3) * vStride + j] = d[r + 1] - d[r + 3];
      }
    }
  }

  @Override
  public void winogradOutput(
      float[] m, int mOff, int mStride, float bias, float[] out, int outOff) {
    float[] q = new float[16];
    for (int j = 0; j < NR; j++) {
      for (int e = 0; e < 16; e++) {
        q[e] = m[mOff + e * mStride + j];
      }
      for (int c = 0; c < 4; c++) {
        float s0 = q[c] + q[4 + c] + q[8 + c];
        float s1 = q[4 + c] - q[8 + c] - q[12 + c];
        q[c] = s0;
        q[4 + c] = s1;
      }
      for (int a = 0; a < 2; a++) {
        int r = 4 * a;
        out[outOff + (2 * a) * NR + j] = bias + q[r] + q[r + 1] + q[r + 2];
        out[outOff + (2 * a + 1) * NR + j] = bias + q[r + 1] - q[r + 2] - q[r + 3];
      }
    }
  }

  @Override
  public void winograd43Input(float[] s, int base, int[] off, float[] v, int vOff, int vStride) {
    float[] d = new float[36];
    float[] t = new float[6];
    for (int j = 0; j < NR; j++) {
      for (int e = 0; e < 36; e++) {
        d[e] = s[base + off[e] + j];
      }
      // Columns (Bᵀ d), then rows (· B), in the vector kernel's order of operations.
      for (int c = 0; c < 6; c++) {
        bt6(d[c], d[6 + c], d[12 + c], d[18 + c], d[24 + c], d[30 + c], t);
        for (int i = 0; i < 6; i++) {
          d[6 * i + c] = t[i];
        }
      }
      for (int i = 0; i < 6; i++) {
        int r = 6 * i;
        bt6(d[r], d[r + 1], d[r + 2], d[r + 3], d[r + 4], d[r + 5], t);
        for (int k = 0; k < 6; k++) {
          v[vOff + (r + k) * vStride + j] = t[k];
        }
      }
    }
  }

  /** One 6-point Bᵀ product of F(4, 3), as {@code VectorKernels.bt6} computes it. */
  private static void bt6(float d0, float d1, float d2, float d3, float d4, float d5, float[] t) {
    float a = Math.fma(d2, -4f, d4);
    float b = Math.fma(d1, -4f, d3);
    float c = d4 - d2;
    float e = (d3 - d1) * 2f;
    t[0] = Math.fma(d0, 4f, Math.fma(d2, -5f, d4));
    t[1] = a + b;
    t[2] = a - b;
    t[3] = c + e;
    t[4] = c - e;
    t[5] = Math.fma(d1, 4f, Math.fma(d3, -5f, d5));
  }

  @Override
  public void winograd43Output(
      float[] m, int mOff, int mStride, float bias, float[] out, int outOff) {
    float[] q = new float[36];
    float[] w = new float[24];
    float[] t = new float[4];
    for (int j = 0; j < NR; j++) {
      for (int e = 0; e < 36; e++) {
        q[e] = m[mOff + e * mStride + j];
      }
      // Rows (M A), then columns (Aᵀ ·), in the vector kernel's order of operations.
      for (int i = 0; i < 6; i++) {
        int r = 6 * i;
        at6(q[r], q[r + 1], q[r + 2], q[r + 3], q[r + 4], q[r + 5], t);
        for (int b = 0; b < 4; b++) {
          w[4 * i + b] = t[b];
        }
      }
      for (int b = 0; b < 4; b++) {
        at6(w[b], w[4 + b], w[8 + b], w[12 + b], w[16 + b], w[20 + b], t);
        for (int a = 0; a < 4; a++) {
          out[outOff + (4 * a + b) * NR + j] = t[a] + bias;
        }
      }
    }
  }

  /** One 6-point Aᵀ product of F(4, 3), as {@code VectorKernels.at6} computes it. */
  private static void at6(float m0, float m1, float m2, float m3, float m4, float m5, float[] t) {
    float p = m1 + m2;
    float q = m1 - m2;
    float r = m3 + m4;
    float s = m3 - m4;
    t[0] = m0 + p + r;
    t[1] = Math.fma(s, 2f, q);
    t[2] = Math.fma(r, 4f, p);
    t[3] = Math.fma(s, 8f, q) + m5;
  }

  @Override
  public void winograd42Input(float[] s, int base, int[] off, float[] v, int vOff, int vStride) {
    float[] d = new float[25];
    float[] t = new float[5];
    for (int j = 0; j < NR; j++) {
      for (int e = 0; e < 25; e++) {
        d[e] = s[base + off[e] + j];
      }
      // Columns (Bᵀ d), then rows (· B), in the vector kernel's order of operations.
      for (int c = 0; c < 5; c++) {
        bt5(d[c], d[5 + c], d[10 + c], d[15 + c], d[20 + c], t);
        for (int i = 0; i < 5; i++) {
          d[5 * i + c] = t[i];
        }
      }
      for (int i = 0; i < 5; i++) {
        int r = 5 * i;
        bt5(d[r], d[r + 1], d[r + 2], d[r + 3], d[r + 4], t);
        for (int k = 0; k < 5; k++) {
          v[vOff + (r + k) * vStride + j] = t[k];
        }
      }
    }
  }

  /** One 5-point Bᵀ product of F(4, 2), as {@code VectorKernels.bt5} computes it. */
  private static void bt5(float d0, float d1, float d2, float d3, float d4, float[] t) {
    float e = d3 - d1;
    t[0] = Math.fma(d0 - d2, 2f, e);
    t[1] = Math.fma(d1, -2f, d3 - d2);
    t[2] = Math.fma(d1, 2f, Math.fma(d2, -3f, d3));
    t[3] = e;
    t[4] = Math.fma(d1 - d3, 2f, d4 - d2);
  }

  @Override
  public void winograd42Output(
      float[] m, int mOff, int mStride, float bias, float[] out, int outOff) {
    float[] q = new float[25];
    float[] w = new float[20];
    float[] t = new float[4];
    for (int j = 0; j < NR; j++) {
      for (int e = 0; e < 25; e++) {
        q[e] = m[mOff + e * mStride + j];
      }
      // Rows (M A), then columns (Aᵀ ·), in the vector kernel's order of operations.
      for (int i = 0; i < 5; i++) {
        int r = 5 * i;
        at5(q[r], q[r + 1], q[r + 2], q[r + 3], q[r + 4], t);
        for (int b = 0; b < 4; b++) {
          w[4 * i + b] = t[b];
        }
      }
      for (int b = 0; b < 4; b++) {
        at5(w[b], w[4 + b], w[8 + b], w[12 + b], w[16 + b], t);
        for (int a = 0; a < 4; a++) {
          out[outOff + (4 * a + b) * NR + j] = t[a] + bias;
        }
      }
    }
  }

  /** One 5-point Aᵀ product of F(4, 2), as {@code VectorKernels.at5} computes it. */
  private static void at5(float m0, float m1, float m2, float m3, float m4, float[] t) {
    float p = m1 + m2;
    float q = m1 - m2;
    t[0] = m0 + p + m3;
    t[1] = Math.fma(m3, 2f, q);
    t[2] = Math.fma(m3, 4f, p);
    t[3] = Math.fma(m3, 8f, q) + m4;
  }

  @Override
  public void winograd22Input(float[] s, int base, int[] off, float[] v, int vOff, int vStride) {
    float[] d = new float[9];
    for (int j = 0; j < NR; j++) {
      for (int e = 0; e < 9; e++) {
        d[e] = s[base + off[e] + j];
      }
      for (int c = 0; c < 3; c++) {
        d[c] = d[c] - d[3 + c];
        d[6 + c] = d[6 + c] - d[3 + c];
      }
      for (int i = 0; i < 3; i++) {
        int r = 3 * i;
        v[vOff + r * vStride + j] = d[r] - d[r + 1];
        v[vOff + (r + 1) * vStride + j] = d[r + 1];
        v[vOff + (r + 2) * vStride + j] = d[r + 2] - d[r + 1];
      }
    }
  }

  @Override
  public void winograd22Output(
      float[] m, int mOff, int mStride, float bias, float[] out, int outOff) {
    float[] q = new float[9];
    for (int j = 0; j < NR; j++) {
      for (int e = 0; e < 9; e++) {
        q[e] = m[mOff + e * mStride + j];
      }
      for (int c = 0; c < 3; c++) {
        float s0 = q[c] + q[3 + c];
        float s1 = q[3 + c] + q[6 + c];
        q[c] = s0;
        q[3 + c] = s1;
      }
      for (int a = 0; a < 2; a++) {
        int r = 3 * a;
        out[outOff + (2 * a) * NR + j] = bias + q[r] + q[r + 1];
        out[outOff + (2 * a + 1) * NR + j] = bias + q[r + 1] + q[r + 2];
      }
    }
  }
}
