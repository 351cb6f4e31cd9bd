package io.sparkconv.job;

import io.sparkconv.job.cli.SparkConvCli;
import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.model.SequentialModel;
import io.sparkconv.kernels.tensor.Tensor;
import io.sparkconv.udf.BadRowException;
import io.sparkconv.udf.ExecutorModels;
import io.sparkconv.udf.ImageFiles;
import io.sparkconv.udf.InputDecoder;
import io.sparkconv.udf.ModelBroadcast;
import io.sparkconv.udf.ModelHandle;
import io.sparkconv.udf.ModelHandles;
import io.sparkconv.udf.TensorColumns;
import io.sparkconv.udf.TensorInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SparkConv job: applies a model to one tensor column of a dataset and writes two Parquet
 * datasets, the output (input columns passed through plus the result tensor struct) and the errors
 * (input columns plus {@code reason}). Rows in = rows out + error rows is checked before returning.
 *
 * <p>Plan: weights are read once on the driver and broadcast once; every executor JVM builds its
 * model once ({@link ExecutorModels}); each partition is a lazy {@link BatchingIterator}. The model
 * runs exactly once per good row and the output is never cached: outputs are typically far larger
 * than inputs (a 3→64 channel layer writes 21 times the input), so persisting them to split good
 * and bad rows would cost more than reading the input again. The errors dataset is therefore
 * written by a second, convolution-free pass over the input, and only when the first pass counted
 * bad rows (otherwise an empty errors dataset is written).
 */
public final class SparkConvJob {
  private static final Logger LOG = LoggerFactory.getLogger(SparkConvJob.class);

  /** The errors dataset's reason column. */
  public static final String REASON_COLUMN = "reason";

  private SparkConvJob() {}

  /**
   * spark-submit entry point; takes the options of {@code sparkconv run} and reports errors as the
   * {@code sparkconv} command line does (one line, non-zero exit).
   */
  public static void main(String[] args) {
    String[] withCommand = new String[args.length + 1];
    withCommand[0] = "run";
    System.arraycopy(args, 0, withCommand, 1, args.length);
    System.exit(SparkConvCli.run(withCommand));
  }

  /**
   * Runs the job in {@code spark}.
   *
   * @throws IllegalArgumentException for bad options, a bad model or an input schema without a
   *     usable tensor column (the message names the thing and the rule)
   * @throws IOException when the model cannot be read or an output path cannot be checked
   * @throws IllegalStateException when the row counts do not add up
   */
  public static JobSummary run(SparkSession spark, JobOptions options) throws IOException {
    if (options.model() == null) {
      throw new IllegalArgumentException("missing required option --model");
    }
    checkOutputPaths(spark, options);
    return run(spark, options, ModelHandles.load(options.model()));
  }

