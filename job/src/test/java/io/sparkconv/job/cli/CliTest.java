package io.sparkconv.job.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkconv.kernels.safetensors.Safetensors;
import io.sparkconv.kernels.safetensors.SafetensorsFile;
import io.sparkconv.kernels.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The command line as a user runs it: exit codes, one-line errors, files written. */
class CliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    CommandLine cl = SparkConvCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  static Path resource(String name) throws URISyntaxException {
    return Path.of(CliTest.class.getResource(name).toURI());
  }

  private Path model(String json) throws IOException {
    Path p = dir.resolve("m.json");
    Files.writeString(p, json);
    return p;
  }

  /**
   * Golden cases copied from kernels' test resources: complex64 transposed, float64 transposed with
   * dilation and output_padding, complex64 unbatched with circular padding.
   */
  @ParameterizedTest
  @ValueSource(strings = {"conv_transpose2d_041", "conv_transpose2d_014", "conv2d_067"})
  void applyMatchesPyTorchOnGoldenCases(String name) throws Exception {
    Path in = resource("/cli/" + name + ".safetensors");
    SafetensorsFile golden = Safetensors.read(in);
    ObjectNode layer = (ObjectNode) JSON.readTree(golden.metadata().get("spec"));
    String op = layer.remove("op").asText();
    layer.put("type", op.equals("conv2d") ? "Conv2d" : "ConvTranspose2d");
    String dtype = layer.remove("dtype").asText();
    Map<String, Tensor> weights = new LinkedHashMap<>();
    weights.put("0.weight", golden.tensor("weight"));
    if (golden.tensor("bias") != null) {
      weights.put("0.bias", golden.tensor("bias"));
    }
    Safetensors.write(dir.resolve("w.safetensors"), weights, Map.of());
    ObjectNode model = JSON.createObjectNode();
    model.put("dtype", dtype);
    model.put("weights", "w.safetensors");
    model.putArray("layers").add(layer);
    Path m = model(model.toString());
    Path out = dir.resolve("out.safetensors");
    Result r =
        run(
            "apply",
            "--model",
            m.toString(),
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--device",
            "cpu");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("device cpu: running on the CPU"), r.err());
    Tensor got = Safetensors.read(out).tensor("output");
    Tensor want = golden.tensor("output");
    assertArrayEquals(want.shape(), got.shape());
    assertEquals(want.dtype(), got.dtype());
    double maxAbs = 0;
    for (int i = 0; i < want.scalarCount(); i++) {
      maxAbs = Math.max(maxAbs, Math.abs(want.getScalar(i)));
    }
    double tol = (dtype.equals("float64") ? 1e-9 : 2e-4) * Math.max(1, maxAbs);
    for (int i = 0; i < want.scalarCount(); i++) {
      assertEquals(want.getScalar(i), got.getScalar(i), tol, name + " scalar " + i);
    }
  }

  @Test
  void initWritesPyTorchsSeededWeights() throws Exception {
    Path m =
        model(
            "{\"init_seed\": 42, \"layers\": [{\"type\": \"Conv2d\", \"in_channels\": 1,"
                + " \"out_channels\": 3, \"kernel_size\": 1}]}");
    Path out = dir.resolve("w.safetensors");
    Result r = run("init", "--model", m.toString(), "--output", out.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, Tensor> w = Safetensors.read(out).tensors();
    assertEquals(java.util.List.of("0.weight", "0.bias"), java.util.List.copyOf(w.keySet()));
    // torch.manual_seed(42); nn.Conv2d(1, 3, 1).weight.flatten()[0] == 0.7645385265350342
    assertEquals(0.7645385265350342, w.get("0.weight").floats()[0], 1e-7);
  }

  @Test
  void benchPrintsOneJsonLinePerShape() throws Exception {
    Path shapes = dir.resolve("shapes.json");
    Files.writeString(
        shapes,
        "[{\"name\": \"a\", \"op\": \"conv2d\", \"n\": 1, \"cin\": 4, \"cout\": 4, \"h\": 8,"
            + " \"w\": 8, \"k\": [3, 3], \"stride\": 1, \"pad\": 1, \"groups\": 1}, {\"name\":"
            + " \"b\", \"op\": \"conv_transpose2d\", \"n\": 1, \"cin\": 4, \"cout\": 2, \"h\": 4,"
            + " \"w\": 4, \"k\": [4, 4], \"stride\": 2, \"pad\": 1, \"groups\": 1}]");
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    int code;
    try {
      System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
      code =
          SparkConvCli.commandLine()
              .execute(
                  "bench", "--shapes", shapes.toString(), "--seconds", "0.05", "--threads", "1");
    } finally {
      System.setOut(old);
    }
    assertEquals(0, code);
    java.util.List<String> lines =
        buf.toString(java.nio.charset.StandardCharsets.UTF_8).strip().lines().toList();
    assertEquals(2, lines.size(), lines.toString());
    for (String line : lines) {
      com.fasterxml.jackson.databind.JsonNode j = JSON.readTree(line);
      assertTrue(j.get("seconds").asDouble() > 0, line);
      assertTrue(j.get("gflops").asDouble() > 0, line);
      // The machine's FMA peak on the same threads, and the shape's share of it.
      double peak = j.get("peak_gflops").asDouble();
      assertTrue(peak > 0, line);
      assertEquals(j.get("gflops").asDouble() / peak, j.get("of_peak").asDouble(), 1e-3, line);
    }
    assertEquals("a", JSON.readTree(lines.get(0)).get("name").asText());
    assertEquals("b", JSON.readTree(lines.get(1)).get("name").asText());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bench --shapes MISSING.json",
        "apply --model MISSING.json --input x.safetensors --output y.safetensors",
        "apply --model MODEL --input MODEL --output y.safetensors",
        "apply --model MODEL --input x.safetensors --output y.safetensors --device tpu",
        "apply --model MODEL --input x.safetensors --output y.safetensors --device gpu",
        "init --model MODEL --output w.safetensors --threads 0",
        "apply --model MODEL",
        "bogus",
      })
  void badInputExitsNonZeroWithOneLineOnStderr(String line) throws IOException {
    Path m =
        model(
            "{\"weights\": \"nowhere.safetensors\", \"layers\": [{\"type\": \"Conv2d\","
                + " \"in_channels\": 1, \"out_channels\": 1, \"kernel_size\": 1}]}");
    String[] args = line.replace("MODEL", m.toString()).split(" ");
    Result r = run(args);
    assertTrue(r.code() != 0, line + " exited 0");
    assertEquals(1, r.err().strip().lines().count(), "stderr of '" + line + "':\n" + r.err());
    assertTrue(r.err().startsWith("sparkconv"), r.err());
    assertTrue(!r.err().contains("Exception"), r.err());
  }
}
