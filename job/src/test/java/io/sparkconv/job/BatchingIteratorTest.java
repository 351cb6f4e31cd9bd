package io.sparkconv.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.kernels.tensor.Tensor;
import io.sparkconv.udf.ImageOptions;
import io.sparkconv.udf.InputDecoder;
import io.sparkconv.udf.TensorColumns;
import io.sparkconv.udf.TensorInput;
import io.sparkconv.udf.TestModels;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The partition iterator without Spark: laziness, batching by shape, and counts. Sources are
 * endless where laziness matters: an iterator that materialised its partition would never return.
 */
@Timeout(20)
class BatchingIteratorTest {
  private static final TestModels.OneConv MODEL = TestModels.conv3x3(2, 3, 1);
  private static final StructType SCHEMA =
      new StructType().add("id", DataTypes.IntegerType).add("img", TensorColumns.TENSOR_TYPE);

  private static final scala.Function1<Object, Object> TO_INTERNAL =
      CatalystTypeConverters.createToCatalystConverter(SCHEMA);

  private static InternalRow internal(Row r) {
    return (InternalRow) TO_INTERNAL.apply(r);
  }

  /** An endless source that counts how many rows were pulled. */
  private static Iterator<InternalRow> endless(AtomicInteger pulled, int[]... shapes) {
    Random r = new Random(3);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public InternalRow next() {
        int i = pulled.getAndIncrement();
        int[] s = shapes[i % shapes.length];
        Row t = TensorColumns.toRow(TestModels.intTensor(r, s[0], s[1], s[2]));
        return internal(new GenericRowWithSchema(new Object[] {i, t}, SCHEMA));
      }
    };
  }

  private static BatchingIterator iterator(Iterator<InternalRow> source, int batch, JobCounters c) {
    TensorInput in =
        new TensorInput(
            InputDecoder.forType("img", TensorColumns.TENSOR_TYPE, ImageOptions.DEFAULT),
            MODEL,
            1 << 20);
    return new BatchingIterator(
        source,
        SCHEMA,
        in,
        1,
        new int[] {0},
        MODEL.model(),
        batch,
        c,
        new java.util.concurrent.atomic.LongAdder());
  }

  @Test
  void pullsOnlyOneBatchAheadOfWhatItEmits() {
    AtomicInteger pulled = new AtomicInteger();
    JobCounters c = new JobCounters();
    BatchingIterator it = iterator(endless(pulled, new int[] {2, 5, 5}), 4, c);
    for (int i = 0; i < 10; i++) {
      InternalRow r = it.next();
      assertEquals(i, r.getInt(0), "order kept");
      assertTrue(pulled.get() <= (i / 4 + 1) * 4, "pulled " + pulled.get() + " after " + (i + 1));
    }
    assertEquals(12, pulled.get());
    assertEquals(12, c.rowsIn.value());
    assertEquals(12, c.rowsOut.value());
  }

  @Test
  void aShapeChangeEndsTheBatchAndTheRowWaitsForTheNextOne() {
    AtomicInteger pulled = new AtomicInteger();
    JobCounters c = new JobCounters();
    // Shapes alternate every row: every batch holds one row, and one row is read ahead.
    BatchingIterator it = iterator(endless(pulled, new int[] {2, 5, 5}, new int[] {2, 6, 4}), 8, c);
    InternalRow first = it.next();
    int[] firstShape = first.getStruct(1, 3).getArray(1).toIntArray();
    assertEquals(2, pulled.get());
    assertEquals(1, c.rowsOut.value());
    InternalRow second = it.next();
    assertEquals(1, second.getInt(0));
    assertArrayEquals(new int[] {3, 3, 3}, firstShape);
    assertArrayEquals(new int[] {3, 4, 2}, second.getStruct(1, 3).getArray(1).toIntArray());
  }

  @Test
  void badRowsAreCountedAndSkipped() {
    Random r = new Random(4);
    List<InternalRow> rows = new ArrayList<>();
    rows.add(internal(RowFactory.create(0, null)));
    rows.add(internal(RowFactory.create(1, TensorColumns.toRow(TestModels.intTensor(r, 2, 5, 5)))));
    rows.add(internal(RowFactory.create(2, TensorColumns.toRow(TestModels.intTensor(r, 1, 5, 5)))));
    JobCounters c = new JobCounters();
    BatchingIterator it = iterator(rows.iterator(), 2, c);
    assertEquals(1, it.next().getInt(0));
    assertFalse(it.hasNext());
    assertEquals(3, c.rowsIn.value());
    assertEquals(1, c.rowsOut.value());
    assertEquals(2, c.errorRows.value());
  }

  @Test
  void stackKeepsRowOrder() {
    Tensor a = Tensor.ofFloats(new float[] {1, 2}, 1, 1, 2);
    Tensor b = Tensor.ofFloats(new float[] {3, 4}, 1, 1, 2);
    Tensor s = BatchingIterator.stack(List.of(a, b), new int[] {1, 1, 2});
    assertArrayEquals(new int[] {2, 1, 1, 2}, s.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4}, s.floats());
  }
}
