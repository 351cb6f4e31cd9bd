package io.sparkconv.kernels.init;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.spec.Size2;
import io.sparkconv.kernels.tensor.DType;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A golden init file read with the least code that can read it: 8-byte little-endian header length,
 * JSON header, little-endian data. The project's own safetensors reader is tested elsewhere; these
 * tests must not depend on it.
 */
final class GoldenInitFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  final Path path;
  final JsonNode header;
  final JsonNode spec;
  private final ByteBuffer data;

  private GoldenInitFile(Path path, JsonNode header, ByteBuffer data) throws IOException {
    this.path = path;
    this.header = header;
    this.spec = JSON.readTree(header.path("__metadata__").path("spec").asText());
    this.data = data;
  }

  static GoldenInitFile read(Path path) throws IOException {
    byte[] bytes = Files.readAllBytes(path);
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen = Math.toIntExact(buf.getLong(0));
    JsonNode header = JSON.readTree(new String(bytes, 8, headerLen, "UTF-8"));
    ByteBuffer data =
        ByteBuffer.wrap(bytes, 8 + headerLen, bytes.length - 8 - headerLen)
            .slice()
            .order(ByteOrder.LITTLE_ENDIAN);
    return new GoldenInitFile(path, header, data);
  }

  /** The files of a test-resources folder whose names start with {@code prefix}, sorted. */
  static List<Path> list(String folder, String prefix) throws IOException, URISyntaxException {
    URL url = GoldenInitFile.class.getResource("/" + folder);
    if (url == null) {
      throw new IllegalStateException("test resource folder /" + folder + " is missing");
    }
    try (Stream<Path> files = Files.list(Paths.get(url.toURI()))) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> p.getFileName().toString().endsWith(".safetensors"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  boolean has(String key) {
    return header.has(key);
  }

  int[] shape(String key) {
    JsonNode s = entry(key).get("shape");
    int[] shape = new int[s.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = s.get(i).asInt();
    }
    return shape;
  }

  float[] floats(String key) {
    JsonNode e = entry(key);
    if (!"F32".equals(e.get("dtype").asText())) {
      throw new IllegalStateException(path + ": " + key + " is " + e.get("dtype") + ", not F32");
    }
    int from = e.get("data_offsets").get(0).asInt();
    int to = e.get("data_offsets").get(1).asInt();
    float[] out = new float[(to - from) / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = data.getFloat(from + 4 * i);
    }
    return out;
  }

  double[] doubles(String key) {
    JsonNode e = entry(key);
    if (!"F64".equals(e.get("dtype").asText())) {
      throw new IllegalStateException(path + ": " + key + " is " + e.get("dtype") + ", not F64");
    }
    int from = e.get("data_offsets").get(0).asInt();
    int to = e.get("data_offsets").get(1).asInt();
    double[] out = new double[(to - from) / 8];
    for (int i = 0; i < out.length; i++) {
      out[i] = data.getDouble(from + 8 * i);
    }
    return out;
  }

  private JsonNode entry(String key) {
    JsonNode e = header.get(key);
    if (e == null) {
      throw new IllegalStateException(path + " has no tensor '" + key + "'");
    }
    return e;
  }

  /**
   * A layer of a golden spec: {@code op} {@code init_conv2d} / {@code init_conv_transpose2d}, or
   * {@code type} {@code Conv2d} / {@code ConvTranspose2d}; dtype from the layer or {@code dtype}.
   */
  static ConvSpec convSpec(JsonNode layer, String dtype) {
    String kind = layer.has("op") ? layer.get("op").asText() : layer.get("type").asText();
    JsonNode k = layer.get("kernel_size");
    Size2 kernel = Size2.of(k.get(0).asInt(), k.get(1).asInt());
    int in = layer.get("in_channels").asInt();
    int out = layer.get("out_channels").asInt();
    ConvSpec.Builder b =
        switch (kind) {
          case "init_conv2d", "Conv2d" -> ConvSpec.conv2d(in, out, kernel);
          case "init_conv_transpose2d", "ConvTranspose2d" ->
              ConvSpec.convTranspose2d(in, out, kernel);
          default -> throw new IllegalArgumentException("not a convolution: " + kind);
        };
    return b.groups(layer.path("groups").asInt(1))
        .bias(layer.path("bias").asBoolean(true))
        .dtype(DType.parse(layer.has("dtype") ? layer.get("dtype").asText() : dtype))
        .build();
  }
}
