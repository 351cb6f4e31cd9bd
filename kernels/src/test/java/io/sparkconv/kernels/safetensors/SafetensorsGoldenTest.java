package io.sparkconv.kernels.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden file (written by PyTorch's safetensors, see golden/README.md) reads, agrees with its
 * own header and spec, holds finite values, and is reproduced byte for byte by our writer.
 */
class SafetensorsGoldenTest {
  private static final ObjectMapper PLAIN_JSON = new ObjectMapper();

  static Stream<Path> goldenFiles() throws IOException, URISyntaxException {
    URL readme = SafetensorsGoldenTest.class.getResource("/golden/README.md");
    assertNotNull(readme, "golden/README.md on the test classpath");
    Path dir = Path.of(readme.toURI()).getParent();
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files =
          s.filter(p -> p.toString().endsWith(".safetensors"))
              .sorted()
              .collect(Collectors.toList());
      return files.stream();
    }
  }

  @Test
  void thereAreGoldenFiles() throws Exception {
    // The copy holds 157 cases; guard against an empty or half-copied resource folder.
    assertTrue(goldenFiles().count() >= 150);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenFiles")
  void readsGoldenFile(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    SafetensorsFile st = Safetensors.read(file);

    // 1. Tensors agree with a plain (non-strict) reading of the header.
    long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    JsonNode header = PLAIN_JSON.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = header.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!k.equals("__metadata__")) {
        keys.add(k);
      }
    }
    assertEquals(keys, List.copyOf(st.tensors().keySet()), "keys in header order");
    for (String k : keys) {
      JsonNode info = header.get(k);
      Tensor t = st.tensor(k);
      assertEquals(
          info.get("dtype").asText().equals("F64") ? DType.FLOAT64 : DType.FLOAT32, t.dtype(), k);
      assertArrayEquals(ints(info.get("shape")), t.shape(), k + " shape");
      assertAllFinite(t, file.getFileName() + " " + k);
    }

    // 2. Shapes agree with the layer spec in __metadata__.
    JsonNode spec = PLAIN_JSON.readTree(st.metadata().get("spec"));
    checkShapesAgainstSpec(spec, st, file.getFileName().toString());

    // 3. Our writer reproduces PyTorch's file exactly (same order, padding, JSON, bytes).
    assertArrayEquals(bytes, Safetensors.toBytes(st.tensors(), st.metadata()), "rewrite");
  }

  private static void checkShapesAgainstSpec(JsonNode spec, SafetensorsFile st, String name) {
    String op = spec.get("op").asText().replaceFirst("^init_", "");
    boolean complex = spec.get("dtype").asText().equals("complex64");
    int in = spec.get("in_channels").asInt();
    int out = spec.get("out_channels").asInt();
    int groups = spec.get("groups").asInt();
    JsonNode ks = spec.get("kernel_size");
    int kh = ks.isArray() ? ks.get(0).asInt() : ks.asInt();
    int kw = ks.isArray() ? ks.get(1).asInt() : ks.asInt();
    int[] weight =
        op.equals("conv2d")
            ? new int[] {out, in / groups, kh, kw}
            : new int[] {in, out / groups, kh, kw};
    assertTrue(op.equals("conv2d") || op.equals("conv_transpose2d"), name + " op " + op);
    assertArrayEquals(withComplex(weight, complex), st.tensor("weight").shape(), name + " weight");
    if (spec.get("bias").asBoolean()) {
      assertArrayEquals(
          withComplex(new int[] {out}, complex), st.tensor("bias").shape(), name + " bias");
    } else {
      assertEquals(null, st.tensor("bias"), name + " has no bias");
    }
    Tensor input = st.tensor("input");
    Tensor output = st.tensor("output");
    assertEquals(input == null, output == null, name + " input and output come together");
    if (input != null) {
      int[] x = withoutComplex(input.shape(), complex);
      int[] y = withoutComplex(output.shape(), complex);
      assertTrue(x.length == 3 || x.length == 4, name + " input rank");
      assertEquals(x.length, y.length, name + " output rank");
      int c = x.length - 3;
      assertEquals(in, x[c], name + " input channels");
      assertEquals(out, y[c], name + " output channels");
      if (c == 1) {
        assertEquals(x[0], y[0], name + " batch");
      }
    }
  }

  private static int[] withComplex(int[] shape, boolean complex) {
    if (!complex) {
      return shape;
    }
    int[] s = java.util.Arrays.copyOf(shape, shape.length + 1);
    s[shape.length] = 2;
    return s;
  }

  private static int[] withoutComplex(int[] shape, boolean complex) {
    if (!complex) {
      return shape;
    }
    assertEquals(2, shape[shape.length - 1], "complex stored with a trailing (re, im) dimension");
    return java.util.Arrays.copyOf(shape, shape.length - 1);
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  private static void assertAllFinite(Tensor t, String what) {
    for (int i = 0; i < t.scalarCount(); i++) {
      double v = t.getScalar(i);
      int at = i;
      assertFalse(
          Double.isNaN(v) || Double.isInfinite(v), () -> what + " scalar " + at + " = " + v);
    }
    if (t.scalarCount() > 0) {
      // Some value is non-zero: a decoder that returned zeros would pass the finiteness check.
      boolean anyNonZero = false;
      for (int i = 0; i < t.scalarCount() && !anyNonZero; i++) {
        anyNonZero = t.getScalar(i) != 0;
      }
      assertTrue(anyNonZero, what + " is all zeros");
    }
  }

  @Test
  void spotCheckKnownGoldenValues() throws IOException, URISyntaxException {
    // Values decoded independently here (little-endian floats right after the header) must equal
    // what the reader returns, at the first and last scalar of every tensor of one file.
    Path file =
        goldenFiles()
            .filter(p -> p.getFileName().toString().equals("conv2d_000.safetensors"))
            .findFirst()
            .orElseThrow();
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long n = b.getLong(0);
    JsonNode header = PLAIN_JSON.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    SafetensorsFile st = Safetensors.read(file);
    Map<String, Tensor> seen = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : st.tensors().entrySet()) {
      JsonNode off = header.get(e.getKey()).get("data_offsets");
      long begin = 8 + n + off.get(0).asLong();
      long end = 8 + n + off.get(1).asLong();
      float[] got = e.getValue().floats();
      assertEquals(b.getFloat((int) begin), got[0], e.getKey() + " first");
      assertEquals(b.getFloat((int) end - 4), got[got.length - 1], e.getKey() + " last");
      seen.put(e.getKey(), e.getValue());
    }
    assertEquals(List.of("input", "weight", "output"), List.copyOf(seen.keySet()));
  }
}
