package io.sparkconv.kernels.backend;

import java.util.Objects;

/** The backend {@link BackendSelector} picked for a layer, and why (for logs and stderr). */
public record BackendChoice(ConvBackend backend, String reason) {
  public BackendChoice {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(reason, "reason");
  }
}
