package dev.fluxion;

import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import static dev.fluxion.TestTensors.assertTensor;
import static dev.fluxion.TestTensors.gradCheck;
import static dev.fluxion.TestTensors.scalarGradCheck;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Every derivative rule against float64 central finite differences. */
class DerivativesTest {
    private final Random rng = new Random(2024);

    private Tensor u(double lo, double hi, int... shape) {
        return TestTensors.uniform(rng, DType.FLOAT64, lo, hi, shape);
    }

    @Test
    void plumbing() {
        Tensor g = Tensor.ones(2, 3);
        assertTensor(Derivatives.sumToShape(g, new int[] {3}), new int[] {3}, 2, 2, 2);
        assertTensor(Derivatives.sumToShape(g, new int[] {2, 1}), new int[] {2, 1}, 3, 3);
        assertTensor(Derivatives.sumToShape(g, new int[] {}), new int[] {}, 6);
        Tensor d = Derivatives.unbroadcast(g, Tensor.zeros(DType.FLOAT64, 1, 3));
        assertArrayEquals(new int[] {1, 3}, d.shape());
        assertEquals(DType.FLOAT64, d.dtype());
        assertSame(g, Derivatives.accumulate(null, g));
        assertTensor(Derivatives.accumulate(g, g), new int[] {2, 3}, 2, 2, 2, 2, 2, 2);
    }

    @Test
    void binaryRulesWithBroadcasting() {
        Tensor a = u(0.5, 2, 2, 3);
        Tensor b = u(0.5, 2, 3);
        record Rule(String name, BiFunction<Tensor, Tensor, Tensor> op,
                    Fn4 gradA, Fn4 gradB) {}
        Rule[] rules = {
                new Rule("plus", Tensor::plus, (g, x, y, o) -> Derivatives.plusGradA(g, x, y), (g, x, y, o) -> Derivatives.plusGradB(g, x, y)),
                new Rule("minus", Tensor::minus, (g, x, y, o) -> Derivatives.minusGradA(g, x, y), (g, x, y, o) -> Derivatives.minusGradB(g, x, y)),
                new Rule("times", Tensor::times, (g, x, y, o) -> Derivatives.timesGradA(g, x, y), (g, x, y, o) -> Derivatives.timesGradB(g, x, y)),
                new Rule("div", Tensor::div, (g, x, y, o) -> Derivatives.divGradA(g, x, y), (g, x, y, o) -> Derivatives.divGradB(g, x, y)),
                new Rule("pow", Tensor::pow, (g, x, y, o) -> Derivatives.powGradA(g, x, y), Derivatives::powGradB),
        };
        for (Rule r : rules) {
            // Each operand in turn is the broadcast one.
            for (boolean swap : new boolean[] {false, true}) {
                Tensor x = swap ? b : a, y = swap ? a : b;
                gradCheck(r.name + "GradA", x, t -> r.op.apply(t, y), (g, out) -> r.gradA.apply(g, x, y, out), rng);
                gradCheck(r.name + "GradB", y, t -> r.op.apply(x, t), (g, out) -> r.gradB.apply(g, x, y, out), rng);
            }
        }
        // pow at a zero base and zero exponent: PyTorch's masked values, never NaN.
        Tensor g = Tensor.ones(DType.FLOAT64, 2);
        assertTensor(Derivatives.powGradA(g, Tensor.of(0.0, 2.0), Tensor.of(0.0, 0.0)), new int[] {2}, 0, 0);
        assertTensor(Derivatives.powGradB(g, Tensor.of(0.0, 0.0), Tensor.of(2.0, 3.0), Tensor.of(0.0, 0.0)), new int[] {2}, 0, 0);
    }

    @FunctionalInterface
    interface Fn4 {
        Tensor apply(Tensor g, Tensor a, Tensor b, Tensor out);
    }

