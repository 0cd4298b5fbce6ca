package dev.fluxion.processor.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.model.DerivedMethod;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Methods that call the runtime's layers through fields ({@code conv1.forward(x)}) are verified at
 * compile time: the verifier builds each layer as the class's source does, in float64, and compares
 * the gradients the generated pullback gives, of the inputs and of every layer's parameters, with
 * central differences. A bug planted where the derived backward pass hands the cotangent to a
 * layer's pullback is caught at every seed; a layer the verifier cannot build is named in the note
 * that says the method is not verified.
 */
class RuntimeLayerVerificationTest {
    static final String SOURCE = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.DType;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;
            import dev.fluxion.annotation.Shape;
            import dev.fluxion.nn.*;
            import dev.fluxion.nn.Module;
            import java.util.List;
            import java.util.Random;

            class Cnn extends Module {
                static final int CHANNELS = 2;
                final Conv2d conv1;
                final MaxPool2d pool = new MaxPool2d(2);
                final Conv2d conv2;
                final Flatten flatten = new Flatten();
                final Dropout dropout = new Dropout(0.3, new Random(3));
                final Linear fc;
                final ReLU relu = new ReLU();

                Cnn(Random rng) {
                    conv1 = new Conv2d(1, CHANNELS, 3, 1, 1, true, DType.FLOAT32, rng);
                    this.conv2 = new Conv2d(CHANNELS, 3, 2, rng);
                    fc = new Linear(3 * 1 * 1, 2, rng);
                }

                @Differentiable
                Tensor logits(@NoGrad @Shape("2, 1, 6, 6") Tensor x) {
                    Tensor h = pool.forward(relu.forward(conv1.forward(x)));
                    h = pool.forward(conv2.forward(h).tanh());
                    return fc.forward(dropout.forward(flatten.forward(h)));
                }

                @Differentiable
                Tensor weighted(@NoGrad @Shape("2, 1, 6, 6") Tensor x, @Shape("2, 2") Tensor w) {
                    return logits(x).times(w).sum();
                }
            }

            class Mlp extends Module {
                final Sequential body = new Sequential(new Linear(3, 4, new Random(1)), new Tanh(),
                        new LayerNorm(new int[] {4}, 1e-5, true, DType.FLOAT32), new Linear(2 + 2, 1, new Random(2)));

                @Differentiable
                Tensor mlpLoss(@Shape("5, 3") Tensor x) {
                    return body.forward(x).square().mean();
                }
            }

            class Built extends Module {
                final LayerNorm norm;

                Built(int width) {
                    norm = new LayerNorm(width);
                }

                @Differentiable
                Tensor builtLoss(@Shape("5, 3") Tensor x) {
                    return norm.forward(x).square().sum();
                }
            }

            class Doubled extends Module {
                final LayerNorm norm;

                Doubled(int width) {
                    norm = new LayerNorm(width * 2);
                }

                @Differentiable
                Tensor doubledLoss(@Shape("5, 6") Tensor x) {
                    return norm.forward(x).square().sum();
                }
            }

            class Listed extends Module {
                final List<Tanh> layers = List.of(new Tanh());

