package dev.fluxion.processor.fuzz;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.processor.FluxionProcessor;
import dev.fluxion.processor.fuzz.Ast.Program;
import dev.fluxion.processor.fuzz.Failure.Category;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Compiles a batch of programs as one class {@code demo.<name>} with the real processor, in memory,
 * and loads the user's class and the generated {@code <name>Grad} in a class loader of their own.
 * A failed compilation is classified from its first error: processor crash, processor refusal,
 * generated code that does not compile, or (a fuzzer fault) user code that does not compile.
 */
final class Harness {
    private Harness() {
    }

    /** A compiled batch: its classes, loaded. */
    record Loaded(Class<?> user, Class<?> grad) {
    }

    /** The result of one compilation: loaded classes, or the failure. */
    record Result(Loaded loaded, Failure failure) {
        boolean ok() {
            return loaded != null;
        }
    }

    /** Compiles the programs as {@code demo.<simpleName>} with {@code -Afluxion.verify=<verify>}. */
    static Result compile(String simpleName, List<Program> programs, String verify) {
        return compile(simpleName, programs, verify, true);
    }

    /** Compiles as {@link #compile(String, List, String)}, with elementwise fusion on or off ({@code -Afluxion.fuse}). */
    static Result compile(String simpleName, List<Program> programs, String verify, boolean fuse) {
        return compile(simpleName, programs, verify, fuse, false);
    }

    /** As {@link #compile(String, List, String, boolean)}, printed with {@link Feature#SPELLINGS} where {@code spellings}. */
    static Result compile(String simpleName, List<Program> programs, String verify, boolean fuse, boolean spellings) {
        String source = Printer.classSource(simpleName, programs, spellings);
        Compilation c;
        try {
            c = Compiler.javac().withProcessors(new FluxionProcessor())
                    .withOptions("--add-modules=jdk.incubator.vector", "-Xlint:-incubating",
                            "-Afluxion.verify=" + verify, "-Afluxion.fuse=" + fuse)
                    .compile(JavaFileObjects.forSourceString("demo." + simpleName, source));
        } catch (RuntimeException | Error e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return new Result(null, new Failure(Category.PROCESSOR_CRASH, root.getClass().getSimpleName(),
                    "exception reached javac: " + firstLines(trace.toString(), 12)));
        }
        if (c.status() == Compilation.Status.SUCCESS) {
            return new Result(load(c, simpleName), null);
        }
        return new Result(null, classify(c, simpleName));
    }

    private static Failure classify(Compilation c, String simpleName) {
        Diagnostic<? extends JavaFileObject> first = c.errors().get(0);
        String message = first.getMessage(Locale.ROOT);
        String file = first.getSource() == null ? "" : first.getSource().getName();
        String where = file.substring(file.lastIndexOf('/') + 1) + ":" + first.getLineNumber();
        String text = where + ": " + firstLines(message, 8);
        if (message.contains("processor bug")) {
            String key = message.contains("one-pass") ? "one-pass fGrad disagrees" : exceptionName(message);
            return new Failure(Category.PROCESSOR_CRASH, key, text);
        }
        if (file.endsWith(simpleName + "Grad.java")) {
            return new Failure(Category.GENERATED_CODE_INVALID, keyOf(message), text);
        }
        if ("compiler.err.proc.messager".equals(first.getCode())) {
            if (message.contains("gradient check failed") || message.contains("verif")) {
                return new Failure(Category.VERIFIER_FALSE_ALARM, keyOf(message), text);
            }
            return new Failure(Category.PROCESSOR_REFUSED, keyOf(message), text);
        }
        return new Failure(Category.GENERATOR_BUG, keyOf(message), text);
    }

    private static String exceptionName(String message) {
        var m = java.util.regex.Pattern.compile("([A-Z][A-Za-z]*(Exception|Error))").matcher(message);
        return m.find() ? m.group(1) : keyOf(message);
    }

    /** The first words of a message, with numbers and names in backquotes blanked: the bug's identity. */
    static String keyOf(String message) {
        String line = message.lines().findFirst().orElse("").replaceAll("`[^`]*`", "`_`")
                .replaceAll("\\b[a-z_]*\\d+[a-z_0-9]*\\b", "_").replaceAll("-?\\d+(\\.\\d+)?", "N");
        return line.length() > 60 ? line.substring(0, 60) : line;
    }

    static String firstLines(String s, int n) {
        return String.join("\n", s.lines().limit(n).toList());
    }

    static Loaded load(Compilation c, String simpleName) {
        Map<String, byte[]> classes = dev.fluxion.processor.Generated.classBytes(c);
        ClassLoader loader = new ClassLoader(Harness.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = classes.get(name);
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }
        };
        try {
            return new Loaded(loader.loadClass("demo." + simpleName), loader.loadClass("demo." + simpleName + "Grad"));
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
