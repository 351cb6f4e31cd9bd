/**
 * Weights and tensors in the safetensors format: a strict reader that accepts what
 * huggingface/safetensors accepts (and refuses PyTorch pickles with a conversion hint), and a
 * writer whose files the reference reader and {@code safetensors.torch.load_file} read as is. Entry
 * points: {@link io.sparkconv.kernels.safetensors.Safetensors#read(java.nio.file.Path)} and {@link
 * io.sparkconv.kernels.safetensors.Safetensors#write}.
 */
package io.sparkconv.kernels.safetensors;
