package io.sparkconv.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sparkconv.kernels.backend.ConvBackend;
import io.sparkconv.kernels.backend.ConvPlan;
import io.sparkconv.kernels.backend.Pad;
import io.sparkconv.kernels.backend.ReferenceBackend;
import io.sparkconv.kernels.spec.ConvGeometry;
import io.sparkconv.kernels.spec.ConvShapes;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.spec.Padding;
import io.sparkconv.kernels.spec.PaddingMode;
import io.sparkconv.kernels.spec.Size2;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential tests: the fast CPU backends against {@link ReferenceBackend} on shapes aimed at
 * loop tails (channels and widths around multiples of the tile and vector sizes), every layer
 * option and dtype. Integer-valued data makes float32 results exact, so any indexing bug shows as a
 * mismatch; random data checks the tolerance the golden files use.
 */
class CpuConvBackendTest {
  private static final ReferenceBackend REF = new ReferenceBackend();

  /** A layer and an input shape. */
  record Case(ConvSpec spec, int[] input) {
    @Override
    public String toString() {
      return spec + " input " + Arrays.toString(input);
    }
  }

  static ConvSpec.Builder conv(int in, int out, int kh, int kw) {
    return ConvSpec.conv2d(in, out, Size2.of(kh, kw));
  }

  static ConvSpec.Builder deconv(int in, int out, int kh, int kw) {
    return ConvSpec.convTranspose2d(in, out, Size2.of(kh, kw));
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    // GEMM tails: out channels around MR=8, widths around NR=32 / 16 lanes, H != W.
    for (int oc : new int[] {1, 7, 8, 9, 17}) {
      c.add(new Case(conv(3, oc, 3, 3).padding(Padding.of(1)).build(), new int[] {2, 3, 5, 33}));
    }
    for (int w : new int[] {15, 16, 17, 31, 32, 33, 47}) {
      c.add(new Case(conv(5, 12, 1, 1).build(), new int[] {1, 5, 3, w}));
    }
    c.add(new Case(conv(300, 9, 1, 1).bias(false).build(), new int[] {1, 300, 4, 5})); // K > KC
    // Weight block beyond OffsetGemmConv.ROWS_OUTER_BYTES: row blocks outside the panels.
    c.add(new Case(conv(520, 264, 1, 1).build(), new int[] {1, 520, 3, 45}));
    // 1×1 read in place, small images: packed panels of valid outputs across images (49 of 64
    // lanes per image), with groups.
    c.add(new Case(conv(40, 36, 1, 1).build(), new int[] {3, 40, 7, 7}));
    c.add(new Case(conv(64, 64, 1, 1).groups(2).bias(false).build(), new int[] {2, 64, 5, 5}));
    // 1×1 read in place with ≥ 4 row blocks: each K block of a run copied panel by panel
    // (OffsetGemmConv.packRun), runs spanning images, partial last panels skipped, groups.
    c.add(new Case(conv(48, 40, 1, 1).build(), new int[] {3, 48, 9, 23}));
    c.add(new Case(conv(64, 64, 1, 1).groups(2).build(), new int[] {2, 64, 8, 20}));
    c.add(new Case(conv(20, 16, 3, 3).padding(Padding.of(1)).build(), new int[] {2, 20, 17, 19}));
    c.add(new Case(conv(4, 6, 5, 5).build(), new int[] {3, 4, 5, 5})); // kernel = input
    // Winograd F(2x2,3x3) (float32, >= 16 in and out channels per group, >= 64 2x2 output tiles
    // per run): odd sizes, groups, tiles on the grid and packed across images (small outputs); the
    // same layers with fewer tiles run on the implicit GEMM. Few channels (outputs >= 48 per side,
    // one image per job): 16 -> 24, and 32 -> 17 unpadded, by F(4x4,3x3).
    c.add(new Case(conv(16, 24, 3, 3).padding(Padding.of(1)).build(), new int[] {2, 16, 48, 50}));
    c.add(new Case(conv(32, 17, 3, 3).build(), new int[] {1, 32, 51, 50}));
    for (int[] nhw : new int[][] {{3, 13, 15}, {1, 9, 11}, {11, 7, 6}}) {
      c.add(
          new Case(
              conv(48, 33, 3, 3).padding(Padding.of(1)).build(),
              new int[] {nhw[0], 48, nhw[1], nhw[2]}));
    }
    for (int[] nhw : new int[][] {{4, 15, 14}, {2, 7, 6}, {24, 7, 6}}) {
      c.add(
          new Case(
              conv(96, 64, 3, 3).groups(2).bias(false).build(),
              new int[] {nhw[0], 96, nhw[1], nhw[2]}));
    }
    c.add(
        new Case(conv(48, 40, 3, 3).padding(Padding.of(0, 2)).build(), new int[] {2, 48, 14, 40}));
    // Winograd F(4x4,3x3) (outputs >= 14 per side, >= 128 4x4 tiles, on the grid): partial tiles
    // at the right and bottom, groups.
    c.add(new Case(conv(48, 33, 3, 3).padding(Padding.of(1)).build(), new int[] {7, 48, 17, 30}));
    // ≥ 128 input channels and ≥ 64 4×4 tiles: F(4x4,3x3) on small maps, tiles packed across
    // images (WinogradVariants.F43_WIDE_CHANNELS).
    c.add(new Case(conv(128, 32, 3, 3).padding(Padding.of(1)).build(), new int[] {16, 128, 7, 6}));
    c.add(new Case(conv(96, 64, 3, 3).groups(2).bias(false).build(), new int[] {4, 96, 34, 32}));
    // Dilated 3x3 as d^2 undilated Winograd phases (sides multiples of d, padding a multiple of d
    // on all sides, enough tiles, 96 channels or d = 2 with phases 16 wide): d = 2, 3 (one phase
    // split at a time) and 4 (split four at once); the same layers otherwise on the general path.
    ConvSpec dil96 = conv(96, 96, 3, 3).dilation(Size2.of(2)).padding(Padding.of(2)).build();
    c.add(new Case(dil96, new int[] {4, 96, 14, 12}));
    c.add(
        new Case(
            conv(96, 96, 3, 3).dilation(Size2.of(4)).padding(Padding.of(4)).build(),
            new int[] {2, 96, 16, 16}));
    c.add(
        new Case(
            conv(192, 192, 3, 3).groups(2).dilation(Size2.of(3)).padding(Padding.of(3)).build(),
            new int[] {4, 192, 12, 9}));
    ConvSpec dil2 = conv(48, 40, 3, 3).dilation(Size2.of(2)).padding(Padding.of(2)).build();
    c.add(new Case(dil2, new int[] {4, 48, 14, 12}));
    c.add(new Case(dil2, new int[] {2, 48, 13, 12}));
    c.add(new Case(dil2, new int[] {4, 48, 34, 32})); // 16 phases of 17x16: F(4x4,3x3)
    c.add(
        new Case(
            conv(48, 40, 3, 3).dilation(Size2.of(2)).padding(Padding.of(4)).build(),
            new int[] {4, 48, 10, 10}));
    c.add(
        new Case(
            conv(96, 64, 3, 3)
                .groups(2)
                .dilation(Size2.of(3))
                .padding(Padding.of(3))
                .bias(false)
                .build(),
            new int[] {4, 96, 12, 9}));
    // Blocked direct convolution (input channels a multiple of 16, output channels of 32, outputs
    // at least 7 wide): tile widths 7 to 14, uneven last tiles, strides, dilation, 1×n and n×1,
    // asymmetric padding, several output-channel blocks, rows beyond one job; narrower outputs run
    // on the implicit GEMM.
    ConvSpec s2 = conv(32, 64, 3, 3).stride(Size2.of(2)).padding(Padding.of(1)).build();
    c.add(new Case(s2, new int[] {2, 32, 29, 31}));
    c.add(new Case(s2, new int[] {2, 32, 9, 9}));
    c.add(new Case(s2, new int[] {5, 32, 13, 14}));
    c.add(new Case(conv(16, 32, 1, 1).stride(Size2.of(2)).build(), new int[] {3, 16, 28, 30}));
    c.add(new Case(conv(48, 64, 5, 5).padding(Padding.of(2)).build(), new int[] {1, 48, 9, 20}));
    c.add(new Case(conv(32, 32, 1, 7).padding(Padding.of(0, 3)).build(), new int[] {2, 32, 5, 28}));
    c.add(new Case(conv(32, 32, 7, 1).padding(Padding.of(3, 0)).build(), new int[] {2, 32, 11, 9}));
    c.add(
        new Case(
            conv(16, 32, 2, 2)
                .stride(Size2.of(2, 3))
                .dilation(Size2.of(3))
                .padding(Padding.of(2, 1))
                .build(),
            new int[] {2, 16, 30, 37}));
    c.add(new Case(conv(16, 32, 4, 4).padding(Padding.SAME).build(), new int[] {1, 16, 9, 20}));
    // 7-wide maps: two rows per tile, an odd row left over (7 rows), stride 2, groups.
    c.add(new Case(s2, new int[] {2, 32, 14, 13}));
    c.add(
        new Case(
            conv(64, 64, 5, 5).groups(2).padding(Padding.of(2)).build(), new int[] {1, 64, 7, 7}));
    // Blocked with groups (channels per group multiples of 16 in, 32 out): each output block reads
    // its own group's channel blocks. Outputs under 16 wide: not the grouped direct path.
    c.add(
        new Case(
            conv(64, 64, 3, 3).groups(2).stride(Size2.of(2)).padding(Padding.of(1)).build(),
            new int[] {2, 64, 17, 19}));
    c.add(
        new Case(
            conv(64, 128, 5, 5).groups(4).padding(Padding.of(2)).build(),
            new int[] {1, 64, 9, 12}));
    c.add(
        new Case(
            conv(96, 64, 5, 5).groups(2).padding(Padding.of(2)).bias(false).build(),
            new int[] {2, 96, 10, 15}));
    // A Winograd layer's run too small for Winograd.
    c.add(new Case(conv(48, 64, 3, 3).padding(Padding.of(1)).build(), new int[] {1, 48, 9, 11}));
    c.add(
        new Case(
            conv(64, 96, 3, 3).stride(Size2.of(2)).padding(Padding.of(1)).bias(false).build(),
            new int[] {1, 64, 20, 60}));
    c.add(new Case(conv(48, 40, 3, 3).padding(Padding.of(0, 2)).build(), new int[] {1, 48, 3, 40}));
    c.add(new Case(conv(4, 6, 2, 2).stride(Size2.of(3)).build(), new int[] {1, 4, 10, 11}));
    c.add(
        new Case(
            conv(3, 10, 7, 7).stride(Size2.of(2)).padding(Padding.of(3)).build(),
            new int[] {2, 3, 41, 37}));
    c.add(
        new Case(
            conv(6, 8, 3, 2)
                .stride(Size2.of(2, 1))
                .padding(Padding.of(2, 0))
                .dilation(Size2.of(2, 3))
                .build(),
            new int[] {1, 6, 13, 14}));
    c.add(
        new Case(
            conv(8, 12, 3, 3).groups(4).padding(Padding.of(1)).build(), new int[] {2, 8, 9, 7}));
    c.add(new Case(conv(6, 6, 4, 4).padding(Padding.SAME).build(), new int[] {1, 6, 9, 10}));
    c.add(
        new Case(
            conv(3, 4, 3, 3).padding(Padding.of(1)).paddingMode(PaddingMode.REFLECT).build(),
            new int[] {1, 3, 6, 5}));
    c.add(new Case(conv(3, 5, 3, 3).build(), new int[] {0, 3, 8, 8})); // empty batch
    // Depthwise on small maps (outputs under two vectors wide): the padded plane flattened into
    // one long row (split in four when long enough), halo columns computed and dropped.
    c.add(
        new Case(
            conv(6, 12, 5, 5).groups(6).padding(Padding.of(2)).build(), new int[] {2, 6, 14, 14}));
    c.add(
        new Case(
            conv(8, 8, 3, 3).groups(8).stride(Size2.of(2)).padding(Padding.of(1)).build(),
            new int[] {3, 8, 14, 14}));
    c.add(
        new Case(
            conv(4, 4, 3, 3).groups(4).padding(Padding.of(1)).build(), new int[] {1, 4, 7, 7}));
    // Depthwise 16 channels at a time (channel-blocked): whole and partial channel blocks (16, 24,
    // 40, 5), 3×3/5×5/7×7 at strides 1 and 2 (the kernels that reuse input loads), stride 3,
    // dilation 2, rectangular kernels, asymmetric padding, padding past the kernel's reach, output
    // rows under 4, 4 to 7 (run as 8) and over 8 positions, bands of rows (56 wide), maps under 16
    // positions, bias off.
    c.add(
        new Case(
            conv(16, 16, 3, 3).groups(16).stride(Size2.of(2)).padding(Padding.of(1)).build(),
            new int[] {2, 16, 14, 14}));
    c.add(
        new Case(
            conv(24, 24, 5, 5).groups(24).stride(Size2.of(2)).padding(Padding.of(2)).build(),
            new int[] {2, 24, 28, 27}));
    c.add(
        new Case(
            conv(40, 40, 5, 5).groups(40).padding(Padding.of(2)).build(),
            new int[] {1, 40, 14, 13}));
    c.add(
        new Case(
            conv(24, 24, 7, 7).groups(24).padding(Padding.of(3)).bias(false).build(),
            new int[] {2, 24, 9, 56}));
    c.add(
        new Case(
            conv(16, 16, 7, 7).groups(16).stride(Size2.of(2)).padding(Padding.of(3)).build(),
            new int[] {1, 16, 19, 23}));
    c.add(
        new Case(
            conv(16, 16, 3, 3).groups(16).padding(Padding.of(1)).build(), new int[] {3, 16, 7, 7}));
    c.add(
        new Case(
            conv(17, 17, 3, 3).groups(17).stride(Size2.of(3)).padding(Padding.of(0, 1)).build(),
            new int[] {1, 17, 20, 31}));
    c.add(
        new Case(
            conv(16, 16, 3, 3)
                .groups(16)
                .stride(Size2.of(2))
                .dilation(Size2.of(2))
                .padding(Padding.of(2))
                .build(),
            new int[] {1, 16, 13, 30}));
    c.add(
        new Case(
            conv(32, 32, 1, 5).groups(32).stride(Size2.of(1, 2)).padding(Padding.of(0, 2)).build(),
            new int[] {1, 32, 6, 40}));
    c.add(
        new Case(
            conv(16, 16, 3, 3).groups(16).padding(Padding.of(4, 3)).build(),
            new int[] {1, 16, 4, 5}));
    c.add(
        new Case(
            conv(24, 24, 5, 5).groups(24).stride(Size2.of(2)).padding(Padding.of(2)).build(),
            new int[] {1, 24, 3, 3}));
    c.add(
        new Case(
            conv(20, 20, 5, 5).groups(20).stride(Size2.of(2)).padding(Padding.of(2)).build(),
            new int[] {2, 20, 9, 10}));
    c.add(
        new Case(
            conv(16, 16, 3, 3).groups(16).stride(Size2.of(2)).padding(Padding.of(1)).build(),
            new int[] {1, 16, 112, 9}));
    // Depthwise (direct kernel), with multiplier, strides, dilation, width tails.
    for (int w : new int[] {1, 15, 16, 33, 40}) {
      c.add(
          new Case(
              conv(5, 5, 3, 3).groups(5).padding(Padding.of(1)).build(), new int[] {2, 5, 6, w}));
    }
    c.add(
        new Case(
            conv(4, 8, 5, 5).groups(4).padding(Padding.of(2)).build(), new int[] {1, 4, 9, 21}));
    c.add(
        new Case(
            conv(6, 6, 3, 3).groups(6).stride(Size2.of(2)).padding(Padding.of(1)).build(),
            new int[] {1, 6, 11, 12}));
    c.add(
        new Case(
            conv(3, 3, 3, 3).groups(3).dilation(Size2.of(2)).padding(Padding.of(0, 3)).build(),
            new int[] {1, 3, 9, 8}));
    // Grouped direct convolution (2 to 32 input channels per group, outputs at least 16 wide and
    // 4 high): output channels per group not a multiple of 4, rows and widths that are not
    // multiples of the 4×16 step, exactly 4 rows and 16 columns, strides, dilation, 1×1, without
    // bias; and a run too low for it (implicit GEMM).
    c.add(
        new Case(
            conv(8, 12, 3, 3).groups(4).padding(Padding.of(1)).build(), new int[] {2, 8, 9, 17}));
    c.add(
        new Case(
            conv(12, 20, 3, 3).groups(4).padding(Padding.of(1)).bias(false).build(),
            new int[] {1, 12, 4, 33}));
    c.add(
        new Case(
            conv(16, 16, 5, 5).groups(4).padding(Padding.of(2)).build(), new int[] {2, 16, 7, 16}));
    c.add(
        new Case(
            conv(32, 32, 3, 3).groups(4).stride(Size2.of(2)).padding(Padding.of(1)).build(),
            new int[] {2, 32, 12, 40}));
    c.add(
        new Case(
            conv(64, 64, 3, 3).groups(2).dilation(Size2.of(2)).padding(Padding.of(2)).build(),
            new int[] {1, 64, 6, 20}));
    c.add(
        new Case(
            conv(24, 16, 1, 3).groups(8).stride(Size2.of(1, 3)).padding(Padding.of(0, 1)).build(),
            new int[] {2, 24, 5, 50}));
    c.add(new Case(conv(32, 32, 1, 1).groups(8).build(), new int[] {2, 32, 4, 20}));
    c.add(
        new Case(
            conv(8, 8, 3, 3).groups(2).padding(Padding.of(1)).build(), new int[] {1, 8, 3, 20}));
    // Packed panels of valid outputs (>= 32 output channels per group, a grid wasting > 10%):
    // panels spanning images, partial row blocks, K blocks, row blocks outside the panels, groups,
    // transposed phases.
    c.add(
        new Case(
            conv(20, 40, 3, 3).stride(Size2.of(2)).padding(Padding.of(1)).build(),
            new int[] {3, 20, 13, 11}));
    c.add(
        new Case(
            conv(30, 36, 3, 3).padding(Padding.of(2)).dilation(Size2.of(2)).build(),
            new int[] {2, 30, 7, 9}));
    c.add(
        new Case(
            conv(128, 300, 3, 3).padding(Padding.of(1)).bias(false).build(),
            new int[] {2, 128, 4, 5}));
    c.add(new Case(conv(16, 33, 5, 5).padding(Padding.of(2)).build(), new int[] {1, 16, 3, 7}));
    c.add(
        new Case(
            conv(64, 64, 3, 3).groups(2).stride(Size2.of(2)).padding(Padding.of(1)).build(),
            new int[] {3, 64, 6, 5}));
    c.add(
        new Case(
            deconv(40, 36, 3, 3)
                .stride(Size2.of(2))
                .padding(Padding.of(1))
                .outputPadding(Size2.of(1))
                .build(),
            new int[] {2, 40, 5, 6}));
    // 1×1 in place with whole row blocks: tiles stored straight into the output (batch > 1,
    // partial last panel, groups).
    c.add(new Case(conv(16, 16, 1, 1).build(), new int[] {3, 16, 5, 13}));
    c.add(new Case(conv(32, 48, 1, 1).groups(2).bias(false).build(), new int[] {2, 32, 3, 11}));
    // 1×1 stride 2: one of the four stride phases is copied (the others hold stale values).
    c.add(new Case(conv(24, 40, 1, 1).stride(Size2.of(2)).build(), new int[] {2, 24, 9, 11}));
    c.add(new Case(conv(5, 7, 1, 1).stride(Size2.of(3, 2)).build(), new int[] {1, 5, 10, 35}));
    // Strides of 3 and more: each padded row split into its column phases (4 phases at once,
    // else one gather per phase; strides past the gather table element by element). Patch
    // embeddings (kernel = stride, no padding): panels gathered straight from the input, patch
    // rows split 4, 2 or 1 columns at a time or by gathers; partial rows, partial panels, groups.
    c.add(new Case(conv(3, 16, 4, 4).stride(Size2.of(4)).build(), new int[] {2, 3, 72, 100}));
    c.add(new Case(conv(5, 8, 3, 3).stride(Size2.of(3)).build(), new int[] {2, 5, 52, 61}));
    c.add(
        new Case(
            conv(4, 9, 3, 3).stride(Size2.of(4)).padding(Padding.of(1)).build(),
            new int[] {1, 4, 70, 80}));
    c.add(new Case(conv(6, 8, 1, 1).stride(Size2.of(4)).build(), new int[] {2, 6, 9, 70}));
    c.add(
        new Case(
            conv(3, 24, 16, 16).stride(Size2.of(16)).bias(false).build(),
            new int[] {2, 3, 64, 288}));
    c.add(new Case(conv(1, 8, 40, 40).stride(Size2.of(40)).build(), new int[] {1, 1, 80, 720}));
    c.add(new Case(conv(5, 12, 2, 2).stride(Size2.of(2)).build(), new int[] {2, 5, 40, 70}));
    c.add(new Case(conv(4, 8, 3, 1).stride(Size2.of(3, 1)).build(), new int[] {1, 4, 31, 40}));
    c.add(
        new Case(
            conv(6, 12, 4, 4).groups(3).stride(Size2.of(4)).build(), new int[] {2, 6, 37, 81}));
    // Depthwise with stride > 1 in width (column-phase planes): output widths below, at and past
    // the vector tile, odd sizes, multiplier, dilation equal to the stride, asymmetric padding.
    for (int w : new int[] {7, 33, 64, 71}) {
      c.add(
          new Case(
              conv(6, 6, 3, 3).groups(6).stride(Size2.of(2)).padding(Padding.of(1)).build(),
              new int[] {2, 6, 9, w}));
    }
    c.add(
        new Case(
            conv(3, 6, 5, 5).groups(3).stride(Size2.of(1, 3)).padding(Padding.of(2, 1)).build(),
            new int[] {1, 3, 8, 100}));
    c.add(
        new Case(
            conv(4, 4, 3, 3)
                .groups(4)
                .stride(Size2.of(2))
                .dilation(Size2.of(2))
                .padding(Padding.of(2))
                .build(),
            new int[] {2, 4, 13, 75}));
    c.add(
        new Case(
            conv(2, 2, 3, 2).groups(2).stride(Size2.of(3, 2)).padding(Padding.of(0, 1)).build(),
            new int[] {1, 2, 10, 67}));
    // Dense runs (every output reads the whole image): a kernel covering the unpadded input, a
    // transposed convolution of a 1×1 input; partial row blocks and panels, several K blocks,
    // no bias. The same layers on larger inputs run the general paths.
    c.add(new Case(conv(16, 40, 7, 7).build(), new int[] {3, 16, 7, 7}));
    c.add(new Case(conv(16, 40, 7, 7).build(), new int[] {2, 16, 9, 8}));
    c.add(new Case(conv(5, 33, 3, 2).bias(false).build(), new int[] {9, 5, 3, 2}));
    c.add(new Case(deconv(100, 24, 4, 4).build(), new int[] {10, 100, 1, 1}));
    c.add(new Case(deconv(100, 24, 4, 4).build(), new int[] {2, 100, 2, 3}));
    c.add(
        new Case(
            deconv(7, 5, 3, 2).stride(Size2.of(2)).bias(false).build(), new int[] {1, 7, 1, 1}));
    // ConvTranspose2d: phases, stride > kernel, output_padding, groups, dilation.
    // Depthwise ConvTranspose2d (one input channel per group, direct phases): stride 2 woven with
    // odd and even widths, a multiplier with output padding, stride 3 with dilation (generic
    // weave), stride 1, stride past the kernel (phases with no taps: bias only), 9-tap phases
    // over vector-wide rows, rectangular kernel and stride.
    c.add(
        new Case(
            deconv(16, 16, 4, 4).groups(16).stride(Size2.of(2)).padding(Padding.of(1)).build(),
            new int[] {2, 16, 9, 10}));
    c.add(
        new Case(
            deconv(8, 16, 3, 3)
                .groups(8)
                .stride(Size2.of(2))
                .padding(Padding.of(1))
                .outputPadding(Size2.of(1))
                .build(),
            new int[] {2, 8, 7, 5}));
    c.add(
        new Case(
            deconv(6, 6, 3, 3)
                .groups(6)
                .stride(Size2.of(3))
                .dilation(Size2.of(2))
                .padding(Padding.of(2))
                .build(),
            new int[] {1, 6, 5, 6}));
    c.add(new Case(deconv(5, 5, 2, 2).groups(5).build(), new int[] {1, 5, 6, 7}));
    c.add(
        new Case(deconv(4, 4, 1, 1).groups(4).stride(Size2.of(3)).build(), new int[] {1, 4, 3, 4}));
    c.add(
        new Case(
            deconv(32, 32, 5, 5)
                .groups(32)
                .stride(Size2.of(2))
                .padding(Padding.of(2))
                .outputPadding(Size2.of(1))
                .bias(false)
                .build(),
            new int[] {1, 32, 20, 37}));
    c.add(
        new Case(
            deconv(3, 6, 4, 3).groups(3).stride(Size2.of(2, 1)).padding(Padding.of(1, 0)).build(),
            new int[] {2, 3, 6, 11}));
    // Stride 2 in width on the grid: column phases 0 and 1 computed in the same jobs and woven
    // into whole output rows (odd output widths: phase 1 one column shorter).
    c.add(
        new Case(
            deconv(6, 10, 3, 3).stride(Size2.of(2)).padding(Padding.of(1)).build(),
            new int[] {2, 6, 9, 21}));
    c.add(
        new Case(
            deconv(16, 40, 3, 3)
                .stride(Size2.of(2))
                .padding(Padding.of(1))
                .outputPadding(Size2.of(1))
                .build(),
            new int[] {1, 16, 20, 30}));
    c.add(
        new Case(
            deconv(8, 12, 3, 3).stride(Size2.of(1, 2)).padding(Padding.of(0, 1)).build(),
            new int[] {2, 8, 5, 40}));
    c.add(
        new Case(
            deconv(9, 17, 4, 4).stride(Size2.of(2)).padding(Padding.of(1)).build(),
            new int[] {2, 9, 6, 7}));
    // Blocked ConvTranspose2d (16k in, 32k out per group): phases of 1 to 3 taps per axis, the
    // column phases woven, two bands, two tiles per phase row, output padding, groups, padding
    // past the first tap (no tile at m = 0), a kernel shorter than the stride in height (a row
    // phase of no taps: bias only), kernel = stride; phases narrower than 7, and kernel = stride
    // on maps of 1024 positions or more, on the phase GEMM.
    c.add(
        new Case(
            deconv(16, 32, 3, 3)
                .stride(Size2.of(2))
                .padding(Padding.of(1))
                .outputPadding(Size2.of(1))
                .build(),
            new int[] {2, 16, 5, 9}));
    c.add(
        new Case(
            deconv(32, 64, 3, 3).stride(Size2.of(2)).padding(Padding.of(1)).groups(2).build(),
            new int[] {1, 32, 5, 16}));
    c.add(new Case(deconv(16, 32, 2, 2).stride(Size2.of(2)).build(), new int[] {3, 16, 3, 8}));
    c.add(new Case(deconv(16, 32, 2, 2).stride(Size2.of(2)).build(), new int[] {1, 16, 32, 33}));
    c.add(
        new Case(
            deconv(32, 32, 5, 5)
                .stride(Size2.of(2))
                .padding(Padding.of(2))
                .outputPadding(Size2.of(1))
                .bias(false)
                .build(),
            new int[] {1, 32, 6, 16}));
    c.add(
        new Case(
            deconv(16, 32, 3, 3).stride(Size2.of(2)).padding(Padding.of(2)).build(),
            new int[] {1, 16, 6, 17}));
    c.add(
        new Case(
            deconv(16, 32, 1, 3).stride(Size2.of(2, 3)).padding(Padding.of(0, 1)).build(),
            new int[] {2, 16, 4, 9}));
    c.add(new Case(deconv(16, 32, 4, 4).stride(Size2.of(4)).build(), new int[] {1, 16, 2, 7}));
    c.add(
        new Case(
            deconv(16, 32, 3, 3).stride(Size2.of(2)).padding(Padding.of(1)).build(),
            new int[] {1, 16, 3, 6}));
    c.add(new Case(deconv(4, 3, 2, 2).stride(Size2.of(2)).build(), new int[] {1, 4, 5, 33}));
    c.add(new Case(deconv(3, 5, 3, 3).build(), new int[] {1, 3, 4, 6}));
    // Stride-1 ConvTranspose2d as the equivalent Conv2d (flipped kernel, padding d·(k−1) − p):
    // Winograd, the blocked path, depthwise, dilation with output padding (allowed below the
    // dilation), asymmetric padding; padding beyond d·(k−1) stays on the transposed path.
    c.add(new Case(deconv(64, 48, 3, 3).padding(Padding.of(1)).build(), new int[] {2, 64, 20, 18}));
    c.add(
        new Case(
            deconv(32, 32, 5, 5).padding(Padding.of(2, 1)).bias(false).build(),
            new int[] {1, 32, 9, 12}));
    c.add(
        new Case(
            deconv(8, 16, 3, 3).groups(8).padding(Padding.of(1)).build(), new int[] {2, 8, 7, 19}));
    c.add(
        new Case(
            deconv(6, 10, 3, 2)
                .groups(2)
                .dilation(Size2.of(1, 2))
                .padding(Padding.of(2, 0))
                .outputPadding(Size2.of(0, 1))
                .build(),
            new int[] {2, 6, 5, 7}));
    c.add(new Case(deconv(4, 5, 3, 3).padding(Padding.of(3, 2)).build(), new int[] {1, 4, 9, 8}));
    c.add(new Case(deconv(2, 3, 2, 2).stride(Size2.of(3)).build(), new int[] {1, 2, 4, 3}));
    c.add(
        new Case(
            deconv(4, 6, 3, 3)
                .stride(Size2.of(2, 3))
                .padding(Padding.of(1, 2))
                .outputPadding(Size2.of(1, 2))
                .dilation(Size2.of(2, 1))
                .groups(2)
                .build(),
            new int[] {2, 4, 5, 6}));
    c.add(new Case(deconv(3, 4, 3, 3).stride(Size2.of(2)).build(), new int[] {0, 3, 4, 4}));
    // Kernel = stride, no padding: all phases read the same input, run as one stacked GEMM
    // (output_padding makes phase grids differ; groups; rectangular; packed panels).
    c.add(new Case(deconv(40, 36, 2, 2).stride(Size2.of(2)).build(), new int[] {2, 40, 5, 7}));
    c.add(
        new Case(
            deconv(6, 5, 2, 2).stride(Size2.of(2)).outputPadding(Size2.of(1)).build(),
            new int[] {1, 6, 5, 9}));
    c.add(
        new Case(
            deconv(4, 6, 3, 3).stride(Size2.of(3)).groups(2).bias(false).build(),
            new int[] {1, 4, 4, 5}));
    c.add(new Case(deconv(3, 4, 2, 3).stride(Size2.of(2, 3)).build(), new int[] {2, 3, 6, 7}));
    for (int opw : new int[] {0, 1}) { // rows woven by the vector kernel, odd output width
      c.add(
          new Case(
              deconv(8, 8, 2, 2).stride(Size2.of(2)).outputPadding(Size2.of(0, opw)).build(),
              new int[] {1, 8, 3, 37}));
    }
    c.add(
        new Case(
            deconv(32, 32, 2, 2).stride(Size2.of(2)).outputPadding(Size2.of(1, 0)).build(),
            new int[] {3, 32, 3, 4}));

    ConvSpec up = deconv(48, 32, 4, 4).stride(Size2.of(2)).padding(Padding.of(1)).build();
    ConvSpec unevenUp =
        deconv(48, 33, 4, 4).stride(Size2.of(2)).padding(Padding.of(3, 2)).bias(false).build();
    ConvSpec groupedUp =
        deconv(96, 64, 4, 4).stride(Size2.of(2)).groups(2).outputPadding(Size2.of(1, 0)).build();
    // Winograd F(2x2,2x2) phases of ConvTranspose2d 4x4 stride 2 (>= 48 in / 32 out per group,
    // >= 128 output tiles; below, the implicit GEMM), on the grid (66x40) and packed; 34x36 runs
    // F(4x4,2x2).
    for (int[] nhw : new int[][] {{4, 6, 7}, {4, 5, 7}, {1, 17, 18}, {1, 33, 20}, {9, 3, 4}}) {
      c.add(new Case(up, new int[] {nhw[0], 48, nhw[1], nhw[2]}));
    }
    c.add(new Case(groupedUp, new int[] {4, 96, 5, 6}));
    // Odd output widths: the second column phase's last tile is partial (width 15, and 19 with
    // 4x4 tiles) or the phase has one tile column fewer (13).
    for (int[] nhw : new int[][] {{4, 6, 7}, {4, 6, 6}, {2, 8, 9}}) {
      c.add(
          new Case(
              deconv(48, 32, 4, 4)
                  .stride(Size2.of(2))
                  .padding(Padding.of(1))
                  .outputPadding(Size2.of(nhw[1] == 8 ? 1 : 0, 1))
                  .build(),
              new int[] {nhw[0], 48, nhw[1], nhw[2]}));
    }
    c.add(new Case(unevenUp, new int[] {4, 48, 8, 7}));
    c.add(new Case(groupedUp, new int[] {1, 96, 4, 3}));
    c.add(new Case(unevenUp, new int[] {2, 48, 6, 5}));
    // F(4x4,2x2) phases (outputs 16 to 32 per side): 24x20, and 22x20 with uneven padding.
    c.add(new Case(up, new int[] {2, 48, 12, 10}));
    c.add(new Case(unevenUp, new int[] {2, 48, 13, 11}));
    // F(4x4,2x2) on the compact source (tiles read in place): 64x64; 56x60 with uneven padding and
    // partial tiles; groups with output padding (51x42); 32x81 with 128 channels (wider than 64),
    // where the column phases have 11 and 10 tiles on a pitch of 11.
    c.add(new Case(up, new int[] {1, 48, 32, 32}));
    c.add(new Case(unevenUp, new int[] {1, 48, 30, 31}));
    c.add(new Case(groupedUp, new int[] {1, 96, 24, 20}));
    c.add(
        new Case(
            deconv(128, 32, 4, 4)
                .stride(Size2.of(2))
                .padding(Padding.of(1))
                .outputPadding(Size2.of(0, 1))
                .build(),
            new int[] {1, 128, 16, 40}));
    return c;
  }

