package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;

/**
 * Test support: compiles user-style sources with the processor, then loads the compiled classes
 * (the user's and the generated ones) in a class loader of their own, to call them reflectively.
 */
public final class Generated {
    private final Compilation compilation;
    private final ClassLoader loader;

    private Generated(Compilation compilation) {
        this(compilation, null);
    }

    /** @param earlier a directory of classes compiled before (a split build's), loaded too; or null */
    private Generated(Compilation compilation, java.nio.file.Path earlier) {
        this.compilation = compilation;
        Map<String, byte[]> classes = classBytes(compilation);
        this.loader = new ClassLoader(Generated.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = classes.get(name);
                java.nio.file.Path file = earlier == null ? null
                        : earlier.resolve(name.replace('.', '/') + ".class");
                if (b == null && file != null && java.nio.file.Files.exists(file)) {
                    try {
                        b = java.nio.file.Files.readAllBytes(file);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }
        };
    }

    /** The javac that the tests use: this processor, the Vector API visible as in the build. */
    public static Compiler javac() {
        return Compiler.javac().withProcessors(new FluxionProcessor())
                .withOptions("--add-modules=jdk.incubator.vector", "-Xlint:-incubating");
    }

    /** Compiles {@code source} (fully qualified class name, then its text); fails on any error. */
    public static Generated compile(String className, String source) {
        Compilation c = javac().compile(JavaFileObjects.forSourceString(className, source));
        assertThat(c).succeeded();
        return new Generated(c);
    }

    /** Compiles several sources together: pairs of fully qualified class name and text. */
    public static Generated compileAll(String... namesAndSources) {
        JavaFileObject[] files = new JavaFileObject[namesAndSources.length / 2];
        for (int i = 0; i < files.length; i++) {
            files[i] = JavaFileObjects.forSourceString(namesAndSources[2 * i], namesAndSources[2 * i + 1]);
        }
        Compilation c = javac().compile(files);
        assertThat(c).succeeded();
        return new Generated(c);
    }

    /**
     * A split build's second javac run: compiles {@code namesAndSources} with the processor and
     * {@code options} against the classes an earlier run wrote to {@code earlier} (whose sources
     * are not part of this compilation); fails on any error.
     */
    public static Generated compileAgainst(java.nio.file.Path earlier, List<String> options,
                                           String... namesAndSources) {
        Compilation c = compileAgainstRaw(earlier, options, namesAndSources);
        assertThat(c).succeeded();
        return new Generated(c, earlier);
    }

    /** As {@link #compileAgainst}, returning the compilation whether or not it succeeded. */
    public static Compilation compileAgainstRaw(java.nio.file.Path earlier, List<String> options,
                                                String... namesAndSources) {
        JavaFileObject[] files = new JavaFileObject[namesAndSources.length / 2];
        for (int i = 0; i < files.length; i++) {
            files[i] = JavaFileObjects.forSourceString(namesAndSources[2 * i], namesAndSources[2 * i + 1]);
        }
        List<java.io.File> classpath = new java.util.ArrayList<>();
        classpath.add(earlier.toFile());
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            classpath.add(new java.io.File(entry));
        }
        List<String> all = new java.util.ArrayList<>(List.of("--add-modules=jdk.incubator.vector",
                "-Xlint:-incubating"));
        all.addAll(options);
        return Compiler.javac().withProcessors(new FluxionProcessor()).withOptions(all).withClasspath(classpath)
                .compile(files);
    }

