package io.sparkconv.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.job.cli.ImportCommand;
import io.sparkconv.job.cli.PreviewCommand;
import io.sparkconv.job.cli.RunCommand;
import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.model.ModelDefinition;
import io.sparkconv.kernels.model.SequentialModel;
import io.sparkconv.kernels.tensor.Tensor;
import io.sparkconv.udf.ImageOptions;
import io.sparkconv.udf.TensorColumns;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The picocli commands end to end with a real model file (seeded initialisation). */
class CommandsTest {
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static Path modelJson;
  private static Path images;

  @BeforeAll
  static void start() throws Exception {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("CommandsTest")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate();
    modelJson = tmp.resolve("edges.json");
    Files.writeString(
        modelJson,
        "{\"dtype\": \"float32\", \"init_seed\": 3, \"layers\": ["
            + "{\"name\": \"0\", \"type\": \"Conv2d\", \"in_channels\": 3, \"out_channels\": 4,"
            + " \"kernel_size\": 3, \"padding\": 1},"
            + "{\"name\": \"1\", \"type\": \"ReLU\"}]}");
    images = Files.createDirectories(tmp.resolve("pngs"));
    Random r = new Random(11);
    for (int i = 0; i < 3; i++) {
      BufferedImage img = new BufferedImage(9 + i, 7, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          img.setRGB(x, y, r.nextInt());
        }
      }
      ImageIO.write(
          img,
          i == 2 ? "jpeg" : "png",
          images.resolve("img" + i + (i == 2 ? ".jpg" : ".png")).toFile());
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Runs a command as the top-level CLI would: exit code and the one-line error message. */
  private static Object[] execute(Object command, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(command);
    cmd.setErr(new PrintWriter(err));
    cmd.setExecutionExceptionHandler(
        (e, c, p) -> {
          c.getErr().println(e.getMessage());
          return 1;
        });
    int code = cmd.execute(args);
    return new Object[] {code, err.toString().trim()};
  }

  @Test
  void importThenRunMatchesTheModelAndRunningOnTheFolder() throws Exception {
    Files.write(images.resolve("notes.txt"), "not an image".getBytes());
    String dataset = tmp.resolve("imported").toString();
    Object[] res = execute(new ImportCommand(), "--images", images.toString(), "--output", dataset);
    assertEquals(1, res[0]);
    assertTrue(((String) res[1]).contains("1 file(s) under"), (String) res[1]);
    assertTrue(((String) res[1]).contains("notes.txt"), (String) res[1]);
    res =
        execute(
            new ImportCommand(),
            "--images",
            images.toString(),
            "--output",
            dataset,
            "--skip-invalid");
    assertEquals(0, res[0], (String) res[1]);
    Files.delete(images.resolve("notes.txt"));
    assertEquals(3, spark.read().parquet(dataset).count());
    assertEquals(
        ImportCommand.SCHEMA.simpleString(), spark.read().parquet(dataset).schema().simpleString());

    String out = tmp.resolve("run-out").toString();
    res =
        execute(
            new RunCommand(),
            "--model",
            modelJson.toString(),
            "--input",
            dataset,
            "--output",
            out,
            "--batch-size",
            "2");
    assertEquals(0, res[0], (String) res[1]);
    String out2 = tmp.resolve("run-out-images").toString();
    res =
        execute(
            new RunCommand(),
            "--model",
            modelJson.toString(),
            "--input",
            images.toString(),
            "--input-format",
            "image",
            "--output",
            out2);
    assertEquals(0, res[0], (String) res[1]);

    SequentialModel oracle = ModelDefinition.load(modelJson).build(Device.CPU, 1);
    Map<String, byte[]> fromDataset = new HashMap<>();
    for (Row row : spark.read().parquet(out).collectAsList()) {
      Tensor x = TensorColumns.fromRow(row.getStruct(1));
      Tensor y = oracle.forward(x);
      Row o = row.getStruct(2);
      assertArrayEquals(TensorColumns.toBytes(y, 0, y.scalarCount()), (byte[]) o.get(2));
      String p = row.getString(0);
      fromDataset.put(p.substring(p.lastIndexOf('/') + 1), (byte[]) o.get(2));
    }
    assertEquals(3, fromDataset.size());
    for (Row row : spark.read().parquet(out2).collectAsList()) {
      String p = row.getStruct(0).getString(0);
      assertArrayEquals(
          fromDataset.get(p.substring(p.lastIndexOf('/') + 1)),
          (byte[]) row.getStruct(1).get(2),
          p);
    }

    res =
        execute(
            new RunCommand(), "--model", modelJson.toString(), "--input", dataset, "--output", out);
    assertEquals(1, res[0]);
    assertEquals(
        "output path " + out + " already exists; pass --mode overwrite to replace it", res[1]);
    res =
        execute(
            new RunCommand(),
            "--model",
            modelJson.toString(),
            "--input",
            dataset,
            "--output",
            out,
            "--mode",
            "overwrite",
            "--device",
            "cpu",
            "--partitions",
            "2",
            "--threads",
            "1");
    assertEquals(0, res[0], (String) res[1]);
    res =
        execute(
            new RunCommand(),
            "--model",
            modelJson.toString(),
            "--input",
            dataset,
            "--output",
            out + "x",
            "--batch-size",
            "0");
    assertEquals(1, res[0]);
    assertEquals("--batch-size must be >= 1, got 0", res[1]);
    res =
        execute(
            new RunCommand(),
            "--model",
            tmp.resolve("missing.json").toString(),
            "--input",
            dataset,
            "--output",
            out + "y");
    assertEquals(1, res[0]);
    assertTrue(((String) res[1]).contains("missing.json"), (String) res[1]);
    res =
        execute(
            new RunCommand(),
            "--model",
            modelJson.toString(),
            "--input",
            dataset,
            "--output",
            out + "z",
            "--mean",
            "0.5,0.5");
    assertEquals(1, res[0]);
    assertEquals(
        "--scale, --mean and --std apply to image input only, but tensor struct column 'image'"
            + " holds tensors",
        res[1]);
    res =
        execute(
            new RunCommand(),
            "--model",
            modelJson.toString(),
            "--input",
            images.toString(),
            "--input-format",
            "image",
            "--output",
            out + "z",
            "--mean",
            "0.5,0.5");
    assertEquals(1, res[0]);
    assertEquals(
        "image mean has 2 values, but the model takes 3 channels: give 1 or 3 values", res[1]);
  }

  @Test
  void previewWritesAGridOfInputsAndFeatureMaps() throws Exception {
    Path png = tmp.resolve("grid.png");
    Object[] res =
        execute(
            new PreviewCommand(),
            "--model",
            modelJson.toString(),
            "--input",
            images.toString(),
            "--input-format",
            "image",
            "--output",
            png.toString(),
            "--rows",
            "2");
    assertEquals(0, res[0], (String) res[1]);
    BufferedImage grid = ImageIO.read(png.toFile());
    // 2 lines of 1 RGB tile + 4 feature maps, tiles of side <= 11 zoomed by 96 / 11 = 8.
    int zoom = 96 / 11;
    assertEquals(4 + 2 * (7 * zoom + 4), grid.getHeight());
    assertTrue(grid.getWidth() >= 4 + 5 * (9 * zoom + 4), "width " + grid.getWidth());
    assertNotEquals(0x202020, grid.getRGB(4, 4) & 0xFFFFFF, "first tile is drawn");
    assertEquals(0x202020, grid.getRGB(1, 1) & 0xFFFFFF, "gap is background");
  }

  @Test
  void benchJobMeasuresBothPathsOnTheSameData() throws Exception {
    io.sparkconv.job.cli.JobBenchCommand bench = new io.sparkconv.job.cli.JobBenchCommand();
    new CommandLine(bench)
        .parseArgs("--images", "10", "--size", "6", "--out-channels", "4", "--batch-size", "3");
    io.sparkconv.job.cli.JobBenchCommand.Result r =
        bench.measure(spark, Files.createDirectories(tmp.resolve("bench")));
    assertEquals(10, r.images());
    assertEquals(2, r.cores());
    assertTrue(r.kernelImagesPerSecond() > 0 && r.jobImagesPerSecond() > 0, r.json());
    assertTrue(r.peakHeapMb() > 0 && r.peakHeapMb() <= r.maxHeapMb(), r.json());
    assertTrue(r.peakLiveHeapMb() <= r.peakHeapMb(), r.json());
    assertTrue(r.json().startsWith("{\"images\": 10, \"shape\": \"3x6x6 -> 4\""), r.json());
    assertEquals(10, spark.read().parquet(tmp.resolve("bench/bench-output").toString()).count());
  }

  @Test
  void benchJobRemovesItsTemporaryFolder() throws Exception {
    Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
    java.util.function.Supplier<Set<Path>> folders =
        () -> {
          try (Stream<Path> s = Files.list(tmpRoot)) {
            return s.filter(p -> p.getFileName().toString().startsWith("sparkconv-bench"))
                .collect(Collectors.toSet());
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
    Set<Path> before = folders.get();
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new io.sparkconv.job.cli.JobBenchCommand());
    cl.setOut(new PrintWriter(out));
    assertEquals(0, cl.execute("--images", "4", "--size", "6", "--out-channels", "2"));
    assertEquals(before, folders.get(), "the temp folder of a run without --work is removed");
  }

  @Test
  void theTopLevelCommandRunsTheJobAndReportsErrorsOnOneLine() throws Exception {
    String dataset = tmp.resolve("top-in").toString();
    io.sparkconv.job.cli.ImportCommand.importImages(
        spark, images.toString(), dataset, JobOptions.WriteMode.ERROR, ImageOptions.DEFAULT, false);
    CommandLine top = io.sparkconv.job.cli.SparkConvCli.commandLine();
    StringWriter err = new StringWriter();
    top.setErr(new PrintWriter(err));
    String out = tmp.resolve("top-out").toString();
    assertEquals(
        0,
        top.execute("run", "--model", modelJson.toString(), "--input", dataset, "--output", out),
        err.toString());
    assertEquals(3, spark.read().parquet(out).count());
    assertEquals(
        1,
        top.execute("run", "--model", modelJson.toString(), "--input", dataset, "--output", out));
    assertEquals(
        "sparkconv run: output path "
            + out
            + " already exists; pass --mode overwrite to replace it",
        err.toString().trim());

    // --device gpu fails at once, before any task, where no GPU backend can run.
    if (io.sparkconv.kernels.backend.GpuAvailability.usable()) {
      System.out.println("GPU usable here: the --device gpu refusal is not exercised");
      return;
    }
    err.getBuffer().setLength(0);
    String gpuOut = tmp.resolve("top-gpu").toString();
    assertEquals(
        1,
        top.execute(
            "run",
            "--model",
            modelJson.toString(),
            "--input",
            dataset,
            "--output",
            gpuOut,
            "--device",
            "gpu"));
    assertTrue(err.toString().startsWith("sparkconv run: --device gpu"), err.toString());
    assertEquals(1, err.toString().trim().lines().count(), err.toString());
    assertTrue(Files.notExists(Path.of(gpuOut)), "nothing written");
  }

  @Test
  void imageOptionsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new ImageOptions(0, null, null));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new ImageOptions(1, null, new double[] {0.2, 0}));
    assertEquals("image std must be finite numbers > 0, got [0.2, 0.0]", e.getMessage());
  }
}
