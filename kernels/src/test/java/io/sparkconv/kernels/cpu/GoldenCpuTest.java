package io.sparkconv.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkconv.kernels.backend.BackendSelector;
import io.sparkconv.kernels.backend.ConvBackend;
import io.sparkconv.kernels.backend.ConvPlan;
import io.sparkconv.kernels.backend.Pad;
import io.sparkconv.kernels.backend.ReferenceBackend;
import io.sparkconv.kernels.spec.ConvGeometry;
import io.sparkconv.kernels.spec.ConvShapes;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.spec.Padding;
import io.sparkconv.kernels.spec.PaddingMode;
import io.sparkconv.kernels.spec.Size2;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PyTorch golden cases (test resources {@code golden/}) through the fast CPU backends. Reads
 * safetensors with a private minimal reader: 8-byte little-endian header length, JSON header,
 * little-endian data; complex tensors are F32 with a trailing dimension of 2.
 */
class GoldenCpuTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> cases() throws IOException {
    List<String> names = new ArrayList<>();
    for (String prefix :
        new String[] {"conv2d", "conv_transpose2d", "large_conv2d", "large_conv_transpose2d"}) {
      for (int i = 0; i < 200; i++) {
        String name = String.format("%s_%03d.safetensors", prefix, i);
        if (GoldenCpuTest.class.getResource("/golden/" + name) != null) {
          names.add(name);
        }
      }
    }
    assertFalse(names.isEmpty(), "no golden files in test resources");
    List<Arguments> args = new ArrayList<>();
    for (ConvBackend b : BackendSelector.cpuBackends()) {
      if (!b.name().equals(ReferenceBackend.NAME)) {
        for (String n : names) {
          args.add(Arguments.of(b, n));
        }
      }
    }
    return args.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void matchesPyTorch(ConvBackend backend, String file) throws IOException {
    Map<String, Tensor> t = new HashMap<>();
    JsonNode spec = read(file, t);
    ConvSpec s = spec(spec);
    Tensor x = t.get("input");
    boolean unbatched = x.dim() == 3;
    int[] in = x.shape();
    ConvGeometry g = ConvShapes.geometry(s, in);
    if (unbatched) {
      x = x.reshape(1, in[0], in[1], in[2]);
    }
    if (g.needsPrePadding()) {
      x = Pad.apply(x, g);
      g = g.prePadded();
    }
    Tensor want = t.get("output");
    Tensor got;
    try (ConvPlan plan = backend.plan(s, t.get("weight"), t.get("bias"), 2)) {
      assertEquals(backend.name(), plan.backendName());
      got = plan.run(x, g);
    }
    assertEquals(want.numel(), got.numel(), file + ": output size");
    double max = 1;
    for (int i = 0; i < want.scalarCount(); i++) {
      max = Math.max(max, Math.abs(want.getScalar(i)));
    }
    double tol = (s.dtype() == DType.FLOAT64 ? 1e-9 : 2e-4) * max;
    for (int i = 0; i < want.scalarCount(); i++) {
      double d = Math.abs(want.getScalar(i) - got.getScalar(i));
      if (!(d <= tol)) {
        fail(
            String.format(
                "%s %s: scalar %d of output %s: want %s got %s (tol %g)%nspec %s%ngeometry %s",
                backend.name(),
                file,
                i,
                Arrays.toString(want.shape()),
                want.getScalar(i),
                got.getScalar(i),
                tol,
                s,
                g));
      }
    }
  }

  private static ConvSpec spec(JsonNode j) {
    boolean transposed = j.get("op").asText().equals("conv_transpose2d");
    int in = j.get("in_channels").asInt();
    int out = j.get("out_channels").asInt();
    Size2 k = pair(j.get("kernel_size"));
    ConvSpec.Builder b =
        transposed ? ConvSpec.convTranspose2d(in, out, k) : ConvSpec.conv2d(in, out, k);
    b.stride(pair(j.get("stride")))
        .dilation(pair(j.get("dilation")))
        .groups(j.get("groups").asInt())
        .bias(j.get("bias").asBoolean())
        .dtype(DType.parse(j.get("dtype").asText()));
    JsonNode p = j.get("padding");
    if (p.isTextual()) {
      b.padding(Padding.parse(p.asText()));
    } else {
      Size2 ps = pair(p);
      b.padding(Padding.of(ps.h(), ps.w()));
    }
    if (j.has("padding_mode")) {
      b.paddingMode(PaddingMode.parse(j.get("padding_mode").asText()));
    }
    if (j.has("output_size")) {
      b.outputSize(pair(j.get("output_size")));
    } else if (j.has("output_padding")) {
      b.outputPadding(pair(j.get("output_padding")));
    }
    return b.build();
  }

  private static Size2 pair(JsonNode v) {
    return v.isArray() ? Size2.of(v.get(0).asInt(), v.get(1).asInt()) : Size2.of(v.asInt());
  }

  /** Reads every tensor into {@code out} and returns the parsed {@code __metadata__.spec}. */
  private static JsonNode read(String file, Map<String, Tensor> out) throws IOException {
    byte[] bytes;
    try (InputStream in = GoldenCpuTest.class.getResourceAsStream("/golden/" + file)) {
      bytes = in.readAllBytes();
    }
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen = (int) bb.getLong(0);
    JsonNode header = JSON.readTree(new String(bytes, 8, headerLen, StandardCharsets.UTF_8));
    JsonNode specNode = JSON.readTree(header.get("__metadata__").get("spec").asText());
    boolean complex = specNode.get("dtype").asText().equals("complex64");
    int base = 8 + headerLen;
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      JsonNode info = e.getValue();
      int[] shape = new int[info.get("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = info.get("shape").get(i).asInt();
      }
      int start = base + info.get("data_offsets").get(0).asInt();
      String dt = info.get("dtype").asText();
      Tensor t;
      if (dt.equals("F64")) {
        double[] d = new double[(int) Tensor.numel(shape)];
        bb.slice(start, d.length * 8).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(d);
        t = Tensor.ofDoubles(d, shape);
      } else if (dt.equals("F32")) {
        float[] f = new float[(int) Tensor.numel(shape)];
        bb.slice(start, f.length * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        t =
            complex
                ? Tensor.ofComplex(f, Arrays.copyOf(shape, shape.length - 1))
                : Tensor.ofFloats(f, shape);
      } else {
        throw new IOException(file + ": unexpected dtype " + dt + " for " + e.getKey());
      }
      out.put(e.getKey(), t);
    }
    return specNode;
  }
}
