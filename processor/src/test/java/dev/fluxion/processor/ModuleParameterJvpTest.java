package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
 * {@code fParametersJvp(model, args, w_dot, ...)}: the forward mode of a {@code Module} method with
 * respect to its Parameters ({@code torch.func.jvp} over {@code functional_call}), against float64
 * central differences of the method along each Parameter's direction alone and along all of them,
 * for a scalar and a tensor result, and against PyTorch.
 */
class ModuleParameterJvpTest {
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
                final Linear fc = new Linear(4, 2, true, DType.FLOAT64, new Random(3));

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = tanh(x.matmul(w).plus(b));
                    return mse(fc.forward(h), y).plus(w.square().sum().times(0.01));
                }

                @Differentiable
                Tensor features(Tensor x) {
                    return sigmoid(fc.forward(tanh(x.matmul(w).plus(b)))).times(x.sum());
                }
            }
            """;

    private static final double H = 1e-5;
    /** The Parameters in the order the methods first read them, and their names in the generated code. */
    private static final List<String> ORDER = List.of("w", "b", "fc.weight", "fc.bias");

    @Test
    void lossJvpMatchesCentralDifferencesAlongEachParameter() {
        Generated g = Generated.compile("demo.Net", NET);
        Module net = (Module) g.instance("demo.Net");
        Random rnd = new Random(8);
        Tensor x = Tensor.randn(rnd, 5, 3).toDouble();
        Tensor y = Tensor.randn(rnd, 5, 2).toDouble();
        checkEveryDirection(g, net, "loss", List.of(x, y), rnd);
    }

    @Test
    void tensorResultJvpMatchesCentralDifferencesAlongEachParameter() {
        Generated g = Generated.compile("demo.Net", NET);
        Module net = (Module) g.instance("demo.Net");
        Random rnd = new Random(9);
        Tensor x = Tensor.randn(rnd, 4, 3).toDouble();
        checkEveryDirection(g, net, "features", List.of(x), rnd);
    }

    /**
     * One direction per Parameter alone (the others zero), then all at once: the tangent against
     * {@code (f(θ + h v) − f(θ − h v)) / 2h}, and the value against the method itself.
     */
    private static void checkEveryDirection(Generated g, Module net, String method, List<Object> args, Random rnd) {
        Map<String, Tensor> random = new LinkedHashMap<>();
        for (String name : ORDER) {
            random.put(name, Tensor.randn(rnd, net.stateDict().get(name).shape()).toDouble());
        }
        List<String> cases = new java.util.ArrayList<>(ORDER);
        cases.add("all");
        for (String only : cases) {
            Map<String, Tensor> v = new LinkedHashMap<>();
            random.forEach((k, t) -> v.put(k, only.equals("all") || only.equals(k) ? t : Tensor.zerosLike(t)));
            List<Object> callArgs = new java.util.ArrayList<>();
            callArgs.add(net);
            callArgs.addAll(args);
            ORDER.forEach(k -> callArgs.add(v.get(k)));
            Object r = g.call("demo.NetGrad", method + "ParametersJvp", callArgs.toArray());
            for (Parameter p : net.parameters()) {
                assertNull(p.grad(), "a JVP accumulates nothing into the parameters");
            }
            Tensor value = (Tensor) Generated.get(r, "value");
            Tensor tangent = (Tensor) Generated.get(r, "tangent");
            assertArrayEquals(value(g, net, method, args, v, 0).toDoubleArray(), value.toDoubleArray(), 1e-14, only);
            double[] fd = value(g, net, method, args, v, H).minus(value(g, net, method, args, v, -H)).div(2 * H)
                    .toDoubleArray();
            double[] got = tangent.toDoubleArray();
            assertEquals(fd.length, got.length, only);
            for (int k = 0; k < fd.length; k++) {
                assertEquals(fd[k], got[k], 1e-7 * Math.max(1, Math.abs(fd[k])), only + ": " + method + "[" + k + "]");
            }
        }
    }

    /** The method's value with the Parameters moved by {@code h·v} (then put back). */
    private static Tensor value(Generated g, Module net, String method, List<Object> args, Map<String, Tensor> v,
                                double h) {
        Map<String, Tensor> original = new LinkedHashMap<>();
        net.stateDict().forEach((k, t) -> original.put(k, t.toDouble().plus(0.0)));
        Map<String, Tensor> moved = new LinkedHashMap<>();
        original.forEach((k, t) -> moved.put(k, t.plus(v.get(k).times(h))));
        net.loadStateDict(moved);
        List<Object> callArgs = new java.util.ArrayList<>();
        callArgs.add(net);
        callArgs.addAll(args);
        Tensor out = ((Tensor) g.call("demo.NetGrad", method, callArgs.toArray())).toDouble().plus(0.0);
        net.loadStateDict(original);
        return out;
    }

    /** A Linear built without a bias: a clear error naming the missing Parameter, not a NullPointerException. */
    @Test
    void aLayerWithoutABiasIsAClearError() {
        Generated g = Generated.compile("demo.Net", NET.replace("new Linear(4, 2, true,", "new Linear(4, 2, false,"));
        Object net = g.instance("demo.Net");
        Tensor x = Tensor.zeros(5, 3).toDouble();
        AssertionError e = assertThrows(AssertionError.class, () -> g.call("demo.NetGrad", "lossParametersJvp", net, x,
                Tensor.zeros(5, 2).toDouble(), Tensor.zeros(3, 4).toDouble(), Tensor.zeros(4).toDouble(),
                Tensor.zeros(2, 4).toDouble(), null));
        assertEquals("lossParametersJvp: model.fc.bias is null (a layer built without it?); the forward mode with"
                + " respect to the Parameters needs every Parameter loss reads", e.getCause().getMessage());
    }

    @Test
    void parameterJvpMatchesPyTorch() throws Exception {
        Map<String, double[]> torch = new LinkedHashMap<>();
        try (var in = ModuleParameterJvpTest.class.getResourceAsStream("/torch/module_jvp.txt")) {
            assertNotNull(in, "fixture torch/module_jvp.txt");
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] kv = line.split(" = ");
                    torch.put(kv[0], Arrays.stream(kv[1].split(", ")).mapToDouble(Double::parseDouble).toArray());
                }
            }
        }
        // The MLP of ModuleHvpTest, with its Parameters and data built the same way as the script's,
        // and a method with a tensor result.
        String mlp = ModuleHvpTest.MLP.replace("    /** 0.5 sin", """
                    @Differentiable
                    Tensor hidden(@NoGrad Tensor x) {
                        return tanh(linear(x, w1, b1));
                    }

                    /** 0.5 sin""");
        Generated g = Generated.compile("demo.Mlp", mlp);
        Object model = g.instance("demo.Mlp");
        java.lang.reflect.Method filled = g.load("demo.Mlp").getDeclaredMethod("filled", int.class, double.class,
                double.class, int[].class);
        filled.setAccessible(true);
        Tensor x = (Tensor) filled.invoke(null, 15, 0.45, 0.2, new int[] {5, 3});
        Tensor y = ((Tensor) filled.invoke(null, 5, 1.1, 0.7, new int[] {5, 1})).plus(0.5);
        Object[] v = {filled.invoke(null, 12, 0.3, -0.5, new int[] {4, 3}), filled.invoke(null, 4, 0.8, 0.9, new int[] {4}),
                filled.invoke(null, 4, -0.6, 1.2, new int[] {1, 4}), filled.invoke(null, 1, 2.0, 0.1, new int[] {1})};
        Object r = g.call("demo.MlpGrad", "lossParametersJvp", model, x, y, v[0], v[1], v[2], v[3]);
        assertEquals(torch.get("mlp.loss")[0], ((Tensor) Generated.get(r, "value")).item(), 1e-14);
        assertEquals(torch.get("mlp.jvp")[0], ((Tensor) Generated.get(r, "tangent")).item(), 1e-13);
        Object f = g.call("demo.MlpGrad", "hiddenParametersJvp", model, x, v[0], v[1]);
        assertArrayEquals(torch.get("mlp.hidden"), ((Tensor) Generated.get(f, "value")).toDoubleArray(), 1e-14);
        assertArrayEquals(torch.get("mlp.hidden.jvp"), ((Tensor) Generated.get(f, "tangent")).toDoubleArray(), 1e-13);
    }
}
