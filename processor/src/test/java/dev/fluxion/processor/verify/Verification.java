package dev.fluxion.processor.verify;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.processor.Generated;
import java.util.ArrayList;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/** Test support: compiles sources with the processor and reads the verifier's diagnostics. */
final class Verification {
    private Verification() {}

    /** Compiles pairs of (qualified class name, source) with extra javac options. */
    static Compilation compile(List<String> options, String... namesAndSources) {
        JavaFileObject[] files = new JavaFileObject[namesAndSources.length / 2];
        for (int i = 0; i < files.length; i++) {
            files[i] = JavaFileObjects.forSourceString(namesAndSources[2 * i], namesAndSources[2 * i + 1]);
        }
        List<String> all = new ArrayList<>(List.of("--add-modules=jdk.incubator.vector", "-Xlint:-incubating"));
        all.addAll(options);
        return Generated.javac().withOptions(all).compile(files);
    }

    static Compilation compile(String name, String source) {
        return compile(List.of(), name, source);
    }

    /** The verifier's notes (checks that could not run). */
    static List<String> skipped(Compilation c) {
        return c.diagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.NOTE)
                .map(d -> d.getMessage(null)).filter(m -> m.contains("not verified")).toList();
    }

    /** Asserts the compilation succeeded and every method was verified (no skip notes). */
    static void assertVerified(Compilation c) {
        assertThat(c).succeeded();
        assertEquals(List.of(), skipped(c), "methods that were not verified");
    }
}
