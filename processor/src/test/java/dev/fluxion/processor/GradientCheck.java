package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.util.List;

/**
 * Test support for the wrong-gradient regression tests: compiles methods into a class
 * {@code demo.R} with {@code -Afluxion.verify=off} (so that the engine itself is tested), and
 * checks {@code fGrad}'s value against the user's own method and its gradient against float64
 * central differences of it (and a closed form where one is given).
 */
final class GradientCheck {
    private GradientCheck() {}

    static final String HEADER = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class R {
            """;

    /** Compiles {@code methods} as the body of class {@code demo.R}, verification off. */
    static Generated compile(String methods) {
        Generated g = Generated.compileWith(List.of("-Afluxion.verify=off"), "demo.R", HEADER + methods + "\n}\n");
        String dump = System.getenv("FLUXION_DUMP_DIR"); // to read the generated code
        if (dump != null) {
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of(dump, "RGrad" + methods.hashCode() + ".java"),
                        methods + "\n" + g.source("demo.RGrad"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return g;
    }

    /** Calls the user's own {@code R.name} (the forward method as written), for central differences. */
    static double plain(Generated g, String name, Object... args) {
        for (Method m : g.load("demo.R").getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                try {
                    m.setAccessible(true);
                    return (double) m.invoke(null, args);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        }
        throw new AssertionError("no method " + name);
    }

    /**
     * Checks {@code RGrad.nameGrad(args)}: its value equals the user's method and {@code value};
     * the gradient of each parameter named in {@code names} (comma separated, in parameter order,
     * null for a {@code @NoGrad} one) equals float64 central differences and {@code expected}
     * (scalars, then array elements, in order; null to check central differences only).
     */
    static void check(Generated g, String name, String names, Object[] args, double value,
                              double[] expected) {
        Object grad = g.call("demo.RGrad", name + "Grad", args);
        double got = (double) Generated.get(grad, "value");
        assertEquals(plain(g, name, args), got, 1e-12 * Math.max(1, Math.abs(got)), "value of " + name);
        assertEquals(value, got, 1e-9 * Math.max(1, Math.abs(value)), "value of " + name);
        String[] params = names.split(",");
        int k = 0;
        for (int p = 0; p < params.length; p++) {
            if (params[p].equals("null")) {
                continue;
            }
            Object component = Generated.get(grad, params[p]);
            double[] gs = component instanceof double[] a ? a : new double[] {(double) component};
            for (int i = 0; i < gs.length; i++, k++) {
                double fd = central(g, name, args, p, component instanceof double[] ? i : -1);
                assertEquals(fd, gs[i], 1e-6 * Math.max(1, Math.abs(fd)),
                        "central differences for d" + name + "/d" + params[p] + (gs.length > 1 ? "[" + i + "]" : ""));
                if (expected != null) {
                    assertEquals(expected[k], gs[i], 1e-9 * Math.max(1, Math.abs(expected[k])),
                            "closed form for d" + name + "/d" + params[p] + (gs.length > 1 ? "[" + i + "]" : ""));
                }
            }
        }
    }

    static double central(Generated g, String name, Object[] args, int param, int index) {
        double scale = Math.abs(index < 0 ? (double) args[param] : ((double[]) args[param])[index]);
        double h = 1e-6 * Math.max(1, scale);
        return (plain(g, name, shifted(args, param, index, h)) - plain(g, name, shifted(args, param, index, -h)))
                / (2 * h);
    }

    static Object[] shifted(Object[] args, int param, int index, double h) {
        Object[] out = args.clone();
        if (index < 0) {
            out[param] = (double) args[param] + h;
        } else {
            double[] a = ((double[]) args[param]).clone();
            a[index] += h;
            out[param] = a;
        }
        return out;
    }

    static Object[] args(Object... a) {
        return a;
    }

    /** {@link #check} against the user's method and central differences only. */
    static void checkAgainstMethod(Generated g, String name, String names, Object... args) {
        check(g, name, names, args, plain(g, name, args), null);
    }

    /**
     * Central differences (float64, step 1e-6) of {@code loss} in each element of {@code p},
     * perturbing the parameter in place and putting it back.
     */
    static double[] centralInParameter(dev.fluxion.Parameter p, java.util.function.DoubleSupplier loss) {
        double h = 1e-6;
        int n = (int) p.numel();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double[] d = new double[n];
            d[i] = h;
            dev.fluxion.Tensor delta = dev.fluxion.Tensor.fromArray(d, p.shape());
            p.addInPlace(delta, 1);
            double up = loss.getAsDouble();
            p.addInPlace(delta, -2);
            double down = loss.getAsDouble();
            p.addInPlace(delta, 1);
            out[i] = (up - down) / (2 * h);
        }
        return out;
    }
}