  /**
   * Runs the job with an already loaded model ({@link JobOptions#model()} is ignored).
   *
   * @see #run(SparkSession, JobOptions)
   */
  public static JobSummary run(SparkSession spark, JobOptions options, ModelHandle model)
      throws IOException {
    long t0 = System.nanoTime();
    checkOutputPaths(spark, options);

    Dataset<Row> in =
        options.inputFormat() == JobOptions.InputFormat.IMAGE
            ? ImageFiles.read(spark, options.input())
            : spark.read().parquet(options.input());
    StructType schema = in.schema();
    String column = options.column() != null ? options.column() : InputDecoder.detectColumn(schema);
    InputDecoder decoder = InputDecoder.forColumn(schema, column, options.image());
    if (TensorColumns.isImageStruct(schema.apply(column).dataType())) {
      options.image().checkChannels(model.inChannels());
    } else if (!options.image().isDefault()) {
      throw new IllegalArgumentException(
          "--scale, --mean and --std apply to image input only, but "
              + decoder.describe()
              + " holds tensors");
    }
    if (Arrays.asList(schema.fieldNames()).contains(options.outputColumn())
        && !(options.dropInputColumn() && options.outputColumn().equals(column))) {
      throw new IllegalArgumentException(
          "output column '"
              + options.outputColumn()
              + "' already exists in the input; choose another --output-column");
    }
    if (Arrays.asList(schema.fieldNames()).contains(REASON_COLUMN)) {
      throw new IllegalArgumentException(
          "the input has a column named '"
              + REASON_COLUMN
              + "', which the errors dataset needs for its own; rename it first");
    }
    LOG.info("SparkConv input: {} ({})", decoder.describe(), options.input());
    // Unshuffled, for peeking at the first rows (a limit over a repartition would shuffle it all).
    Dataset<Row> source = in;
    if (options.partitions() != null) {
      in = in.repartition(options.partitions());
    }

    int threads =
        options.threads() != null
            ? options.threads()
            : Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
    ModelBroadcast bc = ModelBroadcast.of(spark.sparkContext(), model);
    String key = bc.key();
    String backends = "built on each executor (see executor logs)";
    if (spark.sparkContext().isLocal()) {
      // Local mode: the driver is the executor. Building here fails fast (e.g. --device gpu
      // without a GPU) and the tasks reuse this model from the JVM-wide cache.
      try {
        SequentialModel m = ExecutorModels.get(key, model, options.device(), threads);
        backends = String.join("; ", m.describe());
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }

    int ordinal = schema.fieldIndex(column);
    int[] keep = keptOrdinals(schema, options.dropInputColumn() ? ordinal : -1);
    StructType outSchema = new StructType();
    for (int k : keep) {
      outSchema = outSchema.add(schema.fields()[k]);
    }
    outSchema = outSchema.add(options.outputColumn(), TensorColumns.TENSOR_TYPE, true);
    StructType errSchema = schema.add(REASON_COLUMN, DataTypes.StringType, false);

    JobCounters counters = new JobCounters(spark);
    SaveMode save =
        options.mode() == JobOptions.WriteMode.OVERWRITE
            ? SaveMode.Overwrite
            : SaveMode.ErrorIfExists;
    ScheduledExecutorService progress = startProgress(spark, counters, key);
    try {
      // Internal rows both ways: the tensor bytes are copied once into each output row, with no
      // external Row and encoder in between (outputs are typically 20× the input's size).
      JavaRDD<InternalRow> outRows =
          in.queryExecution()
              .toRdd()
              .toJavaRDD()
              .mapPartitions(
                  new ProcessPartition(
                      decoder,
                      schema,
                      options.maxElements(),
                      ordinal,
                      keep,
                      bc,
                      key,
                      options.device(),
                      threads,
                      options.batchSize(),
                      counters));
      Dataset<Row> out = spark.internalCreateDataFrame(outRows.rdd(), outSchema, false);
      spark.sparkContext().setJobDescription("sparkconv: model over " + options.input());
      var writer = boundedParquet(out.write().mode(save));
      long perFile = maxRecordsPerFile(firstOutputBytes(source, column, decoder, model, options));
      if (perFile > 0) {
        writer = writer.option("maxRecordsPerFile", perFile);
      }
      if (options.compression() != null) {
        writer = writer.option("compression", options.compression());
      }
      if (options.discardOutput()) {
        writer.format("noop").save();
      } else {
        writer.parquet(options.output());
      }

      Dataset<Row> errors;
      if (counters.errorRows.value() > 0) {
        spark.sparkContext().setJobDescription("sparkconv: error rows of " + options.input());
        errors =
            in.mapPartitions(
                new RejectPartition(decoder, options.maxElements(), ordinal, bc, counters),
                Encoders.row(errSchema));
      } else {
        errors = spark.createDataFrame(Collections.<Row>emptyList(), errSchema);
      }
      boundedParquet(errors.write().mode(save)).parquet(options.errors());
    } finally {
      progress.shutdownNow();
      spark.sparkContext().setJobDescription(null);
      bc.release();
      LiveProgress.forget(key);
    }

    long rowsIn = counters.rowsIn.value();
    long rowsOut = counters.rowsOut.value();
    long errorRows = counters.errorRows.value();
    if (rowsIn != rowsOut + errorRows) {
      throw new IllegalStateException(
          "row counts do not add up: "
              + rowsIn
              + " in, "
              + rowsOut
              + " out, "
              + errorRows
              + " errors");
    }
    if (counters.errorsWritten.value() != errorRows) {
      throw new IllegalStateException(
          "the errors pass found "
              + counters.errorsWritten.value()
              + " bad rows but the model pass "
              + errorRows
              + ": did the input change while the job ran?");
    }
    // Independent checks from Parquet footers (cheap: no data pages are read).
    if (options.inputFormat() == JobOptions.InputFormat.PARQUET) {
      long read = spark.read().parquet(options.input()).count();
      if (read != rowsIn) {
        throw new IllegalStateException(
            "the input holds " + read + " rows, but the job read " + rowsIn);
      }
    }
    long written =
        options.discardOutput() ? rowsOut : spark.read().parquet(options.output()).count();
    if (written != rowsOut) {
      throw new IllegalStateException(
          "the output holds " + written + " rows, but the job produced " + rowsOut);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    JobSummary summary =
        new JobSummary(
            rowsIn,
            rowsOut,
            errorRows,
            seconds,
            counters.modelNanos.value() / 1e9,
            options.output(),
            options.errors(),
            column,
            decoder.describe(),
            backends);
    LOG.debug(summary.render());
    return summary;
  }

  /**
   * Makes Parquet check its buffered size from the first row on. parquet-mr checks the row group
   * and page sizes only every 100 rows at first (parquet.page.size.row.check.min); with rows of
   * several MB (a 64×224×224 float32 feature map is 12.8 MB) that buffers over a gigabyte per task
   * before the first flush, whatever the row group size. With the check at every row until the
   * writer has an estimate, a task's writer holds about one row group (128 MB by default).
   */
  static <T> org.apache.spark.sql.DataFrameWriter<T> boundedParquet(
      org.apache.spark.sql.DataFrameWriter<T> w) {
    // Tensor values are large and unique: a dictionary never pays, and trying one hashes each
    // value.
    return w.option("parquet.page.size.row.check.min", "1")
        .option("parquet.enable.dictionary", "false");
  }

  /** Parquet's default row group size, which the job's writes keep. */
  static final long ROW_GROUP_BYTES = 128L << 20;

  /** Heap that an output file's retained column statistics may take (see maxRecordsPerFile). */
  static final long STATISTICS_BUDGET_BYTES = 64L << 20;

  /**
   * Rows per output file that bound parquet-mr's retained statistics, or 0 for no limit. parquet-mr
   * (1.13) keeps a full copy of the smallest and largest value of each column chunk until the file
   * is closed; for a tensor column that is two whole feature maps per row group (2 × 12.8 MB for a
   * 64×224×224 float32 map, every ten rows). One task writes its partition to one file, so a large
   * partition of large tensors would exhaust the heap on statistics alone. With {@code rowBytes}
   * per row, a file of {@code n} rows keeps about {@code n · 2 · rowBytes² / ROW_GROUP_BYTES}: this
   * returns the {@code n} that keeps it under {@link #STATISTICS_BUDGET_BYTES} (27 rows of 12.8 MB,
   * 6,987 rows of 800 KB).
   */
  static long maxRecordsPerFile(long rowBytes) {
    if (rowBytes <= 0) {
      return 0;
    }
    double n = (double) STATISTICS_BUDGET_BYTES * ROW_GROUP_BYTES / (2.0 * rowBytes * rowBytes);
    return n >= 1_000_000 ? 0 : Math.max(1, (long) n);
  }

  /**
   * The output size in bytes of the first row that the model accepts, from at most the first 5 rows
   * (they are collected to the driver), or 0 when there is none: an estimate of the row size for
   * {@link #maxRecordsPerFile}.
   */
  private static long firstOutputBytes(
      Dataset<Row> in, String column, InputDecoder decoder, ModelHandle model, JobOptions options) {
    TensorInput input = new TensorInput(decoder, model, options.maxElements());
    for (Row r : in.select(column).limit(5).collectAsList()) {
      try {
        TensorInput.Prepared p = input.prepare(r.isNullAt(0) ? null : r.get(0));
        return Tensor.numel(p.outputShape()) * model.dtype().byteSize();
      } catch (BadRowException e) {
        // look at the next row
      }
    }
    return 0;
  }

  private static int[] keptOrdinals(StructType schema, int dropped) {
    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < schema.fields().length; i++) {
      if (i != dropped) {
        keep.add(i);
      }
    }
    return keep.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Refuses existing outputs unless overwriting, before any work starts. */
  private static void checkOutputPaths(SparkSession spark, JobOptions o) throws IOException {
    if (o.mode() == JobOptions.WriteMode.OVERWRITE) {
      return;
    }
    for (String p : List.of(o.output(), o.errors())) {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(p);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(path)) {
        throw new IllegalArgumentException(
            "output path " + p + " already exists; pass --mode overwrite to replace it");
      }
    }
  }

  /**
   * A log line every 10 s: tasks done in the running stages and rows written so far (live in local
   * mode, where tasks share this JVM; from finished tasks on a cluster).
   */
  private static ScheduledExecutorService startProgress(
      SparkSession spark, JobCounters c, String key) {
    ScheduledExecutorService ex =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sparkconv-progress");
              t.setDaemon(true);
              return t;
            });
    boolean local = spark.sparkContext().isLocal();
    long start = System.nanoTime();
    ex.scheduleAtFixedRate(
        () -> {
          var tracker = spark.sparkContext().statusTracker();
          int done = 0;
          int total = 0;
          for (int id : tracker.getActiveStageIds()) {
            scala.Option<SparkStageInfo> info = tracker.getStageInfo(id);
            if (info.isDefined()) {
              done += info.get().numCompletedTasks();
              total += info.get().numTasks();
            }
          }
          double s = (System.nanoTime() - start) / 1e9;
          long rows = local ? LiveProgress.rows(key).sum() : c.rowsOut.value();
          LOG.info(
              String.format(
                  java.util.Locale.ROOT,
                  "sparkconv progress: %.0f s, tasks %d/%d, %d rows out%s (%.1f rows/s), %d"
                      + " error rows in finished tasks",
                  s,
                  done,
                  total,
                  rows,
                  local ? "" : " in finished tasks",
                  rows / s,
                  c.errorRows.value()));
        },
        10,
        10,
        TimeUnit.SECONDS);
    return ex;
  }

  /** Model pass: one lazy {@link BatchingIterator} per partition. */
  static final class ProcessPartition
      implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;
    private final InputDecoder decoder;
    private final StructType schema;
    private final long maxElements;
    private final int ordinal;
    private final int[] keep;
    private final ModelBroadcast model;
    private final String key;
    private final Device device;
    private final int threads;
    private final int batchSize;
    private final JobCounters counters;

    ProcessPartition(
        InputDecoder decoder,
        StructType schema,
        long maxElements,
        int ordinal,
        int[] keep,
        ModelBroadcast model,
        String key,
        Device device,
        int threads,
        int batchSize,
        JobCounters counters) {
      this.decoder = decoder;
      this.schema = schema;
      this.maxElements = maxElements;
      this.ordinal = ordinal;
      this.keep = keep;
      this.model = model;
      this.key = key;
      this.device = device;
      this.threads = threads;
      this.batchSize = batchSize;
      this.counters = counters;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
      ModelHandle handle = model.handle();
      SequentialModel m = ExecutorModels.get(key, handle, device, threads);
      return new BatchingIterator(
          rows,
          schema,
          new TensorInput(decoder, handle, maxElements),
          ordinal,
          keep,
          m,
          batchSize,
          counters,
          LiveProgress.rows(key));
    }
  }

  /** Errors pass: the bad rows with their reason; no convolution runs. */
  static final class RejectPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final InputDecoder decoder;
    private final long maxElements;
    private final int ordinal;
    private final ModelBroadcast model;
    private final JobCounters counters;

    RejectPartition(
        InputDecoder decoder,
        long maxElements,
        int ordinal,
        ModelBroadcast model,
        JobCounters counters) {
      this.decoder = decoder;
      this.maxElements = maxElements;
      this.ordinal = ordinal;
      this.model = model;
      this.counters = counters;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      TensorInput input = new TensorInput(decoder, model.handle(), maxElements);
      return new Iterator<>() {
        private Row next;

        @Override
        public boolean hasNext() {
          while (next == null && rows.hasNext()) {
            Row r = rows.next();
            try {
              input.prepare(r.isNullAt(ordinal) ? null : r.get(ordinal));
            } catch (BadRowException e) {
              Object[] v = new Object[r.length() + 1];
              for (int i = 0; i < r.length(); i++) {
                v[i] = r.get(i);
              }
              v[r.length()] = e.getMessage();
              next = RowFactory.create(v);
              counters.errorsWritten.add(1);
            }
          }
          return next != null;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row r = next;
          next = null;
          return r;
        }
      };
    }
  }
}
