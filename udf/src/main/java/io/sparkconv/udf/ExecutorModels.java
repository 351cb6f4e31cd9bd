package io.sparkconv.udf;

import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.model.SequentialModel;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models built in this JVM, one per broadcast (and device and thread count), shared by every
 * task of the executor: weights are packed once per executor, not per partition or row. Models live
 * as long as the JVM (an executor runs one application).
 */
public final class ExecutorModels {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
  private static final ConcurrentHashMap<String, SequentialModel> MODELS =
      new ConcurrentHashMap<>();

  private ExecutorModels() {}

  /**
   * The model for {@code key} (e.g. {@code "broadcast-7"}), built by the first caller and logged
   * once with its backends.
   *
   * @throws IllegalStateException when the requested device cannot run here (e.g. --device gpu
   *     without a GPU), with the reason
   */
  public static SequentialModel get(String key, ModelHandle model, Device device, int threads) {
    String k = key + "/" + device.cliName() + "/" + threads;
    return MODELS.computeIfAbsent(
        k,
        unused -> {
          long t0 = System.nanoTime();
          SequentialModel m = model.build(device, threads);
          LOG.info(
              "SparkConv model {} built in {} ms (device {}, {} threads): {}",
              key,
              (System.nanoTime() - t0) / 1_000_000,
              device.cliName(),
              threads,
              String.join("; ", m.describe()));
          return m;
        });
  }

  /**
   * Closes and forgets the models of {@code key}. The job calls it on the driver when it ends, so a
   * long-lived local-mode driver running many jobs does not keep every model; on cluster executors,
   * models live until the executor exits.
   */
  public static void release(String key) {
    MODELS
        .entrySet()
        .removeIf(
            e -> {
              if (e.getKey().startsWith(key + "/")) {
                e.getValue().close();
                return true;
              }
              return false;
            });
  }

  /** Number of models built in this JVM (for tests asserting one build per executor). */
  public static int size() {
    return MODELS.size();
  }

  /** Whether a model for {@code key} exists here, for any device and thread count. */
  public static boolean contains(String key) {
    return MODELS.keySet().stream().anyMatch(k -> k.startsWith(key + "/"));
  }
}
