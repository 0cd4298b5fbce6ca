package dev.fluxion.processor.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.processor.model.DerivedMethod;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Methods that call modules held in lists are verified at compile time: runtime layers in a
 * {@code List}, array or {@code ModuleList} built from its elements in place, and the user's own
 * modules there ({@code for (Block b : blocks) h = b.forward(h)}), whose methods the verifier runs on
 * each element under its path ({@code blocks.1.fc.weight}), with the runtime layers their own classes
 * build. The gradients of the inputs and of every element's parameters are compared with central
 * differences, and a doubled cotangent handed to an element's pullback is caught at every seed. A
 * {@code Sequential} built in place from runtime layers and the user's own blocks is checked as the
 * composition of its elements ({@code body.1.fc.weight}).
 */
class ModuleListVerificationTest {
    static final String SOURCE = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.Parameter;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;
            import dev.fluxion.annotation.Shape;
            import dev.fluxion.nn.*;
            import dev.fluxion.nn.Module;
            import java.util.List;
            import java.util.Random;

            class Block extends Module {
                final Linear fc = new Linear(3, 3, new Random(1));
                final LayerNorm norm = new LayerNorm(3);

                @Differentiable
                Tensor forward(Tensor x) { return norm.forward(fc.forward(x)).tanh(); }
            }

            class Residual extends Module {
                final Sequential body = new Sequential(new Linear(3, 3, new Random(2)), new Tanh(), new Linear(3, 3, new Random(3)));
                final Parameter gain = param(Tensor.of(0.5));

                @Differentiable
                Tensor forward(Tensor x) { return x.plus(body.forward(x).times(gain)); }
            }

            class Wide extends Module {
                final Linear fc;
                final LayerNorm norm;

                Wide(int width, boolean bias) {
                    fc = new Linear(width, width, bias, dev.fluxion.DType.FLOAT32, new Random(6));
                    norm = new LayerNorm(width);
                }

                @Differentiable
                Tensor forward(Tensor x) { return norm.forward(fc.forward(x)).sigmoid(); }
            }

            class Widened extends Module {
                final List<Wide> blocks;
                final Wide last;

                Widened(int width) {
                    blocks = List.of(new Wide(width, true), new Wide(width, false));
                    last = new Wide(width, true);
                }

                @Differentiable
                Tensor widenedLoss(@Shape("2, 4") Tensor x) {
                    Tensor h = x;
                    for (Wide w : blocks) {
                        h = w.forward(h);
                    }
                    return last.forward(h).sum();
                }
            }

            class Layered extends Module {
                final List<Tanh> acts = List.of(new Tanh());
                final Linear[] layers = {new Linear(3, 4, new Random(4)), new Linear(4, 2, new Random(5))};

                @Differentiable
                Tensor layeredLoss(@Shape("5, 3") Tensor x) {
                    Tensor h = x;
                    for (Tanh a : acts) {
                        h = a.forward(h);
                    }
                    for (int i = 0; i < layers.length; i++) {
                        h = layers[i].forward(h);
                    }
                    return h.square().sum();
                }
            }

            class SeqBlocks extends Module {
                final Sequential body = new Sequential(new Linear(3, 3, new Random(7)), new Block(), new Tanh(),
                        new Residual(), new Wide(3, true));

                @Differentiable
                Tensor seqLoss(@Shape("4, 3") Tensor x) {
                    return body.forward(x).square().sum();
                }
            }

            class Blocks extends Module {
                final List<Block> blocks = List.of(new Block(), new Block());
                final ModuleList<Residual> res = ModuleList.of(new Residual(), new Residual(), new Residual());
                final Block[] array = new Block[] {new Block()};

