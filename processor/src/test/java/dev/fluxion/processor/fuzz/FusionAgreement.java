package dev.fluxion.processor.fuzz;

import dev.fluxion.Tensor;
import dev.fluxion.processor.fuzz.Ast.Param;
import dev.fluxion.processor.fuzz.Ast.Program;
import dev.fluxion.processor.fuzz.Failure.Category;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

/**
 * Elementwise fusion against no fusion: a tensor program compiled both ways must give the same
 * {@code f}, {@code fGrad} and {@code fVjp(...).backward(seed)} bit for bit (a fused group runs the
 * same deterministic row kernels as its ops one by one), or throw the same exception, at the
 * oracle's points.
 */
final class FusionAgreement {
    private FusionAgreement() {
    }

    /** Whether a program computes with tensors (the only ones fusion changes). */
    static boolean usesTensors(Program p) {
        return p.main().returnsTensor() || p.main().params().stream().anyMatch(Param::tensor);
    }

    /** Null where {@code fused} and {@code unfused} agree on {@code program}, else the disagreement. */
    static Failure judge(Program program, Harness.Loaded fused, Harness.Loaded unfused) {
        for (int point = 0; point < Oracle.POINTS; point++) {
            Object[] args = Oracle.sample(program, Seeds.random(program.seed() * 31 + point));
            for (String suffix : List.of("", "Grad", "Vjp")) {
                String a = outcome(fused, program, suffix, args);
                String b = outcome(unfused, program, suffix, args);
                if (!a.equals(b)) {
                    return new Failure(Category.FUSION_MISMATCH, "fused " + suffix, program.main().name() + suffix
                            + ": fused gives " + a + "\n    unfused gives " + b + "\n    at "
                            + Oracle.describe(args, program.main().params()));
                }
            }
        }
        return null;
    }

    /** What calling {@code name + suffix} gives (the pullback's backward for Vjp), written out exactly. */
    private static String outcome(Harness.Loaded loaded, Program program, String suffix, Object[] args) {
        Class<?>[] types = Oracle.types(program);
        try {
            Method m = loaded.grad().getMethod(program.main().name() + suffix, types);
            Object r = m.invoke(null, Oracle.copy(args));
            if (suffix.equals("Vjp")) {
                Object seed = program.main().returnsTensor() ? Tensor.scalar(0.7) : (Object) 0.7;
                for (Method b : r.getClass().getMethods()) {
                    if (b.getName().equals("backward") && b.getParameterCount() == 1) {
                        r = b.invoke(r, seed);
                    }
                }
            }
            return show(r);
        } catch (InvocationTargetException e) {
            return "threw " + e.getCause().getClass().getName();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String show(Object v) {
        if (v instanceof Record r) {
            StringBuilder s = new StringBuilder("{");
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                try {
                    Method m = c.getAccessor();
                    m.setAccessible(true);
                    s.append(c.getName()).append('=').append(show(m.invoke(r))).append(' ');
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return s.append('}').toString();
        }
        return switch (v) {
            case null -> "null";
            case Tensor t -> t.dtype() + Arrays.toString(t.shape()) + bits(t.toDoubleArray());
            case double[] a -> bits(a);
            case Double d -> bits(new double[] {d});
            default -> String.valueOf(v);
        };
    }

    /** The exact values (hexadecimal, so every bit shows; all NaNs alike). */
    private static String bits(double[] a) {
        StringBuilder s = new StringBuilder("[");
        for (double x : a) {
            s.append(Double.isNaN(x) ? "NaN" : Double.toHexString(x)).append(' ');
        }
        return s.append(']').toString();
    }
}
