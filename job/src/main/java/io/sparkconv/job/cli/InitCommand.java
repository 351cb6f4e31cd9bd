package io.sparkconv.job.cli;

import io.sparkconv.kernels.model.ModelDefinition;
import io.sparkconv.kernels.safetensors.Safetensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sparkconv init}: writes the weights PyTorch gives a model with {@code init_seed}, under
 * state_dict keys.
 */
@Command(
    name = "init",
    description =
        "Write the seeded initial weights of a model with \"init_seed\" (bit for bit PyTorch's"
            + " torch.manual_seed(S) + constructing the layers) under state_dict keys.")
final class InitCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, description = "Model JSON with \"init_seed\".")
  Path model;

  @Option(names = "--output", required = true, description = "Safetensors file to write.")
  Path output;

  @Override
  public Integer call() throws Exception {
    ModelDefinition def = ModelDefinition.load(model);
    if (def.initSeed() == null) {
      throw new IllegalArgumentException(
          model + " has \"weights\", not \"init_seed\": there is nothing to initialise");
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("init_seed", Long.toUnsignedString(def.initSeed()));
    meta.put("model", model.getFileName().toString());
    Safetensors.write(output, def.stateDict(), meta);
    spec.commandLine()
        .getErr()
        .println(
            "sparkconv init: wrote "
                + def.stateDict().keySet()
                + " (seed "
                + def.initSeed()
                + ") to "
                + output);
    return 0;
  }
}
