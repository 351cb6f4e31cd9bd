package io.sparkconv.job;

import io.sparkconv.kernels.model.SequentialModel;
import io.sparkconv.kernels.model.Workspace;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import io.sparkconv.udf.BadRowException;
import io.sparkconv.udf.TensorColumns;
import io.sparkconv.udf.TensorInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Function1;

/**
 * The job's per-partition pipeline, lazy: pulls input rows only when its output queue is empty,
 * groups consecutive rows of equal shape into one {@code (N, C, H, W)} batch of up to {@code
 * batchSize} rows, runs the model once per batch and emits one output row per input row. At most
 * one batch (and its output) is in memory at a time, whatever the partition's size; the output
 * tensors are the model's {@link Workspace}, reused by every batch of the same shape. Bad rows are
 * counted and skipped here; the errors pass writes them.
 *
 * <p>Rows are Spark's internal rows on both sides, so an output tensor is copied once, from the
 * model's output into a byte buffer that Spark's next projection copies into its own row. As
 * everywhere in Spark's internal iterators, a returned row (and its tensor bytes) is valid until
 * the next call to {@link #next()}: consumers that keep rows copy them.
 *
 * <p>Each row's result does not depend on its batch: the model computes every batch element
 * independently, so output is identical for any batch size and partitioning.
 */
final class BatchingIterator implements Iterator<InternalRow> {
  /**
   * Largest batch output, in scalars (16 MiB of float32; one row may exceed it alone). A task holds
   * a batch's output next to the Parquet row group being filled: this cap keeps that bounded
   * whatever --batch-size asks for. Large images lose nothing by it: one 64×224×224 feature map is
   * already 3.2 M outputs, plenty of work per kernel call.
   */
  static final long MAX_BATCH_SCALARS = 1L << 22;

  private final Iterator<InternalRow> source;
  private final TensorInput input;
  private final int ordinal;
  private final Function1<Object, Object> toExternal;
  private final DataType columnType;
  private final int[] keep;
  private final DataType[] keepTypes;
  private final SequentialModel model;
  private final int batchSize;
  private final JobCounters counters;
  private final LongAdder live;

  /** The current batch: passed-through values per row, and the model's output. */
  private final List<Object[]> batchValues = new ArrayList<>();

  /** The model's layer outputs, kept from batch to batch (equal shapes allocate nothing). */
  private final Workspace workspace = new Workspace();

  private Tensor batchOut;
  private UTF8String batchDtype;
  private ArrayData batchShape;
  private int emitted;

  /** Elements per output row. */
  private int perRow;

  private byte[] buffer = new byte[0];

  private InternalRow pendingRow;
  private TensorInput.Prepared pending;

  /**
   * @param schema the input rows' schema
   * @param ordinal the tensor column in each input row
   * @param keep the input ordinals passed through, in order, before the output column
   */
  BatchingIterator(
      Iterator<InternalRow> source,
      StructType schema,
      TensorInput input,
      int ordinal,
      int[] keep,
      SequentialModel model,
      int batchSize,
      JobCounters counters,
      LongAdder live) {
    this.source = source;
    this.input = input;
    this.ordinal = ordinal;
    this.columnType = schema.fields()[ordinal].dataType();
    this.toExternal = CatalystTypeConverters.createToScalaConverter(columnType);
    this.keep = keep;
    this.keepTypes = new DataType[keep.length];
    for (int k = 0; k < keep.length; k++) {
      keepTypes[k] = schema.fields()[keep[k]].dataType();
    }
    this.model = model;
    this.batchSize = batchSize;
    this.counters = counters;
    this.live = live;
  }

  @Override
  public boolean hasNext() {
    while (emitted == batchValues.size() && (pending != null || source.hasNext())) {
      runOneBatch();
    }
    return emitted < batchValues.size();
  }

  @Override
  public InternalRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    int i = emitted++;
    Object[] passed = batchValues.get(i);
    batchValues.set(i, null);
    int scalars = perRow * batchOut.dtype().lanes();
    int bytes = perRow * batchOut.dtype().byteSize();
    if (buffer.length != bytes) {
      buffer = new byte[bytes];
    }
    TensorColumns.copyBytes(batchOut, i * scalars, scalars, buffer);
    passed[keep.length] = new GenericInternalRow(new Object[] {batchDtype, batchShape, buffer});
    return new GenericInternalRow(passed);
  }

  private void runOneBatch() {
    batchValues.clear();
    emitted = 0;
    List<Tensor> inputs = new ArrayList<>();
    int[] shape = null;
    int[] outShape = null;
    if (pending != null) {
      batchValues.add(passThrough(pendingRow));
      inputs.add(pending.input());
      shape = pending.input().shape();
      outShape = pending.outputShape();
      pending = null;
      pendingRow = null;
    }
    while (batchValues.size() < batchSize && source.hasNext()) {
      InternalRow r = source.next();
      counters.rowsIn.add(1);
      TensorInput.Prepared p;
      try {
        p =
            input.prepare(
                r.isNullAt(ordinal) ? null : toExternal.apply(r.get(ordinal, columnType)));
      } catch (BadRowException e) {
        counters.errorRows.add(1);
        continue;
      }
      if (shape == null) {
        shape = p.input().shape();
        outShape = p.outputShape();
        batchValues.add(passThrough(r));
        inputs.add(p.input());
        continue;
      }
      long outScalars = Tensor.numel(outShape) * model.dtype().lanes() * (batchValues.size() + 1);
      if (!Arrays.equals(shape, p.input().shape()) || outScalars > MAX_BATCH_SCALARS) {
        // The source may reuse its row object: keep a copy.
        pendingRow = r.copy();
        pending = p;
        break;
      }
      batchValues.add(passThrough(r));
      inputs.add(p.input());
    }
    if (batchValues.isEmpty()) {
      return;
    }
    Tensor batch = stack(inputs, shape);
    long t0 = System.nanoTime();
    batchOut = model.forward(batch, workspace);
    counters.modelNanos.add(System.nanoTime() - t0);
    batchDtype = UTF8String.fromString(batchOut.dtype().torchName());
    batchShape = new GenericArrayData(Arrays.stream(outShape).boxed().toArray());
    perRow = (int) Tensor.numel(outShape);
    counters.rowsOut.add(batchValues.size());
    live.add(batchValues.size());
  }

  /**
   * The output row's values with {@code r}'s passed-through ones filled in, copied (the source may
   * reuse its row object); the last slot is for the output tensor.
   */
  private Object[] passThrough(InternalRow r) {
    Object[] v = new Object[keep.length + 1];
    for (int k = 0; k < keep.length; k++) {
      v[k] = r.isNullAt(keep[k]) ? null : InternalRow.copyValue(r.get(keep[k], keepTypes[k]));
    }
    return v;
  }

  /** Stacks {@code (C, H, W)} tensors of one shape into {@code (N, C, H, W)}. */
  static Tensor stack(List<Tensor> items, int[] shape) {
    int n = items.size();
    int[] s4 = {n, shape[0], shape[1], shape[2]};
    Tensor first = items.get(0);
    if (n == 1) {
      return first.reshape(s4);
    }
    DType dtype = first.dtype();
    int per = first.scalarCount();
    Tensor batch = Tensor.zeros(dtype, s4);
    for (int i = 0; i < n; i++) {
      if (dtype == DType.FLOAT64) {
        System.arraycopy(items.get(i).doubles(), 0, batch.doubles(), i * per, per);
      } else {
        System.arraycopy(items.get(i).floats(), 0, batch.floats(), i * per, per);
      }
    }
    return batch;
  }
}
