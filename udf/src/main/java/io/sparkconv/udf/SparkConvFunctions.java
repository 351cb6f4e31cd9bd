package io.sparkconv.udf;

import io.sparkconv.kernels.backend.Device;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Registers SparkConv's SQL functions:
 *
 * <pre>{@code
 * SparkConvFunctions.registerModel(spark, "edges", Path.of("edges.json"));
 * spark.sql("SELECT id, edges(img) AS out FROM images");
 * spark.sql("SELECT edges(tensor_from_image(image)) FROM raw_images");
 * }</pre>
 *
 * <p>Weights are read once on the driver and broadcast once; each executor builds its model once.
 * Settings come from the session's {@code spark.sparkconv.*} keys ({@link SparkConvConf}), read
 * when the function is registered.
 */
public final class SparkConvFunctions {
  private SparkConvFunctions() {}

  /**
   * Registers {@code name(tensor)} running the model of {@code modelJson}, and {@code
   * tensor_from_image}.
   *
   * @throws IOException when the model or its weights cannot be read
   * @throws IllegalArgumentException for an invalid model or configuration
   */
  public static void registerModel(SparkSession spark, String name, Path modelJson)
      throws IOException {
    registerModel(spark, name, ModelHandles.load(modelJson));
  }

  /** Registers {@code name(tensor)} for an already loaded model, and {@code tensor_from_image}. */
  public static void registerModel(SparkSession spark, String name, ModelHandle model) {
    spark.udf().register(name, modelUdf(spark, name, model), TensorColumns.TENSOR_TYPE);
    registerTensorFromImage(spark);
  }

  /** Registers {@code tensor_from_image(image)}. */
  public static void registerTensorFromImage(SparkSession spark) {
    SparkConvConf conf = SparkConvConf.from(spark);
    spark
        .udf()
        .register(
            "tensor_from_image",
            new ImageToTensorUdf(
                conf.imageOptions(),
                conf.get(SparkConvConf.MAX_ELEMENTS),
                conf.get(SparkConvConf.ON_ERROR).equals("null")),
            TensorColumns.TENSOR_TYPE);
  }

  /** The UDF for {@code model}, broadcasting it once, configured from the session. */
  static ModelUdf modelUdf(SparkSession spark, String name, ModelHandle model) {
    SparkConvConf conf = SparkConvConf.from(spark);
    Device device = conf.get(SparkConvConf.DEVICE);
    Integer threads = conf.get(SparkConvConf.THREADS);
    int t = threads != null ? threads : Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
    ImageOptions image = conf.imageOptions();
    image.checkChannels(model.inChannels());
    ModelBroadcast b = ModelBroadcast.of(spark.sparkContext(), model);
    return new ModelUdf(
        name,
        b,
        device,
        t,
        conf.get(SparkConvConf.MAX_ELEMENTS),
        image,
        conf.get(SparkConvConf.ON_ERROR).equals("null"));
  }
}
