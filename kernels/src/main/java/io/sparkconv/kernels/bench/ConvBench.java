package io.sparkconv.kernels.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkconv.kernels.backend.BackendSelector;
import io.sparkconv.kernels.backend.ConvBackend;
import io.sparkconv.kernels.backend.ConvPlan;
import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.cpu.FmaPeak;
import io.sparkconv.kernels.spec.ConvGeometry;
import io.sparkconv.kernels.spec.ConvShapes;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.spec.Padding;
import io.sparkconv.kernels.spec.Size2;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The engine of {@code sparkconv bench}: for each layer shape of a shapes file, plans the layer
 * with random weights, warms up, times forward passes of the whole batch and prints one JSON line.
 *
 * <p>On the CPU each line also carries {@code peak_gflops}, this machine's FMA peak on as many
 * threads measured once at the start ({@link FmaPeak}), and {@code of_peak}, the shape's share of
 * it.
 *
 * <p>Shapes file: a JSON array of objects {@code name, op (conv2d | conv_transpose2d), n, cin,
 * cout, h, w, k ([kh, kw] or int), stride, pad, groups}, optional {@code dilation}, {@code dtype}
 * (float32 default), as {@code conf/bench-shapes.json}. Stride, pad and dilation take an int or [h,
 * w].
 */
public final class ConvBench {
  private ConvBench() {}

  /** One shape of the file, resolved to a spec and an input shape. */
  public record Shape(String name, ConvSpec spec, int[] input) {}

  /**
   * Runs every shape of {@code shapes} and prints one JSON line per shape to {@code out}.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException naming the shape and field when the file is malformed
   */
  public static List<BenchResult> run(Path shapes, BenchOptions opts, PrintStream out)
      throws IOException {
    List<BenchResult> results = new ArrayList<>();
    List<Shape> all = parse(shapes);
    double peak = opts.device() == Device.GPU ? Double.NaN : FmaPeak.gflops(opts.threads());
    for (Shape s : all) {
      BenchResult r = time(s, opts, peak);
      out.println(r.toJson());
      out.flush();
      results.add(r);
    }
    return results;
  }

