package dev.fluxion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each tangent rule against float64 central differences of its op along the tangent. */
class TangentsTest {
    private static final double H = 1e-6;
    private final Random rnd = new Random(11);

    private Tensor randn(int... shape) {
        return Tensor.randn(rnd, shape).toDouble();
    }

    private Tensor positive(int... shape) {
        return Tensor.rand(rnd, shape).toDouble().plus(0.5);
    }

    /** (f(x + h t) − f(x − h t)) / 2h. */
    private static Tensor central(UnaryOperator<Tensor> f, Tensor x, Tensor t) {
        return f.apply(x.plus(t.times(H))).minus(f.apply(x.minus(t.times(H)))).div(2 * H);
    }

    private static void assertClose(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-6 * Math.max(1, Math.abs(e[i])), "element " + i);
        }
    }

    @Test
    void broadcastGivesTheResultsShape() {
        Tensor b = randn(4);
        Tensor out = randn(3, 4);
        Tensor t = Tangents.broadcast(b, out);
        assertArrayEquals(new int[] {3, 4}, t.shape());
        assertClose(central(v -> out.plus(v), b, b), t);
        Tensor same = randn(3, 4);
        assertEquals(same, Tangents.broadcast(same, out));
    }

    @Test
    void binaryRules() {
        Tensor a = positive(3, 4);
        Tensor b = positive(4);
        Tensor ta = randn(3, 4);
        Tensor tb = randn(4);
        Tensor div = a.div(b);
        assertClose(central(v -> a.div(v), b, tb), Tangents.divB(tb, b, div));
        Tensor pow = a.pow(b);
        assertClose(central(v -> v.pow(b), a, ta), Tangents.powA(ta, a, b));
        assertClose(central(v -> a.pow(v), b, tb), Tangents.powB(tb, a, b, pow));
        Tensor rdiv = a.rdiv(2.5);
        assertClose(central(v -> v.rdiv(2.5), a, ta), Tangents.rdiv(ta, a, rdiv));
        Tensor p = a.pow(1.7);
        assertClose(central(s -> a.pow(1.7 + s.item()), Tensor.scalar(0), Tensor.scalar(1)),
                Tangents.powExponent(1.0, a, p));
        assertClose(central(s -> a.plus(s.item()), Tensor.scalar(0), Tensor.scalar(1)), Tangents.fill(1.0, a));
    }

    @Test
    void whereRules() {
        Tensor x = randn(3, 4);
        Tensor y = randn(4);
        Tensor mask = x.gt(0);
        Tensor out = F.where(mask, x, y);
        Tensor tx = randn(3, 4);
        Tensor ty = randn(4);
        assertClose(central(v -> F.where(mask, v, y), x, tx), Tangents.whereA(tx, mask, out));
        assertClose(central(v -> F.where(mask, x, v), y, ty), Tangents.whereB(ty, mask, out));
    }

    @Test
    void reductionRules() {
        Tensor x = randn(3, 5);
        Tensor t = randn(3, 5);
        assertClose(central(Tensor::max, x, t), Tangents.max(t, x, x.max()));
        assertClose(central(Tensor::min, x, t), Tangents.min(t, x, x.min()));
        assertClose(central(Tensor::norm, x, t), Tangents.norm(t, x, x.norm()));
        assertClose(central(Tensor::logSumExp, x, t), Tangents.logSumExp(t, x, x.logSumExp()));
        for (boolean keep : new boolean[] {false, true}) {
            assertClose(central(v -> v.max(1, keep), x, t), Tangents.max(t, x, x.max(1, keep), 1, keep));
            assertClose(central(v -> v.min(0, keep), x, t), Tangents.min(t, x, x.min(0, keep), 0, keep));
            assertClose(central(v -> v.norm(1, keep), x, t), Tangents.norm(t, x, x.norm(1, keep), 1, keep));
            assertClose(central(v -> v.logSumExp(0, keep), x, t),
                    Tangents.logSumExp(t, x, x.logSumExp(0, keep), 0, keep));
        }
    }

    @Test
    void softmaxRules() {
        Tensor x = randn(3, 5);
        Tensor t = randn(3, 5);
        assertClose(central(v -> v.softmax(1), x, t), Tangents.softmax(t, x.softmax(1), 1));
        assertClose(central(v -> v.logSoftmax(0), x, t), Tangents.logSoftmax(t, x.logSoftmax(0), 0));
    }

    @Test
    void lossRules() {
        Tensor p = Tensor.rand(rnd, 4, 3).toDouble().times(0.8).plus(0.1);
        Tensor y = Tensor.rand(rnd, 4, 3).toDouble();
        Tensor t = randn(4, 3);
        for (Reduction r : Reduction.values()) {
            assertClose(central(v -> F.mse(v, y, r), p, t), Tangents.mseA(t, p, y, r, F.mse(p, y, r)));
            assertClose(central(v -> F.mse(p, v, r), y, t), Tangents.mseB(t, p, y, r, F.mse(p, y, r)));
            assertClose(central(v -> F.bce(v, y, r), p, t), Tangents.bce(t, p, y, r, F.bce(p, y, r)));
            assertClose(central(v -> F.bceWithLogits(v, y, r), p, t),
                    Tangents.bceWithLogits(t, p, y, r, F.bceWithLogits(p, y, r)));
            Tensor target = Tensor.of(0, 2, 1, 2).toDouble();
            assertClose(central(v -> F.crossEntropy(v, target, r), p, t),
                    Tangents.crossEntropy(t, p, target, r, F.crossEntropy(p, target, r)));
            Tensor logp = p.logSoftmax(1);
            assertClose(central(v -> F.nllLoss(v, target, r), logp, t),
                    Tangents.nllLoss(t, logp, target, r, F.nllLoss(logp, target, r)));
        }
    }
}
