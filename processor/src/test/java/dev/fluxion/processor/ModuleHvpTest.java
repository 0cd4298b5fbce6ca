package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.nn.Module;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code fHvp(model, args, w_dot, ...)}: the Hessian-vector product of a {@code Module} method
 * with respect to its Parameters ({@code torch.autograd.functional.hvp} over a model's
 * parameters), against float64 central differences of the Parameters' gradients along the
 * direction, and a closed form; the Parameters' {@code grad()} are left untouched.
 */
class ModuleHvpTest {
    private static final String NET = """
            package demo;

            import static dev.fluxion.F.*;
            import dev.fluxion.DType;
            import dev.fluxion.Parameter;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;
            import dev.fluxion.nn.Linear;
            import dev.fluxion.nn.Module;
            import java.util.Random;

            class Net extends Module {
                final Parameter w = param(Tensor.randn(new Random(1), 3, 4).toDouble());
                final Parameter b = param(Tensor.randn(new Random(2), 4).toDouble());
                final Linear fc = new Linear(4, 1, true, DType.FLOAT64, new Random(3));

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = tanh(x.matmul(w).plus(b));
                    return mse(fc.forward(h), y).plus(w.square().sum().times(0.01));
                }

                @Differentiable
                Tensor quadratic(@NoGrad Tensor x) {
                    return x.matmul(w).square().sum().times(0.5);
                }
            }
            """;

    private static final double H = 1e-5;

    @Test
    void parameterHvpMatchesCentralDifferencesOfTheGradient() {
        Generated g = Generated.compile("demo.Net", NET);
        Module net = (Module) g.instance("demo.Net");
        Random rnd = new Random(8);
        Tensor x = Tensor.randn(rnd, 5, 3).toDouble();
        Tensor y = Tensor.randn(rnd, 5, 1).toDouble();
        Map<String, Tensor> v = new LinkedHashMap<>();
        for (var e : net.stateDict().entrySet()) {
            v.put(e.getKey(), Tensor.randn(rnd, e.getValue().shape()).toDouble());
        }
        // The directions, in the order loss first reads the Parameters: w, b, fc.weight, fc.bias.
        Object r = g.call("demo.NetGrad", "lossHvp", net, x, y, v.get("w"), v.get("b"), v.get("fc.weight"),
                v.get("fc.bias"));
        for (Parameter p : net.parameters()) {
            assertNull(p.grad(), "an HVP accumulates nothing into the parameters");
        }
        Map<String, String> components = Map.of("w", "w", "b", "b", "fc.weight", "fc_weight", "fc.bias", "fc_bias");
        Map<String, Tensor> plus = gradients(g, net, x, y, v, H);
        Map<String, Tensor> minus = gradients(g, net, x, y, v, -H);
        for (String name : v.keySet()) {
            Tensor hvp = (Tensor) Generated.get(r, components.get(name));
            assertArrayEquals(v.get(name).shape(), hvp.shape(), name);
            double[] fd = plus.get(name).minus(minus.get(name)).div(2 * H).toDoubleArray();
            double[] got = hvp.toDoubleArray();
            for (int k = 0; k < fd.length; k++) {
                assertEquals(fd[k], got[k], 1e-6 * Math.max(1, Math.abs(fd[k])), name + "[" + k + "]");
            }
        }
        // value() is the directional derivative ⟨∇θ loss, v⟩.
        Map<String, Tensor> grad = gradients(g, net, x, y, v, 0);
        double dot = 0;
        for (String name : v.keySet()) {
            dot += grad.get(name).times(v.get(name)).sum().item();
        }
        assertEquals(dot, (double) ((Tensor) Generated.get(r, "value")).item(), 1e-10 * Math.max(1, Math.abs(dot)));
    }

