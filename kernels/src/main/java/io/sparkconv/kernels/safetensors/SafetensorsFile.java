package io.sparkconv.kernels.safetensors;

import io.sparkconv.kernels.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors and the {@code __metadata__} of one safetensors file, as {@link Safetensors#read}
 * returns them after every check has passed.
 *
 * <p>Immutable: both maps are unmodifiable. The {@link Tensor}s share their backing arrays with
 * whoever asks for them ({@link Tensor#floats()}), as everywhere in SparkConv; do not write into
 * them if the file object is shared.
 */
public final class SafetensorsFile {
  private final String displayName;
  private final Map<String, Tensor> tensors;
  private final Map<String, String> metadata;

  SafetensorsFile(String displayName, Map<String, Tensor> tensors, Map<String, String> metadata) {
    this.displayName = displayName;
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /**
   * Every tensor by key, in the order the header lists them (for files written by the reference
   * writer that is ascending data offset). Never contains {@code "__metadata__"}.
   */
  public Map<String, Tensor> tensors() {
    return tensors;
  }

  /** The header's {@code __metadata__} map (string to string); empty when the file has none. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The tensor stored under {@code key}, or null when the file has no such key. */
  public Tensor tensor(String key) {
    return tensors.get(key);
  }

  /** The name the file was read under (its path, or the label given to the byte reader). */
  public String displayName() {
    return displayName;
  }

  @Override
  public String toString() {
    return "SafetensorsFile(" + displayName + ", " + tensors + ")";
  }
}