    @Test
    void tensorScalarRules() {
        Tensor x = u(0.5, 2, 2, 3);
        gradCheck("timesScalarGrad", x, t -> t.times(1.7), (g, o) -> Derivatives.timesScalarGrad(g, 1.7), rng);
        gradCheck("divScalarGrad", x, t -> t.div(1.7), (g, o) -> Derivatives.divScalarGrad(g, 1.7), rng);
        gradCheck("rdivGrad", x, t -> t.rdiv(1.7), (g, o) -> Derivatives.rdivGrad(g, x, 1.7), rng);
        gradCheck("powScalarGrad", x, t -> t.pow(2.5), (g, o) -> Derivatives.powScalarGrad(g, x, 2.5), rng);
        gradCheck("powScalarGrad3", x, t -> t.pow(3), (g, o) -> Derivatives.powScalarGrad(g, x, 3), rng);
        gradCheck("powScalarGrad0", x, t -> t.pow(0), (g, o) -> Derivatives.powScalarGrad(g, x, 0), rng);
        scalarGradCheck("sumGrad(plus)", 0.3, s -> x.plus(s), (g, o) -> Derivatives.sumGrad(g), rng);
        scalarGradCheck("sumGrad(rsub)", 0.3, s -> x.rsub(s), (g, o) -> Derivatives.sumGrad(g), rng);
        scalarGradCheck("dotGrad", 0.3, s -> x.times(s), (g, o) -> Derivatives.dotGrad(g, x), rng);
        scalarGradCheck("divScalarOperandGrad", 0.7, s -> x.div(s), (g, o) -> Derivatives.divScalarOperandGrad(g, x, 0.7), rng);
        scalarGradCheck("rdivScalarOperandGrad", 0.7, s -> x.rdiv(s), (g, o) -> Derivatives.rdivScalarOperandGrad(g, x), rng);
        scalarGradCheck("powExponentGrad", 1.3, s -> x.pow(s), (g, o) -> Derivatives.powExponentGrad(g, x, o), rng);
    }

    @Test
    void unaryRules() {
        record Rule(String name, UnaryOperator<Tensor> op, Fn3 grad, double lo, double hi) {}
        Rule[] rules = {
                new Rule("neg", Tensor::neg, Derivatives::negGrad, -2, 2),
                new Rule("abs", Tensor::abs, Derivatives::absGrad, 0.1, 2),
                new Rule("absNeg", Tensor::abs, Derivatives::absGrad, -2, -0.1),
                new Rule("exp", Tensor::exp, Derivatives::expGrad, -2, 2),
                new Rule("log", Tensor::log, Derivatives::logGrad, 0.2, 3),
                new Rule("log1p", Tensor::log1p, Derivatives::log1pGrad, -0.5, 3),
                new Rule("sqrt", Tensor::sqrt, Derivatives::sqrtGrad, 0.2, 3),
                new Rule("square", Tensor::square, Derivatives::squareGrad, -2, 2),
                new Rule("sigmoid", Tensor::sigmoid, Derivatives::sigmoidGrad, -4, 4),
                new Rule("tanh", Tensor::tanh, Derivatives::tanhGrad, -3, 3),
                new Rule("relu+", Tensor::relu, Derivatives::reluGrad, 0.1, 2),
                new Rule("relu-", Tensor::relu, Derivatives::reluGrad, -2, -0.1),
                new Rule("gelu", Tensor::gelu, Derivatives::geluGrad, -4, 4),
                new Rule("softplus", Tensor::softplus, Derivatives::softplusGrad, -5, 5),
                new Rule("sin", Tensor::sin, Derivatives::sinGrad, -3, 3),
                new Rule("cos", Tensor::cos, Derivatives::cosGrad, -3, 3),
        };
        for (Rule r : rules) {
            Tensor x = u(r.lo, r.hi, 3, 4);
            gradCheck(r.name + "Grad", x, r.op, (g, out) -> r.grad.apply(g, x, out), rng);
        }
        Tensor x = u(-2, 2, 3, 4).plus(0.05);
        gradCheck("leakyReluGrad", x, t -> t.leakyRelu(0.2), (g, o) -> Derivatives.leakyReluGrad(g, x, 0.2), rng);
        gradCheck("clampGrad", x, t -> t.clamp(-1.03, 0.97), (g, o) -> Derivatives.clampGrad(g, x, -1.03, 0.97), rng);
        // Subgradients at 0, as PyTorch: abs and relu give 0.
        Tensor zero = Tensor.zeros(DType.FLOAT64, 2);
        Tensor g = Tensor.ones(DType.FLOAT64, 2);
        assertTensor(Derivatives.absGrad(g, zero, zero), new int[] {2}, 0, 0);
        assertTensor(Derivatives.reluGrad(g, zero, zero), new int[] {2}, 0, 0);
        // The float32 fused rules give float32 results.
        Tensor xf = Tensor.of(0.5f, -1f);
        assertEquals(DType.FLOAT32, Derivatives.sigmoidGrad(Tensor.ones(2), xf, xf.sigmoid()).dtype());
    }

