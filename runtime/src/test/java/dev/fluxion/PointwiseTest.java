package dev.fluxion;

import java.util.Random;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.UnaryOp;
import org.junit.jupiter.api.Test;

import static dev.fluxion.TestTensors.assertClose;
import static dev.fluxion.TestTensors.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Tensor-level elementwise ops (fast paths, broadcasting, parallel split) against a naive
 * reference that reads every element through its strides and applies the op's scalar formula.
 */
class PointwiseTest {
    private static final int[] SIZES = {0, 1, 2, 3, 5, 17};

    private static int[] randomShape(Random rng) {
        int rank = rng.nextInt(4);
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = SIZES[rng.nextInt(SIZES.length)];
        }
        return s;
    }

    /** A shape that broadcasts with {@code s}: some dims set to 1, some leading dims dropped. */
    private static int[] partner(Random rng, int[] s) {
        int drop = s.length == 0 ? 0 : rng.nextInt(s.length + 1);
        int[] p = new int[s.length - drop];
        for (int i = 0; i < p.length; i++) {
            p[i] = rng.nextInt(3) == 0 ? 1 : s[i + drop];
        }
        return p;
    }

    private static Tensor random(Random rng, DType dtype, int[] shape, double lo, double hi) {
        Tensor c = TestTensors.uniform(rng, dtype, lo, hi, shape);
        return TestTensors.layout(rng, c, rng.nextInt(3));
    }

    /** Naive broadcast reference: out[idx] = op(a[idx'], b[idx'']). */
    private static double[] naive(Tensor a, Tensor b, int[] shape, BinaryOp op) {
        int n = Shapes.numel(shape);
        double[] r = new double[n];
        int[] idx = new int[shape.length];
        for (int e = 0; e < n; e++) {
            r[e] = op.apply(read(a, idx), read(b, idx));
            for (int d = idx.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return r;
    }

    private static double read(Tensor t, int[] outIdx) {
        int lead = outIdx.length - t.dim();
        int[] i = new int[t.dim()];
        for (int d = 0; d < i.length; d++) {
            i[d] = t.shape[d] == 1 ? 0 : outIdx[d + lead];
        }
        return TestTensors.at(t, i);
    }

    @Test
    void binaryOpsMatchNaiveReference() {
        Random rng = new Random(42);
        BinaryOp[] ops = {BinaryOp.PLUS, BinaryOp.MINUS, BinaryOp.TIMES, BinaryOp.DIV, BinaryOp.POW, BinaryOp.GT,
                BinaryOp.LE, BinaryOp.EQ};
        for (int trial = 0; trial < 400; trial++) {
            DType dtype = rng.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64;
            int[] sa = randomShape(rng);
            int[] sb = partner(rng, sa);
            boolean swap = rng.nextBoolean();
            Tensor a = random(rng, dtype, swap ? sb : sa, 0.5, 2);
            Tensor b = random(rng, rng.nextInt(4) == 0 ? DType.FLOAT64 : dtype, swap ? sa : sb, 0.5, 2);
            BinaryOp op = ops[rng.nextInt(ops.length)];
            Tensor out = switch (op) {
                case PLUS -> a.plus(b);
                case MINUS -> a.minus(b);
                case TIMES -> a.times(b);
                case DIV -> a.div(b);
                case POW -> a.pow(b);
                case GT -> a.gt(b);
                case LE -> a.le(b);
                default -> a.eq(b);
            };
            int[] shape = Shapes.broadcast("test", a.shape, b.shape);
            assertArrayEquals(shape, out.shape());
            boolean f32 = a.dtype == DType.FLOAT32 && b.dtype == DType.FLOAT32;
            assertClose(naive(a, b, shape, op), values(out), f32 ? 2e-6 : 1e-14, 0, op + " " + Shapes.str(a.shape)
                    + " " + Shapes.str(b.shape));
        }
    }

    @Test
    void scalarOperandsAndLargeParallelInputs() {
        Random rng = new Random(7);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            // Over 2^16 elements: the parallel split; transposed: the strided path.
            Tensor a = TestTensors.uniform(rng, dtype, 0.5, 2, 300, 257);
            Tensor b = TestTensors.uniform(rng, dtype, 0.5, 2, 257, 300).t();
            Tensor row = TestTensors.uniform(rng, dtype, 0.5, 2, 257);
            double tol = dtype == DType.FLOAT32 ? 2e-6 : 1e-14;
            int[] shape = {300, 257};
            assertClose(naive(a, b, shape, BinaryOp.PLUS), values(a.plus(b)), tol, 0, "plus strided");
            assertClose(naive(a, row, shape, BinaryOp.TIMES), values(a.times(row)), tol, 0, "times row");
            Tensor c = Tensor.scalar(1.5, dtype);
            assertClose(naive(a, c, shape, BinaryOp.DIV), values(a.div(1.5)), tol, 0, "div scalar");
            assertClose(naive(c, a, shape, BinaryOp.MINUS), values(a.rsub(1.5)), tol, 0, "rsub");
            assertClose(naive(c, a, shape, BinaryOp.DIV), values(a.rdiv(1.5)), tol, 0, "rdiv");
        }
    }

    @Test
    void unaryOpsMatchScalarFormulas() {
        Random rng = new Random(3);
        record Case(String name, UnaryOperator<Tensor> op, UnaryOp ref, double p, double q, double lo, double hi) {}
        Case[] cases = {
                new Case("neg", Tensor::neg, UnaryOp.NEG, 0, 0, -3, 3),
                new Case("abs", Tensor::abs, UnaryOp.ABS, 0, 0, -3, 3),
                new Case("exp", Tensor::exp, UnaryOp.EXP, 0, 0, -3, 3),
                new Case("log", Tensor::log, UnaryOp.LOG, 0, 0, 0.1, 3),
                new Case("log1p", Tensor::log1p, UnaryOp.LOG1P, 0, 0, -0.5, 3),
                new Case("sqrt", Tensor::sqrt, UnaryOp.SQRT, 0, 0, 0, 3),
                new Case("square", Tensor::square, UnaryOp.SQUARE, 0, 0, -3, 3),
                new Case("sigmoid", Tensor::sigmoid, UnaryOp.SIGMOID, 0, 0, -8, 8),
                new Case("tanh", Tensor::tanh, UnaryOp.TANH, 0, 0, -4, 4),
                new Case("relu", Tensor::relu, UnaryOp.RELU, 0, 0, -3, 3),
                new Case("gelu", Tensor::gelu, UnaryOp.GELU, 0, 0, -4, 4),
                new Case("softplus", Tensor::softplus, UnaryOp.SOFTPLUS, 0, 0, -20, 20),
                new Case("sin", Tensor::sin, UnaryOp.SIN, 0, 0, -4, 4),
                new Case("cos", Tensor::cos, UnaryOp.COS, 0, 0, -4, 4),
                new Case("leakyRelu", t -> t.leakyRelu(0.1), UnaryOp.LEAKY_RELU, 0.1, 0, -3, 3),
                new Case("clamp", t -> t.clamp(-1, 0.5), UnaryOp.CLAMP, -1, 0.5, -3, 3),
        };
        for (Case c : cases) {
            for (int trial = 0; trial < 30; trial++) {
                DType dtype = trial % 2 == 0 ? DType.FLOAT32 : DType.FLOAT64;
                int[] shape = trial < 28 ? randomShape(rng) : new int[] {270, 260};
                Tensor x = random(rng, dtype, shape, c.lo, c.hi);
                double[] in = values(x);
                double[] expected = new double[in.length];
                for (int i = 0; i < in.length; i++) {
                    expected[i] = c.ref.apply(in[i], c.p, c.q);
                }
                Tensor out = c.op.apply(x);
                assertArrayEquals(x.shape(), out.shape());
                // Vector API transcendentals are within a few ulps, not correctly rounded.
                double tol = dtype == DType.FLOAT32 ? 1e-5 : 1e-13;
                assertClose(expected, values(out), tol, tol * 1e-2, c.name + " " + dtype + " " + Shapes.str(shape));
            }
        }
    }

    @Test
    void whereBroadcastsAllThree() {
        Random rng = new Random(5);
        for (int trial = 0; trial < 100; trial++) {
            DType dtype = rng.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64;
            int[] s = randomShape(rng);
            Tensor a = random(rng, dtype, s, -1, 1);
            Tensor b = random(rng, dtype, partner(rng, s), -1, 1);
            Tensor mask = random(rng, dtype, partner(rng, s), -1, 1).gt(0);
            Tensor out = F.where(mask, a, b);
            int n = out.numel();
            double[] expected = new double[n];
            int[] idx = new int[s.length];
            for (int e = 0; e < n; e++) {
                expected[e] = read(mask, idx) != 0 ? read(a, idx) : read(b, idx);
                for (int d = idx.length - 1; d >= 0; d--) {
                    if (++idx[d] < s[d]) break;
                    idx[d] = 0;
                }
            }
            assertClose(expected, values(out), 0, 0, "where");
        }
    }
}
