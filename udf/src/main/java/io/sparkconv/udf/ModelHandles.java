package io.sparkconv.udf;

import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.model.ModelDefinition;
import io.sparkconv.kernels.model.SequentialModel;
import io.sparkconv.kernels.tensor.DType;
import java.io.IOException;
import java.nio.file.Path;

/** Makes {@link ModelHandle}s from model files. */
public final class ModelHandles {
  private ModelHandles() {}

  /**
   * Reads a model JSON and its weights (or seeded initialisation) on the driver.
   *
   * @throws IOException when the model or its weights cannot be read
   * @throws IllegalArgumentException for an invalid model (the kernels' message)
   */
  public static ModelHandle load(Path modelJson) throws IOException {
    return of(ModelDefinition.load(modelJson));
  }

  /** Wraps a loaded definition. */
  public static ModelHandle of(ModelDefinition definition) {
    return new DefinitionHandle(definition);
  }

  private record DefinitionHandle(ModelDefinition definition) implements ModelHandle {
    @Override
    public DType dtype() {
      return definition.dtype();
    }

    @Override
    public int inChannels() {
      return definition.inChannels();
    }

    @Override
    public int[] outputShape(int[] inputShape) {
      return definition.outputShape(inputShape);
    }

    @Override
    public SequentialModel build(Device device, int threads) {
      return definition.build(device, threads);
    }
  }
}
