package dev.fluxion.processor.verify;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.processor.Generated;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;

/**
 * The examples' networks are verified when they compile: {@code examples/.../MnistCnn.java} (conv,
 * pooling, dropout and linear layers of the runtime, the images declared {@code @Shape("n, 1, 28,
 * 28")}) compiles here with the processor, as the examples module compiles it, and every method's
 * gradient is checked against central differences, with no "not verified" note.
 */
class ExampleVerificationTest {
    private static final Path EXAMPLES = Path.of("..", "examples", "src", "main", "java", "dev", "fluxion", "examples");

    @Test
    void theMnistCnnIsVerifiedAtCompileTime() throws Exception {
        String source = Files.readString(EXAMPLES.resolve("MnistCnn.java"));
        Compilation c = Generated.javac().withOptions("--add-modules=jdk.incubator.vector", "-Xlint:-incubating",
                        "-Afluxion.verify=on")
                .compile(JavaFileObjects.forSourceString("dev.fluxion.examples.MnistCnn", source));
        assertThat(c).succeeded();
        List<String> notes = c.diagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.NOTE)
                .map(d -> d.getMessage(null)).toList();
        assertTrue(notes.stream().noneMatch(n -> n.contains("not verified")), notes.toString());
        for (String method : List.of("forward", "loss")) {
            assertTrue(notes.stream().anyMatch(n -> n.startsWith("gradient of " + method + " verified at")), notes.toString());
        }
    }
}
