package io.sparkconv.kernels.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkconv.kernels.backend.ReferenceBackend;
import io.sparkconv.kernels.model.ConvLayer;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.spec.Size2;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TorchInitTest {

  static List<Path> goldenInitFiles() throws Exception {
    List<Path> files = GoldenInitFile.list("golden", "init_");
    assertFalse(files.isEmpty(), "no golden/init_*.safetensors in the test resources");
    return files;
  }

  static List<Path> goldenSequentialFiles() throws Exception {
    List<Path> files = GoldenInitFile.list("golden-extra", "init_sequential_");
    assertFalse(files.isEmpty(), "no golden-extra/init_sequential_*.safetensors");
    return files;
  }

  /** One layer after {@code torch.manual_seed(seed)}: weight and bias equal bit for bit. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenInitFiles")
  void matchesPyTorchGoldenLayer(Path file) throws Exception {
    GoldenInitFile g = GoldenInitFile.read(file);
    ConvSpec spec = GoldenInitFile.convSpec(g.spec, null);
    long seed = g.spec.get("seed").asLong();
    Tensor[] p = TorchInit.convParameters(spec, new TorchGenerator(seed));
    String where = file.getFileName() + " seed " + seed + " " + spec;
    assertParameter(g, "weight", p[0], where);
    if (spec.bias()) {
      assertParameter(g, "bias", p[1], where);
    } else {
      assertNull(p[1], where + ": bias");
      assertFalse(g.has("bias"), where + ": golden has a bias");
    }
  }

  /**
   * {@code torch.manual_seed(seed)} then an {@code nn.Sequential} of several layers (made by
   * src/test/python/make_init_sequential.py): each convolution draws from the same generator, in
   * order; element-wise layers draw nothing.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenSequentialFiles")
  void matchesPyTorchGoldenSequential(Path file) throws Exception {
    GoldenInitFile g = GoldenInitFile.read(file);
    long seed = g.spec.get("seed").asLong();
    String dtype = g.spec.get("dtype").asText();
    TorchGenerator gen = new TorchGenerator(seed);
    int convs = 0;
    JsonNode layers = g.spec.get("layers");
    for (int i = 0; i < layers.size(); i++) {
      JsonNode layer = layers.get(i);
      String type = layer.get("type").asText();
      if (!type.startsWith("Conv")) {
        assertFalse(g.has(i + ".weight"), file + ": " + type + " has weights");
        continue;
      }
      ConvSpec spec = GoldenInitFile.convSpec(layer, dtype);
      Tensor[] p = TorchInit.convParameters(spec, gen);
      String where = file.getFileName() + " seed " + seed + " layer " + i + " " + spec;
      assertParameter(g, i + ".weight", p[0], where);
      if (spec.bias()) {
        assertParameter(g, i + ".bias", p[1], where);
      } else {
        assertFalse(g.has(i + ".bias"), where + ": golden has a bias");
      }
      convs++;
    }
    assertTrue(convs >= 2, file + " should hold at least two convolutions");
  }

  /**
   * Without golden data: the second layer of a model must continue exactly where the first one
   * stopped, i.e. the first layer draws one 32-bit output per float32 scalar (two per complex64
   * element) and two per float64 scalar, nothing else.
   */
  @Test
  void secondLayerContinuesTheSequenceOfTheFirst() {
    for (DType dtype : DType.values()) {
      ConvSpec first =
          ConvSpec.convTranspose2d(4, 6, Size2.of(3, 2)).groups(2).dtype(dtype).build();
      ConvSpec second = ConvSpec.conv2d(6, 5, Size2.of(3)).dtype(dtype).build();
      TorchGenerator one = new TorchGenerator(77);
      TorchInit.convParameters(first, one);
      Tensor[] viaModel = TorchInit.convParameters(second, one);

      TorchGenerator skip = new TorchGenerator(77);
      long scalars = (Tensor.numel(first.weightShape()) + first.outChannels()) * dtype.lanes();
      long draws = dtype == DType.FLOAT64 ? 2 * scalars : scalars;
      for (long i = 0; i < draws; i++) {
        skip.random();
      }
      Tensor[] direct = TorchInit.convParameters(second, skip);
      assertScalarsEqual(direct[0], viaModel[0], dtype + " weight");
      assertScalarsEqual(direct[1], viaModel[1], dtype + " bias");
    }
  }

  /** The README example: seed 42, Conv2d(1, 3, kernel_size=1), run by the reference backend. */
  @Test
  void documentationExample() {
    ConvSpec spec = ConvSpec.conv2d(1, 3, Size2.of(1)).build();
    Tensor[] p = TorchInit.convParameters(spec, new TorchGenerator(42));
    Tensor input = Tensor.ofFloats(new float[] {8, -3, 0, 1, 5, -2}, 1, 1, 6);
    double[][] want = {
      {7.0349, -1.3750, 0.9186, 1.6831, 4.7413, -0.6105},
      {6.4210, -2.7091, -0.2191, 0.6109, 3.9309, -1.8791},
      {-1.6724, 0.9046, 0.2018, -0.0325, -0.9696, 0.6703}
    };
    try (ConvLayer layer =
        new ConvLayer("0", spec, new ReferenceBackend().plan(spec, p[0], p[1], 1))) {
      Tensor out = layer.forward(input);
      assertArrayEquals(new int[] {3, 1, 6}, out.shape());
      for (int c = 0; c < 3; c++) {
        for (int w = 0; w < 6; w++) {
          float got = out.floats()[c * 6 + w];
          assertEquals(want[c][w], got, 1e-4, "output (c=" + c + ", h=0, w=" + w + ")");
        }
      }
    }
  }

  @Test
  void kaimingBoundIsComputedInPythonsOrder() {
    // math.sqrt(5) ** 2 in Python is 5.000000000000001, not 5: the bound must use it.
    double a = Math.sqrt(5.0);
    assertEquals(5.000000000000001, a * a);
    for (int fan : new int[] {1, 2, 3, 9, 27, 75, 1152}) {
      double want = Math.sqrt(3.0) * (Math.sqrt(2.0 / (1 + 5.000000000000001)) / Math.sqrt(fan));
      assertEquals(
          Double.doubleToRawLongBits(want),
          Double.doubleToRawLongBits(TorchInit.kaimingUniformBound(fan, a)),
          "fan " + fan);
    }
    assertThrows(IllegalArgumentException.class, () -> TorchInit.kaimingUniformBound(0, a));
  }

  @Test
  void uniformRejectsAnInvertedRange() {
    Tensor t = Tensor.zeros(DType.FLOAT32, 2);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TorchInit.uniform(t, 1, -1, new TorchGenerator(0)));
    assertTrue(e.getMessage().contains("from=1.0 > to=-1.0"), e.getMessage());
  }

  @Test
  void uniformStaysWithinItsBoundsAndDrawsInRowMajorOrder() {
    Tensor t = Tensor.zeros(DType.FLOAT64, 3, 4);
    TorchInit.uniform(t, -0.25, 0.5, new TorchGenerator(9));
    TorchGenerator gen = new TorchGenerator(9);
    for (int i = 0; i < 12; i++) {
      double x = (gen.random64() & ((1L << 53) - 1)) * 0x1p-53;
      assertEquals(Math.fma(x, 0.75, -0.25), t.doubles()[i], 0.0, "element " + i);
      assertTrue(t.doubles()[i] >= -0.25 && t.doubles()[i] < 0.5);
    }
  }

  private static void assertParameter(GoldenInitFile g, String key, Tensor got, String where) {
    int[] wantShape = g.shape(key);
    int[] gotShape = got.shape();
    if (got.dtype() == DType.COMPLEX64) {
      gotShape = Arrays.copyOf(gotShape, gotShape.length + 1);
      gotShape[gotShape.length - 1] = 2;
    }
    assertArrayEquals(wantShape, gotShape, where + ": shape of " + key);
    if (got.dtype() == DType.FLOAT64) {
      double[] want = g.doubles(key);
      double[] have = got.doubles();
      for (int i = 0; i < want.length; i++) {
        if (Double.doubleToRawLongBits(want[i]) != Double.doubleToRawLongBits(have[i])) {
          fail(where + ": " + key + " scalar " + i + " want " + want[i] + " got " + have[i]);
        }
      }
    } else {
      float[] want = g.floats(key);
      float[] have = got.floats();
      assertEquals(want.length, have.length, where + ": " + key + " length");
      for (int i = 0; i < want.length; i++) {
        if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(have[i])) {
          fail(where + ": " + key + " scalar " + i + " want " + want[i] + " got " + have[i]);
        }
      }
    }
  }

  private static void assertScalarsEqual(Tensor want, Tensor got, String what) {
    assertEquals(want.scalarCount(), got.scalarCount(), what);
    for (int i = 0; i < want.scalarCount(); i++) {
      assertEquals(
          Double.doubleToRawLongBits(want.getScalar(i)),
          Double.doubleToRawLongBits(got.getScalar(i)),
          what + " scalar " + i);
    }
  }
}
