package io.sparkconv.kernels.cpu;

import java.util.function.Consumer;
import java.util.function.Supplier;

/** A value built on first use, once, by whichever thread asks first. */
final class Lazy<T> {
  private final Supplier<T> make;
  private T value;

  Lazy(Supplier<T> make) {
    this.make = make;
  }

  synchronized T get() {
    if (value == null) {
      value = make.get();
    }
    return value;
  }

  synchronized void ifPresent(Consumer<T> use) {
    if (value != null) {
      use.accept(value);
    }
  }
}
