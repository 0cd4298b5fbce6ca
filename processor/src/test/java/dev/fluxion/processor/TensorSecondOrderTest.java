package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.Tensor;
import dev.fluxion.processor.fwd.ExpandedTangentRules;
import dev.fluxion.processor.ir.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code fHvp} and {@code fHessian} of tensor methods (reverse over forward through
 * {@code fDirectional}, the runtime tangent rules written out in tensor operations), against float64
 * central differences of {@code fGrad} and a closed form.
 */
class TensorSecondOrderTest {
    static final String SOURCE = """
            package demo;

            import static dev.fluxion.F.*;
            import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.Tensor;
import dev.fluxion.processor.fwd.ExpandedTangentRules;
import dev.fluxion.processor.ir.Op;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class T2 {
                // The W3 perceptron's loss as a function of its parameters.
                @Differentiable
                static Tensor mlp(Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor w3, Tensor b3,
                                  @NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h1 = sigmoid(linear(x, w1, b1));
                    Tensor h2 = sigmoid(linear(h1, w2, b2));
                    return bce(sigmoid(linear(h2, w3, b3)), y);
                }

                @Differentiable
                static Tensor energy(Tensor x, double s) {
                    Tensor p = softmax(x.times(s), 1);
                    return p.times(x.tanh()).sum().plus(x.square().mean().log()).plus(x.sin().times(x.exp()).sum());
                }

                @Differentiable
                static Tensor loop(Tensor x, int n) {
                    Tensor h = x;
                    for (int i = 0; i < n; i++) {
                        if (h.sum().item() > 0) {
                            h = h.times(h).div(h.square().plus(1.0));
                        } else {
                            h = tanh(h.plus(0.5)).times(x);
                        }
                    }
                    return mse(h, x.times(0.5));
                }

                // Every expanded tangent rule, each once.
                @Differentiable
                static Tensor everyRule(Tensor x, Tensor row, double s, @NoGrad Tensor y) {
                    Tensor p = sigmoid(x);
                    Tensor a = x.neg().exp().plus(x.square().log1p()).plus(x.abs().plus(1.0).sqrt())
                            .plus(x.square().plus(0.5).log());
                    Tensor b = tanh(x).times(x.sin()).plus(x.cos()).plus(softplus(x)).plus(relu(x))
                            .plus(x.abs().plus(0.1).pow(1.5));
                    Tensor c = a.div(b.square().plus(1.0)).plus(x.plus(row)).plus(x.plus(s))
                            .plus(x.square().plus(1.0).rdiv(2.0));
                    Tensor d = softmax(c, 1).times(c).sum().plus(logSoftmax(c, 1).mean()).plus(c.logSumExp());
                    return d.plus(mse(c, y)).plus(bce(p, y.sigmoid())).plus(bceWithLogits(x, y.sigmoid()));
                }

                // ½ xᵀAx + bᵀx: the Hessian is (A + Aᵀ)/2 ... = A for a symmetric A.
                @Differentiable
                static Tensor quadratic(Tensor x, @NoGrad Tensor a, @NoGrad Tensor b) {
                    return x.matmul(a.matmul(x)).times(0.5).plus(b.matmul(x));
                }
            }
            """;

    private static final double H = 1e-5;

    @Test
    void mlpHvpMatchesCentralDifferencesOfTheGradient() {
        Generated g = Generated.compile("demo.T2", SOURCE);
        Random rnd = new Random(3);
        List<Tensor> params = List.of(randn(rnd, 6, 8), randn(rnd, 6), randn(rnd, 4, 6), randn(rnd, 4),
                randn(rnd, 1, 4), randn(rnd, 1));
        List<Tensor> v = params.stream().map(p -> randn(rnd, p.shape())).toList();
        Tensor x = randn(rnd, 16, 8);
        Tensor y = Tensor.rand(rnd, 16, 1).gt(0.5).toDouble();
        String[] names = {"w1", "b1", "w2", "b2", "w3", "b3"};
        Object hvp = g.call("demo.T2Grad", "mlpHvp", args(params, x, y, v));
        Object gp = g.call("demo.T2Grad", "mlpGrad", args(moved(params, v, H), x, y, List.of()));
        Object gm = g.call("demo.T2Grad", "mlpGrad", args(moved(params, v, -H), x, y, List.of()));
        for (String n : names) {
            Tensor fd = ((Tensor) Generated.get(gp, n)).minus((Tensor) Generated.get(gm, n)).div(2 * H);
            ForwardModeTest.assertClose(fd, (Tensor) Generated.get(hvp, n), 1e-6);
        }
    }

