package dev.fluxion.processor.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.processor.FluxionProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the processor with unsupported and malformed bodies ({@link MalformedBodies}): no
 * exception may reach javac, no error may be a "processor bug", and every error the processor
 * reports must be on a line of the method whose body holds the bad statement.
 */
class MalformedBodiesTest {
    @Test
    void malformedBodiesGetErrorsOnTheirOwnMethodAndNeverACrash() {
        int classes = Integer.getInteger("fluxion.fuzz.malformed", 20);
        long seed = Long.getLong(RandomProgramsTest.SEED, 1);
        List<String> problems = new ArrayList<>();
        int methods = 0;
        int processorErrors = 0;
        for (int k = 0; k < classes; k++) {
            MalformedBodies.Batch batch = MalformedBodies.batch("Bad" + k, seed * 7919 + k, 12);
            methods += batch.methodLines().size();
            Compilation c;
            try {
                c = Compiler.javac().withProcessors(new FluxionProcessor())
                        .withOptions("--add-modules=jdk.incubator.vector", "-Xlint:-incubating", "-Afluxion.verify=off")
                        .compile(JavaFileObjects.forSourceString("demo." + batch.className(), batch.source()));
            } catch (RuntimeException | Error e) {
                problems.add("exception reached javac: " + e + "\n" + batch.source());
                continue;
            }
            for (Diagnostic<? extends JavaFileObject> d : c.errors()) {
                String message = d.getMessage(Locale.ROOT);
                if (message.contains("processor bug") || message.contains("Exception")) {
                    problems.add(batch.className() + ".java:" + d.getLineNumber() + ": " + message);
                    continue;
                }
                if (!"compiler.err.proc.messager".equals(d.getCode())) {
                    continue; // javac's own error on code that is not Java
                }
                processorErrors++;
                long line = d.getLineNumber();
                boolean inside = batch.methodLines().stream().anyMatch(r -> line >= r[0] && line <= r[1]);
                if (!inside) {
                    problems.add(batch.className() + ".java:" + line + " is outside every method: " + message
                            + "\n" + numbered(batch.source()));
                }
            }
        }
        System.out.printf("malformed bodies: %d methods in %d classes, %d processor errors, %d problems%n",
                methods, classes, processorErrors, problems.size());
        assertTrue(processorErrors > 0, "the processor reported no error on any malformed body");
        assertTrue(problems.isEmpty(), String.join("\n\n", problems));
    }

    private static String numbered(String source) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (String l : source.lines().toList()) {
            out.append(String.format(Locale.ROOT, "%4d  %s%n", ++n, l));
        }
        return out.toString();
    }
}
