package io.sparkconv.kernels.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sparkconv.kernels.backend.BackendSelector;
import io.sparkconv.kernels.backend.ConvBackend;
import io.sparkconv.kernels.backend.ConvPlan;
import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.model.ConvLayer;
import io.sparkconv.kernels.model.LayerDefinition;
import io.sparkconv.kernels.model.ModelDefinition;
import io.sparkconv.kernels.model.SequentialModel;
import io.sparkconv.kernels.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every PyTorch golden case, through each CPU backend this JVM has and through the public model
 * API, within the tolerances of golden/README.md.
 */
class GoldenConvTest {
  private static final List<GoldenCase> CASES = GoldenCase.all();

  @Test
  void allCasesAreThere() {
    // 120 small + 24 large conv cases ship in golden/; losing some silently would hide failures.
    assertTrue(CASES.size() >= 140, "found " + CASES.size() + " golden cases");
  }

  @TestFactory
  Stream<DynamicTest> everyCaseThroughEveryCpuBackend() {
    List<DynamicTest> tests = new ArrayList<>();
    for (ConvBackend backend : BackendSelector.cpuBackends()) {
      for (GoldenCase c : CASES) {
        tests.add(
            DynamicTest.dynamicTest(backend.name() + " " + c, () -> runOnBackend(backend, c)));
      }
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> everyCaseThroughTheModelApi() {
    return CASES.stream().map(c -> DynamicTest.dynamicTest("model " + c, () -> runAsModel(c)));
  }

  private static void runOnBackend(ConvBackend backend, GoldenCase c) {
    if (backend.unsupported(c.spec()).isPresent()) {
      // A backend that declines a spec is fine only if the selector never routes it there.
      return;
    }
    try (ConvPlan plan = backend.plan(c.spec(), c.weight(), c.bias(), 2)) {
      Tensor got = new ConvLayer("0", c.spec(), plan).forward(c.input());
      assertEquals(backend.name(), plan.backendName());
      compare(c, got, backend.name());
    }
  }

  private static void runAsModel(GoldenCase c) {
    Map<String, Tensor> sd = new LinkedHashMap<>();
    sd.put("0.weight", c.weight());
    if (c.bias() != null) {
      sd.put("0.bias", c.bias());
    }
    ModelDefinition def =
        ModelDefinition.of(
            c.name(), c.spec().dtype(), List.of(LayerDefinition.conv("0", c.spec())), sd);
    assertArrayEquals(c.output().shape(), def.outputShape(c.input().shape()));
    try (SequentialModel m = def.build(Device.CPU, 2)) {
      compare(c, m.forward(c.input()), "model");
    }
  }

  static void compare(GoldenCase c, Tensor got, String who) {
    assertArrayEquals(c.output().shape(), got.shape(), who + " shape for " + c);
    assertEquals(c.output().dtype(), got.dtype());
    double tol = c.tolerance();
    int[] shape = got.shape();
    int lanes = got.dtype().lanes();
    for (int i = 0; i < got.scalarCount(); i++) {
      double want = c.output().getScalar(i);
      double have = got.getScalar(i);
      if (!(Math.abs(want - have) <= tol)) {
        fail(
            String.format(
                "%s: %s at %s: got %s, want %s (tolerance %.3g)",
                who,
                c,
                coords(i / lanes, shape) + (lanes == 2 ? (i % 2 == 0 ? ".re" : ".im") : ""),
                have,
                want,
                tol));
      }
    }
  }

  /** Element index → (n, c, h, w) style coordinates for a failure message. */
  static String coords(int index, int[] shape) {
    int[] at = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      at[d] = shape[d] == 0 ? 0 : index % shape[d];
      index = shape[d] == 0 ? 0 : index / shape[d];
    }
    return java.util.Arrays.toString(at);
  }
}
