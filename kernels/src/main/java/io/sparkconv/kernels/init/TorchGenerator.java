package io.sparkconv.kernels.init;

/**
 * PyTorch's CPU random generator ({@code at::CPUGeneratorImpl}) as {@code torch.manual_seed(seed)}
 * leaves the default one: a standard 32-bit Mersenne Twister (mt19937) seeded with {@code
 * init_genrand} on the low 32 bits of the seed.
 *
 * <p>The sequence is the one of {@code aten/src/ATen/core/MT19937RNGEngine.h}: seed 5489 gives the
 * reference mt19937 outputs 3499211612, 581869302, 3890346734, ...; {@link #random64()} is two
 * draws, the first one the high word ({@code CPUGeneratorImpl::random64}).
 *
 * <p>Not thread-safe: a generator is a sequence, and its draws must happen in PyTorch's order.
 */
public final class TorchGenerator {
  private static final int N = 624;
  private static final int M = 397;
  private static final int MATRIX_A = 0x9908b0df;
  private static final int UPPER_MASK = 0x80000000;
  private static final int LOWER_MASK = 0x7fffffff;

  private final long seed;
  private final int[] state = new int[N];
  private int next;
  private int left;

  /**
   * A generator in the state {@code torch.manual_seed(seed)} gives. Only the low 32 bits count, as
   * in PyTorch ({@code state[0] = seed & 0xffffffff}); a negative Python seed is the same 64-bit
   * two's-complement value.
   */
  public TorchGenerator(long seed) {
    this.seed = seed;
    state[0] = (int) seed;
    for (int j = 1; j < N; j++) {
      int prev = state[j - 1];
      // uint32 arithmetic: Java's int multiply and add wrap modulo 2^32 exactly like C's uint32_t.
      state[j] = 1812433253 * (prev ^ (prev >>> 30)) + j;
    }
    // PyTorch starts with left = 1 so that the first draw regenerates the whole state.
    left = 1;
    next = 0;
  }

  /** The seed this generator was created with (all 64 bits, as {@code initial_seed()}). */
  public long initialSeed() {
    return seed;
  }

  /** The next 32-bit output; the bits of an unsigned value ({@code Integer.toUnsignedLong}). */
  public int random() {
    if (--left == 0) {
      nextState();
    }
    int y = state[next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y;
  }

  /** Two draws, the first one in the high 32 bits, as {@code CPUGeneratorImpl::random64}. */
  public long random64() {
    long hi = Integer.toUnsignedLong(random());
    long lo = Integer.toUnsignedLong(random());
    return (hi << 32) | lo;
  }

  private static int twist(int u, int v) {
    int mixed = (u & UPPER_MASK) | (v & LOWER_MASK);
    return (mixed >>> 1) ^ ((v & 1) != 0 ? MATRIX_A : 0);
  }

  private void nextState() {
    left = N;
    next = 0;
    int p = 0;
    for (; p < N - M; p++) {
      state[p] = state[p + M] ^ twist(state[p], state[p + 1]);
    }
    for (; p < N - 1; p++) {
      state[p] = state[p + M - N] ^ twist(state[p], state[p + 1]);
    }
    state[N - 1] = state[M - 1] ^ twist(state[N - 1], state[0]);
  }
}