                @Differentiable
                Tensor blocksLoss(@Shape("4, 3") Tensor x) {
                    Tensor h = x;
                    for (Block b : blocks) {
                        h = b.forward(h);
                    }
                    for (int i = 0; i < res.size(); i++) {
                        h = res.get(i).forward(h);
                    }
                    Block first = blocks.get(0);
                    return array[0].forward(first.forward(h)).times(h).sum();
                }
            }
            """;
    private static final int SEEDS = 5;
    private static Captures.Compiled compiled;

    @BeforeAll
    static void compile() throws Exception {
        compiled = Captures.compile(List.of(), "demo.Block", SOURCE);
    }

    private static long seed(int i) {
        return ("demo.Blocks" + i).hashCode() * 0x9E3779B97F4A7C15L;
    }

    @Test
    void runtimeLayersInAListAndAnArrayAreChecked() {
        assertVerifiedAtEverySeed("layeredLoss", 3 * 4 + 4 + 4 * 2 + 2);
    }

    @Test
    void theUsersOwnBlocksInListsArraysAndModuleListsAreChecked() {
        // blocks.k: fc 9 + 3, norm 3 + 3 (×2); res.k: two Linear 12 + 12, gain 1 (×3); array.0: 18; x: 12
        assertVerifiedAtEverySeed("blocksLoss", 2 * 18 + 3 * 25 + 18 + 12);
        String notes = compiled.compilation().diagnostics().toString();
        assertFalse(notes.contains("not verified"), notes);
    }

    @Test
    void blocksBuiltFromConstructorParametersAreChecked() {
        // Widened(int width) is tried with width = 2, 4, 3, ...; each Wide(width, bias) is built with the values
        // its list and field give: fc 16 (+ 4 with a bias), norm 4 + 4 per block (×3), x: 8
        assertVerifiedAtEverySeed("widenedLoss", 3 * 24 + 2 * 4 + 8);
    }

    @Test
    void aWrongCotangentHandedToAnElementsPullbackIsCaughtAtEverySeed() {
        for (String method : List.of("layeredLoss", "blocksLoss", "widenedLoss")) {
            VerificationPhase.Captured m = compiled.get(method);
            List<DerivedMethod> mutants = RuntimeLayerVerificationTest.doubledLayerCotangents(m.derived());
            assertFalse(mutants.isEmpty(), "no element pullback in " + method);
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
    void aSequentialHoldingTheUsersOwnBlocksIsCheckedElementByElement() {
        // body.0 Linear 9 + 3; body.1 Block 18; body.3 Residual 25; body.4 Wide(3, true) 18; x: 12
        assertVerifiedAtEverySeed("seqLoss", 12 + 18 + 25 + 18 + 12);
        String notes = compiled.compilation().diagnostics().toString();
        assertFalse(notes.contains("gradient of seqLoss not verified"), notes);
    }

    @Test
    void aWrongCotangentInsideAnElementOfASequentialIsCaughtAtEverySeed() {
        VerificationPhase.Captured m = compiled.get("seqLoss");
        // The Sequential's own pullback, handed a doubled cotangent.
        List<DerivedMethod> outer = RuntimeLayerVerificationTest.doubledLayerCotangents(m.derived());
        assertFalse(outer.isEmpty(), "no Sequential pullback in seqLoss");
        for (DerivedMethod mutant : outer) {
            assertCaughtAtEverySeed(m, mutant, "the Sequential's pullback");
        }
        // Block.forward (element body.1), its fc or norm pullback handed a doubled cotangent.
        DerivedMethod block = m.registry().derived("demo.Block#forward").orElseThrow();
        List<DerivedMethod> inner = RuntimeLayerVerificationTest.doubledLayerCotangents(block);
        assertFalse(inner.isEmpty(), "no layer pullback in Block.forward");
        try {
            for (DerivedMethod mutant : inner) {
                m.registry().add(mutant);
                assertCaughtAtEverySeed(m, m.derived(), "Block.forward's layer pullback");
            }
        } finally {
            m.registry().add(block);
        }
    }

    private static void assertCaughtAtEverySeed(VerificationPhase.Captured m, DerivedMethod derived, String where) {
        for (int s = 0; s < SEEDS; s++) {
            VerificationReport r = Captures.verify(m, derived, seed(s), true, VerifyMode.ON);
            assertTrue(r.failed(), where + ": a doubled cotangent not caught at seed " + s + " (" + r + ")");
            assertTrue(r.diagnostics().stream().anyMatch(d -> d.message().name().startsWith("GRADIENT_MISMATCH")),
                    r.toString());
        }
    }

    private static void assertVerifiedAtEverySeed(String method, int coordinates) {
        VerificationPhase.Captured m = compiled.get(method);
        for (int s = 0; s < SEEDS; s++) {
            VerificationReport r = Captures.verify(m, m.derived(), seed(s), true, VerifyMode.STRICT);
            assertTrue(r.passed() && r.points() > 0, method + " at seed " + s + ": " + r);
            assertTrue(r.coordinates() >= coordinates, "every parameter element compared: " + r);
        }
    }
}
