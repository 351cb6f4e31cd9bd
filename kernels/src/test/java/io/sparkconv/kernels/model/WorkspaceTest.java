package io.sparkconv.kernels.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.sparkconv.kernels.backend.ConvBackend;
import io.sparkconv.kernels.cpu.CpuConvBackend;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.spec.Padding;
import io.sparkconv.kernels.spec.Size2;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Forward passes through a {@link Workspace} give exactly the results of fresh outputs. */
class WorkspaceTest {
  private static Tensor random(DType dt, int[] shape, Random rnd) {
    Tensor t = Tensor.zeros(dt, shape);
    for (int i = 0; i < t.scalarCount(); i++) {
      if (dt == DType.FLOAT64) {
        t.doubles()[i] = rnd.nextGaussian();
      } else {
        t.floats()[i] = (float) rnd.nextGaussian();
      }
    }
    return t;
  }

  private static ConvLayer layer(String name, ConvSpec spec, ConvBackend backend, Random rnd) {
    Tensor w = random(spec.dtype(), spec.weightShape(), rnd);
    Tensor b = spec.bias() ? random(spec.dtype(), spec.biasShape(), rnd) : null;
    return new ConvLayer(name, spec, backend.plan(spec, w, b, 2));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void reusedOutputsMatchFreshOnesAcrossShapes(DType dt) {
    ConvBackend backend =
        CpuConvBackend.vector().map(b -> (ConvBackend) b).orElse(CpuConvBackend.scalar());
    Random rnd = new Random(5);
    ConvSpec c1 = ConvSpec.conv2d(3, 8, Size2.of(3, 3)).padding(Padding.of(1)).dtype(dt).build();
    ConvSpec c2 =
        ConvSpec.convTranspose2d(8, 4, Size2.of(4, 4))
            .stride(Size2.of(2))
            .padding(Padding.of(1))
            .dtype(dt)
            .build();
    List<Layer> layers =
        dt.isComplex()
            ? List.of(layer("0", c1, backend, rnd), layer("1", c2, backend, rnd))
            : List.of(
                layer("0", c1, backend, rnd),
                new Activation("1", Activation.Kind.RELU, 0),
                layer("2", c2, backend, rnd),
                new Activation("3", Activation.Kind.TANH, 0));
    try (SequentialModel m = new SequentialModel(dt, layers)) {
      Workspace ws = new Workspace();
      Tensor previous = null;
      int[][] shapes = {{2, 3, 9, 10}, {2, 3, 9, 10}, {1, 3, 5, 7}, {3, 5, 7}, {2, 3, 9, 10}};
      for (int i = 0; i < shapes.length; i++) {
        Tensor x = random(dt, shapes[i], rnd);
        Tensor fresh = m.forward(x);
        Tensor reused = m.forward(x, ws);
        assertArrayEquals(fresh.shape(), reused.shape());
        for (int k = 0; k < fresh.scalarCount(); k++) {
          assertEquals(
              Double.doubleToRawLongBits(fresh.getScalar(k)),
              Double.doubleToRawLongBits(reused.getScalar(k)),
              "pass " + i + " scalar " + k);
        }
        if (i == 1) {
          assertSame(previous, reused, "an equal shape reuses the last pass's output");
        } else if (i == 2) {
          assertNotSame(previous, reused);
        }
        previous = reused;
      }
    }
  }
}
