package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.fluxion.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code fJvp}, {@code fJacobian}, {@code fHvp} and {@code fHessian} of scalar, array, loop-and-branch,
 * tensor and loop methods against the float64 values of PyTorch 1.13's
 * {@code torch.autograd.functional.jvp / jacobian / hvp / hessian}, from the fixture
 * {@code torch/forward_second_order.txt} that {@code tools/torch_reference/forward_second_order.py}
 * writes (the same methods and inputs).
 */
class TorchSecondOrderTest {
    private static final String SOURCE = """
            package demo;

            import static dev.fluxion.F.*;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class R {
                @Differentiable
                static double pair(double x, double y, @NoGrad double c) {
                    return Math.exp(x * y) + c * Math.sin(x) * y * y;
                }

                @Differentiable
                static double rosenbrock(double[] x) {
                    double s = 0;
                    for (int i = 0; i + 1 < x.length; i++) {
                        double u = x[i + 1] - x[i] * x[i];
                        s += 100 * u * u + (1 - x[i]) * (1 - x[i]);
                    }
                    return s;
                }

                @Differentiable
                static double branchy(double[] x, double c) {
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        if (x[i] > 0) {
                            s += Math.log1p(x[i] * x[i]) * c;
                        } else {
                            s = s * 0.5 + Math.cos(x[i] * c);
                        }
                    }
                    return s * s;
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

                @Differentiable
                static Tensor mlp(Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor w3, Tensor b3,
                                  @NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h1 = sigmoid(linear(x, w1, b1));
                    Tensor h2 = sigmoid(linear(h1, w2, b2));
                    return bce(sigmoid(linear(h2, w3, b3)), y);
                }

                @Differentiable
                static Tensor arm(Tensor q, double scale) {
                    Tensor c = q.cos().times(scale);
                    Tensor s = q.sin().times(scale);
                    return cat(0, c, s, c.times(s));
                }

                @Differentiable
                static Tensor layer(Tensor x, Tensor w, @NoGrad Tensor b) {
                    return tanh(x.matmul(w).plus(b));
                }
            }
            """;

    private static final String GRAD = "demo.RGrad";
    private static Map<String, double[]> torch;
    private static Generated g;

