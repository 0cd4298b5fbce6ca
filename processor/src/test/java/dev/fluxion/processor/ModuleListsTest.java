package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.nn.Module;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The user's own {@code Module}s inside {@code List}, array and {@code ModuleList} fields, as
 * {@code nn.ModuleList} of custom blocks in PyTorch: {@code for (Block b : blocks) h = b.forward(h)},
 * {@code blocks.get(i).forward(h)} and {@code blocks[i].forward(h)} run each element's generated
 * pullback on that element, and the outer backward accumulates into every nested Parameter
 * ({@code blocks.0.fc.weight}), checked against float64 central differences of the forward pass.
 */
class ModuleListsTest {
    static final String IMPORTS = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.DType;
            import dev.fluxion.Parameter;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;
            import dev.fluxion.nn.*;
            import dev.fluxion.nn.Module;
            import java.util.List;
            import java.util.Random;
            """;

    static final String BLOCKS = IMPORTS + """
            class Block extends Module {
                final Linear fc;

                Block(int in, int out, long seed) {
                    fc = new Linear(in, out, true, DType.FLOAT64, new Random(seed));
                }

                @Differentiable
                Tensor forward(Tensor x) { return tanh(fc.forward(x)); }
            }

            /** x + gain · fc2(relu(fc1(x))): a residual block. */
            class Residual extends Module implements Layer {
                final Linear fc1;
                final Linear fc2;
                final Parameter gain = param(Tensor.of(0.5).toDouble());

                Residual(int width, long seed) {
                    Random rng = new Random(seed);
                    fc1 = new Linear(width, width, true, DType.FLOAT64, rng);
                    fc2 = new Linear(width, width, true, DType.FLOAT64, rng);
                }

                @Differentiable
                public Tensor forward(Tensor x) { return x.plus(fc2.forward(fc1.forward(x).relu()).times(gain)); }
            }

            /** A block that holds a list itself: nested lists, parameters named blocks.1.layers.0.weight. */
            class Stack extends Module {
                final List<Linear> layers;

                Stack(long seed) {
                    Random rng = new Random(seed);
                    layers = List.of(new Linear(3, 3, true, DType.FLOAT64, rng), new Linear(3, 3, true, DType.FLOAT64, rng));
                }

                @Differentiable
                Tensor forward(Tensor x, @NoGrad double slope) {
                    Tensor h = x;
                    for (Linear l : layers) {
                        h = leakyRelu(l.forward(h), slope);
                    }
                    return h;
                }
            }

