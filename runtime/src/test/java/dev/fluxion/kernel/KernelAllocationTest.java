package dev.fluxion.kernel;

import java.lang.management.ManagementFactory;
import java.util.Random;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Once compiled, the vector row kernels allocate nothing, whatever ran before them. The defect this
 * guards: after an exp-family op had been compiled, C2 stopped inlining the shared per-op method
 * into the loop and boxed every vector ({@code relu} on [64, 256] went from 0 to 196 KB a call).
 * Bytes are counted per thread by the JVM; a round is a best-of, so a slow JIT only makes the test
 * run longer, never fail, up to a bound far above what compilation needs.
 */
class KernelAllocationTest {
    private static final int N = 64 * 256;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** The fewest bytes a call allocated, averaged over rounds of 500 calls, stopping under 64 B or after 40 rounds. */
    private static long bestBytesPerCall(Runnable call) {
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 40 && best >= 64; round++) {
            long before = allocatedBytes();
            for (int i = 0; i < 500; i++) {
                call.run();
            }
            best = Math.min(best, (allocatedBytes() - before) / 500);
        }
        return best;
    }

    @Test
    void rowKernelsAllocateNothingAfterExpHasRun() {
        Assumptions.assumeTrue(Vectors.AVAILABLE, "jdk.incubator.vector is not present");
        Random rng = new Random(3);
        float[] x = new float[N], y = new float[N], o = new float[N];
        double[] xd = new double[N], od = new double[N];
        for (int i = 0; i < N; i++) {
            xd[i] = x[i] = (float) rng.nextGaussian();
            y[i] = (float) rng.nextGaussian();
        }
        // exp first: that is what used to make every later kernel box its vectors.
        bestBytesPerCall(() -> Elementwise.unary(UnaryOp.EXP, 0, 0, x, 0, 1, o, 0, 1, N));
        for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.EXP, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.LOG1P,
                UnaryOp.NEG, UnaryOp.SOFTPLUS, UnaryOp.LOG}) {
            // N − 3: a partial last vector too.
            long bytes = bestBytesPerCall(() -> Elementwise.unary(op, 0, 0, x, 0, 1, o, 0, 1, N - 3));
            assertTrue(bytes < 64, op + " float allocates " + bytes + " B a call");
            long bytesD = bestBytesPerCall(() -> Elementwise.unary(op, 0, 0, xd, 0, 1, od, 0, 1, N - 3));
            assertTrue(bytesD < 64, op + " double allocates " + bytesD + " B a call");
        }
        for (BinaryOp op : new BinaryOp[] {BinaryOp.PLUS, BinaryOp.TIMES, BinaryOp.SIGMOID_BACKWARD}) {
            long bytes = bestBytesPerCall(() -> Elementwise.binary(op, x, 0, 1, y, 0, 1, o, 0, 1, N - 3));
            assertTrue(bytes < 64, op + " allocates " + bytes + " B a call");
            long broadcast = bestBytesPerCall(() -> Elementwise.binary(op, x, 0, 0, y, 0, 1, o, 0, 1, N - 3));
            assertTrue(broadcast < 64, op + " (broadcast) allocates " + broadcast + " B a call");
        }
        float[] rows = new float[1000];
        System.arraycopy(x, 0, rows, 0, rows.length);
        long softmax = bestBytesPerCall(() -> VectorSoftmax.forward(rows, 0, o, 0, rows.length, false));
        assertTrue(softmax < 64, "softmax row allocates " + softmax + " B a call");
        float[] prob = new float[1000], target = new float[1000];
        for (int i = 0; i < prob.length; i++) {
            prob[i] = (float) UnaryOp.sigmoid(x[i]);
            target[i] = i % 2;
        }
        long bce = bestBytesPerCall(() -> VectorBce.bce(prob, 0, target, 0, prob.length, o));
        assertTrue(bce < 64, "bce allocates " + bce + " B a call");
        long logits = bestBytesPerCall(() -> VectorBce.bceWithLogits(x, 0, target, 0, prob.length, o));
        assertTrue(logits < 64, "bceWithLogits allocates " + logits + " B a call");
        long grad = bestBytesPerCall(() -> VectorBce.bceWithLogitsGrad(x, 0, target, 0, prob.length, 1e-3f, o));
        assertTrue(grad < 64, "bceWithLogitsGrad allocates " + grad + " B a call");
    }

    /** The kernels of a training step added for issue 11: the NT and skinny products, the long dot product, the Adam update. */
    @Test
    void trainingStepKernelsAllocateNothingAfterExpHasRun() {
        Assumptions.assumeTrue(Vectors.AVAILABLE, "jdk.incubator.vector is not present");
        Random rng = new Random(4);
        float[] x = new float[N], y = new float[N], o = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = (float) rng.nextGaussian();
            y[i] = (float) rng.nextGaussian();
        }
        bestBytesPerCall(() -> Elementwise.unary(UnaryOp.EXP, 0, 0, x, 0, 1, o, 0, 1, N));
        // [16, 130]·[130, 24]ᵀ-stored: full tiles, edge tiles and a K tail.
        long nt = bestBytesPerCall(() -> GemmNt.sgemm(16, 23, 130, x, 0, 130, y, 0, 130, o, 0, 23, false));
        assertTrue(nt < 64, "GemmNt allocates " + nt + " B a call");
        // W3's skinny products: [759, 8]·[8, 6]ᵀ-stored, and the weight gradient [6, 759]·[759, 8].
        long tall = bestBytesPerCall(() -> Gemm.sgemm(759, 6, 8, x, 0, 8, 1, y, 0, 1, 8, o, 0, 6, false, 1));
        assertTrue(tall < 64, "the tall skinny product allocates " + tall + " B a call");
        long longSum = bestBytesPerCall(() -> Gemm.sgemm(6, 8, 759, x, 0, 1, 6, y, 0, 8, 1, o, 0, 8, false, 1));
        assertTrue(longSum < 64, "the long skinny sum allocates " + longSum + " B a call");
        long dot = bestBytesPerCall(() -> SmallMatmul.sgemm(1, 1, 500, x, 0, 500, 1, y, 0, 1, 1, o, 0, 1));
        assertTrue(dot < 64, "the long dot product allocates " + dot + " B a call");
        float[] m = new float[N], v = new float[N], p = x.clone();
        long adam = bestBytesPerCall(() -> AdamKernel.step(N - 3, p, 0, y, 0, m, 0, v, 0, 0.9, 0.999, 1e-8, 0.01, 0.999,
                0.5, 1e-3));
        assertTrue(adam < 64, "the Adam update allocates " + adam + " B a call");
    }
}
