package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.ArrayList;
import java.util.List;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;

/**
 * Modules made of Modules, as with {@code nn.Module} attributes in PyTorch: {@code b1.forward(x)}
 * on a {@code Module} field runs the field's generated pullback on the field as its model, and the
 * outer backward accumulates into every nested Parameter it reaches.
 */
class ModuleCompositionTest {
    private static final String BLOCK = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.DType;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.nn.Linear;
            import dev.fluxion.nn.Module;
            import java.util.Random;

            class Block extends Module {
                final Linear fc;

                Block(int in, int out, long seed) {
                    fc = new Linear(in, out, true, DType.FLOAT64, new Random(seed));
                }

                @Differentiable
                Tensor forward(Tensor x) { return tanh(fc.forward(x)); }
            }
            """;
    private static final String NET = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.Parameter;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;
            import dev.fluxion.nn.Module;

            class Net extends Module {
                final Block b1 = new Block(2, 3, 1);
                final Block b2 = new Block(3, 1, 2);
                final Parameter scale = param(Tensor.of(1.5));

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = b1.forward(x);
                    return mse(b2.forward(h).times(scale), y);
                }
            }

            class Shared extends Module {
                final Block block = new Block(2, 2, 3);

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    return mse(this.block.forward(block.forward(x)), y);
                }
            }

            class Looped extends Module {
                final Block block = new Block(2, 2, 4);

                @Differentiable
                Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = x;
                    for (int i = 0; i < 3; i++) {
                        h = block.forward(h);
                    }
                    return mse(h, y);
                }
            }
            """;
    private static final Tensor X = Tensor.of(new double[][] {{1, 2}, {3, -1}, {0.5, 0.5}});
    private static final Tensor Y = Tensor.of(new double[][] {{1}, {0}, {2}});
    private static final Tensor Y2 = Tensor.of(new double[][] {{1, 0}, {0, 1}, {2, -1}});

    private static Generated compile() {
        return Generated.compileAll("demo.Block", BLOCK, "demo.Net", NET);
    }

    @Test
    void everyNestedParameterGetsItsGradient() {
        Generated g = compile();
        Object net = g.instance("demo.Net");
        Tensor loss = (Tensor) g.call("demo.NetGrad", "lossBackward", net, X, Y);
        assertEquals(((Tensor) g.call("demo.NetGrad", "loss", net, X, Y)).item(), loss.item(), 1e-12);
        List<Parameter> params = nested(net);
        assertEquals(5, params.size());
        for (Parameter p : params) {
            assertArrayEquals(central(g, "demo.NetGrad", net, p, Y), p.grad().toDoubleArray(), 1e-7);
        }
    }

    @Test
    void backwardAccumulatesOverCallsAndSkipsFrozenParameters() {
        Generated g = compile();
        Object net = g.instance("demo.Net");
        Parameter frozen = linear(net, "b1", "weight");
        frozen.requiresGrad(false);
        Parameter w2 = linear(net, "b2", "weight");
        double[] once = central(g, "demo.NetGrad", net, w2, Y);
        Object pullback = g.call("demo.NetGrad", "lossVjp", net, X, Y);
        Generated.invoke(pullback, "backward", Tensor.scalar(1.0));
        Generated.invoke(pullback, "backward", Tensor.scalar(1.0));
        double[] twice = once.clone();
        for (int i = 0; i < twice.length; i++) {
            twice[i] *= 2;
        }
        assertArrayEquals(twice, w2.grad().toDoubleArray(), 1e-7, "two backward calls accumulate");
        assertNull(frozen.grad(), "requiresGrad(false) on a nested Parameter gets nothing");
        Parameter b1Bias = linear(net, "b1", "bias");
        double[] biasTwice = central(g, "demo.NetGrad", net, b1Bias, Y);
        for (int i = 0; i < biasTwice.length; i++) {
            biasTwice[i] *= 2;
        }
        assertArrayEquals(biasTwice, b1Bias.grad().toDoubleArray(), 1e-7, "its neighbours still get theirs");
    }

