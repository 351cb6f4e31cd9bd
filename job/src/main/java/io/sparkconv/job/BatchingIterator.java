package io.sparkconv.job;

import io.sparkconv.kernels.model.SequentialModel;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import io.sparkconv.udf.BadRowException;
import io.sparkconv.udf.TensorColumns;
import io.sparkconv.udf.TensorInput;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The job's per-partition pipeline, lazy: pulls input rows only when its output queue is empty,
 * groups consecutive rows of equal shape into one {@code (N, C, H, W)} batch of up to {@code
 * batchSize} rows, runs the model once per batch and emits one output row per input row. At most
 * one batch (and its output) is in memory at a time, whatever the partition's size. Bad rows are
 * counted and skipped here; the errors pass writes them.
 *
 * <p>Each row's result does not depend on its batch: the model computes every batch element
 * independently, so output is identical for any batch size and partitioning.
 */
final class BatchingIterator implements Iterator<Row> {
  /**
   * Largest batch output, in scalars (16 MiB of float32; one row may exceed it alone). A task holds
   * a few copies of a batch's output (the backend's accumulators, the tensor, the encoded rows)
   * next to the Parquet row group being filled: this cap keeps that bounded whatever --batch-size
   * asks for. Large images lose nothing by it: one 64×224×224 feature map is already 3.2 M outputs,
   * plenty of work per kernel call.
   */
  static final long MAX_BATCH_SCALARS = 1L << 22;

  private final Iterator<Row> source;
  private final TensorInput input;
  private final int ordinal;
  private final int[] keep;
  private final SequentialModel model;
  private final int batchSize;
  private final JobCounters counters;
  private final LongAdder live;
  private final ArrayDeque<Row> ready = new ArrayDeque<>();

  private Row pendingRow;
  private TensorInput.Prepared pending;

  /**
   * @param ordinal the tensor column in each input row
   * @param keep the input ordinals passed through, in order, before the output column
   */
  BatchingIterator(
      Iterator<Row> source,
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
    this.keep = keep;
    this.model = model;
    this.batchSize = batchSize;
    this.counters = counters;
    this.live = live;
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty() && (pending != null || source.hasNext())) {
      runOneBatch();
    }
    return !ready.isEmpty();
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  private void runOneBatch() {
    List<Row> rows = new ArrayList<>();
    List<Tensor> inputs = new ArrayList<>();
    int[] shape = null;
    int[] outShape = null;
    if (pending != null) {
      rows.add(pendingRow);
      inputs.add(pending.input());
      shape = pending.input().shape();
      outShape = pending.outputShape();
      pending = null;
      pendingRow = null;
    }
    while (rows.size() < batchSize && source.hasNext()) {
      Row r = source.next();
      counters.rowsIn.add(1);
      TensorInput.Prepared p;
      try {
        p = input.prepare(r.isNullAt(ordinal) ? null : r.get(ordinal));
      } catch (BadRowException e) {
        counters.errorRows.add(1);
        continue;
      }
      if (shape == null) {
        shape = p.input().shape();
        outShape = p.outputShape();
        rows.add(r);
        inputs.add(p.input());
        continue;
      }
      long outScalars = Tensor.numel(outShape) * model.dtype().lanes() * (rows.size() + 1);
      if (!Arrays.equals(shape, p.input().shape()) || outScalars > MAX_BATCH_SCALARS) {
        pendingRow = r;
        pending = p;
        break;
      }
      rows.add(r);
      inputs.add(p.input());
    }
    if (rows.isEmpty()) {
      return;
    }
    Tensor batch = stack(inputs, shape);
    long t0 = System.nanoTime();
    Tensor out = model.forward(batch);
    counters.modelNanos.add(System.nanoTime() - t0);
    int per = (int) (Tensor.numel(outShape) * out.dtype().lanes());
    for (int i = 0; i < rows.size(); i++) {
      Row in = rows.get(i);
      Object[] values = new Object[keep.length + 1];
      for (int k = 0; k < keep.length; k++) {
        values[k] = in.get(keep[k]);
      }
      values[keep.length] =
          RowFactory.create(
              out.dtype().torchName(), outShape, TensorColumns.toBytes(out, i * per, per));
      ready.add(RowFactory.create(values));
    }
    counters.rowsOut.add(rows.size());
    live.add(rows.size());
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
