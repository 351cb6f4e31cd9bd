package io.sparkconv.job.cli;

import io.sparkconv.job.JobOptions;
import io.sparkconv.job.JobSummary;
import io.sparkconv.job.SparkConvJob;
import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.model.SequentialModel;
import io.sparkconv.kernels.model.Workspace;
import io.sparkconv.kernels.tensor.Tensor;
import io.sparkconv.udf.ModelHandle;
import io.sparkconv.udf.ModelHandles;
import io.sparkconv.udf.TensorColumns;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparkconv bench-job}: the job's throughput next to the kernel alone on the same batches.
 *
 * <p>Generates {@code --images} random {@code (inChannels, size, size)} float32 images as a Parquet
 * tensor dataset and a seeded {@code Conv2d(inChannels, outChannels, kernel, padding=same)} model,
 * then (1) runs the model on {@code --batch-size} batches in as many threads as the master has
 * cores (what the job's tasks do, without Spark, Parquet or encoding) and (2) runs the job on the
 * dataset. Prints one JSON line: images/s of both, their ratio, and the peak heap in this JVM
 * during the job (in local mode the executor is this JVM). With {@code --partitions 1} the whole
 * dataset is one partition, typically larger than the heap: the job must still complete.
 */
@Command(
    name = "bench-job",
    mixinStandardHelpOptions = true,
    description =
        "Measures the Spark job's images/s against the kernel alone on the same batches, and the"
            + " peak heap during the job (local mode).")
public final class JobBenchCommand implements Callable<Integer> {
  @Option(
      names = "--images",
      defaultValue = "2000",
      description = "Images (default: ${DEFAULT-VALUE}).")
  int images;

  @Option(
      names = "--size",
      defaultValue = "224",
      description = "Height and width (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--in-channels", defaultValue = "3", description = "Default: ${DEFAULT-VALUE}.")
  int inChannels;

  @Option(names = "--out-channels", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
  int outChannels;

  @Option(
      names = "--kernel",
      defaultValue = "3",
      description = "Kernel size (default: ${DEFAULT-VALUE}).")
  int kernel;

  @Option(names = "--batch-size", defaultValue = "8", description = "Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--master",
      defaultValue = "local[2]",
      description = "Local master (default: ${DEFAULT-VALUE}).")
  String master;

  @Option(
      names = "--partitions",
      description = "Input partitions (default: Spark's split of the files).")
  Integer partitions;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu.")
  String device;

  @Option(
      names = "--work",
      description =
          "Folder for the dataset and outputs, kept (default: a temp folder, removed at the end:"
              + " a 2,000-image run writes gigabytes).")
  Path work;

  @Option(names = "--compression", description = "Output codec (default: Spark's, snappy).")
  String compression;

  @Option(
      names = "--discard-output",
      description =
          "Run the job into Spark's noop sink instead of Parquet: measures decoding, the model and"
              + " the output rows without the Parquet writer and the disk.")
  boolean discardOutput;

  /** The measurements, one JSON line. */
  public record Result(
      int images,
      String shape,
      int cores,
      double kernelImagesPerSecond,
      double jobImagesPerSecond,
      double jobModelSeconds,
      long peakHeapMb,
      long peakLiveHeapMb,
      long maxHeapMb,
      long inputMb,
      long outputMb,
      String sink,
      String backend) {
    public String json() {
      return String.format(
          Locale.ROOT,
          "{\"images\": %d, \"shape\": \"%s\", \"cores\": %d, \"kernel_images_per_s\": %.2f,"
              + " \"job_images_per_s\": %.2f, \"job_vs_kernel\": %.3f, \"job_model_seconds\": %.2f,"
              + " \"peak_heap_mb\": %d, \"peak_live_heap_mb\": %d, \"max_heap_mb\": %d,"
              + " \"input_mb\": %d, \"output_mb\": %d, \"output_mb_per_s\": %.0f,"
              + " \"sink\": \"%s\", \"backend\": \"%s\"}",
          images,
          shape,
          cores,
          kernelImagesPerSecond,
          jobImagesPerSecond,
          jobImagesPerSecond / kernelImagesPerSecond,
          jobModelSeconds,
          peakHeapMb,
          peakLiveHeapMb,
          maxHeapMb,
          inputMb,
          outputMb,
          outputMb * jobImagesPerSecond / images,
          sink,
          backend.replace("\"", "'"));
    }
  }

  /** Runs without the sparkconv launcher: {@code java -cp ... JobBenchCommand --images 200}. */
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new JobBenchCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!master.startsWith("local")) {
      throw new IllegalArgumentException(
          "bench-job measures this JVM's heap: --master must be local[N], got " + master);
    }
    Path dir =
        work != null ? Files.createDirectories(work) : Files.createTempDirectory("sparkconv-bench");
    boolean existing = SparkSession.getActiveSession().isDefined();
    SparkSession spark = RunCommand.session("sparkconv bench-job", master);
    try {
      System.out.println(measure(spark, dir).json());
      return 0;
    } finally {
      try {
        if (!existing) {
          spark.stop();
        }
      } finally {
        if (work == null) {
          deleteTree(dir);
        }
      }
    }
  }

  /** Deletes a folder and everything below it (files first). */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Runs both measurements in {@code spark} (a local master) with data under {@code dir}. */
  public Result measure(SparkSession spark, Path dir) throws Exception {
    Path model = dir.resolve("bench-model.json");
    Files.writeString(
        model,
        String.format(
            Locale.ROOT,
            "{\"dtype\": \"float32\", \"init_seed\": 0, \"layers\": [{\"name\": \"0\", \"type\":"
                + " \"Conv2d\", \"in_channels\": %d, \"out_channels\": %d, \"kernel_size\": %d,"
                + " \"padding\": \"same\"}]}",
            inChannels,
            outChannels,
            kernel));
    ModelHandle handle = ModelHandles.load(model);
    String input = dir.resolve("bench-input").toString();
    int c = inChannels;
    int s = size;
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("image", TensorColumns.TENSOR_TYPE, false);
    spark
        .range(images)
        .map(
            (MapFunction<Long, Row>)
                id -> RowFactory.create(id, TensorColumns.toRow(random(id, c, s))),
            Encoders.row(schema))
        .write()
        .mode("overwrite")
        // Small row groups: making the data must not need more heap than the job under test.
        .option("parquet.block.size", String.valueOf(16 << 20))
        .option("parquet.page.size.row.check.min", "1")
        .parquet(input);
    int cores = spark.sparkContext().defaultParallelism();
    Device dev = Device.parse(device);

    double kernel = kernelImagesPerSecond(handle, dev, cores);

    HeapSampler heap = new HeapSampler();
    JobOptions.Builder o =
        JobOptions.builder()
            .model(model)
            .input(input)
            .output(dir.resolve("bench-output").toString())
            .batchSize(batchSize)
            .device(dev)
            .threads(1)
            .dropInputColumn(true)
            .compression(compression)
            .discardOutput(discardOutput)
            .mode(JobOptions.WriteMode.OVERWRITE);
    if (partitions != null) {
      o.partitions(partitions);
    }
    JobSummary summary;
    try {
      summary = SparkConvJob.run(spark, o.build());
    } finally {
      heap.stop();
    }
    long inputBytes = (long) images * c * s * s * 4;
    return new Result(
        images,
        c + "x" + s + "x" + s + " -> " + outChannels,
        cores,
        kernel,
        summary.imagesPerSecond(),
        summary.modelSeconds(),
        heap.peakUsed >> 20,
        heap.peakLive >> 20,
        Runtime.getRuntime().maxMemory() >> 20,
        inputBytes >> 20,
        ((long) images * outChannels * s * s * 4) >> 20,
        discardOutput ? "noop" : "parquet" + (compression != null ? " " + compression : ""),
        summary.backends());
  }

  /**
   * The kernel alone: {@code cores} threads each run full batches (like the job's tasks, one
   * intra-op thread each) until {@code images} images are done; warm-up batch first.
   */
  double kernelImagesPerSecond(ModelHandle handle, Device dev, int cores) throws Exception {
    try (SequentialModel m = handle.build(dev, 1)) {
      List<Tensor> batch = new ArrayList<>();
      for (int i = 0; i < batchSize; i++) {
        batch.add(random(i, inChannels, size));
      }
      float[] data = new float[batchSize * inChannels * size * size];
      for (int i = 0; i < batchSize; i++) {
        float[] f = batch.get(i).floats();
        System.arraycopy(f, 0, data, i * f.length, f.length);
      }
      Tensor x = Tensor.ofFloats(data, batchSize, inChannels, size, size);
      m.forward(x);
      int batches = (images + batchSize - 1) / batchSize;
      ExecutorService pool = Executors.newFixedThreadPool(cores);
      // Each thread keeps its outputs from batch to batch, as each of the job's tasks does.
      ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);
      try {
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
          fs.add(
              pool.submit(
                  () -> {
                    m.forward(x, workspaces.get());
                  }));
        }
        for (Future<?> f : fs) {
          f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return (double) batches * batchSize / seconds;
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * Samples the heap every 20 ms while the job runs: the peak of heap used (garbage included) and
   * the peak of what the last collection left (the live set, what must fit).
   */
  static final class HeapSampler {
    volatile long peakUsed;
    volatile long peakLive;
    private final Thread thread;
    private volatile boolean running = true;

    HeapSampler() {
      thread =
          new Thread(
              () -> {
                var memory = ManagementFactory.getMemoryMXBean();
                while (running) {
                  peakUsed = Math.max(peakUsed, memory.getHeapMemoryUsage().getUsed());
                  long live = 0;
                  for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null) {
                      live += p.getCollectionUsage().getUsed();
                    }
                  }
                  peakLive = Math.max(peakLive, live);
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "sparkconv-heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
    }
  }

  static Tensor random(long seed, int c, int s) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] f = new float[c * s * s];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) r.nextDouble();
    }
    return Tensor.ofFloats(f, c, s, s);
  }
}