    @Test
    void elementwiseSoftmaxLoopsAndBranches() {
        Generated g = Generated.compile("demo.T2", SOURCE);
        Random rnd = new Random(8);
        Tensor x = randn(rnd, 3, 4);
        Tensor v = randn(rnd, 3, 4);
        double s = 0.7;
        double vs = -0.3;
        Object hvp = g.call("demo.T2Grad", "energyHvp", x, s, v, vs);
        Object gp = g.call("demo.T2Grad", "energyGrad", x.plus(v.times(H)), s + H * vs);
        Object gm = g.call("demo.T2Grad", "energyGrad", x.minus(v.times(H)), s - H * vs);
        ForwardModeTest.assertClose(((Tensor) Generated.get(gp, "x")).minus((Tensor) Generated.get(gm, "x"))
                .div(2 * H), (Tensor) Generated.get(hvp, "x"), 1e-6);
        double fds = ((double) Generated.get(gp, "s") - (double) Generated.get(gm, "s")) / (2 * H);
        assertEquals(fds, (double) Generated.get(hvp, "s"), 1e-6 * Math.max(1, Math.abs(fds)));

        for (double shift : new double[] {1.0, -1.0}) { // both branches of the loop
            Tensor xl = randn(rnd, 5).plus(shift);
            Tensor vl = randn(rnd, 5);
            Object lh = g.call("demo.T2Grad", "loopHvp", xl, 3, vl);
            Object lp = g.call("demo.T2Grad", "loopGrad", xl.plus(vl.times(H)), 3);
            Object lm = g.call("demo.T2Grad", "loopGrad", xl.minus(vl.times(H)), 3);
            ForwardModeTest.assertClose(((Tensor) Generated.get(lp, "x")).minus((Tensor) Generated.get(lm, "x"))
                    .div(2 * H), (Tensor) Generated.get(lh, "x"), 1e-6);
        }
    }

    @Test
    void everyExpandedRuleAgreesWithItsRuntimeRuleAndCentralDifferences() {
        Generated g = Generated.compile("demo.T2", SOURCE);
        Random rnd = new Random(12);
        Tensor x = randn(rnd, 3, 4);
        Tensor row = randn(rnd, 4);
        double s = 0.4;
        Tensor y = randn(rnd, 3, 4);
        Tensor vx = randn(rnd, 3, 4);
        Tensor vr = randn(rnd, 4);
        double vs = 0.9;
        // value() of fHvp is ⟨∇f, v⟩ from the expanded rules; fJvp's tangent is the same from the runtime's.
        Object hvp = g.call("demo.T2Grad", "everyRuleHvp", x, row, s, y, vx, vr, vs);
        Object jvp = g.call("demo.T2Grad", "everyRuleJvp", x, row, s, y, vx, vr, vs);
        ForwardModeTest.assertClose((Tensor) Generated.get(jvp, "tangent"), (Tensor) Generated.get(hvp, "value"), 1e-12);
        Object gp = g.call("demo.T2Grad", "everyRuleGrad", x.plus(vx.times(H)), row.plus(vr.times(H)), s + H * vs, y);
        Object gm = g.call("demo.T2Grad", "everyRuleGrad", x.minus(vx.times(H)), row.minus(vr.times(H)), s - H * vs, y);
        for (String n : new String[] {"x", "row"}) {
            ForwardModeTest.assertClose(((Tensor) Generated.get(gp, n)).minus((Tensor) Generated.get(gm, n)).div(2 * H),
                    (Tensor) Generated.get(hvp, n), 1e-6);
        }
        double fds = ((double) Generated.get(gp, "s") - (double) Generated.get(gm, "s")) / (2 * H);
        assertEquals(fds, (double) Generated.get(hvp, "s"), 1e-6 * Math.max(1, Math.abs(fds)));
    }

    @Test
    void aWrongSecondOrderRuleFailsTheBuild() throws Exception {
        // σ' written as t·σ (missing the 1 − σ): fJvp (the runtime rule) stays right, fHvp does not.
        try (AutoCloseable ignored = ExpandedTangentRules.overrideForTesting((owner, name, a) -> name.equals("sigmoidGrad")
                ? ExpandedTangentRules.op(Op.TIMES, a.get(0), a.get(2)) : null)) {
            Compilation c = Generated.javac().compile(JavaFileObjects.forSourceString("demo.T2", SOURCE));
            assertThat(c).hadErrorContaining("second-order check failed for mlp");
        }
    }

    @Test
    void hessianOfAQuadraticIsItsMatrix() {
        Generated g = Generated.compile("demo.T2", SOURCE);
        Random rnd = new Random(4);
        Tensor m = randn(rnd, 4, 4);
        Tensor a = m.plus(m.t());
        Tensor x = randn(rnd, 4);
        Tensor b = randn(rnd, 4);
        Tensor hess = (Tensor) g.call("demo.T2Grad", "quadraticHessian", x, a, b);
        assertArrayEquals(new int[] {4, 4}, hess.shape());
        assertArrayEquals(a.toDoubleArray(), hess.toDoubleArray(), 1e-12);
    }

    private static Object[] args(List<Tensor> params, Tensor x, Tensor y, List<Tensor> v) {
        List<Object> out = new ArrayList<>(params);
        out.add(x);
        out.add(y);
        out.addAll(v);
        return out.toArray();
    }

    private static List<Tensor> moved(List<Tensor> params, List<Tensor> v, double h) {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            out.add(params.get(i).plus(v.get(i).times(h)));
        }
        return out;
    }

    private static Tensor randn(Random rnd, int... shape) {
        return Tensor.randn(rnd, shape).toDouble();
    }
}
