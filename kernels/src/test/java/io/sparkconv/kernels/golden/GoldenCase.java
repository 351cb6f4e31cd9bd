package io.sparkconv.kernels.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkconv.kernels.model.LayerDefinition;
import io.sparkconv.kernels.model.ModelDefinition;
import io.sparkconv.kernels.safetensors.Safetensors;
import io.sparkconv.kernels.safetensors.SafetensorsFile;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import io.sparkconv.kernels.tensor.Tensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One PyTorch golden case (golden/README.md): the layer spec from {@code __metadata__.spec}, and
 * tensors input, weight, optional bias, output in the case's dtype.
 */
record GoldenCase(
    String name, ConvSpec spec, Tensor input, Tensor weight, Tensor bias, Tensor output) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** All conv cases (not init_*), sorted by name. */
  static List<GoldenCase> all() {
    try (Stream<Path> files = Files.list(dir())) {
      List<GoldenCase> out = new ArrayList<>();
      for (Path p : files.sorted().toList()) {
        String f = p.getFileName().toString();
        if (f.endsWith(".safetensors") && !f.startsWith("init_")) {
          out.add(read(p));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path dir() {
    try {
      return Path.of(GoldenCase.class.getResource("/golden/validity.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static GoldenCase read(Path p) throws IOException {
    SafetensorsFile f = Safetensors.read(p);
    JsonNode spec = JSON.readTree(f.metadata().get("spec"));
    ObjectNode layer = ((ObjectNode) spec).deepCopy();
    String op = layer.remove("op").asText();
    layer.put("type", op.equals("conv2d") ? "Conv2d" : "ConvTranspose2d");
    DType dtype = DType.parse(layer.get("dtype").asText());
    ObjectNode model = JSON.createObjectNode();
    model.put("dtype", dtype.torchName());
    model.put("init_seed", 0);
    model.putArray("layers").add(layer);
    LayerDefinition def =
        ModelDefinition.parseSeeded(model.toString(), p.getFileName().toString()).layers().get(0);
    Tensor bias = f.tensor("bias");
    return new GoldenCase(
        p.getFileName().toString().replace(".safetensors", ""),
        def.conv(),
        Tensors.to(f.tensor("input"), dtype),
        Tensors.to(f.tensor("weight"), dtype),
        bias == null ? null : Tensors.to(bias, dtype),
        Tensors.to(f.tensor("output"), dtype));
  }

  /** golden/README.md: f32/c64 2e-4·max(1, max|want|); f64 1e-9·max(1, max|want|). */
  double tolerance() {
    double maxAbs = 0;
    for (int i = 0; i < output.scalarCount(); i++) {
      maxAbs = Math.max(maxAbs, Math.abs(output.getScalar(i)));
    }
    return (spec.dtype() == DType.FLOAT64 ? 1e-9 : 2e-4) * Math.max(1, maxAbs);
  }

  @Override
  public String toString() {
    return name + " " + spec;
  }
}
