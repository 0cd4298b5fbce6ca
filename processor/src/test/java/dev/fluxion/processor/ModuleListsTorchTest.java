package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.nn.Module;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model of the user's own modules held in lists — a list of blocks that each loop over a list of
 * {@code Linear}, then a {@code ModuleList} of residual blocks — against PyTorch: the loss and the
 * gradient of every nested parameter equal the float64 values {@code torch/module_lists.txt} holds,
 * written by {@code tools/torch_reference/module_lists.py} for the same network and weights.
 */
class ModuleListsTorchTest {
    private static final String NET = ModuleListsTest.IMPORTS + """
            class Stack extends Module {
                final List<Linear> layers = List.of(new Linear(3, 3, true, DType.FLOAT64, new Random(1)),
                        new Linear(3, 3, true, DType.FLOAT64, new Random(2)));

                @Differentiable
                Tensor forward(Tensor x, @NoGrad double slope) {
                    Tensor h = x;
                    for (Linear l : layers) {
                        h = leakyRelu(l.forward(h), slope);
                    }
                    return h;
                }
            }

            class Residual extends Module {
                final Linear fc1 = new Linear(3, 3, true, DType.FLOAT64, new Random(3));
                final Linear fc2 = new Linear(3, 3, true, DType.FLOAT64, new Random(4));
                final Parameter gain = param(Tensor.of(0.5).toDouble());

                @Differentiable
                Tensor forward(Tensor x) { return x.plus(fc2.forward(fc1.forward(x).relu()).times(gain)); }
            }

            class TorchNet extends Module {
                final Linear in = new Linear(2, 3, true, DType.FLOAT64, new Random(5));
                final List<Stack> blocks = List.of(new Stack(), new Stack());
                final ModuleList<Residual> res = ModuleList.of(new Residual(), new Residual());

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = in.forward(x);
                    for (int i = 0; i < blocks.size(); i++) {
                        h = blocks.get(i).forward(h, 0.1 * (i + 1));
                    }
                    for (Residual r : res) {
                        h = r.forward(h);
                    }
                    return mse(h.sum(1, true), y);
                }
            }
            """;

    @Test
    void everyNestedGradientEqualsPyTorchs() throws IOException {
        Map<String, double[]> torch = fixture();
        Generated g = Generated.compile("demo.Stack", NET);
        Module net = (Module) g.instance("demo.TorchNet");
        Map<String, Parameter> params = net.namedParameters();
        List<String> names = new ArrayList<>(params.keySet());
        List<String> sorted = names.stream().sorted().toList();
        for (String name : names) {
            Parameter p = params.get(name);
            int j = sorted.indexOf(name);
            double[] v = new double[(int) p.numel()];
            for (int k = 0; k < v.length; k++) {
                v[k] = 0.5 * Math.sin(0.7 * k + 1.3 * j) + 0.1;
            }
            p.copyInPlace(Tensor.fromArray(v, p.shape()));
        }
        Tensor loss = (Tensor) g.call("demo.TorchNetGrad", "lossBackward", net, ModuleListsTest.X, ModuleListsTest.Y);
        assertEquals(torch.get("loss")[0], loss.item(), 1e-12);
        assertEquals(torch.keySet().stream().filter(k -> !k.equals("loss")).sorted().toList(), sorted,
                "PyTorch's parameter names");
        for (String name : names) {
            assertNotNull(params.get(name).grad(), name);
            assertArrayEquals(torch.get(name), params.get(name).grad().toDoubleArray(), 1e-12, name);
        }
    }

    private static Map<String, double[]> fixture() throws IOException {
        Map<String, double[]> out = new LinkedHashMap<>();
        try (InputStream in = ModuleListsTorchTest.class.getResourceAsStream("/torch/module_lists.txt")) {
            assertNotNull(in, "fixture torch/module_lists.txt");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] kv = line.split(" = ");
                out.put(kv[0], Arrays.stream(kv[1].split(", ")).mapToDouble(Double::parseDouble).toArray());
            }
        }
        return out;
    }
}
