package io.sparkconv.job;

import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.backend.ReferenceBackend;
import io.sparkconv.kernels.model.ConvLayer;
import io.sparkconv.kernels.model.SequentialModel;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.spec.Size2;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import io.sparkconv.udf.ModelHandle;
import java.util.List;
import java.util.Random;

/** Small models on the reference backend, the oracle the Spark paths are compared with. */
public final class TestModels {
  private TestModels() {}

  /** One convolution with integer-valued weights, so that every backend is exact. */
  public record OneConv(ConvSpec spec, Tensor weight, Tensor bias) implements ModelHandle {
    @Override
    public DType dtype() {
      return spec.dtype();
    }

    @Override
    public int inChannels() {
      return spec.inChannels();
    }

    @Override
    public int[] outputShape(int[] inputShape) {
      return model().outputShape(inputShape);
    }

    @Override
    public SequentialModel build(Device device, int threads) {
      return model();
    }

    /** The oracle: the same layer on the reference backend. */
    public SequentialModel model() {
      return new SequentialModel(
          spec.dtype(),
          List.of(new ConvLayer("0", spec, new ReferenceBackend().plan(spec, weight, bias, 1))));
    }
  }

  /** Conv2d(in, out, 3, padding=0) in float32 with small integer weights from {@code seed}. */
  public static OneConv conv3x3(int in, int out, long seed) {
    ConvSpec spec = ConvSpec.conv2d(in, out, Size2.of(3)).build();
    Random r = new Random(seed);
    float[] w = new float[(int) Tensor.numel(spec.weightShape())];
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextInt(5) - 2;
    }
    float[] b = new float[out];
    for (int i = 0; i < out; i++) {
      b[i] = r.nextInt(3) - 1;
    }
    return new OneConv(spec, Tensor.ofFloats(w, spec.weightShape()), Tensor.ofFloats(b, out));
  }

  /** A (C, H, W) float32 tensor of small integers. */
  public static Tensor intTensor(Random r, int c, int h, int w) {
    float[] x = new float[c * h * w];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextInt(7) - 3;
    }
    return Tensor.ofFloats(x, c, h, w);
  }
}