    /**
     * Regression: a Linear built without a bias handed its null bias to the parameter form, which
     * failed with a NullPointerException inside generated code; now a clear error names it.
     */
    @Test
    void aLayerWithoutABiasIsAClearError() {
        Generated g = Generated.compile("demo.Net", NET.replace("new Linear(4, 1, true,", "new Linear(4, 1, false,"));
        Object net = g.instance("demo.Net");
        Random rnd = new Random(4);
        Tensor x = Tensor.randn(rnd, 5, 3).toDouble();
        Tensor y = Tensor.randn(rnd, 5, 1).toDouble();
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> g.call("demo.NetGrad", "lossHvp", net, x, y, Tensor.zeros(3, 4).toDouble(), Tensor.zeros(4).toDouble(),
                        Tensor.zeros(1, 4).toDouble(), null));
        assertEquals("lossHvp: model.fc.bias is null (a layer built without it?); the Hessian-vector product with respect"
                + " to the Parameters needs every Parameter loss reads", e.getCause().getMessage());
        assertEquals(dev.fluxion.FluxionException.class, e.getCause().getClass());
    }

    @Test
    void quadraticHasTheClosedFormHvp() {
        // quadratic = ½‖x w‖²: H·V = xᵀ x V for a direction V of w's shape.
        Generated g = Generated.compile("demo.Net", NET);
        Object net = g.instance("demo.Net");
        Random rnd = new Random(3);
        Tensor x = Tensor.randn(rnd, 6, 3).toDouble();
        Tensor dw = Tensor.randn(rnd, 3, 4).toDouble();
        Object r = g.call("demo.NetGrad", "quadraticHvp", net, x, dw);
        double[] expected = x.t().matmul(x).matmul(dw).toDoubleArray();
        assertArrayEquals(expected, ((Tensor) Generated.get(r, "w")).toDoubleArray(), 1e-12);
    }

    @Test
    void hvpIsGeneratedOnlyWhereTheParameterFormIsSupported() {
        Generated g = Generated.compile("demo.Net", NET);
        List<String> names = Arrays.stream(g.load("demo.NetGrad").getMethods()).map(java.lang.reflect.Method::getName)
                .toList();
        assertTrue(names.contains("lossHvp") && names.contains("quadraticHvp"), names.toString());
        Generated calls = Generated.compile("demo.Calls", """
                package demo;

                import static dev.fluxion.F.*;
                import dev.fluxion.Parameter;
                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;
                import dev.fluxion.nn.Module;

                class Calls extends Module {
                    final Parameter w = param(Tensor.ones(2, 1));

                    @Differentiable
                    Tensor forward(@NoGrad Tensor x) { return x.matmul(w); }

                    @Differentiable
                    Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) { return mse(forward(x), y); }
                }
                """);
        List<String> callNames = Arrays.stream(calls.load("demo.CallsGrad").getMethods())
                .map(java.lang.reflect.Method::getName).toList();
        assertTrue(callNames.contains("forwardHvp"), callNames.toString());
        // A method calling another Module method has no parameter HVP yet (documented in the README).
        assertFalse(callNames.contains("lossHvp"), callNames.toString());
    }

    /** A 3-4-1 MLP with an L2 term, as tools/torch_reference/module_hvp.py and module_jvp.py build it. */
    static final String MLP = """
            package demo;

            import static dev.fluxion.F.*;
            import dev.fluxion.Parameter;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;
            import dev.fluxion.nn.Module;

            class Mlp extends Module {
                final Parameter w1 = param(filled(12, 0.7, 0.1, 4, 3));
                final Parameter b1 = param(filled(4, 1.3, -0.2, 4));
                final Parameter w2 = param(filled(4, -0.9, 0.4, 1, 4));
                final Parameter b2 = param(filled(1, 0.5, 0.3, 1));

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = tanh(linear(x, w1, b1));
                    return mse(sigmoid(linear(h, w2, b2)), y).plus(w1.square().sum().times(0.01));
                }

                /** 0.5 sin(a k + b), k = 0 … n-1: the values tools/torch_reference/module_hvp.py builds. */
                static Tensor filled(int n, double a, double b, int... shape) {
                    double[] v = new double[n];
                    for (int k = 0; k < n; k++) {
                        v[k] = 0.5 * Math.sin(a * k + b);
                    }
                    return Tensor.fromArray(v, shape);
                }
            }
            """;

    @Test
    void parameterHvpMatchesPyTorch() throws Exception {
        Map<String, double[]> torch = new LinkedHashMap<>();
        try (var in = ModuleHvpTest.class.getResourceAsStream("/torch/module_hvp.txt")) {
            org.junit.jupiter.api.Assertions.assertNotNull(in, "fixture torch/module_hvp.txt");
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] kv = line.split(" = ");
                    torch.put(kv[0], Arrays.stream(kv[1].split(", ")).mapToDouble(Double::parseDouble).toArray());
                }
            }
        }
        Generated g = Generated.compile("demo.Mlp", MLP);
        Object mlp = g.instance("demo.Mlp");
        Class<?> owner = g.load("demo.Mlp");
        java.lang.reflect.Method filled = owner.getDeclaredMethod("filled", int.class, double.class, double.class,
                int[].class);
        filled.setAccessible(true);
        Tensor x = (Tensor) filled.invoke(null, 15, 0.45, 0.2, new int[] {5, 3});
        Tensor y = ((Tensor) filled.invoke(null, 5, 1.1, 0.7, new int[] {5, 1})).plus(0.5);
        Object r = g.call("demo.MlpGrad", "lossHvp", mlp, x, y,
                filled.invoke(null, 12, 0.3, -0.5, new int[] {4, 3}), filled.invoke(null, 4, 0.8, 0.9, new int[] {4}),
                filled.invoke(null, 4, -0.6, 1.2, new int[] {1, 4}), filled.invoke(null, 1, 2.0, 0.1, new int[] {1}));
        assertEquals(torch.get("mlp.loss")[0], ((Tensor) g.call("demo.MlpGrad", "loss", mlp, x, y)).item(), 1e-14);
        for (String name : List.of("w1", "b1", "w2", "b2")) {
            assertArrayEquals(torch.get("mlp.hvp." + name), ((Tensor) Generated.get(r, name)).toDoubleArray(), 1e-13,
                    name);
        }
    }

    /** The Parameters' gradients of loss at the Parameters moved by {@code h·v}, from lossBackward. */
    private static Map<String, Tensor> gradients(Generated g, Module net, Tensor x, Tensor y, Map<String, Tensor> v,
                                                 double h) {
        Map<String, Tensor> original = new LinkedHashMap<>();
        net.stateDict().forEach((k, t) -> original.put(k, t.toDouble().plus(0.0)));
        Map<String, Tensor> moved = new LinkedHashMap<>();
        original.forEach((k, t) -> moved.put(k, t.plus(v.get(k).times(h))));
        net.loadStateDict(moved);
        net.zeroGrad();
        g.call("demo.NetGrad", "lossBackward", net, x, y);
        Map<String, Tensor> out = new LinkedHashMap<>();
        net.namedParameters().forEach((k, p) -> out.put(k, p.grad().toDouble().plus(0.0)));
        net.parameters().forEach(Parameter::clearGrad);
        net.loadStateDict(original);
        return out;
    }
}
