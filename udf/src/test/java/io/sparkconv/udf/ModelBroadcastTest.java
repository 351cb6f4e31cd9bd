package io.sparkconv.udf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkconv.kernels.model.ModelDefinition;
import io.sparkconv.kernels.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bytes an executor receives turn back into the same model. */
class ModelBroadcastTest {
  @Test
  void aModelDefinitionSurvivesTheRoundTrip() throws Exception {
    ModelHandle h =
        ModelHandles.of(
            ModelDefinition.parseSeeded(
                "{\"init_seed\": 4, \"layers\": [{\"name\": \"0\", \"type\": \"Conv2d\","
                    + " \"in_channels\": 2, \"out_channels\": 2, \"kernel_size\": 2},"
                    + " {\"name\": \"1\", \"type\": \"Tanh\"}]}",
                "inline"));
    ModelHandle back = ModelBroadcast.read(ModelBroadcast.write(h));
    assertEquals(h.dtype(), back.dtype());
    assertArrayEquals(new int[] {2, 3, 4}, back.outputShape(new int[] {2, 4, 5}));
    Tensor x = TestModels.intTensor(new Random(1), 2, 4, 5);
    var cpu = io.sparkconv.kernels.backend.Device.CPU;
    assertArrayEquals(h.build(cpu, 1).forward(x).floats(), back.build(cpu, 1).forward(x).floats());
  }
}