    @FunctionalInterface
    interface Fn3 {
        Tensor apply(Tensor g, Tensor x, Tensor out);
    }

    @Test
    void whereRulesAreExactZerosElsewhere() {
        Tensor a = u(-1, 1, 2, 3);
        Tensor b = u(-1, 1, 3);
        Tensor mask = u(-1, 1, 2, 3).gt(0);
        gradCheck("whereGradA", a, t -> F.where(mask, t, b), (g, o) -> Derivatives.whereGradA(g, mask, a), rng);
        gradCheck("whereGradB", b, t -> F.where(mask, a, t), (g, o) -> Derivatives.whereGradB(g, mask, b), rng);
        Tensor nanGrad = Tensor.of(Double.NaN, 1.0);
        Tensor m = Tensor.of(1.0, 0.0).gt(0.5);
        assertTensor(Derivatives.whereGradA(Tensor.of(2.0, Double.NaN), m, Tensor.zeros(DType.FLOAT64, 2)), new int[] {2}, 2, 0);
        assertTensor(Derivatives.whereGradB(nanGrad, m, Tensor.zeros(DType.FLOAT64, 2)), new int[] {2}, 0, 1);
    }

    @Test
    void reductionRules() {
        Tensor x = u(-2, 2, 3, 4);
        gradCheck("sumGrad", x, Tensor::sum, (g, o) -> Derivatives.sumGrad(g, x), rng);
        gradCheck("meanGrad", x, Tensor::mean, (g, o) -> Derivatives.meanGrad(g, x), rng);
        for (boolean keep : new boolean[] {false, true}) {
            int[] dims = {0};
            int[] dims2 = {1, 0};
            gradCheck("sumGrad dims", x, t -> t.sum(dims, keep), (g, o) -> Derivatives.sumGrad(g, x, dims, keep), rng);
            gradCheck("meanGrad dims", x, t -> t.mean(dims2, keep), (g, o) -> Derivatives.meanGrad(g, x, dims2, keep), rng);
            gradCheck("maxGrad dim", x, t -> t.max(1, keep), (g, o) -> Derivatives.maxGrad(g, x, o, 1, keep), rng);
            gradCheck("minGrad dim", x, t -> t.min(0, keep), (g, o) -> Derivatives.minGrad(g, x, o, 0, keep), rng);
            gradCheck("normGrad dim", x, t -> t.norm(1, keep), (g, o) -> Derivatives.normGrad(g, x, o, 1, keep), rng);
            gradCheck("logSumExpGrad dim", x, t -> t.logSumExp(-1, keep), (g, o) -> Derivatives.logSumExpGrad(g, x, o, -1, keep), rng);
        }
        gradCheck("maxGrad", x, Tensor::max, (g, o) -> Derivatives.maxGrad(g, x, o), rng);
        gradCheck("minGrad", x, Tensor::min, (g, o) -> Derivatives.minGrad(g, x, o), rng);
        gradCheck("normGrad", x, Tensor::norm, (g, o) -> Derivatives.normGrad(g, x, o), rng);
        gradCheck("logSumExpGrad", x, Tensor::logSumExp, (g, o) -> Derivatives.logSumExpGrad(g, x, o), rng);
        // Ties: max() shares the gradient equally; max(dim) gives it to the first index.
        Tensor tie = Tensor.of(1.0, 3.0, 3.0);
        Tensor one = Tensor.scalar(1);
        assertTensor(Derivatives.maxGrad(one, tie, tie.max()), new int[] {3}, 0, 0.5, 0.5);
        assertTensor(Derivatives.maxGrad(one, tie, tie.max(0), 0, false), new int[] {3}, 0, 1, 0);
        assertTensor(Derivatives.normGrad(one, Tensor.zeros(DType.FLOAT64, 2), Tensor.scalar(0)), new int[] {2}, 0, 0);
    }

