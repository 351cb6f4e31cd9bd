package io.sparkconv.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.kernels.model.ModelDefinition;
import io.sparkconv.kernels.safetensors.Safetensors;
import io.sparkconv.kernels.safetensors.SafetensorsFile;
import io.sparkconv.kernels.tensor.Tensor;
import io.sparkconv.udf.TensorColumns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The sample job end to end on the committed sample datasets (sample-data/parquet, made by {@code
 * sparkconv import} from real images) against PyTorch's outputs for the same images
 * (sample-data/parity, made by sample-data/make_samples.py in float64).
 */
class SampleDataParityTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static SparkSession spark;

  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("SampleDataParityTest")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({
    "filter-bank, photos, filter-bank., 3, 1",
    "digits-autoencoder, digits, digits-autoencoder., 8, 0",
    "seeded-example, photos, seeded-example.fruits, 1, 1",
  })
  void sampleJobMatchesPyTorch(
      String model, String dataset, String parityPrefix, int parityFiles, long errorRows)
      throws Exception {
    String out = tmp.resolve(model + "-" + dataset).toString();
    JobSummary s =
        SparkConvJob.run(
            spark,
            JobOptions.builder()
                .model(ROOT.resolve("conf/models/" + model + ".json"))
                .input(ROOT.resolve("sample-data/parquet/" + dataset).toString())
                .output(out)
                .batchSize(3)
                .build());
    assertEquals(s.rowsIn(), s.rowsOut() + s.errorRows());
    assertEquals(errorRows, s.errorRows(), "error rows");
    if (errorRows > 0) {
      // camera.png is grayscale: one channel for a 3-channel model, a bad row with the reason.
      List<Row> errors = spark.read().parquet(out + "_errors").collectAsList();
      assertEquals("camera.png", errors.get(0).getString(errors.get(0).fieldIndex("path")));
      String reason = errors.get(0).getString(errors.get(0).fieldIndex("reason"));
      assertTrue(reason.contains("to have 3 channels, but got 1 channels"), reason);
    }
    Map<String, Row> byPath = new HashMap<>();
    for (Row r : spark.read().parquet(out).collectAsList()) {
      byPath.put(r.getString(r.fieldIndex("path")), r);
    }
    List<Path> parity;
    try (Stream<Path> files = Files.list(ROOT.resolve("sample-data/parity"))) {
      parity =
          files
              .filter(p -> p.getFileName().toString().startsWith(parityPrefix))
              .filter(p -> !p.getFileName().toString().contains(".init."))
              .sorted()
              .toList();
    }
    assertEquals(parityFiles, parity.size(), "parity files for " + parityPrefix);
    for (Path p : parity) {
      SafetensorsFile f = Safetensors.read(p);
      String image = Path.of(f.metadata().get("image")).getFileName().toString();
      Row row = byPath.get(image);
      assertNotNull(row, image + " missing from the output of " + model);
      Tensor in = TensorColumns.fromRow(row.getStruct(row.fieldIndex("image")));
      Tensor got = TensorColumns.fromRow(row.getStruct(row.fieldIndex("output")));
      assertClose(f.tensor("input"), in, 1e-6, image + " input decoding");
      assertClose(f.tensor("output"), got, 2e-4, image + " output");
    }
  }

  /** The seeded example's weights are what torch.manual_seed(42) + nn.Sequential(...) gives. */
  @Test
  void seededExampleWeightsAreBitForBitPyTorchs() throws Exception {
    ModelDefinition def = ModelDefinition.load(ROOT.resolve("conf/models/seeded-example.json"));
    SafetensorsFile want =
        Safetensors.read(ROOT.resolve("sample-data/parity/seeded-example.init.safetensors"));
    assertEquals(want.tensors().keySet(), def.stateDict().keySet());
    for (var e : want.tensors().entrySet()) {
      float[] w = e.getValue().floats();
      float[] g = def.stateDict().get(e.getKey()).floats();
      assertEquals(w.length, g.length, e.getKey());
      for (int i = 0; i < w.length; i++) {
        assertEquals(
            Float.floatToRawIntBits(w[i]),
            Float.floatToRawIntBits(g[i]),
            e.getKey() + "[" + i + "]");
      }
    }
  }

  private static void assertClose(Tensor want, Tensor got, double rel, String where) {
    assertArrayEquals(want.shape(), got.shape(), where);
    double maxAbs = 0;
    for (int i = 0; i < want.scalarCount(); i++) {
      maxAbs = Math.max(maxAbs, Math.abs(want.getScalar(i)));
    }
    double tol = rel * Math.max(1, maxAbs);
    for (int i = 0; i < want.scalarCount(); i++) {
      double d = Math.abs(want.getScalar(i) - got.getScalar(i));
      if (!(d <= tol)) {
        throw new AssertionError(
            where + ": scalar " + i + " got " + got.getScalar(i) + " want " + want.getScalar(i));
      }
    }
  }
}
