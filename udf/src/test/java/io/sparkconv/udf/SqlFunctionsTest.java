package io.sparkconv.udf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.model.ModelDefinition;
import io.sparkconv.kernels.model.SequentialModel;
import io.sparkconv.kernels.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQL functions in local[2] against the model run directly. */
class SqlFunctionsTest {
  private static SparkSession spark;
  private static final JavaDataFrameSuiteBase DF = new JavaDataFrameSuiteBase();
  @TempDir static Path tmp;
  private static Path modelJson;
  private static SequentialModel oracle;
  private static List<Tensor> inputs = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("SqlFunctionsTest")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    modelJson = tmp.resolve("edges.json");
    Files.writeString(
        modelJson,
        "{\"dtype\": \"float32\", \"init_seed\": 5, \"layers\": [{\"name\": \"0\", \"type\":"
            + " \"Conv2d\", \"in_channels\": 2, \"out_channels\": 3, \"kernel_size\": 3}]}");
    oracle = ModelDefinition.load(modelJson).build(Device.CPU, 1);
    Random r = new Random(9);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Tensor t = TestModels.intTensor(r, 2, 5 + i % 2, 6);
      inputs.add(t);
      rows.add(RowFactory.create(i, TensorColumns.toRow(t)));
    }
    rows.add(RowFactory.create(6, null));
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("img", TensorColumns.TENSOR_TYPE, true);
    spark.createDataFrame(rows, schema).repartition(3).createOrReplaceTempView("images");
    List<Row> bad =
        List.of(RowFactory.create(0, TensorColumns.toRow(TestModels.intTensor(r, 3, 5, 5))));
    spark.createDataFrame(bad, schema).createOrReplaceTempView("bad_images");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @AfterEach
  void resetConf() {
    spark.conf().unset("spark.sparkconv.udf.onError");
    spark.conf().unset("spark.sparkconv.udf.model");
    spark.conf().unset("spark.sparkconv.typo");
  }

  private static void assertOracle(Dataset<Row> result) throws Exception {
    List<Row> rows = result.orderBy("id").collectAsList();
    assertEquals(7, rows.size());
    for (int i = 0; i < 6; i++) {
      Tensor expected = oracle.forward(inputs.get(i));
      Tensor got = TensorColumns.fromRow(rows.get(i).getStruct(1));
      assertArrayEquals(expected.shape(), got.shape(), "row " + i);
      assertArrayEquals(expected.floats(), got.floats(), "row " + i);
    }
    assertTrue(rows.get(6).isNullAt(1), "NULL in, NULL out");
  }

  @Test
  void registeredModelRunsInSqlAndBuildsOncePerExecutor() throws Exception {
    SparkConvFunctions.registerModel(spark, "edges", modelJson);
    int before = ExecutorModels.size();
    Dataset<Row> out = spark.sql("SELECT id, edges(img) AS out FROM images");
    assertEquals(
        TensorColumns.TENSOR_TYPE.simpleString(),
        out.schema().apply("out").dataType().simpleString());
    assertOracle(out);
    assertOracle(spark.sql("SELECT id, edges(img) AS out FROM images"));
    assertEquals(before + 1, ExecutorModels.size(), "one model for 3 partitions and 2 queries");

    Exception e =
        assertThrows(
            Exception.class, () -> spark.sql("SELECT edges(img) FROM bad_images").collect());
    assertTrue(
        causes(e)
            .contains(
                "edges: column 'edges argument': input of shape [3, 5, 5] does not fit the model: layer '0'"),
        causes(e));

    spark.conf().set("spark.sparkconv.udf.onError", "null");
    SparkConvFunctions.registerModel(spark, "edges_or_null", modelJson);
    assertNull(spark.sql("SELECT edges_or_null(img) FROM bad_images").first().get(0));
  }

  @Test
  void nestedArrayArgumentsGiveTheSameResultsAsTensorStructs() throws Exception {
    SparkConvFunctions.registerModel(spark, "edges", modelJson);
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add(
                "img",
                DataTypes.createArrayType(
                    DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType))),
                true);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      rows.add(RowFactory.create(i, nested(inputs.get(i))));
    }
    rows.add(RowFactory.create(6, null));
    spark.createDataFrame(rows, schema).createOrReplaceTempView("nested_images");
    assertOracle(spark.sql("SELECT id, edges(img) AS out FROM nested_images"));

    // One channel as array<array<float>>: the model wants 2, so the row is refused by name.
    StructType plane =
        new StructType()
            .add("img", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)));
    Row one = RowFactory.create(nested(inputs.get(0)).get(0));
    spark.createDataFrame(List.of(one), plane).createOrReplaceTempView("planes");
    Exception e =
        assertThrows(Exception.class, () -> spark.sql("SELECT edges(img) FROM planes").collect());
    assertTrue(causes(e).contains("does not fit the model"), causes(e));

    // A ragged row is a bad row like in the job: NULL with onError=null.
    spark.conf().set("spark.sparkconv.udf.onError", "null");
    SparkConvFunctions.registerModel(spark, "edges_or_null", modelJson);
    List<List<List<Float>>> ragged = nested(inputs.get(0));
    ragged.get(1).set(2, List.of(1f));
    spark
        .createDataFrame(List.of(RowFactory.create(0, ragged)), schema)
        .createOrReplaceTempView("ragged");
    assertNull(spark.sql("SELECT edges_or_null(img) FROM ragged").first().get(0));
  }

  /** {@code t} (C, H, W) as nested Java lists, the way a DataFrame of nested arrays is built. */
  private static List<List<List<Float>>> nested(Tensor t) {
    int[] s = t.shape();
    List<List<List<Float>>> c = new ArrayList<>();
    for (int ci = 0; ci < s[0]; ci++) {
      List<List<Float>> h = new ArrayList<>();
      for (int y = 0; y < s[1]; y++) {
        List<Float> w = new ArrayList<>();
        for (int x = 0; x < s[2]; x++) {
          w.add(t.floats()[(ci * s[1] + y) * s[2] + x]);
        }
        h.add(w);
      }
      c.add(h);
    }
    return c;
  }

  @Test
  void configuredUdfIsRegisteredByClassNameAsPySparkDoes() throws Exception {
    SparkConvFunctions.registerModel(spark, "edges", modelJson);
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                spark
                    .udf()
                    .registerJava(
                        "edges_conf",
                        ConfiguredModelUdf.class.getName(),
                        TensorColumns.TENSOR_TYPE));
    assertTrue(causes(e).contains("spark.sparkconv.udf.model is not set"), causes(e));

    spark.conf().set("spark.sparkconv.udf.model", modelJson.toString());
    spark
        .udf()
        .registerJava("edges_conf", ConfiguredModelUdf.class.getName(), TensorColumns.TENSOR_TYPE);
    assertOracle(spark.sql("SELECT id, edges_conf(img) AS out FROM images"));
    DF.assertDataFrameDataEquals(
        spark.sql("SELECT id, edges(img) AS out FROM images").orderBy("id"),
        spark.sql("SELECT id, edges_conf(img) AS out FROM images").orderBy("id"));
  }

  @Test
  void unknownConfigurationKeysAreRefused() {
    spark.conf().set("spark.sparkconv.typo", "1");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SparkConvFunctions.registerModel(spark, "edges", modelJson));
    assertTrue(
        e.getMessage().startsWith("unknown configuration key spark.sparkconv.typo;"),
        e.getMessage());
  }

  @Test
  void tensorFromImageMatchesTheDecoder() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("imgs"));
    BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
    Random r = new Random(2);
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 4; x++) {
        img.setRGB(x, y, r.nextInt());
      }
    }
    ImageIO.write(img, "png", dir.resolve("a.png").toFile());
    Files.write(dir.resolve("b.png"), new byte[] {1, 2, 3});
    ImageFiles.read(spark, dir.toString()).createOrReplaceTempView("raw");
    SparkConvFunctions.registerTensorFromImage(spark);
    Exception e =
        assertThrows(
            Exception.class, () -> spark.sql("SELECT tensor_from_image(image) FROM raw").collect());
    assertTrue(causes(e).contains("undecodable image"), causes(e));
    Row t =
        spark
            .sql("SELECT tensor_from_image(image) FROM raw WHERE image.origin LIKE '%a.png'")
            .first()
            .getStruct(0);
    Tensor x = TensorColumns.fromRow(t);
    assertArrayEquals(new int[] {3, 3, 4}, x.shape());
    int argb = img.getRGB(1, 2);
    assertEquals(((argb >> 16) & 0xFF) / 255f, x.floats()[2 * 4 + 1], 1e-7f, "red at (2, 1)");
    assertEquals((argb & 0xFF) / 255f, x.floats()[2 * 12 + 2 * 4 + 1], 1e-7f, "blue at (2, 1)");
  }

  private static String causes(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append(t.getMessage()).append(" | ");
    }
    return sb.toString();
  }
}
