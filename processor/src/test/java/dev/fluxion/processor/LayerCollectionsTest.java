package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.nn.Module;
import java.util.Map;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;

/**
 * Lists, arrays and {@code ModuleList}s of layers, loops over them (enhanced for and indexed), and
 * the runtime's layers (Conv2d, MaxPool2d, LayerNorm, BatchNorm1d, Embedding, Dropout,
 * activations, Flatten, Sequential) called in {@code @Differentiable} code: every Parameter gets
 * the gradient that float64 central differences of the forward pass give.
 */
class LayerCollectionsTest {
    private static final String IMPORTS = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.DType;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;
            import dev.fluxion.nn.*;
            import dev.fluxion.nn.Module;
            import java.util.List;
            import java.util.Random;
            """;

    private static final String MLPS = IMPORTS + """
            class ListMlp extends Module {
                final List<Linear> layers;

                ListMlp() {
                    Random rng = new Random(1);
                    layers = List.of(new Linear(2, 4, true, DType.FLOAT64, rng), new Linear(4, 3, true, DType.FLOAT64, rng),
                            new Linear(3, 1, true, DType.FLOAT64, rng));
                }

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = x;
                    for (Linear layer : layers) {
                        h = tanh(layer.forward(h));
                    }
                    return mse(h, y);
                }
            }

            class ArrayMlp extends Module {
                final Linear[] layers;

                ArrayMlp() {
                    Random rng = new Random(2);
                    layers = new Linear[] {new Linear(2, 4, true, DType.FLOAT64, rng), new Linear(4, 1, true, DType.FLOAT64, rng)};
                }

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = x;
                    for (int i = 0; i < layers.length; i++) {
                        h = layers[i].forward(h);
                        if (i < layers.length - 1) {
                            h = h.relu();
                        }
                    }
                    return mse(h, y);
                }
            }

            class ModuleListMlp extends Module {
                final ModuleList<Linear> layers;
                final Linear head;

                ModuleListMlp() {
                    Random rng = new Random(3);
                    layers = ModuleList.of(new Linear(2, 3, true, DType.FLOAT64, rng), new Linear(3, 3, true, DType.FLOAT64, rng));
                    head = new Linear(3, 1, true, DType.FLOAT64, rng);
                }

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = x;
                    for (int i = 0; i < layers.size(); i++) {
                        h = sigmoid(layers.get(i).forward(h));
                    }
                    return mse(head.forward(h), y);
                }
            }

            class SequentialMlp extends Module {
                final Sequential body;

                SequentialMlp() {
                    Random rng = new Random(4);
                    body = new Sequential(new Linear(2, 4, true, DType.FLOAT64, rng), new Tanh(),
                            new Linear(4, 4, true, DType.FLOAT64, rng), new GELU(), new LayerNorm(new int[] {4}, 1e-5, true, DType.FLOAT64),
                            new Linear(4, 1, true, DType.FLOAT64, rng), new Sigmoid());
                }

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    return mse(body.forward(x), y);
                }
            }
            """;

    private static final String CNN = IMPORTS + """
            class Cnn extends Module {
                final Conv2d conv1;
                final MaxPool2d pool = new MaxPool2d(2);
                final Conv2d conv2;
                final Flatten flatten = new Flatten();
                final Linear fc;
                final ReLU relu = new ReLU();

                Cnn() {
                    Random rng = new Random(5);
                    conv1 = new Conv2d(1, 2, 3, 1, 1, true, DType.FLOAT64, rng);
                    conv2 = new Conv2d(2, 3, 2, 1, 0, true, DType.FLOAT64, rng);
                    fc = new Linear(3, 2, true, DType.FLOAT64, rng);
                }

                @Differentiable
                Tensor logits(@NoGrad Tensor x) {
                    Tensor h = pool.forward(relu.forward(conv1.forward(x)));
                    h = pool.forward(conv2.forward(h).tanh());
                    return fc.forward(flatten.forward(h));
                }

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    return crossEntropy(logits(x), y);
                }
            }

            class Norms extends Module {
                final Embedding embed;
                final BatchNorm1d bn = new BatchNorm1d(3, 1e-5, 0.1, true, DType.FLOAT64);
                final Dropout drop = new Dropout(0.5, new Random(6));
                final Softmax softmax = new Softmax(1);

                Norms() {
                    embed = new Embedding(5, 3, DType.FLOAT64, new Random(7));
                }

                @Differentiable
                Tensor loss(@NoGrad Tensor ids, @NoGrad Tensor w) {
                    Tensor h = bn.forward(embed.forward(ids).times(w));
                    return softmax.forward(drop.forward(h)).times(h).sum();
                }
            }

            class DropOnly extends Module {
                final Dropout drop = new Dropout(0.5, new Random(9));

                @Differentiable
                Tensor loss(Tensor w) {
                    return drop.forward(w).sum();
                }
            }
            """;

    private static final Tensor X = Tensor.of(new double[][] {{1, 2}, {3, -1}, {0.5, 0.5}, {-1, 0.25}});
    private static final Tensor Y = Tensor.of(new double[][] {{1}, {0}, {2}, {-1}});

    private static Generated mlps() {
        return Generated.compile("demo.ListMlp", MLPS);
    }

    @Test
    void aListOfLinearInAnEnhancedForGetsEveryGradient() {
        checkAll(mlps(), "demo.ListMlp", X, Y);
    }

    @Test
    void anArrayOfLinearInAnIndexedLoopGetsEveryGradient() {
        checkAll(mlps(), "demo.ArrayMlp", X, Y);
    }

    @Test
    void aModuleListWithGetAndSizeGetsEveryGradient() {
        checkAll(mlps(), "demo.ModuleListMlp", X, Y);
    }

    @Test
    void aSequentialFieldGetsEveryGradient() {
        checkAll(mlps(), "demo.SequentialMlp", X, Y);
    }

    @Test
    void convPoolLinearGetsEveryGradient() {
        Generated g = Generated.compile("demo.Cnn", CNN);
        double[] img = new double[2 * 6 * 6];
        java.util.Random r = new java.util.Random(8);
        for (int i = 0; i < img.length; i++) {
            img[i] = r.nextGaussian();
        }
        Tensor x = Tensor.fromArray(img, 2, 1, 6, 6);
        Tensor y = Tensor.of(new double[] {1, 0});
        checkAll(g, "demo.Cnn", x, y);
        String source = g.source("demo.CnnGrad");
        assertTrue(source.contains("LayersGrad.forwardVjp(model.conv1, x)"), source);
    }

    @Test
    void embeddingBatchNormDropoutAndSoftmaxGetEveryGradient() {
        Generated g = Generated.compile("demo.Cnn", CNN);
        Module m = (Module) g.instance("demo.Norms");
        // Dropout draws a new mask per forward pass: evaluation mode keeps the function fixed for the
        // central differences (BatchNorm then normalises by its running statistics).
        Tensor ids = Tensor.of(new double[] {0, 3, 3, 1}).to(dev.fluxion.DType.INT64);
        Tensor w = Tensor.of(new double[][] {{1, 2, 0.5}, {0.5, -1, 2}, {1, 1, 1}, {-2, 0.5, 1}});
        m.eval();
        checkAll(g, "demo.Norms", m, ids, w);
        // Training mode, dropout off: BatchNorm normalises by the batch's own statistics.
        m.train();
        ((Module) Generated.field(m, "drop")).eval();
        checkAll(g, "demo.Norms", m, ids, w);
    }

    @Test
    void dropoutInTrainingPassesTheGradientThroughItsOwnMask() {
        Generated g = Generated.compile("demo.Cnn", CNN);
        Module m = (Module) g.instance("demo.DropOnly");
        Tensor w = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8});
        Object result = g.call("demo.DropOnlyGrad", "lossGrad", m, w);
        double[] mask = ((Tensor) Generated.get(result, "w")).toDoubleArray();
        double expected = 0;
        int kept = 0;
        for (int i = 0; i < mask.length; i++) {
            assertTrue(mask[i] == 0 || mask[i] == 2, "p = 0.5: each gradient is 0 or 1/(1 - p) = 2, got " + mask[i]);
            expected += mask[i] * (i + 1);
            kept += mask[i] == 2 ? 1 : 0;
        }
        assertTrue(kept > 0 && kept < mask.length, "a seeded mask keeps some and drops some: " + kept);
        assertEquals(expected, ((Tensor) Generated.get(result, "value")).item(), 1e-12,
                "the value is Σ w·mask with the very mask the gradient used");
    }

    @Test
    void theVerifierSaysWhyItCannotCheckACnnWithoutDeclaredShapesAndGivesNoFalseWarning() {
        // With @Shape on the images it is checked (verify.RuntimeLayerVerificationTest).
        Compilation c = Generated.javac().compile(JavaFileObjects.forSourceString("demo.Cnn", CNN));
        assertThat(c).succeeded();
        assertTrue(c.diagnostics().stream().noneMatch(d -> d.getKind() == Diagnostic.Kind.WARNING),
                c.diagnostics().toString());
        assertTrue(c.diagnostics().stream().anyMatch(d -> d.getKind() == Diagnostic.Kind.NOTE
                && d.getMessage(null).contains("conv2d: input must be 4-D")
                && d.getMessage(null).contains("declare tensor shapes with @Shape")), c.diagnostics().toString());
    }

    @Test
    void aListOfLinearIsVerifiedWithoutWarnings() {
        Compilation c = Generated.javac().compile(JavaFileObjects.forSourceString("demo.ListMlp", MLPS));
        assertThat(c).succeeded();
        assertTrue(c.diagnostics().stream().noneMatch(d -> d.getKind() == Diagnostic.Kind.WARNING
                && d.getMessage(null).contains("does not depend")), c.diagnostics().toString());
    }

    @Test
    void anEnhancedForOverSomethingElseIsStillAClearError() {
        javax.tools.JavaFileObject src = JavaFileObjects.forSourceString("demo.Loop", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Loop {
                    @Differentiable
                    static double f(@dev.fluxion.annotation.NoGrad double[][] rows, double w) {
                        double s = 0;
                        for (double r : rows[0]) {
                            s = s + r * w;
                        }
                        return s;
                    }
                }
                """);
        Compilation c = Generated.javac().compile(src);
        assertThat(c).failed();
        // (over a @NoGrad double[][] variable itself, the loop is supported since 2-D arrays are)
        assertThat(c).hadErrorContaining("an enhanced for loop over `rows[0]`").inFile(src).onLine(9);
    }

    /** Each Parameter's gradient from lossBackward against float64 central differences of loss. */
    private static void checkAll(Generated g, String cls, Tensor a, Tensor b) {
        Module m = (Module) g.instance(cls);
        checkAll(g, cls, m, a, b);
    }

    private static void checkAll(Generated g, String cls, Module m, Tensor a, Tensor b) {
        String grad = cls + "Grad";
        m.zeroGrad();
        Tensor loss = (Tensor) g.call(grad, "lossBackward", m, a, b);
        assertEquals(((Tensor) g.call(grad, "loss", m, a, b)).item(), loss.item(), 1e-12);
        Map<String, Parameter> params = m.namedParameters();
        assertTrue(params.size() >= 2, params.keySet().toString());
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Parameter p = e.getValue();
            assertNotNull(p.grad(), e.getKey() + " got no gradient");
            assertArrayEquals(central(g, grad, m, p, a, b), p.grad().toDoubleArray(), 1e-6, e.getKey());
        }
    }

    private static double[] central(Generated g, String grad, Object model, Parameter p, Tensor a, Tensor b) {
        return GradientCheck.centralInParameter(p, () -> ((Tensor) g.call(grad, "loss", model, a, b)).item());
    }
}