                @Differentiable
                Tensor listedLoss(@Shape("5, 3") Tensor x) {
                    Tensor h = x;
                    for (Tanh l : layers) {
                        h = l.forward(h);
                    }
                    return h.sum();
                }
            }
            """;
    private static final int SEEDS = 5;
    private static Captures.Compiled compiled;

    @BeforeAll
    static void compile() throws Exception {
        compiled = Captures.compile(List.of(), "demo.Cnn", SOURCE);
    }

    private static long seed(int i) {
        return ("demo.Cnn" + i).hashCode() * 0x9E3779B97F4A7C15L;
    }

    private static void assertVerifiedAtEverySeed(String method) {
        VerificationPhase.Captured m = compiled.get(method);
        for (int s = 0; s < SEEDS; s++) {
            VerificationReport r = Captures.verify(m, m.derived(), seed(s), true, VerifyMode.STRICT);
            assertTrue(r.passed() && r.points() > 0, method + " at seed " + s + ": " + r);
        }
    }

    @Test
    void aCnnOfRuntimeLayersIsCheckedAgainstCentralDifferences() {
        assertVerifiedAtEverySeed("logits");
        // conv1.weight [2,1,3,3], conv1.bias [2], conv2.weight [3,2,2,2], conv2.bias [3], fc.weight [2,3], fc.bias [2]
        VerificationPhase.Captured m = compiled.get("logits");
        VerificationReport r = Captures.verify(m, m.derived(), seed(0), true, VerifyMode.STRICT);
        assertTrue(r.coordinates() >= 18 + 2 + 24 + 3 + 6 + 2, "every parameter element compared: " + r);
    }

    @Test
    void aCallerOfTheCnnAndASequentialOfNestedLayersAreChecked() {
        assertVerifiedAtEverySeed("weighted");
        assertVerifiedAtEverySeed("mlpLoss");
    }

    @Test
    void aWrongCotangentHandedToALayersPullbackIsCaughtAtEverySeed() {
        for (String method : List.of("logits", "mlpLoss")) {
            VerificationPhase.Captured m = compiled.get(method);
            List<DerivedMethod> mutants = doubledLayerCotangents(m.derived());
            assertFalse(mutants.isEmpty(), "no layer pullback in " + method);
            for (DerivedMethod mutant : mutants) {
                for (int s = 0; s < SEEDS; s++) {
                    VerificationReport r = Captures.verify(m, mutant, seed(s), true, VerifyMode.ON);
                    assertTrue(r.failed(), method + ": a doubled cotangent not caught at seed " + s + " (" + r + ")");
                    assertTrue(r.diagnostics().stream().anyMatch(d -> d.message().name().startsWith("GRADIENT_MISMATCH")),
                            r.toString());
                }
            }
        }
    }

    @Test
    void aLayerBuiltFromAConstructorParameterAndAListOfLayersAreChecked() {
        // Built(int width) { norm = new LayerNorm(width); }: width is tried with the declared sizes 5, 3, ...
        assertVerifiedAtEverySeed("builtLoss");
        assertVerifiedAtEverySeed("listedLoss");
        String notes = compiled.compilation().diagnostics().toString();
        assertFalse(notes.contains("gradient of builtLoss not verified"), notes);
        assertFalse(notes.contains("gradient of listedLoss not verified"), notes);
        assertFalse(notes.contains("gradient of logits not verified"), notes);
    }

    @Test
    void aLayerTheVerifierCannotBuildIsNamedInTheNote() {
        String built = compiled.compilation().diagnostics().toString();
        assertTrue(built.contains("(LayerNorm norm) that the verifier cannot build: norm is built from `width * 2`"), built);
    }

    /** One mutant per call of a layer pullback's {@code backward(g)} in the backward pass: {@code backward(g * 2)}. */
    static List<DerivedMethod> doubledLayerCotangents(DerivedMethod d) {
        List<DerivedMethod> out = new ArrayList<>();
        for (int k = 0; ; k++) {
            int[] seen = {0};
            int target = k;
            List<Stmt> backward = new ArrayList<>();
            for (Stmt st : d.backward()) {
                backward.add(mapExprs(st, e -> Exprs.map(e, x -> {
                    if (x instanceof Expr.Call c && c.callee() instanceof Callee.Instance i && i.name().equals("backward")
                            && c.args().size() == 2 && (c.args().getFirst().type().javaName().contains("LayersGrad")
                                    || c.args().getFirst().type().javaName().contains("ForwardPullback"))
                            && seen[0]++ == target) {
                        Expr doubled = new Expr.Binary(Expr.BinOp.TIMES, c.args().get(1), Expr.Literal.ofDouble(2),
                                c.args().get(1).type(), c.pos());
                        return new Expr.Call(c.callee(), List.of(c.args().getFirst(), doubled), c.type(), c.pos());
                    }
                    return x;
                })));
            }
            if (seen[0] <= k) {
                return out;
            }
            out.add(new DerivedMethod(d.method(), d.forward(), d.result(), d.cotangent(), backward, d.gradients(),
                    d.saved(), d.steps()));
        }
    }

    private static Stmt mapExprs(Stmt s, java.util.function.UnaryOperator<Expr> f) {
        return switch (s) {
            case Stmt.Let l -> new Stmt.Let(l.name(), l.type(), l.init() == null ? null : f.apply(l.init()), l.pos());
            case Stmt.Assign a -> new Stmt.Assign(a.name(), f.apply(a.value()), a.pos());
            case Stmt.ExprStmt e -> new Stmt.ExprStmt(f.apply(e.expr()), e.pos());
            case Stmt.Block b -> block(b, f);
            case Stmt.If i -> new Stmt.If(f.apply(i.condition()), block(i.then(), f), block(i.otherwise(), f), i.pos());
            case Stmt.While w -> new Stmt.While(w.condition(), block(w.body(), f), w.pos());
            case Stmt.DoWhile w -> new Stmt.DoWhile(block(w.body(), f), w.condition(), w.pos());
            case Stmt.For l -> new Stmt.For(l.init(), l.condition(), l.update(), block(l.body(), f), l.pos());
            default -> s;
        };
    }

    private static Stmt.Block block(Stmt.Block b, java.util.function.UnaryOperator<Expr> f) {
        return new Stmt.Block(b.stmts().stream().map(x -> mapExprs(x, f)).toList(), b.pos());
    }
}
