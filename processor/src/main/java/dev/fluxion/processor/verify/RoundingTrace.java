package dev.fluxion.processor.verify;

import dev.fluxion.processor.ir.Callee;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The floating-point operations of one evaluation, in order: operands and result. Traces of the
 * same path at a point and one and two finite-difference steps away show whether the step is
 * blind somewhere inside the method: rounding swallowed it ({@code 1e17 + atan(t)}, {@code
 * cos(1e-9 * x)}, {@code 1e16 - x}) or left only a few ulps of it, or an operation is far from
 * linear over it, or a sine's argument moves by more than half a radian, whole periods of which
 * differences cannot see ({@code cos(1e17 * x)}). There float64 finite differences do not measure the
 * mathematical derivative, and cannot judge the derived value. Operations that legitimately
 * ignore an operand (max, min, floor, a product with 0) do not count.
 */
final class RoundingTrace {
    /** Calls whose result may ignore a change of an operand by design. */
    private static final Set<String> SELECTING = Set.of("max", "min", "floor", "ceil", "rint", "round", "signum",
            "clamp", "relu", "abs", "step", "sign", "where", "maximum", "minimum", "copysign");

    private record Op(boolean selecting, boolean periodic, double result, double[] operands) {}

    private final List<Op> ops = new ArrayList<>();

    void add(boolean selecting, boolean periodic, double result, List<Object> operands) {
        double[] values = new double[operands.size()];
        for (int i = 0; i < values.length; i++) {
            if (!(operands.get(i) instanceof Number n)) {
                return; // tensors and other values: not traced
            }
            values[i] = n.doubleValue();
        }
        ops.add(new Op(selecting, periodic, result, values));
    }

    static boolean selects(Callee callee) {
        String lower = name(callee);
        return SELECTING.stream().anyMatch(lower::contains);
    }

    /** Whether the callee is sin, cos or tan: a step may move its argument by whole periods. */
    static boolean periodic(Callee callee) {
        String lower = name(callee);
        String last = lower.substring(lower.lastIndexOf('_') + 1);
        return last.equals("sin") || last.equals("cos") || last.equals("tan");
    }

    private static String name(Callee callee) {
        String name = switch (callee) {
            case Callee.Known k -> k.op().name();
            case Callee.Static s -> s.name();
            case Callee.Instance i -> i.name();
            case Callee.User u -> "";
        };
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * Compares this trace (at the point) with {@code one} and {@code two} (one and two steps
     * away, the same path): why finite differences over that step cannot see the derivative, or
     * null where every operation changes linearly, and well above rounding, or not at all.
     * <ul>
     * <li>absorbed: an operand changed but the result did not ({@code 1e17 + atan(t)});
     * <li>coarse: the result's change is a few ulps, so rounding dominates it ({@code 4e7 + s});
     * <li>not linear: two steps change the result by far from twice what one does, while the
     *     change is well above rounding: an oscillation faster than the step ({@code
     *     cos(1e17 * x)}), whose derivative the method's value may hide under a tiny factor.
     * </ul>
     */
    String blindSpot(RoundingTrace one, RoundingTrace two) {
        if (one.ops.size() != ops.size() || two.ops.size() != ops.size()) {
            return null; // another path: not a question of rounding
        }
        for (int i = 0; i < ops.size(); i++) {
            Op a = ops.get(i);
            Op b = one.ops.get(i);
            Op c = two.ops.get(i);
            if (a.selecting() || a.operands().length != b.operands().length || hasZero(a) || hasZero(b)) {
                continue;
            }
            boolean changed = false;
            for (int k = 0; k < a.operands().length; k++) {
                changed |= a.operands()[k] != b.operands()[k];
            }
            if (!changed) {
                continue;
            }
            if (a.periodic() && Math.abs(b.operands()[0] - a.operands()[0]) > MAX_ANGLE) {
                return "the argument of a sine or cosine moves by " + Numbers.num(Math.abs(b.operands()[0]
                        - a.operands()[0])) + " radians over one step (an oscillation faster than the step)";
            }
            double d1 = b.result() - a.result();
            double d2 = c.result() - a.result();
            double ulp = Math.ulp(a.result());
            if (d1 == 0) {
                return "float64 rounding swallows the step in an operation giving " + Numbers.num(a.result());
            }
            if (ulp / Math.abs(d1) > COARSE) {
                return "the step changes an intermediate value " + Numbers.num(a.result()) + " by only "
                        + Math.round(Math.abs(d1) / ulp) + " ulps";
            }
            double larger = Math.max(Math.abs(d2), 2 * Math.abs(d1));
            if (Math.abs(d2 - 2 * d1) > NONLINEAR * larger && larger > 1e4 * ulp) {
                return "an intermediate value (" + Numbers.num(a.result()) + ") oscillates faster than the smallest"
                        + " step";
            }
        }
        return null;
    }

    /** The most a sine's argument may move over one step for differences to follow it (radians). */
    private static final double MAX_ANGLE = 0.5;
    /** Rounding above this fraction of a change makes the change too coarse to difference. */
    private static final double COARSE = 1e-4;
    /** Departure from linearity over two steps that means the step is too large for an operation. */
    private static final double NONLINEAR = 0.1;

    private static boolean hasZero(Op op) {
        for (double v : op.operands()) {
            if (v == 0) {
                return true;
            }
        }
        return false;
    }
}
