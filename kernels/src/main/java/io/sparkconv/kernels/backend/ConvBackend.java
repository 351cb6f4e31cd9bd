package io.sparkconv.kernels.backend;

import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.tensor.Tensor;
import java.util.Optional;

/**
 * A way to run convolutions: reference loops, the vectorized CPU kernels, the GPU. Backends are
 * chosen by {@link BackendSelector}, never by callers' string matching.
 */
public interface ConvBackend {
  /** Short stable name for logs and test assertions, e.g. {@code reference}, {@code cpu-vector}. */
  String name();

  /** Empty when this backend runs {@code spec}; otherwise why not (one line). */
  Optional<String> unsupported(ConvSpec spec);

  /**
   * Packs or uploads the weights once and returns a plan that runs many batches.
   *
   * @param weight shape {@link ConvSpec#weightShape()}, dtype of the spec
   * @param bias shape {@code (out)} or {@code null} when the spec has no bias
   * @param threads intra-op threads the plan may use (&gt;= 1)
   */
  ConvPlan plan(ConvSpec spec, Tensor weight, Tensor bias, int threads);
}
