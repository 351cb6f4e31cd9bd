package io.sparkconv.kernels.model;

import io.sparkconv.kernels.backend.ConvPlan;
import io.sparkconv.kernels.backend.Pad;
import io.sparkconv.kernels.spec.ConvGeometry;
import io.sparkconv.kernels.spec.ConvShapes;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.tensor.Tensor;
import java.util.Objects;

/**
 * A Conv2d or ConvTranspose2d layer bound to a plan: validates each input against the spec
 * (PyTorch's rules and wording), applies reflect/replicate/circular padding, adds the batch
 * dimension for {@code (C, H, W)} input, and runs the plan.
 */
public final class ConvLayer implements Layer {
  private final String name;
  private final ConvSpec spec;
  private final ConvPlan plan;

  public ConvLayer(String name, ConvSpec spec, ConvPlan plan) {
    this.name = Objects.requireNonNull(name, "name");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.plan = Objects.requireNonNull(plan, "plan");
  }

  @Override
  public String name() {
    return name;
  }

  public ConvSpec spec() {
    return spec;
  }

  /** The backend running this layer, e.g. {@code cpu-vector}. */
  public String backendName() {
    return plan.backendName();
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    return ConvShapes.outputShape(spec, inputShape);
  }

  @Override
  public Tensor forward(Tensor input) {
    return forward(input, null);
  }

  @Override
  public Tensor forward(Tensor input, Workspace ws) {
    if (input.dtype() != spec.dtype()) {
      throw new IllegalArgumentException(
          "layer '"
              + name
              + "' expects "
              + spec.dtype()
              + " input, but got "
              + input.dtype()
              + " (Input type and weight type should be the same)");
    }
    ConvGeometry g = ConvShapes.geometry(spec, input.shape());
    boolean unbatched = input.dim() == 3;
    Tensor x = unbatched ? input.reshape(1, g.inC(), g.inH(), g.inW()) : input;
    if (g.needsPrePadding()) {
      x = Pad.apply(x, g);
      g = g.prePadded();
    }
    Tensor y =
        ws == null
            ? plan.run(x, g)
            : plan.runInto(x, g, ws.output(this, spec.dtype(), g.outputShape()));
    return unbatched ? y.reshape(g.outC(), g.outH(), g.outW()) : y;
  }

  @Override
  public void close() {
    plan.close();
  }

  @Override
  public String toString() {
    return name + ": " + spec + " [" + plan.backendName() + "]";
  }
}