  /** Reads a shapes file. */
  public static List<Shape> parse(Path shapes) throws IOException {
    JsonNode root = new ObjectMapper().readTree(shapes.toFile());
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException(shapes + ": expected a JSON array of shapes");
    }
    List<Shape> list = new ArrayList<>();
    int i = 0;
    for (JsonNode n : root) {
      String name = n.hasNonNull("name") ? n.get("name").asText() : "shape" + i;
      try {
        list.add(shape(name, n));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(shapes + ": shape '" + name + "': " + e.getMessage(), e);
      }
      i++;
    }
    return list;
  }

  private static Shape shape(String name, JsonNode n) {
    String op = required(n, "op").asText();
    boolean transposed;
    if (op.equals("conv2d")) {
      transposed = false;
    } else if (op.equals("conv_transpose2d")) {
      transposed = true;
    } else {
      throw new IllegalArgumentException("op must be conv2d or conv_transpose2d, got '" + op + "'");
    }
    int cin = required(n, "cin").asInt();
    int cout = required(n, "cout").asInt();
    Size2 k = pair(required(n, "k"));
    ConvSpec.Builder b =
        transposed ? ConvSpec.convTranspose2d(cin, cout, k) : ConvSpec.conv2d(cin, cout, k);
    if (n.has("stride")) {
      b.stride(pair(n.get("stride")));
    }
    if (n.has("pad")) {
      Size2 p = pair(n.get("pad"));
      b.padding(Padding.of(p.h(), p.w()));
    }
    if (n.has("dilation")) {
      b.dilation(pair(n.get("dilation")));
    }
    if (n.has("groups")) {
      b.groups(n.get("groups").asInt());
    }
    if (n.has("output_padding")) {
      b.outputPadding(pair(n.get("output_padding")));
    }
    if (n.has("dtype")) {
      b.dtype(DType.parse(n.get("dtype").asText()));
    }
    int[] input = {
      required(n, "n").asInt(), cin, required(n, "h").asInt(), required(n, "w").asInt()
    };
    return new Shape(name, b.build(), input);
  }

  private static JsonNode required(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    return v;
  }

  private static Size2 pair(JsonNode v) {
    if (v.isArray()) {
      if (v.size() != 2) {
        throw new IllegalArgumentException("expected an int or [h, w], got " + v);
      }
      return Size2.of(v.get(0).asInt(), v.get(1).asInt());
    }
    return Size2.of(v.asInt());
  }

  /**
   * Times one shape.
   *
   * @param peak the machine's FMA peak for {@code opts.threads()} ({@link FmaPeak}), or NaN
   */
  public static BenchResult time(Shape s, BenchOptions opts, double peak) {
    ConvSpec spec = s.spec();
    ConvBackend backend = backend(spec, opts);
    Random rnd = new Random(42);
    Tensor w = random(spec.dtype(), spec.weightShape(), rnd);
    Tensor bias = spec.bias() ? random(spec.dtype(), spec.biasShape(), rnd) : null;
    Tensor x = random(spec.dtype(), s.input(), rnd);
    ConvGeometry g = ConvShapes.geometry(spec, s.input());
    // One output tensor for every pass, as a job's stream of batches uses it (Workspace).
    Tensor y = Tensor.zeros(spec.dtype(), g.outputShape());
    try (ConvPlan plan = backend.plan(spec, w, bias, opts.threads())) {
      long warmEnd = System.nanoTime() + (long) (opts.warmupSeconds() * 1e9);
      do {
        plan.runInto(x, g, y);
      } while (System.nanoTime() < warmEnd);
      List<Long> times = new ArrayList<>();
      long end = System.nanoTime() + (long) (opts.minSeconds() * 1e9);
      while (times.size() < opts.minReps() || System.nanoTime() < end) {
        long t0 = System.nanoTime();
        plan.runInto(x, g, y);
        times.add(System.nanoTime() - t0);
      }
      long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
      double median = (sorted[(sorted.length - 1) / 2] + sorted[sorted.length / 2]) / 2.0 / 1e9;
      return new BenchResult(
          s.name(),
          spec.transposed() ? "conv_transpose2d" : "conv2d",
          spec.dtype().torchName(),
          plan.backendName(),
          opts.threads(),
          sorted.length,
          median,
          g.flops() / median / 1e9,
          sorted[0] / 1e9,
          g.toString(),
          peak);
    }
  }

  private static ConvBackend backend(ConvSpec spec, BenchOptions opts) {
    if (opts.backend() == null) {
      return BackendSelector.select(spec, opts.device()).backend();
    }
    List<ConvBackend> all = BackendSelector.cpuBackends();
    for (ConvBackend b : all) {
      if (b.name().equals(opts.backend())) {
        return b;
      }
    }
    throw new IllegalArgumentException(
        "unknown backend '"
            + opts.backend()
            + "': usable here: "
            + Arrays.toString(all.stream().map(ConvBackend::name).toArray()));
  }

  private static Tensor random(DType dt, int[] shape, Random rnd) {
    Tensor t = Tensor.zeros(dt, shape);
    int n = t.scalarCount();
    if (dt == DType.FLOAT64) {
      for (int i = 0; i < n; i++) {
        t.doubles()[i] = rnd.nextDouble() * 2 - 1;
      }
    } else {
      for (int i = 0; i < n; i++) {
        t.floats()[i] = rnd.nextFloat() * 2 - 1;
      }
    }
    return t;
  }

  /**
   * Command-line entry for development: {@code ConvBench SHAPES.json [--threads N] [--backend NAME]
   * [--seconds S]}. The user-facing command is {@code sparkconv bench}.
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println(
          "usage: ConvBench SHAPES.json [--threads N] [--backend NAME] [--seconds S]");
      System.exit(2);
    }
    BenchOptions o = BenchOptions.defaults(Runtime.getRuntime().availableProcessors());
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--threads" ->
            o =
                new BenchOptions(
                    Integer.parseInt(args[i + 1]),
                    o.device(),
                    o.backend(),
                    o.minSeconds(),
                    o.minReps(),
                    o.warmupSeconds());
        case "--backend" -> o = o.withBackend(args[i + 1]);
        case "--seconds" ->
            o =
                new BenchOptions(
                    o.threads(),
                    o.device(),
                    o.backend(),
                    Double.parseDouble(args[i + 1]),
                    o.minReps(),
                    o.warmupSeconds());
        default -> {
          System.err.println("unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    run(Path.of(args[0]), o, System.out);
  }
}