    @Test
    void aBlockCalledTwiceGetsBothContributions() {
        Generated g = compile();
        Object shared = g.instance("demo.Shared");
        g.call("demo.SharedGrad", "lossBackward", shared, X, Y2);
        Object linear = Generated.field(Generated.field(shared, "block"), "fc");
        for (String name : new String[] {"weight", "bias"}) {
            Parameter p = (Parameter) Generated.field(linear, name);
            assertArrayEquals(central(g, "demo.SharedGrad", shared, p, Y2), p.grad().toDoubleArray(), 1e-7, name);
        }
        String source = g.source("demo.SharedGrad");
        assertTrue(source.contains("BlockGrad.forwardVjp(model.block, "), source);
    }

    @Test
    void aBlockCalledInALoopGetsEveryTripsContribution() {
        Generated g = compile();
        Object looped = g.instance("demo.Looped");
        g.call("demo.LoopedGrad", "lossBackward", looped, X, Y2);
        Object linear = Generated.field(Generated.field(looped, "block"), "fc");
        for (String name : new String[] {"weight", "bias"}) {
            Parameter p = (Parameter) Generated.field(linear, name);
            assertArrayEquals(central(g, "demo.LoopedGrad", looped, p, Y2), p.grad().toDoubleArray(), 1e-7, name);
        }
    }

    @Test
    void theVerifierChecksNestedParameters() {
        Compilation c = Generated.javac().withOptions("--add-modules=jdk.incubator.vector", "-Xlint:-incubating",
                        "-Afluxion.verify=strict")
                .compile(JavaFileObjects.forSourceString("demo.Block", BLOCK),
                        JavaFileObjects.forSourceString("demo.Net", NET));
        assertThat(c).succeeded();
        assertTrue(c.diagnostics().stream().noneMatch(d -> d.getKind() == Diagnostic.Kind.NOTE
                && d.getMessage(null).contains("not verified")), c.diagnostics().toString());
    }

    @Test
    void callingANonDifferentiableMethodOfAModuleFieldIsAnError() {
        javax.tools.JavaFileObject src = JavaFileObjects.forSourceString("demo.Helper", """
                package demo;

                import static dev.fluxion.F.*;

                import dev.fluxion.DType;
                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;
                import dev.fluxion.nn.Linear;
                import dev.fluxion.nn.Module;
                import java.util.Random;

                class Inner extends Module {
                    final Linear fc = new Linear(2, 1, true, DType.FLOAT64, new Random(1));

                    Tensor helper(Tensor x) { return fc.forward(x); }
                }

                class Helper extends Module {
                    final Inner inner = new Inner();

                    @Differentiable
                    Tensor loss(@NoGrad Tensor x) {
                        return inner.helper(x).sum();
                    }
                }
                """);
        Compilation c = Generated.javac().compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("cannot differentiate inner.helper(...): Inner.helper is not @Differentiable")
                .inFile(src).onLine(24);
        assertThat(c).hadErrorContaining("annotate Inner.helper with @Differentiable");
    }

    private static Parameter linear(Object net, String block, String name) {
        return (Parameter) Generated.field(Generated.field(Generated.field(net, block), "fc"), name);
    }

    private static List<Parameter> nested(Object net) {
        List<Parameter> out = new ArrayList<>();
        for (String block : new String[] {"b1", "b2"}) {
            out.add(linear(net, block, "weight"));
            out.add(linear(net, block, "bias"));
        }
        out.add((Parameter) Generated.field(net, "scale"));
        return out;
    }

    private static double[] central(Generated g, String grad, Object model, Parameter p, Tensor y) {
        return GradientCheck.centralInParameter(p, () -> ((Tensor) g.call(grad, "loss", model, X, y)).item());
    }
}