    @Test
    void matmulRulesForEveryCase() {
        int[][][] cases = {
                {{3}, {3}}, {{2, 3}, {3, 4}}, {{3}, {3, 4}}, {{2, 3}, {3}}, {{2, 2, 3}, {3, 4}},
                {{3}, {2, 3, 4}}, {{2, 2, 3}, {3}}, {{2, 1, 2, 3}, {3, 3, 2}}, {{1, 2, 3}, {2, 3, 2}},
        };
        for (int[][] c : cases) {
            Tensor a = u(-1, 1, c[0]);
            Tensor b = u(-1, 1, c[1]);
            String name = Shapes.str(c[0]) + "@" + Shapes.str(c[1]);
            gradCheck("matmulGradA " + name, a, t -> t.matmul(b), (g, o) -> Derivatives.matmulGradA(g, a, b), rng);
            gradCheck("matmulGradB " + name, b, t -> a.matmul(t), (g, o) -> Derivatives.matmulGradB(g, a, b), rng);
        }
        Tensor x = u(-1, 1, 2, 5, 3);
        Tensor w = u(-1, 1, 4, 3);
        Tensor bias = u(-1, 1, 4);
        gradCheck("linearGradX", x, t -> F.linear(t, w, bias), (g, o) -> Derivatives.linearGradX(g, x, w), rng);
        gradCheck("linearGradWeight", w, t -> F.linear(x, t, bias), (g, o) -> Derivatives.linearGradWeight(g, x, w), rng);
        gradCheck("linearGradBias", bias, t -> F.linear(x, w, t), (g, o) -> Derivatives.linearGradBias(g, bias), rng);
    }

    @Test
    void shapeRules() {
        Tensor x = u(-1, 1, 2, 3, 4);
        gradCheck("transposeGrad", x, t -> t.transpose(0, 2), (g, o) -> Derivatives.transposeGrad(g, 0, 2), rng);
        Tensor m = u(-1, 1, 3, 4);
        gradCheck("tGrad", m, Tensor::t, (g, o) -> Derivatives.tGrad(g), rng);
        gradCheck("reshapeGrad", x, t -> t.reshape(6, -1), (g, o) -> Derivatives.reshapeGrad(g, x), rng);
        Tensor s = u(-1, 1, 2, 1, 3);
        gradCheck("squeezeGrad", s, Tensor::squeeze, (g, o) -> Derivatives.squeezeGrad(g, s), rng);
        gradCheck("unsqueezeGrad", m, t -> t.unsqueeze(1), (g, o) -> Derivatives.unsqueezeGrad(g, m, 1), rng);
        Tensor e = u(-1, 1, 3, 1);
        gradCheck("expandGrad", e, t -> t.expand(2, 3, 4), (g, o) -> Derivatives.expandGrad(g, e), rng);
        gradCheck("sliceGrad", x, t -> t.slice(2, 1, 4, 2), (g, o) -> Derivatives.sliceGrad(g, x, 2, 1, 4, 2), rng);
        gradCheck("getGrad", x, t -> t.get(1, -1), (g, o) -> Derivatives.getGrad(g, x, 1, -1), rng);
        int[] idx = {2, 0, 2, 1};
        gradCheck("indexGrad", x, t -> t.index(1, idx), (g, o) -> Derivatives.indexGrad(g, x, 1, idx), rng);
        Tensor gi = Tensor.of(new double[][] {{0, 2, 2}, {1, 1, 0}}).to(DType.INT64);
        gradCheck("gatherGrad", m, t -> t.gather(1, gi), (g, o) -> Derivatives.gatherGrad(g, m, 1, gi), rng);
        Tensor a = u(-1, 1, 2, 3);
        Tensor b = u(-1, 1, 2, 2);
        gradCheck("catGrad0", a, t -> F.cat(1, t, b), (g, o) -> Derivatives.catGrad(g, 1, 0, a, b), rng);
        gradCheck("catGrad1", b, t -> F.cat(-1, a, t), (g, o) -> Derivatives.catGrad(g, -1, 1, a, b), rng);
        Tensor c = u(-1, 1, 2, 3);
        gradCheck("stackGrad", c, t -> F.stack(1, a, t), (g, o) -> Derivatives.stackGrad(g, 1, 1), rng);
        Tensor xf = Tensor.of(1f, 2f);
        Tensor cg = Derivatives.castGrad(Tensor.of(0.5, 0.25), xf);
        assertEquals(DType.FLOAT32, cg.dtype());
        assertTensor(cg, new int[] {2}, 0.5, 0.25);
    }

