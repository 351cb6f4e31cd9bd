package io.sparkconv.kernels.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.safetensors.Safetensors;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelDefinitionTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  /** PyTorch's documentation example for Conv2d, reproduced through a model file. */
  @Test
  void documentationExampleWithSeed42() throws IOException {
    Path m =
        write(
            "doc.json",
            "{\"init_seed\": 42, \"layers\": [{\"type\": \"Conv2d\", \"in_channels\": 1,"
                + " \"out_channels\": 3, \"kernel_size\": 1}]}");
    ModelDefinition def = ModelDefinition.load(m);
    Tensor x = Tensor.ofFloats(new float[] {8, -3, 0, 1, 5, -2}, 1, 1, 6);
    double[][] want = {
      {7.0349, -1.3750, 0.9186, 1.6831, 4.7413, -0.6105},
      {6.4210, -2.7091, -0.2191, 0.6109, 3.9309, -1.8791},
      {-1.6724, 0.9046, 0.2018, -0.0325, -0.9696, 0.6703}
    };
    try (SequentialModel model = def.build(Device.CPU, 1)) {
      Tensor y = model.forward(x);
      assertArrayEquals(new int[] {3, 1, 6}, y.shape());
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < 6; i++) {
          assertEquals(want[c][i], y.floats()[c * 6 + i], 1e-4, "channel " + c + " index " + i);
        }
      }
    }
  }

  @Test
  void weightsFromSafetensorsUnderStateDictKeys() throws IOException {
    Map<String, Tensor> sd = new LinkedHashMap<>();
    sd.put("enc.weight", Tensor.ofFloats(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
    sd.put("enc.bias", Tensor.ofFloats(new float[] {0.5f}, 1));
    Safetensors.write(dir.resolve("w.safetensors"), sd, Map.of());
    Path m =
        write(
            "m.json",
            "{\"weights\": \"w.safetensors\", \"layers\": [{\"name\": \"enc\", \"type\": \"Conv2d\","
                + " \"in_channels\": 1, \"out_channels\": 1, \"kernel_size\": [2, 2]}, {\"type\":"
                + " \"ReLU\"}]}");
    ModelDefinition def = ModelDefinition.load(m);
    try (SequentialModel model = def.build(Device.CPU, 1)) {
      Tensor y = model.forward(Tensor.ofFloats(new float[] {1, 1, 1, -5}, 1, 2, 2));
      // 1 + 2 + 3 − 20 + 0.5 = −13.5 → ReLU → 0
      assertEquals(0f, y.floats()[0]);
      y = model.forward(Tensor.ofFloats(new float[] {1, 1, 1, 1}, 1, 2, 2));
      assertEquals(10.5f, y.floats()[0]);
    }
  }

  @Test
  void mismatchedWeightsListEveryOffendingKey() throws IOException {
    Map<String, Tensor> sd = new LinkedHashMap<>();
    sd.put("0.weight", Tensor.zeros(DType.FLOAT32, 4, 3, 5, 5));
    sd.put("0.running_mean", Tensor.zeros(DType.FLOAT32, 4));
    Safetensors.write(dir.resolve("w.safetensors"), sd, Map.of());
    Path m =
        write(
            "m.json",
            "{\"weights\": \"w.safetensors\", \"layers\": [{\"type\": \"Conv2d\", \"in_channels\":"
                + " 3, \"out_channels\": 4, \"kernel_size\": 3}]}");
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> ModelDefinition.load(m));
    assertTrue(e.getMessage().contains("missing keys [0.bias]"), e.getMessage());
    assertTrue(e.getMessage().contains("unexpected keys [0.running_mean]"), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains("0.weight: expected float32 [4, 3, 3, 3], got float32 [4, 3, 5, 5]"),
        e.getMessage());
  }

  @Test
  void complexWeightsStoredAsFloatPairs() throws IOException {
    Map<String, Tensor> sd = new LinkedHashMap<>();
    // weight (1, 1, 1, 1) complex = 2 + 1i, as float32 [1, 1, 1, 1, 2]
    sd.put("0.weight", Tensor.ofFloats(new float[] {2, 1}, 1, 1, 1, 1, 2));
    Safetensors.write(dir.resolve("w.safetensors"), sd, Map.of());
    Path m =
        write(
            "m.json",
            "{\"dtype\": \"complex64\", \"weights\": \"w.safetensors\", \"layers\": [{\"type\":"
                + " \"Conv2d\", \"in_channels\": 1, \"out_channels\": 1, \"kernel_size\": 1, \"bias\":"
                + " false}, {\"type\": \"Tanh\"}]}");
    try (SequentialModel model = ModelDefinition.load(m).build(Device.CPU, 1)) {
      // (1 + 1i)(2 + 1i) = 1 + 3i; tanh(1 + 3i) = 0.7680 − 0.0591i... computed in double below.
      Tensor y = model.forward(Tensor.ofComplex(new float[] {1, 1}, 1, 1, 1));
      double den = Math.cosh(2) + Math.cos(6);
      assertEquals(Math.sinh(2) / den, y.floats()[0], 1e-6);
      assertEquals(Math.sin(6) / den, y.floats()[1], 1e-6);
    }
  }

  @Test
  void pickleCheckpointIsRefusedWithTheConversionCommand() throws IOException {
    Files.write(dir.resolve("model.pt"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0});
    Path m =
        write(
            "m.json",
            "{\"weights\": \"model.pt\", \"layers\": [{\"type\": \"Conv2d\", \"in_channels\": 1,"
                + " \"out_channels\": 1, \"kernel_size\": 1}]}");
    IOException e = assertThrows(IOException.class, () -> ModelDefinition.load(m));
    assertTrue(e.getMessage().contains("save_file"), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          unknown top field | {"init_seed": 1, "layerz": []} | unknown field(s) [layerz]
          no weights | {"layers": [{"type": "ReLU"}]} | neither "weights"
          both | {"weights": "a", "init_seed": 1, "layers": []} | both "weights" and "init_seed"
          empty layers | {"init_seed": 1, "layers": []} | non-empty "layers"
          only activations | {"init_seed": 1, "layers": [{"type": "ReLU"}]} | no Conv2d
          unknown type | {"init_seed": 1, "layers": [{"type": "BatchNorm2d"}]} | unknown type "BatchNorm2d"
          unknown layer field | {"init_seed": 1, "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 1, "kernel_size": 1, "padingg": 1}]} | unknown field(s) [padingg]
          output_padding on Conv2d | {"init_seed": 1, "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 1, "kernel_size": 1, "output_padding": 1}]} | unknown field(s) [output_padding]
          kernel as string | {"init_seed": 1, "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 1, "kernel_size": "3"}]} | "kernel_size" must be an int or a list of two ints
          kernel triple | {"init_seed": 1, "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 1, "kernel_size": [3, 3, 3]}]} | list of two ints
          missing in_channels | {"init_seed": 1, "layers": [{"type": "Conv2d", "out_channels": 1, "kernel_size": 1}]} | needs "in_channels"
          groups | {"init_seed": 1, "layers": [{"type": "Conv2d", "in_channels": 3, "out_channels": 4, "kernel_size": 1, "groups": 2}]} | in_channels must be divisible by groups
          padding string | {"init_seed": 1, "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 1, "kernel_size": 3, "padding": "full"}]} | Invalid padding string 'full'
          same with stride | {"init_seed": 1, "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 1, "kernel_size": 3, "padding": "same", "stride": 2}]} | padding='same' is not supported for strided convolutions
          padding mode | {"init_seed": 1, "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 1, "kernel_size": 3, "padding_mode": "mirror"}]} | padding_mode must be one of
          transposed reflect | {"init_seed": 1, "layers": [{"type": "ConvTranspose2d", "in_channels": 1, "out_channels": 1, "kernel_size": 3, "padding_mode": "reflect"}]} | Only "zeros" padding mode is supported for ConvTranspose2d
          transposed same | {"init_seed": 1, "layers": [{"type": "ConvTranspose2d", "in_channels": 1, "out_channels": 1, "kernel_size": 3, "padding": "same"}]} | padding must be an int or a pair of ints
          output padding | {"init_seed": 1, "layers": [{"type": "ConvTranspose2d", "in_channels": 1, "out_channels": 1, "kernel_size": 3, "stride": 2, "output_padding": 2}]} | output padding must be smaller than either stride or dilation
          zero stride | {"init_seed": 1, "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 1, "kernel_size": 3, "stride": 0}]} | non-positive stride is not supported
          zero dilation | {"init_seed": 1, "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 1, "kernel_size": 3, "dilation": [1, 0]}]} | dilation should be greater than zero
          negative padding | {"init_seed": 1, "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 1, "kernel_size": 3, "padding": -1}]} | negative padding is not supported
          zero groups | {"init_seed": 1, "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 1, "kernel_size": 3, "groups": 0}]} | groups must be a positive integer
          bad dtype | {"init_seed": 1, "dtype": "float16", "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 1, "kernel_size": 3}]} | unsupported dtype 'float16'
          layer dtype differs | {"init_seed": 1, "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 1, "kernel_size": 3, "dtype": "float64"}]} | one dtype per model
          chaining | {"init_seed": 1, "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 8, "kernel_size": 3}, {"type": "Conv2d", "in_channels": 4, "out_channels": 1, "kernel_size": 3}]} | layer '1' expects 4 input channels, but layer '0' produces 8
          duplicate names | {"init_seed": 1, "layers": [{"name": "a", "type": "Conv2d", "in_channels": 1, "out_channels": 1, "kernel_size": 3}, {"name": "a", "type": "ReLU"}]} | "a" appears twice
          duplicate key | {"init_seed": 1, "init_seed": 2, "layers": []} | Duplicate field 'init_seed'
          relu on complex | {"init_seed": 1, "dtype": "complex64", "layers": [{"type": "Conv2d", "in_channels": 1, "out_channels": 1, "kernel_size": 3}, {"type": "ReLU"}]} | not defined for complex64
          seed range | {"init_seed": 18446744073709551616, "layers": []} | out of range
          not json | {"init_seed": 1, | is not valid JSON
          """)
  void invalidModelsAreRefusedWithTheRule(String label, String json, String fragment)
      throws IOException {
    Path m = write("bad.json", json);
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> ModelDefinition.load(m));
    assertTrue(e.getMessage().contains(fragment), label + ": " + e.getMessage());
    assertTrue(e.getMessage().startsWith("bad.json: "), e.getMessage());
  }

  @Test
  void inputThatDoesNotFitIsRefusedBeforeAnyWorkNamingTheLayer() throws IOException {
    Path m =
        write(
            "m.json",
            "{\"init_seed\": 3, \"layers\": [{\"type\": \"Conv2d\", \"in_channels\": 3,"
                + " \"out_channels\": 2, \"kernel_size\": 5}]}");
    ModelDefinition def = ModelDefinition.load(m);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> def.outputShape(new int[] {1, 3, 4, 4}));
    assertTrue(
        e.getMessage().startsWith("layer '0' (Conv2d): Calculated padded input size"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> def.outputShape(new int[] {2, 8, 8}));
    assertTrue(
        e.getMessage().contains("expected input[1, 2, 8, 8] to have 3 channels, but got 2"),
        e.getMessage());
  }
}