            class ForNet extends Module {
                final List<Block> blocks = List.of(new Block(2, 3, 1), new Block(3, 3, 2), new Block(3, 1, 3));

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = x;
                    for (Block b : blocks) {
                        h = b.forward(h);
                    }
                    return mse(h, y);
                }
            }

            class GetNet extends Module {
                final List<Block> blocks = List.of(new Block(2, 3, 4), new Block(3, 3, 5), new Block(3, 1, 6));
                final Parameter scale = param(Tensor.of(1.5).toDouble());

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = x;
                    for (int i = 0; i < blocks.size(); i++) {
                        h = blocks.get(i).forward(h);
                        if (i == 0) {
                            h = h.times(scale);
                        }
                    }
                    return mse(h, y);
                }
            }

            class ArrayNet extends Module {
                final Block[] blocks = {new Block(2, 3, 7), new Block(3, 1, 8)};

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = blocks[0].forward(x);
                    for (int i = 1; i < blocks.length; i++) {
                        h = blocks[i].forward(h.plus(h.square()));
                    }
                    return mse(h, y);
                }
            }

            class ResNet extends Module {
                final Linear in = new Linear(2, 4, true, DType.FLOAT64, new Random(9));
                final ModuleList<Residual> blocks = ModuleList.of(new Residual(4, 10), new Residual(4, 11), new Residual(4, 12));
                final Linear out = new Linear(4, 1, true, DType.FLOAT64, new Random(13));

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = in.forward(x);
                    for (Residual r : blocks) {
                        h = r.forward(h);
                    }
                    return mse(out.forward(h), y);
                }
            }

            class Nested extends Module {
                final Linear in = new Linear(2, 3, true, DType.FLOAT64, new Random(14));
                final List<Stack> blocks = List.of(new Stack(15), new Stack(16));

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = in.forward(x);
                    for (int i = 0; i < blocks.size(); i++) {
                        h = blocks.get(i).forward(h, 0.1 * (i + 1));
                    }
                    return mse(h.sum(1, true), y);
                }
            }

            class Twice extends Module {
                final Block[] blocks = {new Block(2, 2, 17), new Block(2, 1, 18)};

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = blocks[0].forward(blocks[0].forward(x));
                    return mse(blocks[1].forward(h), y);
                }
            }

            /** A block with a second, differentiable input: the element comes first in the generated call. */
            class Mixer extends Module {
                final Linear fc;

                Mixer(int width, long seed) {
                    fc = new Linear(width, width, true, DType.FLOAT64, new Random(seed));
                }

                @Differentiable
                Tensor mix(Tensor x, Tensor w, @NoGrad double c) { return tanh(fc.forward(x.times(w))).plus(w.times(c)); }
            }

            class MixNet extends Module {
                final List<Mixer> mixers = List.of(new Mixer(2, 23), new Mixer(2, 24), new Mixer(2, 25));

                @Differentiable
                Tensor mixLoss(@NoGrad Tensor x, Tensor w) {
                    Tensor h = x;
                    int i = 0;
                    while (i < mixers.size()) {
                        for (Mixer m : mixers) {
                            h = m.mix(h, w, 0.5 * i);
                        }
                        if (h.sum().item() > 1e6) {
                            break;
                        }
                        i++;
                    }
                    return h.square().sum();
                }
            }

            class LocalNet extends Module {
                final List<Block> blocks = List.of(new Block(2, 2, 26), new Block(2, 2, 27), new Block(2, 1, 28));

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = x;
                    for (int i = 0; i < blocks.size(); i++) {
                        Block b = blocks.get(i);
                        h = b.forward(h);
                    }
                    return mse(h, y);
                }
            }

            class SequentialNet extends Module {
                final Sequential body = new Sequential(new Linear(2, 4, true, DType.FLOAT64, new Random(19)),
                        new Residual(4, 20), new Tanh(), new Residual(4, 21), new Linear(4, 1, true, DType.FLOAT64, new Random(22)));

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    return mse(body.forward(x), y);
                }
            }
            """;

    static final Tensor X = Tensor.of(new double[][] {{1, 2}, {3, -1}, {0.5, 0.5}, {-1, 0.25}});
    static final Tensor Y = Tensor.of(new double[][] {{1}, {0}, {2}, {-1}});

    private static Generated generated;

    static synchronized Generated compile() {
        if (generated == null) {
            generated = Generated.compile("demo.Block", BLOCKS);
        }
        return generated;
    }

    @Test
    void anEnhancedForOverAListOfBlocksGetsEveryNestedGradient() {
        Map<String, Parameter> p = checkAll("demo.ForNet");
        assertEquals(List.of("blocks.0.fc.weight", "blocks.0.fc.bias", "blocks.1.fc.weight", "blocks.1.fc.bias",
                "blocks.2.fc.weight", "blocks.2.fc.bias"), List.copyOf(p.keySet()));
        String source = compile().source("demo.ForNetGrad");
        assertTrue(source.contains("= Layers.at(model.blocks, b_index);") && source.contains("BlockGrad.forwardVjp(at"), source);
    }

    @Test
    void getInAnIndexedLoopWithABranchGetsEveryNestedGradient() {
        Map<String, Parameter> p = checkAll("demo.GetNet");
        assertTrue(p.containsKey("scale") && p.containsKey("blocks.2.fc.bias"), p.keySet().toString());
    }

    @Test
    void anArrayIndexedOutsideAndInsideALoopGetsEveryNestedGradient() {
        checkAll("demo.ArrayNet");
    }

    @Test
    void residualBlocksInAModuleListGetEveryNestedGradient() {
        Map<String, Parameter> p = checkAll("demo.ResNet");
        assertTrue(p.containsKey("blocks.2.fc2.weight") && p.containsKey("blocks.1.gain"), p.keySet().toString());
    }

    @Test
    void blocksThatLoopOverTheirOwnListsGetEveryNestedGradient() {
        Map<String, Parameter> p = checkAll("demo.Nested");
        assertTrue(p.containsKey("blocks.1.layers.0.weight"), p.keySet().toString());
    }

    @Test
    void anElementHeldInALocalInALoopGetsEveryNestedGradient() {
        checkAll("demo.LocalNet");
    }

    @Test
    void oneElementCalledTwiceGetsBothContributions() {
        checkAll("demo.Twice");
    }

    @Test
    void aSequentialHoldingTheUsersOwnBlocksGetsEveryNestedGradient() {
        Map<String, Parameter> p = checkAll("demo.SequentialNet");
        assertTrue(p.containsKey("body.1.fc1.weight") && p.containsKey("body.3.gain"), p.keySet().toString());
        // The verifier builds the Sequential as the composition of its elements (Residual(4, 20) included) rather
        // than skipping it; ModuleListVerificationTest checks such a method's gradients in strict mode.
        String notes = compile().compilation().diagnostics().toString();
        assertFalse(notes.contains("(Sequential body) that the verifier cannot build"), notes);
    }

    @Test
    void aDifferentiableArgumentBesideTheElementGetsEveryCallsContribution() {
        Generated g = compile();
        Module m = (Module) g.instance("demo.MixNet");
        Tensor w = Tensor.of(new double[] {0.7, -0.4});
        Object grad = g.call("demo.MixNetGrad", "mixLossGrad", m, X.slice(1, 0, 2), w);
        double[] dw = ((Tensor) Generated.get(grad, "w")).toDoubleArray();
        double[] wv = w.toDoubleArray();
        for (int k = 0; k < wv.length; k++) {
            double h = 1e-6;
            double[] up = wv.clone();
            double[] down = wv.clone();
            up[k] += h;
            down[k] -= h;
            double fUp = ((Tensor) g.call("demo.MixNetGrad", "mixLoss", m, X.slice(1, 0, 2), Tensor.of(up))).item();
            double fDown = ((Tensor) g.call("demo.MixNetGrad", "mixLoss", m, X.slice(1, 0, 2), Tensor.of(down))).item();
            assertEquals((fUp - fDown) / (2 * h), dw[k], 1e-6 * Math.max(1, Math.abs(dw[k])), "w[" + k + "]");
        }
        m.zeroGrad();
        g.call("demo.MixNetGrad", "mixLossBackward", m, X.slice(1, 0, 2), w);
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
            assertArrayEquals(GradientCheck.centralInParameter(e.getValue(), () -> ((Tensor) g.call("demo.MixNetGrad",
                    "mixLoss", m, X.slice(1, 0, 2), w)).item()), e.getValue().grad().toDoubleArray(), 1e-7, e.getKey());
        }
    }

    @Test
    void frozenNestedParametersGetNothingAndTwoBackwardsAccumulate() {
        Generated g = compile();
        Module m = (Module) g.instance("demo.ForNet");
        Map<String, Parameter> p = m.namedParameters();
        p.get("blocks.1.fc.weight").requiresGrad(false);
        Parameter w2 = p.get("blocks.2.fc.weight");
        double[] once = central(g, "demo.ForNetGrad", m, w2, X, Y);
        Object pullback = g.call("demo.ForNetGrad", "lossVjp", m, X, Y);
        Generated.invoke(pullback, "backward", Tensor.scalar(1.0));
        Generated.invoke(pullback, "backward", Tensor.scalar(1.0));
        double[] twice = once.clone();
        for (int i = 0; i < twice.length; i++) {
            twice[i] *= 2;
        }
        assertArrayEquals(twice, w2.grad().toDoubleArray(), 1e-7, "two backward calls accumulate");
        assertNull(p.get("blocks.1.fc.weight").grad(), "requiresGrad(false) on a nested Parameter gets nothing");
    }

    @Test
    void aResidualNetOfBlocksInAModuleListTrains() {
        Generated g = compile();
        Module m = (Module) g.instance("demo.ResNet");
        var opt = new dev.fluxion.optim.Adam(m.parameters(), 0.01);
        double first = ((Tensor) g.call("demo.ResNetGrad", "loss", m, X, Y)).item();
        double last = first;
        for (int step = 0; step < 300; step++) {
            opt.zeroGrad();
            last = ((Tensor) g.call("demo.ResNetGrad", "lossBackward", m, X, Y)).item();
            opt.step();
        }
        assertTrue(last < 1e-3 * first, "loss " + first + " → " + last);
        checkAll(g, "demo.ResNet", m);
    }

    @Test
    void aNonDifferentiableMethodOfAnElementIsAnErrorWithAHint() {
        JavaFileObject src = JavaFileObjects.forSourceString("demo.Plain", IMPORTS + """
                class Plain extends Module {
                    final Linear fc = new Linear(2, 2, true, DType.FLOAT64, new Random(1));

                    Tensor forward(Tensor x) { return tanh(fc.forward(x)); }
                }

                class Plains extends Module {
                    final List<Plain> blocks = List.of(new Plain(), new Plain());

                    @Differentiable
                    Tensor loss(@NoGrad Tensor x) {
                        Tensor h = x;
                        for (Plain b : blocks) {
                            h = b.forward(h);
                        }
                        return h.sum();
                    }
                }
                """);
        Compilation c = Generated.javac().compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("cannot differentiate Plain.forward on an element of a list or array of modules")
                .inFile(src).onLine(27);
        assertThat(c).hadErrorContaining("annotate Plain.forward with @Differentiable");
    }

    @Test
    void mutatingAListOfBlocksInsideTheMethodIsAnErrorOnTheExpression() {
        JavaFileObject src = JavaFileObjects.forSourceString("demo.Mutating", IMPORTS + """
                class Cell extends Module {
                    final Linear fc = new Linear(2, 2, true, DType.FLOAT64, new Random(1));

                    @Differentiable
                    Tensor forward(Tensor x) { return tanh(fc.forward(x)); }
                }

                class Mutating extends Module {
                    final java.util.ArrayList<Cell> blocks = new java.util.ArrayList<>(List.of(new Cell()));
                    final Cell[] array = {new Cell()};

                    @Differentiable
                    Tensor loss(@NoGrad Tensor x) {
                        blocks.set(0, new Cell());
                        array[0] = new Cell();
                        return blocks.get(0).forward(x).sum();
                    }
                }
                """);
        Compilation c = Generated.javac().compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorCount(2);
        assertThat(c).hadErrorContaining("blocks.set(...) changes a list of modules").inFile(src).onLine(27);
        assertThat(c).hadErrorContaining("array").inFile(src).onLine(28);
    }

    /** Each named Parameter's gradient from lossBackward against float64 central differences of loss. */
    static Map<String, Parameter> checkAll(String cls) {
        Generated g = compile();
        return checkAll(g, cls, (Module) g.instance(cls));
    }

    static Map<String, Parameter> checkAll(Generated g, String cls, Module m) {
        String grad = cls + "Grad";
        m.zeroGrad();
        Tensor loss = (Tensor) g.call(grad, "lossBackward", m, X, Y);
        assertEquals(((Tensor) g.call(grad, "loss", m, X, Y)).item(), loss.item(), 1e-12);
        Map<String, Parameter> params = m.namedParameters();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Parameter p = e.getValue();
            assertNotNull(p.grad(), e.getKey() + " got no gradient");
            assertArrayEquals(central(g, grad, m, p, X, Y), p.grad().toDoubleArray(), 1e-7, e.getKey());
        }
        return params;
    }

    private static double[] central(Generated g, String grad, Object model, Parameter p, Tensor a, Tensor b) {
        return GradientCheck.centralInParameter(p, () -> ((Tensor) g.call(grad, "loss", model, a, b)).item());
    }
}