    @Test
    void softmaxRules() {
        Tensor x = u(-2, 2, 3, 4);
        for (int dim : new int[] {0, 1, -1}) {
            gradCheck("softmaxGrad", x, t -> t.softmax(dim), (g, o) -> Derivatives.softmaxGrad(g, o, dim), rng);
            gradCheck("logSoftmaxGrad", x, t -> t.logSoftmax(dim), (g, o) -> Derivatives.logSoftmaxGrad(g, o, dim), rng);
        }
    }

    @Test
    void lossRules() {
        Tensor pred = u(-1, 1, 4, 3);
        Tensor target = u(-1, 1, 4, 3);
        Tensor p = u(0.05, 0.95, 4, 3);
        Tensor y = u(0, 1, 4, 3);
        Tensor logits = u(-2, 2, 4, 3);
        Tensor classes = Tensor.of(2.0, 0.0, 1.0, 2.0).to(DType.INT64);
        Tensor probs = u(0, 1, 4, 3).softmax(1);
        for (Reduction r : Reduction.values()) {
            gradCheck("mseGradA " + r, pred, t -> F.mse(t, target, r), (g, o) -> Derivatives.mseGradA(g, pred, target, r), rng);
            gradCheck("mseGradB " + r, target, t -> F.mse(pred, t, r), (g, o) -> Derivatives.mseGradB(g, pred, target, r), rng);
            gradCheck("bceGrad " + r, p, t -> F.bce(t, y, r), (g, o) -> Derivatives.bceGrad(g, p, y, r), rng);
            gradCheck("bceWithLogitsGrad " + r, logits, t -> F.bceWithLogits(t, y, r),
                    (g, o) -> Derivatives.bceWithLogitsGrad(g, logits, y, r), rng);
            gradCheck("crossEntropyGrad " + r, logits, t -> F.crossEntropy(t, classes, r),
                    (g, o) -> Derivatives.crossEntropyGrad(g, logits, classes, r), rng);
            gradCheck("crossEntropyGrad probs " + r, logits, t -> F.crossEntropy(t, probs, r),
                    (g, o) -> Derivatives.crossEntropyGrad(g, logits, probs, r), rng);
            Tensor logProbs = logits.logSoftmax(1);
            gradCheck("nllLossGrad " + r, logProbs, t -> F.nllLoss(t, classes, r),
                    (g, o) -> Derivatives.nllLossGrad(g, logProbs, classes, r), rng);
        }
        // Broadcast target in mse: the target's gradient is reduced to its shape.
        Tensor row = u(-1, 1, 3);
        gradCheck("mseGradB broadcast", row, t -> F.mse(pred, t), (g, o) -> Derivatives.mseGradB(g, pred, row, Reduction.MEAN), rng);
        // Unbatched cross-entropy: logits [C], target [].
        Tensor l1 = u(-2, 2, 5);
        Tensor c1 = Tensor.scalar(3, DType.INT64);
        gradCheck("crossEntropyGrad unbatched", l1, t -> F.crossEntropy(t, c1), (g, o) -> Derivatives.crossEntropyGrad(g, l1, c1, Reduction.MEAN), rng);
    }
}
