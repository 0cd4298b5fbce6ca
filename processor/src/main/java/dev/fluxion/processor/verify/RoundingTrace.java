package dev.fluxion.processor.verify;

import dev.fluxion.processor.ir.Callee;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The floating-point operations of one evaluation, in order: operands and result. Two traces of
 * the same path, at a point and at the point moved by a finite-difference step, show whether
 * float64 rounding swallowed the step somewhere inside the method: an operation whose operands
 * changed while its result did not ({@code 1e17 + atan(t)}, {@code cos(1e-9 * x)}, {@code
 * 1e16 - x}). There the function is flat in float64 while its mathematical derivative is not, and
 * finite differences cannot judge the derived value. Operations that legitimately ignore an
 * operand (max, min, floor, a product with 0) do not count.
 */
final class RoundingTrace {
    /** Calls whose result may ignore a change of an operand by design. */
    private static final Set<String> SELECTING = Set.of("max", "min", "floor", "ceil", "rint", "round", "signum",
            "clamp", "relu", "abs", "step", "sign", "where", "maximum", "minimum", "copysign");

    private record Op(boolean selecting, double result, double[] operands) {}

    private final List<Op> ops = new ArrayList<>();

    void add(boolean selecting, double result, List<Object> operands) {
        double[] values = new double[operands.size()];
        for (int i = 0; i < values.length; i++) {
            if (!(operands.get(i) instanceof Number n)) {
                return; // tensors and other values: not traced
            }
            values[i] = n.doubleValue();
        }
        ops.add(new Op(selecting, result, values));
    }

    static boolean selects(Callee callee) {
        String name = switch (callee) {
            case Callee.Known k -> k.op().name();
            case Callee.Static s -> s.name();
            case Callee.Instance i -> i.name();
            case Callee.User u -> "";
        };
        String lower = name.toLowerCase(Locale.ROOT);
        return SELECTING.stream().anyMatch(lower::contains);
    }

    /** Whether some operation of {@code moved}, the same path, had changed operands but the same result. */
    boolean absorbs(RoundingTrace moved) {
        if (moved.ops.size() != ops.size()) {
            return false; // another path: not a question of rounding
        }
        for (int i = 0; i < ops.size(); i++) {
            Op a = ops.get(i);
            Op b = moved.ops.get(i);
            if (a.selecting() || a.operands().length != b.operands().length || a.result() != b.result()) {
                continue;
            }
            boolean changed = false;
            boolean zero = false;
            for (int k = 0; k < a.operands().length; k++) {
                changed |= a.operands()[k] != b.operands()[k];
                zero |= a.operands()[k] == 0 || b.operands()[k] == 0;
            }
            if (changed && !zero) {
                return true;
            }
        }
        return false;
    }
}
