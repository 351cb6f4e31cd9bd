package io.sparkconv.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import io.sparkconv.kernels.tensor.Tensor;
import io.sparkconv.udf.TensorColumns;
import io.sparkconv.udf.TestModels;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job end to end in local[2], against the reference backend on the same rows. Integer-valued
 * inputs and weights make the expected outputs exact.
 */
class SparkConvJobTest {
  private static SparkSession spark;
  private static final JavaDataFrameSuiteBase DF = new JavaDataFrameSuiteBase();
  private static final TestModels.OneConv MODEL = TestModels.conv3x3(2, 3, 42);

  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("img", TensorColumns.TENSOR_TYPE, true)
          .add("label", DataTypes.StringType, true);

  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("SparkConvJobTest")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "3")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Row tensorRow(int id, Tensor t) {
    return RowFactory.create(id, TensorColumns.toRow(t), "label-" + id);
  }

  private static String write(String name, List<Row> rows, StructType schema, int partitions) {
    String path = tmp.resolve(name).toString();
    spark.createDataFrame(rows, schema).repartition(partitions).write().parquet(path);
    return path;
  }

  private static JobOptions.Builder opts(String input, String output) {
    return JobOptions.builder().input(input).output(output);
  }

  /** id → output tensor struct of a finished job. */
  private static Map<Integer, Row> outputs(String path, String column) {
    Map<Integer, Row> m = new HashMap<>();
    for (Row r : spark.read().parquet(path).collectAsList()) {
      m.put(r.getInt(r.fieldIndex("id")), r.getStruct(r.fieldIndex(column)));
    }
    return m;
  }

  private static void assertOracle(Tensor input, Row out, String where) throws Exception {
    Tensor expected = MODEL.model().forward(input);
    assertEquals("float32", out.getString(0), where);
    assertEquals(
        Arrays.toString(expected.shape()),
        Arrays.toString(TensorColumns.fromRow(out).shape()),
        where);
    assertArrayEquals(
        TensorColumns.toBytes(expected, 0, expected.scalarCount()), (byte[]) out.get(2), where);
  }

  @Test
  void endToEndMatchesTheReferenceAndPassesColumnsThrough() throws Exception {
    Random r = new Random(1);
    List<Row> rows = new ArrayList<>();
    List<Tensor> inputs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Tensor t = TestModels.intTensor(r, 2, 8, 7);
      inputs.add(t);
      rows.add(tensorRow(i, t));
    }
    String in = write("e2e-in", rows, SCHEMA, 3);
    String out = tmp.resolve("e2e-out").toString();
    JobSummary s = SparkConvJob.run(spark, opts(in, out).batchSize(4).build(), MODEL);

    assertEquals(12, s.rowsIn());
    assertEquals(12, s.rowsOut());
    assertEquals(0, s.errorRows());
    assertEquals("img", s.column());
    assertEquals(out + "_errors", s.errors());
    Map<Integer, Row> got = outputs(out, "output");
    for (int i = 0; i < 12; i++) {
      assertOracle(inputs.get(i), got.get(i), "row " + i);
    }
    Dataset<Row> written = spark.read().parquet(out);
    assertEquals(List.of("id", "img", "label", "output"), Arrays.asList(written.columns()));
    DF.assertDataFrameDataEquals(
        spark.read().parquet(in).select("id", "img", "label").orderBy("id"),
        written.select("id", "img", "label").orderBy("id"));
    Dataset<Row> errors = spark.read().parquet(s.errors());
    assertEquals(0, errors.count());
    assertEquals(List.of("id", "img", "label", "reason"), Arrays.asList(errors.columns()));
  }

  @Test
  void mixedShapesGiveTheSameRowsForAnyBatchSizeAndPartitioning() throws Exception {
    Random r = new Random(2);
    int[][] shapes = {{2, 8, 8}, {2, 8, 8}, {2, 6, 9}, {2, 8, 8}, {2, 5, 5}, {2, 6, 9}, {2, 6, 9}};
    List<Row> rows = new ArrayList<>();
    List<Tensor> inputs = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      int[] s = shapes[i % shapes.length];
      Tensor t = TestModels.intTensor(r, s[0], s[1], s[2]);
      inputs.add(t);
      rows.add(tensorRow(i, t));
    }
    String in = write("mixed-in", rows, SCHEMA, 2);
    Map<Integer, Row> first = null;
    int[][] variants = {{1, 1}, {3, 2}, {16, 5}};
    for (int[] v : variants) {
      String out = tmp.resolve("mixed-out-" + v[0] + "-" + v[1]).toString();
      JobSummary s =
          SparkConvJob.run(
              spark,
              opts(in, out).batchSize(v[0]).partitions(v[1]).dropInputColumn(true).build(),
              MODEL);
      assertEquals(21, s.rowsOut(), "batch " + v[0]);
      Map<Integer, Row> got = outputs(out, "output");
      for (int i = 0; i < 21; i++) {
        assertOracle(inputs.get(i), got.get(i), "batch " + v[0] + " row " + i);
      }
      if (first != null) {
        for (int i = 0; i < 21; i++) {
          assertArrayEquals((byte[]) first.get(i).get(2), (byte[]) got.get(i).get(2));
        }
      }
      first = got;
      assertEquals(
          List.of("id", "label", "output"), Arrays.asList(spark.read().parquet(out).columns()));
    }
  }

  @Test
  void everyKindOfBadRowGoesToTheErrorsWithItsReason() throws Exception {
    Random r = new Random(3);
    List<Row> rows = new ArrayList<>();
    Map<Integer, String> expectedReason = new HashMap<>();
    rows.add(tensorRow(0, TestModels.intTensor(r, 2, 6, 6)));
    rows.add(RowFactory.create(1, null, "null"));
    expectedReason.put(1, "null tensor");
    rows.add(tensorRow(2, TestModels.intTensor(r, 3, 6, 6)));
    expectedReason.put(2, "channels");
    rows.add(
        RowFactory.create(
            3, RowFactory.create("float32", new int[] {2, 6, 6}, new byte[10]), "short"));
    expectedReason.put(3, "data has 10 bytes");
    rows.add(
        RowFactory.create(4, RowFactory.create("int8", new int[] {2, 6, 6}, new byte[72]), "int8"));
    expectedReason.put(4, "unsupported dtype 'int8'");
    rows.add(tensorRow(5, TestModels.intTensor(r, 2, 40, 40)));
    expectedReason.put(5, "above the limit");
    rows.add(tensorRow(6, TestModels.intTensor(r, 2, 2, 2)));
    expectedReason.put(6, "does not fit the model");
    rows.add(
        RowFactory.create(
            7, RowFactory.create("complex64", new int[] {2, 6, 6}, new byte[576]), "c"));
    expectedReason.put(7, "complex64 input cannot be fed to a float32 model");
    rows.add(
        RowFactory.create(
            8, RowFactory.create("float32", new int[] {1, 2, 6, 6}, new byte[288]), "4d"));
    expectedReason.put(8, "expected (C, H, W)");
    Tensor nan = TestModels.intTensor(r, 2, 6, 6);
    nan.floats()[3] = Float.NaN;
    nan.floats()[40] = Float.POSITIVE_INFINITY;
    rows.add(tensorRow(9, nan));
    String in = write("bad-in", rows, SCHEMA, 2);
    String out = tmp.resolve("bad-out").toString();
    String err = tmp.resolve("bad-custom-errors").toString();
    JobSummary s =
        SparkConvJob.run(spark, opts(in, out).errors(err).maxElements(1000).build(), MODEL);

    assertEquals(10, s.rowsIn());
    assertEquals(2, s.rowsOut());
    assertEquals(8, s.errorRows());
    assertEquals(s.rowsIn(), s.rowsOut() + s.errorRows());
    Map<Integer, Row> good = outputs(out, "output");
    assertEquals(Set.of(0, 9), good.keySet());
    assertOracle(nan, good.get(9), "NaN and Inf are data");
    Map<Integer, String> labels = new HashMap<>();
    rows.forEach(row -> labels.put(row.getInt(0), row.getString(2)));
    List<Row> errors = spark.read().parquet(err).collectAsList();
    assertEquals(8, errors.size());
    for (Row e : errors) {
      int id = e.getInt(0);
      String reason = e.getString(e.fieldIndex("reason"));
      assertTrue(
          reason.contains(expectedReason.get(id)),
          "row " + id + ": '" + reason + "' should mention '" + expectedReason.get(id) + "'");
      assertTrue(reason.startsWith("column 'img': "), reason);
      assertEquals(labels.get(id), e.getString(e.fieldIndex("label")), "passed through");
    }
  }

  @Test
  void nestedArraysAreDecodedAndRaggedOnesRejected() throws Exception {
    Random r = new Random(4);
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add(
                "x",
                DataTypes.createArrayType(
                    DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType))),
                true);
    List<Row> rows = new ArrayList<>();
    List<Tensor> inputs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Tensor t = TestModels.intTensor(r, 2, 5, 6);
      inputs.add(t);
      rows.add(RowFactory.create(i, nested(t)));
    }
    List<Object> ragged = new ArrayList<>(nested(inputs.get(0)));
    @SuppressWarnings("unchecked")
    List<Object> ch1 = new ArrayList<>((List<Object>) ragged.get(1));
    ch1.set(2, List.of(1.0, 2.0));
    ragged.set(1, ch1);
    rows.add(RowFactory.create(4, ragged));
    String in = write("nested-in", rows, schema, 2);
    String out = tmp.resolve("nested-out").toString();
    JobSummary s = SparkConvJob.run(spark, opts(in, out).batchSize(3).build(), MODEL);
    assertEquals(4, s.rowsOut());
    assertEquals(1, s.errorRows());
    Map<Integer, Row> got = outputs(out, "output");
    for (int i = 0; i < 4; i++) {
      assertOracle(inputs.get(i), got.get(i), "nested row " + i);
    }
    String reason = spark.read().parquet(s.errors()).first().getString(2);
    assertTrue(
        reason.contains("ragged nested array: row [1, 2] has 2 elements, expected 6"), reason);
  }

  /** (C, H, W) float32 as nested lists of doubles, as pyarrow writes numpy float64 lists. */
  private static List<Object> nested(Tensor t) {
    int[] s = t.shape();
    List<Object> c = new ArrayList<>();
    for (int ci = 0; ci < s[0]; ci++) {
      List<Object> h = new ArrayList<>();
      for (int hi = 0; hi < s[1]; hi++) {
        List<Double> w = new ArrayList<>();
        for (int wi = 0; wi < s[2]; wi++) {
          w.add((double) t.floats()[(ci * s[1] + hi) * s[2] + wi]);
        }
        h.add(w);
      }
      c.add(h);
    }
    return c;
  }

  @Test
  void imageFolderInputConvertsBgrToRgbAndReportsBadImages() throws Exception {
    TestModels.OneConv rgbModel = TestModels.conv3x3(3, 2, 7);
    Path dir = Files.createDirectories(tmp.resolve("images"));
    Random r = new Random(5);
    BufferedImage rgb = new BufferedImage(7, 6, BufferedImage.TYPE_INT_RGB);
    BufferedImage rgba = new BufferedImage(5, 5, BufferedImage.TYPE_INT_ARGB);
    BufferedImage gray = new BufferedImage(6, 6, BufferedImage.TYPE_BYTE_GRAY);
    for (BufferedImage img : List.of(rgb, rgba, gray)) {
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          img.setRGB(x, y, r.nextInt() | (img == rgba ? 0x80000000 : 0xFF000000));
        }
      }
    }
    ImageIO.write(rgb, "png", dir.resolve("a_rgb.png").toFile());
    ImageIO.write(rgba, "png", dir.resolve("b_rgba.png").toFile());
    ImageIO.write(gray, "png", dir.resolve("c_gray.png").toFile());
    Files.write(dir.resolve("d_corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    String out = tmp.resolve("images-out").toString();
    JobSummary s =
        SparkConvJob.run(
            spark,
            opts(dir.toString(), out).inputFormat(JobOptions.InputFormat.IMAGE).build(),
            rgbModel);
    assertEquals(4, s.rowsIn());
    assertEquals(2, s.rowsOut());
    assertEquals(2, s.errorRows());
    Map<String, Row> byName = new HashMap<>();
    for (Row row : spark.read().parquet(out).collectAsList()) {
      String origin = row.getStruct(0).getString(0);
      byName.put(origin.substring(origin.lastIndexOf('/') + 1), row.getStruct(1));
    }
    for (String name : List.of("a_rgb.png", "b_rgba.png")) {
      BufferedImage img = ImageIO.read(dir.resolve(name).toFile());
      int h = img.getHeight();
      int w = img.getWidth();
      float[] x = new float[3 * h * w];
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          int argb = img.getRGB(xx, y);
          x[(0 * h + y) * w + xx] = (float) (((argb >> 16) & 0xFF) * (1.0 / 255.0));
          x[(1 * h + y) * w + xx] = (float) (((argb >> 8) & 0xFF) * (1.0 / 255.0));
          x[(2 * h + y) * w + xx] = (float) ((argb & 0xFF) * (1.0 / 255.0));
        }
      }
      Tensor expected = rgbModel.model().forward(Tensor.ofFloats(x, 3, h, w));
      assertArrayEquals(
          TensorColumns.toBytes(expected, 0, expected.scalarCount()),
          (byte[]) byName.get(name).get(2),
          name);
    }
    Map<String, String> reasons = new HashMap<>();
    for (Row row : spark.read().parquet(s.errors()).collectAsList()) {
      String origin = row.getStruct(0).getString(0);
      reasons.put(origin.substring(origin.lastIndexOf('/') + 1), row.getString(1));
    }
    assertTrue(reasons.get("c_gray.png").contains("channels"), reasons.toString());
    assertTrue(reasons.get("d_corrupt.png").contains("undecodable image"), reasons.toString());
  }

  @Test
  void anExistingOutputIsRefusedUnlessOverwriting() throws Exception {
    Random r = new Random(6);
    String in =
        write("exists-in", List.of(tensorRow(0, TestModels.intTensor(r, 2, 5, 5))), SCHEMA, 1);
    String out = tmp.resolve("exists-out").toString();
    SparkConvJob.run(spark, opts(in, out).build(), MODEL);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SparkConvJob.run(spark, opts(in, out).build(), MODEL));
    assertEquals(
        "output path " + out + " already exists; pass --mode overwrite to replace it",
        e.getMessage());
    JobSummary s =
        SparkConvJob.run(
            spark,
            opts(in, out).mode(JobOptions.WriteMode.OVERWRITE).compression("zstd").build(),
            MODEL);
    assertEquals(1, s.rowsOut());
    assertEquals(1, spark.read().parquet(out).count());
    try (var files = Files.list(Path.of(out))) {
      assertTrue(
          files.anyMatch(f -> f.getFileName().toString().endsWith(".zstd.parquet")),
          "--compression zstd");
    }
    assertThrows(IllegalArgumentException.class, () -> opts(in, out).compression("rar"));
    assertThrows(
        IllegalArgumentException.class, () -> opts(in, in).build(), "output equal to input");
  }

  @Test
  void theTensorColumnIsDetectedOrTheCandidatesListed() throws Exception {
    Random r = new Random(7);
    Tensor t = TestModels.intTensor(r, 2, 5, 5);
    StructType two =
        new StructType()
            .add("a", TensorColumns.TENSOR_TYPE, true)
            .add("b", TensorColumns.TENSOR_TYPE, true)
            .add("n", DataTypes.IntegerType, true);
    String in =
        write(
            "two-in",
            List.of(RowFactory.create(TensorColumns.toRow(t), TensorColumns.toRow(t), 1)),
            two,
            1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SparkConvJob.run(
                    spark, opts(in, tmp.resolve("two-out").toString()).build(), MODEL));
    assertEquals(
        "input has several tensor columns [a, b]: choose one with --column", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SparkConvJob.run(
                    spark, opts(in, tmp.resolve("two-out").toString()).column("n").build(), MODEL));
    assertTrue(
        e.getMessage()
            .startsWith(
                "column 'n' has type int, which is not a tensor; expected one of: struct<dtype:string,shape:array<int>,data:binary>"),
        e.getMessage());
    JobSummary s =
        SparkConvJob.run(
            spark,
            opts(in, tmp.resolve("two-out-b").toString()).column("b").outputColumn("y").build(),
            MODEL);
    assertEquals(1, s.rowsOut());
    assertEquals(
        List.of("a", "b", "n", "y"),
        Arrays.asList(spark.read().parquet(tmp.resolve("two-out-b").toString()).columns()));
  }
}