    @BeforeAll
    static void load() throws IOException {
        torch = new HashMap<>();
        try (InputStream in = TorchSecondOrderTest.class.getResourceAsStream("/torch/forward_second_order.txt")) {
            assertNotNull(in, "fixture torch/forward_second_order.txt");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] kv = line.split(" = ");
                torch.put(kv[0], Arrays.stream(kv[1].split(", ")).mapToDouble(Double::parseDouble).toArray());
            }
        }
        g = Generated.compile("demo.R", SOURCE);
    }

    @Test
    void scalarAndArrayMethods() {
        Object pj = g.call(GRAD, "pairJvp", 0.3, -0.7, 1.9, 0.4, -1.1);
        expect("pair.jvp", Generated.get(pj, "tangent"));
        Object ph = g.call(GRAD, "pairHvp", 0.3, -0.7, 1.9, 0.4, -1.1);
        expect("pair.hvp[0]", Generated.get(ph, "x"));
        expect("pair.hvp[1]", Generated.get(ph, "y"));

        double[] x = {1.2, -0.4, 0.8, 0.3};
        double[] v = {0.5, -1.0, 0.25, 2.0};
        expect("rosenbrock.jvp", Generated.get(g.call(GRAD, "rosenbrockJvp", x, v), "tangent"));
        expect("rosenbrock.hvp", Generated.get(g.call(GRAD, "rosenbrockHvp", x, v), "x"));
        expect("rosenbrock.hessian", g.call(GRAD, "rosenbrockHessian", (Object) x));
    }

    @Test
    void loopsAndBranches() {
        double[] x = {0.5, -0.3, 1.2, -1.5};
        double[] v = {0.3, -0.9, 0.2, 0.7};
        expect("branchy.jvp", Generated.get(g.call(GRAD, "branchyJvp", x, 0.8, v, -0.4), "tangent"));
        Object h = g.call(GRAD, "branchyHvp", x, 0.8, v, -0.4);
        expect("branchy.hvp[0]", Generated.get(h, "x"));
        expect("branchy.hvp[1]", Generated.get(h, "c"));
        for (String tag : List.of("up", "down")) {
            Tensor xl = filled(5, 0.9, 0.4, 5).times(2).plus(tag.equals("up") ? 1.0 : -1.0);
            Tensor vl = filled(5, 1.7, 2.0, 5).times(2);
            expect("loop." + tag + ".jvp", Generated.get(g.call(GRAD, "loopJvp", xl, 3, vl), "tangent"));
            expect("loop." + tag + ".hvp", Generated.get(g.call(GRAD, "loopHvp", xl, 3, vl), "x"));
            expect("loop." + tag + ".hessian", g.call(GRAD, "loopHessian", xl, 3));
        }
    }

    @Test
    void tensorMethods() {
        Tensor x = filled(12, 1.3, 0.2, 3, 4).times(3);
        Tensor v = filled(12, 0.7, 1.0, 3, 4).times(2);
        expect("energy.jvp", Generated.get(g.call(GRAD, "energyJvp", x, 0.7, v, -0.3), "tangent"));
        Object h = g.call(GRAD, "energyHvp", x, 0.7, v, -0.3);
        expect("energy.hvp[0]", Generated.get(h, "x"));
        expect("energy.hvp[1]", Generated.get(h, "s"));

        int[][] shapes = {{6, 8}, {6}, {4, 6}, {4}, {1, 4}, {1}};
        List<Object> args = new ArrayList<>();
        List<Object> directions = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            int n = Arrays.stream(shapes[i]).reduce(1, (a, b) -> a * b);
            args.add(filled(n, 1.1 + 0.1 * i, 0.3 * i, shapes[i]).times(2));
            directions.add(filled(n, 0.6 + 0.2 * i, 1.0 + i, shapes[i]));
        }
        args.add(filled(128, 0.37, 0.0, 16, 8).times(4));
        args.add(filled(16, 2.3, 0.5, 16, 1).gt(0).toDouble());
        args.addAll(directions);
        Object mh = g.call(GRAD, "mlpHvp", args.toArray());
        String[] names = {"w1", "b1", "w2", "b2", "w3", "b3"};
        for (int i = 0; i < names.length; i++) {
            expect("mlp.hvp[" + i + "]", Generated.get(mh, names[i]));
        }
    }

    @Test
    void jacobians() {
        Tensor q = Tensor.of(0.4, -1.3);
        expect("arm.jvp", Generated.get(g.call(GRAD, "armJvp", q, 1.3, Tensor.of(0.6, 0.2), -0.5), "tangent"));
        Object j = g.call(GRAD, "armJacobian", q, 1.3);
        expect("arm.jacobian[0]", Generated.get(j, "q"));
        expect("arm.jacobian[1]", Generated.get(j, "scale"));
        Tensor x = filled(6, 1.9, 0.1, 2, 3).times(2);
        Tensor w = filled(6, 0.8, 0.7, 3, 2).times(2);
        Object l = g.call(GRAD, "layerJacobian", x, w, filled(2, 1.4, 0.0, 2));
        expect("layer.jacobian[0]", Generated.get(l, "x"));
        expect("layer.jacobian[1]", Generated.get(l, "w"));
    }

    /** As the script's {@code filled}: 0.5 sin(a k + b) for k = 0 … n−1, float64, of {@code shape}. */
    private static Tensor filled(int n, double a, double b, int... shape) {
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            out[k] = 0.5 * Math.sin(a * k + b);
        }
        return Tensor.fromArray(out, shape);
    }

    private static void expect(String key, Object actual) {
        double[] expected = torch.get(key);
        assertNotNull(expected, key + " in the fixture");
        double[] a = switch (actual) {
            case Double d -> new double[] {d};
            case double[] d -> d;
            case double[][] d -> Arrays.stream(d).flatMapToDouble(Arrays::stream).toArray();
            case Tensor t -> t.toDoubleArray();
            default -> throw new AssertionError(key + ": " + actual);
        };
        assertEquals(expected.length, a.length, key + " size");
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], 1e-9 * Math.max(1, Math.abs(expected[i])), key + " element " + i);
        }
    }
}
