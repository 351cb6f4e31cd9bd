package io.sparkconv.udf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;

/**
 * The model of {@code spark.sparkconv.udf.model} as a Java UDF with a no-argument constructor, for
 * PySpark:
 *
 * <pre>{@code
 * spark = SparkSession.builder.config("spark.sparkconv.udf.model", "/models/edges.json").getOrCreate()
 * spark.udf.registerJavaFunction("edges", "io.sparkconv.udf.ConfiguredModelUdf",
 *     "struct<dtype:string,shape:array<int>,data:binary>")
 * }</pre>
 *
 * <p>Spark instantiates the class on the driver when it is registered: the constructor reads the
 * model there, broadcasts it, and the instance shipped to executors carries only the broadcast.
 */
public final class ConfiguredModelUdf implements UDF1<Object, Row> {
  private static final long serialVersionUID = 1L;

  private final ModelUdf delegate;

  /**
   * Loads the configured model in the active session.
   *
   * @throws IllegalStateException when no session is active or the key is unset
   * @throws UncheckedIOException when the model cannot be read
   */
  public ConfiguredModelUdf() {
    SparkSession spark =
        SparkSession.getActiveSession()
            .getOrElse(
                () -> {
                  throw new IllegalStateException(
                      "ConfiguredModelUdf must be registered from a driver with an active"
                          + " SparkSession");
                });
    String path = SparkConvConf.from(spark).get(SparkConvConf.UDF_MODEL);
    if (path == null) {
      throw new IllegalStateException(
          SparkConvConf.UDF_MODEL.key()
              + " is not set: set it to the model JSON before registering"
              + " io.sparkconv.udf.ConfiguredModelUdf");
    }
    try {
      this.delegate =
          SparkConvFunctions.modelUdf(spark, "model " + path, ModelHandles.load(Path.of(path)));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot load " + SparkConvConf.UDF_MODEL.key() + "=" + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Row call(Object value) throws Exception {
    return delegate.call(value);
  }
}
