package io.sparkconv.udf;

import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.model.SequentialModel;
import io.sparkconv.kernels.model.Workspace;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * A model as a SQL function: a tensor struct, an image struct or nested float arrays ({@code
 * array<array<array<float>>>} as {@code C, H, W}, or {@code array<array<float>>} as one channel)
 * in, tensor struct out, with the job's validation ({@link TensorInput}). NULL in gives NULL out; a
 * bad row fails the query with its reason, or gives NULL when {@code
 * spark.sparkconv.udf.onError=null}.
 */
public final class ModelUdf implements UDF1<Object, Row> {
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
  // Layer outputs reused from row to row (no 12.8 MB zeroed per feature map): one workspace per
  // concurrent call, pooled here (not in a ThreadLocal: executor threads outlive this instance).
  private transient volatile ConcurrentLinkedQueue<Workspace> workspaces;

  private record Cached(DataType type, TensorInput input) {}

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
  public Row call(Object value) throws Exception {
    if (value == null) {
      return null;
    }
    TensorInput in = inputFor(typeOf(value));
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
    ConcurrentLinkedQueue<Workspace> pool = workspaces;
    if (pool == null) {
      pool = new ConcurrentLinkedQueue<>();
      workspaces = pool;
    }
    Workspace ws = pool.poll();
    if (ws == null) {
      ws = new Workspace();
    }
    try {
      // The output is copied into the row's bytes before the workspace is used again.
      return TensorColumns.toRow(m.forward(p.input(), ws));
    } finally {
      pool.offer(ws);
    }
  }

  /**
   * The argument's SQL type as far as the decoders need it. Spark hands a Java UDF a struct as a
   * {@link Row} with its schema, and an array as a Scala {@code Seq} without one: the nesting depth
   * is read from the first elements (the decoder checks every element).
   */
  private DataType typeOf(Object value) {
    if (value instanceof Row r && r.schema() != null) {
      return r.schema();
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      int depth = 1;
      Object first = seq.isEmpty() ? null : seq.head();
      while (first instanceof scala.collection.Seq<?> inner && depth < 4) {
        depth++;
        first = inner.isEmpty() ? null : inner.head();
      }
      if (first == null && depth < 3) {
        depth = 3; // an empty array or a null element hides the depth: the decoder names the fault
      }
      if (depth == 2 || depth == 3) {
        DataType t = DataTypes.FloatType;
        for (int i = 0; i < depth; i++) {
          t = DataTypes.createArrayType(t);
        }
        return t;
      }
      throw new IllegalArgumentException(
          name
              + ": a nested array argument must have 2 (H, W) or 3 (C, H, W) levels, got "
              + (depth == 4 ? "4 or more" : String.valueOf(depth)));
    }
    throw new IllegalArgumentException(
        name
            + ": argument must be a tensor struct, an image struct or nested float arrays, got "
            + value.getClass().getSimpleName());
  }

  private TensorInput inputFor(DataType type) {
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
