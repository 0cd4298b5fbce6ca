package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.processor.diff.Differentiator;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.InputSpec;
import dev.fluxion.processor.model.Messages;
import dev.fluxion.processor.verify.Registry;
import dev.fluxion.processor.verify.VerificationReport;
import dev.fluxion.processor.verify.Verifier;
import dev.fluxion.processor.verify.VerifyMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The compile-time verifier evaluates the one-pass {@code fGrad} too and compares it with the
 * pullback's gradient: {@link LoopFusionTest}'s methods pass, and a deliberately broken fused body
 * (a seed of 2, a fused loop without its backward statements) is reported as a processor bug.
 */
class FusedGradVerificationTest {
    /** The derived methods of {@link LoopFusionTest#SOURCE}, by name. */
    private static Map<String, DerivedMethod> derived() {
        List<MethodIr> seen = new ArrayList<>();
        Compilation c = Generated.javac().withProcessors(FluxionProcessorAccess.withHook(seen::add))
                .compile(JavaFileObjects.forSourceString("demo.Fuse", LoopFusionTest.SOURCE));
        assertThat(c).succeeded();
        Map<String, DerivedMethod> out = new LinkedHashMap<>();
        for (MethodIr m : seen) {
            out.put(m.name(), Differentiator.derive(m, d -> { }));
        }
        return out;
    }

    private static VerificationReport verify(DerivedMethod d) {
        return Verifier.verify(d, new Registry(List.of(d)), InputSpec.NONE, VerifyMode.STRICT);
    }

    @Test
    void loopFusionSourcesPassWithTheOnePassChecked() {
        Map<String, DerivedMethod> all = derived();
        List<String> fused = all.values().stream().filter(d -> !d.fusedGrad().isEmpty())
                .map(d -> d.method().name()).toList();
        assertEquals(List.of("meanSquare", "weighted", "twoLoops"), fused);
        for (DerivedMethod d : all.values()) {
            VerificationReport r = verify(d);
            assertEquals(List.of(), r.diagnostics(), d.method().name());
            assertTrue(r.coordinates() > 0, d.method().name());
        }
        // And through javac: strict verification of the whole file reports nothing.
        Compilation c = Generated.javac().withOptions(List.of("-Afluxion.verify=strict"))
                .compile(JavaFileObjects.forSourceString("demo.Fuse", LoopFusionTest.SOURCE));
        assertThat(c).succeeded();
        assertThat(c).hadErrorCount(0);
    }

    @Test
    void aWrongSeedInTheOnePassIsAProcessorBug() {
        DerivedMethod d = derived().get("meanSquare");
        List<Stmt> broken = d.fusedGrad().stream().map(s -> s instanceof Stmt.Let l && l.name().equals(d.cotangent())
                ? new Stmt.Let(l.name(), l.type(), new Expr.Literal("2.0", l.type(), l.pos()), l.pos()) : s).toList();
        assertTrue(!broken.equals(d.fusedGrad()), "the seed was replaced");
        String message = onlyError(withFused(d, broken));
        assertTrue(message.startsWith("processor bug: the one-pass meanSquareGrad disagrees with the pullback in "
                + "the gradient of `x`"), message);
    }

    @Test
    void aFusedLoopWithoutItsBackwardIsAProcessorBug() {
        DerivedMethod d = derived().get("weighted");
        List<Stmt> broken = d.fusedGrad().stream().map(s -> s instanceof Stmt.While w
                ? new Stmt.While(w.condition(), new Stmt.Block(w.body().stmts().stream()
                        .filter(x -> !(x instanceof Stmt.Block)).toList(), w.body().pos()), w.pos()) : s).toList();
        String message = onlyError(withFused(d, broken));
        assertTrue(message.contains("the one-pass weightedGrad disagrees with the pullback in the gradient of `w`"),
                message);
    }

    private static DerivedMethod withFused(DerivedMethod d, List<Stmt> fused) {
        return new DerivedMethod(d.method(), d.forward(), d.result(), d.cotangent(), d.backward(), d.gradients(),
                d.saved(), d.steps(), fused);
    }

    private static String onlyError(DerivedMethod d) {
        List<Diagnostic> out = verify(d).diagnostics();
        assertEquals(1, out.size(), out.toString());
        assertEquals(javax.tools.Diagnostic.Kind.ERROR, out.get(0).kind());
        assertEquals(Messages.FUSED_GRAD_MISMATCH, out.get(0).message());
        return out.get(0).message().format(out.get(0).args().toArray());
    }
}