    /** Writes the compiled classes to {@code dir} (as a build's output directory), for a later run. */
    public void writeClassesTo(java.nio.file.Path dir) {
        for (JavaFileObject f : compilation.generatedFiles()) {
            if (f.getKind() == JavaFileObject.Kind.CLASS) {
                String path = f.toUri().getPath();
                String relative = path.substring(path.indexOf("CLASS_OUTPUT/") + "CLASS_OUTPUT/".length());
                try (InputStream in = f.openInputStream()) {
                    java.nio.file.Path target = dir.resolve(relative);
                    java.nio.file.Files.createDirectories(target.getParent());
                    java.nio.file.Files.write(target, in.readAllBytes());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** Compiles with the processor and {@code options} (replacing the default ones but the Vector API's). */
    public static Generated compileWith(List<String> options, String... namesAndSources) {
        JavaFileObject[] files = new JavaFileObject[namesAndSources.length / 2];
        for (int i = 0; i < files.length; i++) {
            files[i] = JavaFileObjects.forSourceString(namesAndSources[2 * i], namesAndSources[2 * i + 1]);
        }
        List<String> all = new java.util.ArrayList<>(List.of("--add-modules=jdk.incubator.vector",
                "-Xlint:-incubating"));
        all.addAll(options);
        Compilation c = Compiler.javac().withProcessors(new FluxionProcessor()).withOptions(all).compile(files);
        assertThat(c).succeeded();
        return new Generated(c);
    }

    /** A new instance of a compiled class through its no-argument constructor. */
    public Object instance(String name) {
        try {
            var ctor = load(name).getDeclaredConstructor();
            ctor.setAccessible(true);
            return ctor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** A new instance of the compiled class {@code name} from its one constructor taking {@code args}. */
    public Object instance(String name, Object... args) {
        try {
            for (var ctor : load(name).getDeclaredConstructors()) {
                if (ctor.getParameterCount() == args.length) {
                    ctor.setAccessible(true);
                    return ctor.newInstance(args);
                }
            }
            throw new AssertionError(name + " has no constructor of " + args.length + " parameters");
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads the field {@code name} of {@code target}. */
    public static Object field(Object target, String name) {
        try {
            var f = target.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.get(target);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** The compilation, for its diagnostics and generated sources. */
    public Compilation compilation() {
        return compilation;
    }

    /** Loads a compiled class by binary name. */
    public Class<?> load(String name) {
        try {
            return loader.loadClass(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    /** Calls the public static method {@code name} of class {@code owner} with these arguments. */
    public Object call(String owner, String name, Object... args) {
        Class<?> c = load(owner);
        for (Method m : c.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                try {
                    return m.invoke(null, args);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e.getCause() != null ? e.getCause() : e);
                }
            }
        }
        throw new AssertionError("no method " + owner + "." + name + " with " + args.length + " arguments");
    }

    /** Reads a record component or calls a no-argument method on {@code target}. */
    public static Object get(Object target, String name) {
        try {
            Method m = target.getClass().getMethod(name);
            m.setAccessible(true);
            return m.invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Calls the one-argument method {@code name} on {@code target}. */
    public static Object invoke(Object target, String name, Object arg) {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1) {
                try {
                    m.setAccessible(true);
                    return m.invoke(target, arg);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e.getCause() != null ? e.getCause() : e);
                }
            }
        }
        throw new AssertionError("no method " + name);
    }

    /** The generated source of a class, for reading in a failure message or a golden test. */
    public String source(String qualifiedName) {
        return compilation.generatedSourceFile(qualifiedName)
                .map(f -> {
                    try {
                        return f.getCharContent(true).toString();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).orElseThrow(() -> new AssertionError("no generated source " + qualifiedName));
    }

    /** The class files {@code compilation} wrote, by binary name. */
    public static Map<String, byte[]> classBytes(Compilation compilation) {
        Map<String, byte[]> classes = new HashMap<>();
        for (JavaFileObject f : compilation.generatedFiles()) {
            if (f.getKind() == JavaFileObject.Kind.CLASS) {
                String path = f.toUri().getPath();
                String name = path.substring(path.indexOf("CLASS_OUTPUT/") + "CLASS_OUTPUT/".length(),
                        path.length() - ".class".length()).replace('/', '.');
                try (InputStream in = f.openInputStream()) {
                    classes.put(name, in.readAllBytes());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return classes;
    }
}
