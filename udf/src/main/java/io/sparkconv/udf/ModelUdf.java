package io.sparkconv.udf;

import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.model.SequentialModel;
import io.sparkconv.kernels.tensor.Tensor;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.StructType;

/**
 * A model as a SQL function: tensor struct (or image struct) in, tensor struct out, with the job's
 * validation ({@link TensorInput}). NULL in gives NULL out; a bad row fails the query with its
 * reason, or gives NULL when {@code spark.sparkconv.udf.onError=null}.
 */
public final class ModelUdf implements UDF1<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final ModelBroadcast model;
  private final Device device;
  private final int threads;
  private final long maxElements;
  private final ImageOptions image;
  private final boolean nullOnError;

  // The decoder depends only on the argument's type: made on the first call, reused after.
  private transient volatile Cached cached;
  // This JVM's shared model (ExecutorModels), looked up once per UDF instance, not per row.
  private transient volatile SequentialModel built;

  private record Cached(StructType type, TensorInput input) {}

  public ModelUdf(
      String name,
      ModelBroadcast model,
      Device device,
      int threads,
      long maxElements,
      ImageOptions image,
      boolean nullOnError) {
    this.name = name;
    this.model = model;
    this.device = device;
    this.threads = threads;
    this.maxElements = maxElements;
    this.image = image;
    this.nullOnError = nullOnError;
  }

  @Override
  public Row call(Row value) throws Exception {
    if (value == null) {
      return null;
    }
    TensorInput in = inputFor(value.schema());
    TensorInput.Prepared p;
    try {
      p = in.prepare(value);
    } catch (BadRowException e) {
      if (nullOnError) {
        return null;
      }
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
    SequentialModel m = built;
    if (m == null) {
      m = ExecutorModels.get(model.key(), model.handle(), device, threads);
      built = m;
    }
    Tensor out = m.forward(p.input());
    return TensorColumns.toRow(out);
  }

  private TensorInput inputFor(StructType type) {
    if (type == null) {
      throw new IllegalArgumentException(
          name + ": argument must be a tensor struct or an image struct");
    }
    Cached c = cached;
    if (c == null || !type.equals(c.type())) {
      c =
          new Cached(
              type,
              new TensorInput(
                  InputDecoder.forType(name + " argument", type, image),
                  model.handle(),
                  maxElements));
      cached = c;
    }
    return c.input();
  }
}