  static Stream<Arguments> backendsAndCases() {
    List<ConvBackend> backends = new ArrayList<>();
    CpuConvBackend.vector().ifPresent(backends::add);
    backends.add(CpuConvBackend.scalar());
    return backends.stream().flatMap(b -> cases().stream().map(c -> Arguments.of(b, c)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("backendsAndCases")
  void integerInputsAreExact(ConvBackend backend, Case c) {
    for (DType dt : DType.values()) {
      for (int threads : new int[] {1, 3}) {
        compare(
            backend,
            c.spec().withDtype(dt),
            c.input(),
            11L * threads + dt.ordinal(),
            true,
            threads);
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("backendsAndCases")
  void randomInputsWithinTolerance(ConvBackend backend, Case c) {
    for (DType dt : DType.values()) {
      compare(backend, c.spec().withDtype(dt), c.input(), 97L + dt.ordinal(), false, 2);
    }
  }

  /**
   * The implicit GEMM's job plans at 1 to 5 threads: panel runs of unequal length (13 packed panels
   * in 2 runs, rounded up to a multiple of the threads), runs per group and per transposed phase,
   * and output-channel splits when a layer has fewer panel runs than threads.
   */
  @Test
  void gemmJobPlansCoverEveryOutputAtAnyThreadCount() {
    List<Case> plans =
        List.of(
            // 8 images of 7×7 packed: 13 panels, 2 runs of 7 and 6.
            new Case(conv(16, 40, 3, 3).padding(Padding.of(1)).build(), new int[] {8, 16, 7, 7}),
            // One panel, 5 output-channel blocks: split across threads.
            new Case(conv(8, 40, 3, 3).padding(Padding.of(1)).build(), new int[] {1, 8, 3, 4}),
            // Stride 2 on 28×28 (dilated taps): 13 grid runs.
            new Case(
                conv(8, 16, 3, 3).stride(Size2.of(2)).padding(Padding.of(1)).build(),
                new int[] {2, 8, 28, 27}),
            // 3 groups: the run count per group rounds to make groups × runs a multiple.
            new Case(
                conv(6, 96, 3, 3).groups(3).padding(Padding.of(1)).build(),
                new int[] {3, 6, 9, 10}),
            // 4 transposed phases, 5 runs each.
            new Case(
                deconv(8, 16, 3, 3)
                    .stride(Size2.of(2))
                    .padding(Padding.of(1))
                    .outputPadding(Size2.of(1))
                    .build(),
                new int[] {2, 8, 9, 17}));
    ConvBackend backend = CpuConvBackend.vector().orElse(CpuConvBackend.scalar());
    for (Case c : plans) {
      for (int threads = 1; threads <= 5; threads++) {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
          compare(backend, c.spec().withDtype(dt), c.input(), 5L * threads, true, threads);
        }
      }
    }
  }

  @Test
  void vectorBackendIsUsedWhenTheModuleIsEnabled() {
    // The surefire argLine adds the module, so the fast path must be the one under test here.
    assertTrue(
        CpuKernelsProvider.vectorAvailable(),
        "Vector API unavailable: " + CpuKernelsProvider.vectorUnavailableReason().orElse(""));
    assertEquals(CpuConvBackend.VECTOR_NAME, CpuConvBackend.vector().orElseThrow().name());
  }

  /** The cases above read the input all five ways the implicit GEMM has. */
  @Test
  void gemmCasesCoverEveryInputPath() {
    Set<String> seen = new TreeSet<>();
    for (Case c : cases()) {
      ConvLayout lay = ConvLayout.of(c.spec(), 1);
      if (DepthwiseConv.applies(lay)) {
        continue;
      }
      int w = c.spec().inChannels() * lay.outC() / lay.groups() * lay.kH() * lay.kW();
      OffsetGemmConv gc =
          new OffsetGemmConv(CpuKernelsProvider.scalar(), lay, new float[w], null, 1);
      seen.add(gc.inputPath(ConvShapes.geometry(c.spec(), c.input())));
    }
    assertEquals(
        "[copied grid, copied packed, direct grid, direct packed, patches]", seen.toString());
  }

  /**
   * The cases above run stride-1 ConvTranspose2d as Conv2d (with and without padding, output
   * padding, groups, dilation) and on the transposed path where the padding exceeds d·(k−1).
   */
  @Test
  void strideOneTransposedCasesCoverForwardAndFallback() {
    Set<String> seen = new TreeSet<>();
    for (Case c : cases()) {
      ConvSpec s = c.spec();
      if (s.transposed() && s.stride().h() == 1 && s.stride().w() == 1) {
        seen.add(CpuConvBackend.runsAsForward(s) ? "forward" : "transposed");
        if (CpuConvBackend.runsAsForward(s)) {
          ConvGeometry g = ConvShapes.geometry(s, c.input());
          ConvGeometry f = CpuConvBackend.forwardGeometry(g);
          int[] expect =
              ConvShapes.geometry(
                      conv(s.inChannels(), s.outChannels(), s.kernelSize().h(), s.kernelSize().w())
                          .dilation(s.dilation())
                          .groups(s.groups())
                          .padding(Padding.of(f.padTop(), f.padLeft()))
                          .build(),
                      c.input())
                  .outputShape();
          // The forward geometry's bottom/right padding makes up the output padding.
          assertEquals(g.outH() - expect[2], f.padBottom() - f.padTop(), "extra rows for " + c);
          assertEquals(g.outW() - expect[3], f.padRight() - f.padLeft(), "extra columns for " + c);
        }
      }
    }
    assertEquals("[forward, transposed]", seen.toString());
  }

  /** The cases above run both kinds of dense runs, and other runs of the same layers elsewhere. */
  @Test
  void denseCasesCoverBothKindsAndFallback() {
    Set<String> seen = new TreeSet<>();
    for (Case c : cases()) {
      if (DenseConv.applies(c.spec())) {
        boolean dense = DenseConv.fits(c.spec(), ConvShapes.geometry(c.spec(), c.input()));
        seen.add((c.spec().transposed() ? "transposed " : "conv ") + (dense ? "dense" : "general"));
      }
    }
    assertEquals(
        "[conv dense, conv general, transposed dense, transposed general]", seen.toString());
  }

  /**
   * The cases above run dilated layers as Winograd phases (d = 2, 3, 4) and on the general path.
   */
  @Test
  void dilatedCasesCoverPhasesAndFallback() {
    Set<String> seen = new TreeSet<>();
    for (Case c : cases()) {
      ConvLayout lay = ConvLayout.of(c.spec(), 1);
      if (DilatedWinograd.applies(lay)) {
        int w = c.spec().inChannels() * lay.outC() / lay.groups() * 9;
        DilatedWinograd dw =
            new DilatedWinograd(CpuKernelsProvider.scalar(), lay, new float[w], null, 1);
        seen.add(
            dw.fits(ConvShapes.geometry(c.spec(), c.input())) ? "phases d" + lay.dH() : "general");
      }
    }
    assertEquals("[general, phases d2, phases d3, phases d4]", seen.toString());
  }

  /**
   * The cases above run Winograd both ways (grid and packed), forward by F(2x2,3x3) and F(4x4,3x3),
   * transposed, and dilated layers by both forward variants.
   */
  @Test
  void winogradCasesCoverGridAndPackedTiles() {
    Set<String> seen = new TreeSet<>();
    for (Case c : cases()) {
      ConvLayout lay = ConvLayout.of(c.spec(), 1);
      ConvGeometry g = ConvShapes.geometry(c.spec(), c.input());
      float[] w =
          new float[c.spec().inChannels() * lay.outC() / lay.groups() * lay.kH() * lay.kW()];
      if (DilatedWinograd.applies(lay)) {
        DilatedWinograd dw = new DilatedWinograd(CpuKernelsProvider.scalar(), lay, w, null, 1);
        if (dw.fits(g)) {
          WinogradVariants wc =
              new WinogradVariants(
                  CpuKernelsProvider.scalar(), DilatedWinograd.undilated(lay), w, null, 1);
          seen.add("dilated " + (wc.usesLarge(dw.phases(g)) ? "f43" : "f23"));
        }
      } else if (WinogradConv.applies(lay) && WinogradConv.pays(g, 2)) {
        WinogradVariants wc = new WinogradVariants(CpuKernelsProvider.scalar(), lay, w, null, 1);
        String variant =
            lay.transposed()
                ? (wc.usesLarge(g) ? "t42 " : "t22 ")
                : (wc.usesLarge(g) ? "f43 " : "f23 ");
        seen.add(variant + (wc.packs(g) ? "packed" : "grid"));
      }
    }
    assertEquals(
        "[dilated f23, dilated f43, f23 grid, f23 packed, f43 grid, f43 packed, t22 grid, t22"
            + " packed, t42 grid, t42 packed]",
        seen.toString());
  }

  /**
   * The cases above run the blocked convolution at tile widths 7 to 10, 12 and 14 (uneven last
   * tiles included), with groups of 16, 32, 48 and 96 input channels, and fall back to the implicit
   * GEMM for narrow outputs; ConvTranspose2d ("t") at widths 7 to 11 and 14 per column phase, and
   * on the phase GEMM where a phase is narrow.
   */
  @Test
  void blockedCasesCoverTileWidthsAndFallback() {
    CpuKernels k = CpuKernelsProvider.vectorAvailable() ? CpuKernelsProvider.vector() : null;
    if (k == null || k.blockedOc() == 0) {
      System.out.println(
          "blockedCasesCoverTileWidthsAndFallback: skipped, no blocked tile on this machine ("
              + (k == null ? "no Vector API" : k.description())
              + ")");
      return;
    }
    Set<String> seen = new TreeSet<>();
    for (Case c : cases()) {
      ConvLayout lay = ConvLayout.of(c.spec(), 1);
      if (!BlockedConv.applies(lay, k)) {
        continue;
      }
      float[] w = new float[lay.inC() * lay.outCPerGroup() * lay.kH() * lay.kW()];
      BlockedConv bc = new BlockedConv(k, lay, w, null, 1);
      ConvGeometry g = ConvShapes.geometry(c.spec(), c.input());
      String kind = lay.transposed() ? "t" : "";
      seen.add(bc.fits(g) ? kind + "w" + bc.tileWidth(g) : kind + "gemm");
      if (bc.fits(g) && lay.groups() > 1) {
        seen.add("g" + lay.inCPerGroup() + "x" + lay.outCPerGroup());
      }
    }
    assertEquals(
        "[g16x32, g32x32, g48x32, g96x96, gemm, tgemm, tw10, tw11, tw14, tw7, tw8, tw9, w10, w11,"
            + " w12, w14, w7, w8, w9]",
        seen.toString());
  }

  /**
   * The cases above run depthwise layers both channel-blocked (partial blocks, each specialised
   * kernel width at strides 1 and 2, the generic taps) and planar (wide stride-1 rows, channel
   * multipliers).
   */
  @Test
  void depthwiseCasesCoverBlockedAndPlanar() {
    CpuKernels k = CpuKernelsProvider.vectorAvailable() ? CpuKernelsProvider.vector() : null;
    if (k == null || k.lanes() != CpuKernels.BLOCK_C) {
      System.out.println(
          "depthwiseCasesCoverBlockedAndPlanar: skipped, no 16-lane vectors on this machine ("
              + (k == null ? "no Vector API" : k.description())
              + ")");
      return;
    }
    Set<String> seen = new TreeSet<>();
    for (Case c : cases()) {
      ConvLayout lay = ConvLayout.of(c.spec(), 1);
      if (!DepthwiseConv.applies(lay)) {
        continue;
      }
      ConvGeometry g = ConvShapes.geometry(c.spec(), c.input());
      if (!BlockedDepthwise.applies(lay, k) || !BlockedDepthwise.fits(g)) {
        seen.add("planar");
        continue;
      }
      seen.add(lay.outC() % CpuKernels.BLOCK_C == 0 ? "whole" : "partial");
      boolean unit = g.dW() == 1 && g.sW() <= 2 && g.outW() >= 8;
      seen.add(unit && g.kW() % 2 == 1 && g.kW() >= 3 ? g.kW() + "s" + g.sW() : "taps");
    }
    assertEquals("[3s1, 3s2, 5s1, 5s2, 7s1, 7s2, partial, planar, taps, whole]", seen.toString());
  }

  /**
   * A blocked depthwise plan zeroes its plane's halo once per geometry: runs of one plan on
   * shrinking, growing and again shrinking inputs (rows that were input become padding) equal a
   * fresh plan's runs, planar, blocked and transposed.
   */
  @Test
  void depthwisePlanRunsChangingGeometries() {
    List<ConvBackend> backends = new ArrayList<>();
    CpuConvBackend.vector().ifPresent(backends::add);
    backends.add(CpuConvBackend.scalar());
    Random rnd = new Random(8);
    for (ConvSpec spec :
        List.of(
            conv(20, 20, 3, 3).groups(20).stride(Size2.of(2, 1)).padding(Padding.of(1)).build(),
            conv(20, 20, 5, 5).groups(20).stride(Size2.of(2)).padding(Padding.of(2)).build(),
            deconv(20, 20, 4, 4).groups(20).stride(Size2.of(2)).padding(Padding.of(1)).build())) {
      Tensor w = fill(DType.FLOAT32, spec.weightShape(), rnd, true);
      Tensor b = fill(DType.FLOAT32, spec.biasShape(), rnd, true);
      for (ConvBackend backend : backends) {
        try (ConvPlan ref = REF.plan(spec, w, b, 1);
            ConvPlan plan = backend.plan(spec, w, b, 2)) {
          for (int[] in :
              new int[][] {
                {2, 20, 14, 40}, {2, 20, 13, 40}, {1, 20, 14, 41}, {2, 20, 12, 9}, {2, 20, 13, 40}
              }) {
            Tensor x = fill(DType.FLOAT32, in, rnd, true);
            ConvGeometry g = ConvShapes.geometry(spec, in);
            assertEquals(
                Arrays.toString(ref.run(x, g).floats()),
                Arrays.toString(plan.run(x, g).floats()),
                backend.name() + " " + spec + " " + Arrays.toString(in));
          }
        }
      }
    }
  }

  /**
   * A seeded sweep of ConvTranspose2d geometries the blocked path takes (kernels 1 to 5, strides 1
   * to 4 per axis, padding up to past the kernel, output padding, groups, odd sizes) against the
   * reference, on 1 to 3 threads; most must run blocked, so the sweep cannot pass by falling back.
   */
  @Test
  void blockedTransposedRandomGeometriesMatchTheReference() {
    CpuKernels k = CpuKernelsProvider.vectorAvailable() ? CpuKernelsProvider.vector() : null;
    if (k == null || k.blockedOc() == 0) {
      System.out.println(
          "blockedTransposedRandomGeometriesMatchTheReference: skipped, no blocked tile on this"
              + " machine ("
              + (k == null ? "no Vector API" : k.description())
              + ")");
      return;
    }
    ConvBackend vector = CpuConvBackend.vector().orElseThrow();
    Random rnd = new Random(2026);
    int blocked = 0;
    int run = 0;
    while (run < 48) {
      int groups = 1 + rnd.nextInt(2);
      int in = 16 * groups * (1 + rnd.nextInt(2));
      int out = 32 * groups * (1 + rnd.nextInt(2));
      int kh = 1 + rnd.nextInt(5);
      int kw = 1 + rnd.nextInt(5);
      int sh = 1 + rnd.nextInt(4);
      int sw = 2 + rnd.nextInt(3);
      int ph = rnd.nextInt(kh + 1);
      int pw = rnd.nextInt(kw + 1);
      int oph = rnd.nextInt(sh);
      int opw = rnd.nextInt(sw);
      int[] x = {1 + rnd.nextInt(2), in, 2 + rnd.nextInt(8), 3 + rnd.nextInt(10)};
      int oh = (x[2] - 1) * sh - 2 * ph + kh + oph;
      int ow = (x[3] - 1) * sw - 2 * pw + kw + opw;
      if (oh < 1 || ow < 1) {
        continue;
      }
      ConvSpec spec =
          deconv(in, out, kh, kw)
              .groups(groups)
              .stride(Size2.of(sh, sw))
              .padding(Padding.of(ph, pw))
              .outputPadding(Size2.of(oph, opw))
              .bias(rnd.nextBoolean())
              .build();
      ConvLayout lay = ConvLayout.of(spec, 1);
      float[] w = new float[lay.inC() * lay.outCPerGroup() * kh * kw];
      if (new BlockedConv(k, lay, w, null, 1).fits(ConvShapes.geometry(spec, x))) {
        blocked++;
      }
      compare(vector, spec, x, 500L + run, false, 1 + run % 3);
      run++;
    }
    assertTrue(blocked >= 24, "blocked runs in the sweep: " + blocked);
  }

  /**
   * A blocked plan keeps a band's copy across the jobs of one run that share it (output channels
   * split over few bands), never across runs: the second run of one plan, on another input, equals
   * a fresh plan's run on that input.
   */
  @Test
  void blockedBandCopyIsNotReusedAcrossRuns() {
    CpuKernels k = CpuKernelsProvider.vectorAvailable() ? CpuKernelsProvider.vector() : null;
    if (k == null || k.blockedOc() == 0) {
      System.out.println(
          "blockedBandCopyIsNotReusedAcrossRuns: skipped, no blocked tile on this machine");
      return;
    }
    ConvSpec spec = conv(32, 128, 3, 3).padding(Padding.of(1)).build();
    int[] in = {1, 32, 7, 9};
    ConvLayout lay = ConvLayout.of(spec, 1);
    ConvGeometry g = ConvShapes.geometry(spec, in);
    Random rnd = new Random(5);
    float[] w = new float[128 * 32 * 9];
    float[] x1 = new float[32 * 7 * 9];
    float[] x2 = new float[x1.length];
    for (float[] a : new float[][] {w, x1, x2}) {
      for (int i = 0; i < a.length; i++) {
        a[i] = rnd.nextInt(5) - 2;
      }
    }
    int out = 128 * g.outH() * g.outW();
    for (int threads : new int[] {1, 2}) {
      BlockedConv plan = new BlockedConv(k, lay, w, null, threads);
      float[] y1 = new float[out];
      float[] y2 = new float[out];
      float[] fresh = new float[out];
      plan.run(x1, y1, g);
      plan.run(x2, y2, g);
      new BlockedConv(k, lay, w, null, threads).run(x2, fresh, g);
      assertArrayEquals(fresh, y2, "threads " + threads);
      assertFalse(Arrays.equals(y1, y2), "the two inputs give different outputs");
    }
  }

  /**
   * The cases above run the grouped direct convolution at 2, 3, 4, 8 and 32 input channels per
   * group and fall back to the implicit GEMM for low or narrow outputs.
   */
  @Test
  void groupedCasesCoverChannelsPerGroupAndFallback() {
    CpuKernels k = CpuKernelsProvider.vectorAvailable() ? CpuKernelsProvider.vector() : null;
    if (k == null) {
      System.out.println("groupedCasesCoverChannelsPerGroupAndFallback: skipped, no Vector API");
      return;
    }
    Set<String> seen = new TreeSet<>();
    for (Case c : cases()) {
      ConvLayout lay = ConvLayout.of(c.spec(), 1);
      if (!GroupedConv.applies(lay, k)) {
        continue;
      }
      float[] w = new float[lay.outC() * lay.inCPerGroup() * lay.kH() * lay.kW()];
      GroupedConv gc = new GroupedConv(k, lay, w, null, 1);
      ConvGeometry g = ConvShapes.geometry(c.spec(), c.input());
      seen.add(gc.fits(g) ? "c" + lay.inCPerGroup() : "gemm");
    }
    assertEquals("[c2, c3, c32, c4, c8, gemm]", seen.toString());
  }

  /**
   * Whether a float32 run of this layer on the CPU backends, on this many threads, uses Winograd
   * with 4x4 tiles.
   */
  static boolean runsLargeWinograd(ConvSpec spec, ConvGeometry g, int threads) {
    ConvLayout lay = ConvLayout.of(spec, 1);
    if (spec.dtype() != DType.FLOAT32 || CpuConvBackend.NO_WINOGRAD) {
      return false;
    }
    float[] w = new float[spec.inChannels() * lay.outC() / lay.groups() * lay.kH() * lay.kW()];
    if (DilatedWinograd.applies(lay)) {
      DilatedWinograd dw = new DilatedWinograd(CpuKernelsProvider.scalar(), lay, w, null, threads);
      return dw.fits(g)
          && new WinogradVariants(
                  CpuKernelsProvider.scalar(), DilatedWinograd.undilated(lay), w, null, threads)
              .usesLarge(dw.phases(g));
    }
    return WinogradConv.applies(lay)
        && WinogradConv.pays(g, threads)
        && new WinogradVariants(CpuKernelsProvider.scalar(), lay, w, null, threads).usesLarge(g);
  }

  @Test
  void oneWinogradPlanRunsSmallAndLargeOutputs() {
    // Kernel choice per run: 2 or 3 images of 7x9 on the general path (40 and 60 2x2 tiles),
    // 13x12 on Winograd packed, 4 images of 8x8 (64 tiles, the least) and 8 of 7x9 on Winograd,
    // same plan.
    ConvSpec spec = conv(48, 40, 3, 3).padding(Padding.of(1)).build();
    List<ConvBackend> backends = new ArrayList<>();
    CpuConvBackend.vector().ifPresent(backends::add);
    backends.add(CpuConvBackend.scalar());
    Random rnd = new Random(3);
    Tensor w = fill(DType.FLOAT32, spec.weightShape(), rnd, true);
    Tensor b = fill(DType.FLOAT32, spec.biasShape(), rnd, true);
    for (ConvBackend backend : backends) {
      try (ConvPlan ref = REF.plan(spec, w, b, 1);
          ConvPlan plan = backend.plan(spec, w, b, 2)) {
        for (int[] in :
            new int[][] {
              {2, 48, 7, 9}, {4, 48, 13, 12}, {3, 48, 7, 9}, {4, 48, 8, 8}, {8, 48, 7, 9}
            }) {
          Tensor x = fill(DType.FLOAT32, in, rnd, true);
          ConvGeometry g = ConvShapes.geometry(spec, in);
          assertEquals(in[0] >= 4, WinogradConv.pays(g, 2), Arrays.toString(in));
          assertEquals(
              Arrays.toString(ref.run(x, g).floats()),
              Arrays.toString(plan.run(x, g).floats()),
              backend.name() + " " + Arrays.toString(in));
        }
      }
    }
  }

  /**
   * Winograd's tile thresholds: Conv2d from 64 2x2 tiles and one 32-tile panel per thread;
   * ConvTranspose2d from 128 tiles of its whole output.
   */
  @Test
  void winogradPaysFromEnoughTiles() {
    ConvSpec fwd = conv(64, 64, 3, 3).padding(Padding.of(1)).build();
    assertTrue(WinogradConv.pays(ConvShapes.geometry(fwd, new int[] {4, 64, 8, 8}), 2));
    assertFalse(WinogradConv.pays(ConvShapes.geometry(fwd, new int[] {3, 64, 8, 8}), 2));
    assertFalse(WinogradConv.pays(ConvShapes.geometry(fwd, new int[] {4, 64, 8, 8}), 4));
    assertTrue(WinogradConv.pays(ConvShapes.geometry(fwd, new int[] {8, 64, 8, 8}), 4));
    ConvSpec up = deconv(64, 64, 4, 4).stride(Size2.of(2)).padding(Padding.of(1)).build();
    assertFalse(WinogradConv.pays(ConvShapes.geometry(up, new int[] {1, 64, 8, 8}), 2));
    assertTrue(WinogradConv.pays(ConvShapes.geometry(up, new int[] {2, 64, 8, 8}), 2));
  }

  /**
   * Wide layers on small maps: 4x4 tiles packed across images, unless 2x2 tiles fill their grid and
   * the run splits one image per job (14x14 on 2 threads); 7x7 packs either way.
   */
  @Test
  void wideSmallMapsPreferTilesReadInPlaceOneImagePerJob() {
    ConvSpec spec = conv(256, 256, 3, 3).padding(Padding.of(1)).build();
    ConvLayout lay = ConvLayout.of(spec, 1);
    float[] w = new float[256 * 256 * 9];
    ConvGeometry g14 = ConvShapes.geometry(spec, new int[] {8, 256, 14, 14});
    ConvGeometry g7 = ConvShapes.geometry(spec, new int[] {16, 256, 7, 7});
    WinogradVariants two = new WinogradVariants(CpuKernelsProvider.scalar(), lay, w, null, 2);
    WinogradVariants three = new WinogradVariants(CpuKernelsProvider.scalar(), lay, w, null, 3);
    assertFalse(two.usesLarge(g14));
    assertFalse(two.packs(g14));
    assertTrue(three.usesLarge(g14));
    assertTrue(three.packs(g14));
    assertTrue(two.usesLarge(g7));
    assertTrue(two.packs(g7));
  }

  /**
   * Packed Winograd runs as one batched GEMM per phase (all panels per weight block; on by default
   * only for transformed weights of 8 MB and more, taken here by small layers): F(2x2,3x3) and
   * F(4x4,3x3) with uneven panels, groups, ConvTranspose2d's four phases, K blocks, at 1 to 3
   * threads, against the reference and against the same plan's panel-by-panel jobs.
   */
  @Test
  void batchedWinogradMatchesTheReference() {
    record Run(ConvSpec spec, int[] in, boolean large) {}
    List<Run> runs =
        List.of(
            new Run(
                conv(24, 40, 3, 3).padding(Padding.of(1)).build(), new int[] {9, 24, 7, 7}, false),
            new Run(
                conv(40, 24, 3, 3).padding(Padding.of(1)).build(), new int[] {12, 40, 9, 6}, true),
            new Run(
                conv(48, 64, 3, 3).groups(2).padding(Padding.of(1)).build(),
                new int[] {6, 48, 7, 7},
                false),
            new Run(
                conv(300, 24, 3, 3).padding(Padding.of(1)).build(),
                new int[] {4, 300, 7, 7},
                false),
            new Run(
                deconv(64, 48, 4, 4).stride(Size2.of(2)).padding(Padding.of(1)).build(),
                new int[] {5, 64, 5, 6},
                false));
    for (Run r : runs) {
      Random rnd = new Random(11);
      Tensor w = fill(DType.FLOAT32, r.spec().weightShape(), rnd, true);
      Tensor b = fill(DType.FLOAT32, r.spec().biasShape(), rnd, true);
      Tensor x = fill(DType.FLOAT32, r.in(), rnd, true);
      ConvGeometry g = ConvShapes.geometry(r.spec(), r.in());
      Tensor want;
      try (ConvPlan ref = REF.plan(r.spec(), w, b, 1)) {
        want = ref.run(x, g);
      }
      double max = 1;
      for (float v : want.floats()) {
        max = Math.max(max, Math.abs(v));
      }
      for (CpuKernels k : kernelsHere()) {
        for (int threads = 1; threads <= 3; threads++) {
          ConvLayout lay = ConvLayout.of(r.spec(), 1);
          WinogradConv wc = new WinogradConv(k, lay, w.floats(), b.floats(), threads, r.large());
          wc.batchedMinU = 0;
          assertTrue(wc.batched(g), r + " should run batched");
          float[] got = new float[want.floats().length];
          Arrays.fill(got, Float.NaN);
          wc.run(x.floats(), got, g);
          wc.batchedMinU = Long.MAX_VALUE;
          assertFalse(wc.batched(g));
          float[] jobs = new float[got.length];
          wc.run(x.floats(), jobs, g);
          double tol = (r.large() ? 1e-5 : 0) * max;
          for (int i = 0; i < got.length; i++) {
            String at = r.spec() + " " + k.description() + " threads " + threads + " at " + i;
            assertEquals(want.floats()[i], got[i], tol, at);
            assertEquals(jobs[i], got[i], tol, at);
          }
        }
      }
    }
  }

  private static List<CpuKernels> kernelsHere() {
    return CpuKernelsProvider.vectorAvailable()
        ? List.of(CpuKernelsProvider.vector(), CpuKernelsProvider.scalar())
        : List.of(CpuKernelsProvider.scalar());
  }

  @Test
  void planIsSafeFromSeveralThreads() throws Exception {
    ConvSpec spec = conv(16, 24, 3, 3).padding(Padding.of(1)).build();
    int[] in = {2, 16, 20, 21};
    ConvBackend backend =
        CpuConvBackend.vector().map(b -> (ConvBackend) b).orElse(CpuConvBackend.scalar());
    Random rnd = new Random(5);
    Tensor w = fill(DType.FLOAT32, spec.weightShape(), rnd, true);
    Tensor b = fill(DType.FLOAT32, spec.biasShape(), rnd, true);
    ConvGeometry g = ConvShapes.geometry(spec, in);
    try (ConvPlan plan = backend.plan(spec, w, b, 2);
        ConvPlan ref = REF.plan(spec, w, b, 1)) {
      List<Thread> ts = new ArrayList<>();
      List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < 4; t++) {
        Tensor x = fill(DType.FLOAT32, in, new Random(t), true);
        Tensor want = ref.run(x, g);
        Thread th =
            new Thread(
                () -> {
                  try {
                    for (int i = 0; i < 20; i++) {
                      assertTrue(Arrays.equals(want.floats(), plan.run(x, g).floats()));
                    }
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                });
        ts.add(th);
        th.start();
      }
      for (Thread th : ts) {
        th.join();
      }
      assertTrue(errors.isEmpty(), () -> "concurrent runs differ: " + errors);
    }
  }

  static Tensor fill(DType dt, int[] shape, Random rnd, boolean integers) {
    Tensor t = Tensor.zeros(dt, shape);
    int n = t.scalarCount();
    for (int i = 0; i < n; i++) {
      double v = integers ? rnd.nextInt(7) - 3 : rnd.nextDouble() * 2 - 1;
      if (dt == DType.FLOAT64) {
        t.doubles()[i] = v;
      } else {
        t.floats()[i] = (float) v;
      }
    }
    return t;
  }

  static void compare(
      ConvBackend backend, ConvSpec spec, int[] inShape, long seed, boolean exact, int threads) {
    Random rnd = new Random(seed);
    DType dt = spec.dtype();
    Tensor w = fill(dt, spec.weightShape(), rnd, exact);
    Tensor b = spec.bias() ? fill(dt, spec.biasShape(), rnd, exact) : null;
    Tensor x = fill(dt, inShape, rnd, exact);
    ConvGeometry g = ConvShapes.geometry(spec, inShape);
    if (g.needsPrePadding()) {
      x = Pad.apply(x, g);
      g = g.prePadded();
    }
    Tensor want;
    Tensor got;
    try (ConvPlan ref = REF.plan(spec, w, b, 1);
        ConvPlan plan = backend.plan(spec, w, b, threads)) {
      assertEquals(backend.name(), plan.backendName());
      want = ref.run(x, g);
      got = plan.run(x, g);
      // A reused output: whatever it held before (NaN here) must be overwritten everywhere.
      Tensor reused = Tensor.zeros(dt, g.outputShape());
      if (dt == DType.FLOAT64) {
        Arrays.fill(reused.doubles(), Double.NaN);
      } else {
        Arrays.fill(reused.floats(), Float.NaN);
      }
      assertSame(reused, plan.runInto(x, g, reused));
      for (int i = 0; i < got.scalarCount(); i++) {
        if (Double.doubleToRawLongBits(got.getScalar(i))
            != Double.doubleToRawLongBits(reused.getScalar(i))) {
          fail(
              String.format(
                  "%s %s threads=%d: runInto into a NaN-filled output differs from run at scalar"
                      + " %d: %s vs %s%nspec %s%ngeometry %s",
                  backend.name(), dt, threads, i, reused.getScalar(i), got.getScalar(i), spec, g));
        }
      }
    }
    assertEquals(Arrays.toString(want.shape()), Arrays.toString(got.shape()));
    double max = 1;
    for (int i = 0; i < want.scalarCount(); i++) {
      max = Math.max(max, Math.abs(want.getScalar(i)));
    }
    // Integer inputs are exact everywhere but in Winograd with 4x4 tiles, whose transforms scale by
    // 1/3, 1/6, 1/12, 1/24 (rounded): there a few float32 ulps of the largest output.
    double exactTol =
        backend instanceof CpuConvBackend && runsLargeWinograd(spec, g, threads) ? 1e-5 : 0;
    double tol = (exact ? exactTol : (dt == DType.FLOAT64 ? 1e-9 : 2e-4)) * max;
    int lanes = dt.lanes();
    int[] os = g.outputShape();
    for (int i = 0; i < want.scalarCount(); i++) {
      double d = Math.abs(want.getScalar(i) - got.getScalar(i));
      if (!(d <= tol)) {
        int e = i / lanes;
        int ow = e % os[3];
        int oh = e / os[3] % os[2];
        int oc = e / os[3] / os[2] % os[1];
        int n = e / os[3] / os[2] / os[1];
        fail(
            String.format(
                "%s %s threads=%d seed=%d at (n=%d, c=%d, h=%d, w=%d)%s: want %s got %s (tol %g)%n"
                    + "spec %s%ngeometry %s",
                backend.name(),
                dt,
                threads,
                seed,
                n,
                oc,
                oh,
                ow,
                lanes == 2 ? (i % 2 == 0 ? " re" : " im") : "",
                want.getScalar(i),
                got.getScalar(i),
                tol,
                spec,
                g));
      }
    }
  }
}
