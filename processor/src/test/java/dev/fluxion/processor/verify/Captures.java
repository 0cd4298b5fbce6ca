package dev.fluxion.processor.verify;

import com.google.testing.compile.Compilation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test support: compiles a source with the processor and keeps what its verification phase saw of
 * each method (the derivation, the registry of callees, the declared shapes), so that a test can
 * verify a method again with other seeds, settings or a deliberately broken backward pass.
 */
final class Captures {
    private Captures() {}

    /** The compilation and the captured methods by display name. */
    record Compiled(Compilation compilation, Map<String, VerificationPhase.Captured> methods) {
        VerificationPhase.Captured get(String name) {
            VerificationPhase.Captured c = methods.get(name);
            if (c == null) {
                throw new AssertionError("no method " + name + " in " + methods.keySet());
            }
            return c;
        }
    }

    static Compiled compile(List<String> options, String name, String source) throws Exception {
        Map<String, VerificationPhase.Captured> out = new LinkedHashMap<>();
        Compilation c;
        try (AutoCloseable ignored = VerificationPhase.captureForTesting(m -> out.put(m.display(), m))) {
            c = Verification.compile(options, name, source);
        }
        return new Compiled(c, out);
    }

    /** Verifies {@code m} (its derivation replaced by {@code derived}) with {@code seed}, path coverage on or off. */
    static VerificationReport verify(VerificationPhase.Captured m, dev.fluxion.processor.model.DerivedMethod derived,
                                     long seed, boolean coverage, VerifyMode mode) {
        return Verifier.verify(derived, m.registry(), m.spec(), mode, m.display(), new Verifier.Options(seed, coverage));
    }
}
