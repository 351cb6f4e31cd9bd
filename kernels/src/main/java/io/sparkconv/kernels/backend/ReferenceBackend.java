package io.sparkconv.kernels.backend;

import io.sparkconv.kernels.spec.ConvGeometry;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.util.Optional;

/**
 * The oracle: plain loops in the gather form, every spec and dtype, accumulation in double
 * (complex: two doubles). Slow on purpose; keep it obviously correct.
 *
 * <p>Glossary: n batch, g group, oc/ic output/input channel, oh/ow output row/column, kh/kw kernel
 * row/column, ih/iw input row/column, L scalars per element (2 for complex).
 */
public final class ReferenceBackend implements ConvBackend {
  public static final String NAME = "reference";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<String> unsupported(ConvSpec spec) {
    return Optional.empty();
  }

  @Override
  public ConvPlan plan(ConvSpec spec, Tensor weight, Tensor bias, int threads) {
    return new Plan(spec, toDoubles(weight), bias == null ? null : toDoubles(bias));
  }

  /** Widens a tensor's scalars to double (complex stays interleaved). */
  static double[] toDoubles(Tensor t) {
    if (t.dtype() == DType.FLOAT64) {
      return t.doubles();
    }
    float[] f = t.floats();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private record Plan(ConvSpec spec, double[] w, double[] b) implements ConvPlan {
    @Override
    public String backendName() {
      return NAME;
    }

    @Override
    public Tensor run(Tensor input, ConvGeometry g) {
      if (g.needsPrePadding()) {
        throw new IllegalArgumentException("input must be pre-padded for " + g.paddingMode());
      }
      double[] x = toDoubles(input);
      int lanes = spec.dtype().lanes();
      double[] y = new double[(int) (Tensor.numel(g.outputShape()) * lanes)];
      if (g.transposed()) {
        transposed(g, x, y, lanes);
      } else {
        forward(g, x, y, lanes);
      }
      return narrow(y, spec.dtype(), g.outputShape());
    }

    private void forward(ConvGeometry g, double[] x, double[] y, int lanes) {
      int icg = g.inCPerGroup();
      int ocg = g.outCPerGroup();
      for (int n = 0; n < g.n(); n++) {
        for (int oc = 0; oc < g.outC(); oc++) {
          int grp = oc / ocg;
          for (int oh = 0; oh < g.outH(); oh++) {
            for (int ow = 0; ow < g.outW(); ow++) {
              double re = b == null ? 0 : b[oc * lanes];
              double im = b == null || lanes == 1 ? 0 : b[oc * lanes + 1];
              for (int ic = 0; ic < icg; ic++) {
                for (int kh = 0; kh < g.kH(); kh++) {
                  int ih = oh * g.sH() - g.padTop() + kh * g.dH();
                  if (ih < 0 || ih >= g.inH()) {
                    continue;
                  }
                  for (int kw = 0; kw < g.kW(); kw++) {
                    int iw = ow * g.sW() - g.padLeft() + kw * g.dW();
                    if (iw < 0 || iw >= g.inW()) {
                      continue;
                    }
                    long xi = (((long) n * g.inC() + grp * icg + ic) * g.inH() + ih) * g.inW() + iw;
                    long wi = (((long) oc * icg + ic) * g.kH() + kh) * g.kW() + kw;
                    if (lanes == 1) {
                      re += x[(int) xi] * w[(int) wi];
                    } else {
                      double xr = x[(int) (2 * xi)];
                      double xm = x[(int) (2 * xi + 1)];
                      double wr = w[(int) (2 * wi)];
                      double wm = w[(int) (2 * wi + 1)];
                      re += xr * wr - xm * wm;
                      im += xr * wm + xm * wr;
                    }
                  }
                }
              }
              long yi = (((long) n * g.outC() + oc) * g.outH() + oh) * g.outW() + ow;
              y[(int) (yi * lanes)] = re;
              if (lanes == 2) {
                y[(int) (yi * 2 + 1)] = im;
              }
            }
          }
        }
      }
    }

    /**
     * Gather form of the transposed convolution: output (oh, ow) collects input (ih, iw) with
     * {@code oh = ih·sH − padTop + kh·dH}; weight layout (in, out/groups, kh, kw).
     */
    private void transposed(ConvGeometry g, double[] x, double[] y, int lanes) {
      int icg = g.inCPerGroup();
      int ocg = g.outCPerGroup();
      for (int n = 0; n < g.n(); n++) {
        for (int oc = 0; oc < g.outC(); oc++) {
          int grp = oc / ocg;
          int ocl = oc % ocg;
          for (int oh = 0; oh < g.outH(); oh++) {
            for (int ow = 0; ow < g.outW(); ow++) {
              double re = b == null ? 0 : b[oc * lanes];
              double im = b == null || lanes == 1 ? 0 : b[oc * lanes + 1];
              for (int ic = 0; ic < icg; ic++) {
                int icAbs = grp * icg + ic;
                for (int kh = 0; kh < g.kH(); kh++) {
                  int th = oh + g.padTop() - kh * g.dH();
                  if (th < 0 || th % g.sH() != 0 || th / g.sH() >= g.inH()) {
                    continue;
                  }
                  int ih = th / g.sH();
                  for (int kw = 0; kw < g.kW(); kw++) {
                    int tw = ow + g.padLeft() - kw * g.dW();
                    if (tw < 0 || tw % g.sW() != 0 || tw / g.sW() >= g.inW()) {
                      continue;
                    }
                    int iw = tw / g.sW();
                    long xi = (((long) n * g.inC() + icAbs) * g.inH() + ih) * g.inW() + iw;
                    long wi = (((long) icAbs * ocg + ocl) * g.kH() + kh) * g.kW() + kw;
                    if (lanes == 1) {
                      re += x[(int) xi] * w[(int) wi];
                    } else {
                      double xr = x[(int) (2 * xi)];
                      double xm = x[(int) (2 * xi + 1)];
                      double wr = w[(int) (2 * wi)];
                      double wm = w[(int) (2 * wi + 1)];
                      re += xr * wr - xm * wm;
                      im += xr * wm + xm * wr;
                    }
                  }
                }
              }
              long yi = (((long) n * g.outC() + oc) * g.outH() + oh) * g.outW() + ow;
              y[(int) (yi * lanes)] = re;
              if (lanes == 2) {
                y[(int) (yi * 2 + 1)] = im;
              }
            }
          }
        }
      }
    }

    @Override
    public void close() {}
  }

  /** Rounds double results to the dtype (round-to-nearest, as a cast). */
  static Tensor narrow(double[] y, DType dtype, int[] shape) {
    if (dtype == DType.FLOAT64) {
      return Tensor.ofDoubles(y, shape);
    }
    float[] f = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      f[i] = (float) y[i];
    }
    return dtype == DType.COMPLEX64 ? Tensor.ofComplex(f, shape) : Tensor.ofFloats(f, shape);
  }
}
