package dev.fluxion.processor.verify;

import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.Messages;
import dev.fluxion.processor.model.Names;
import java.util.List;
import javax.tools.Diagnostic.Kind;

/**
 * The one-pass {@code fGrad} against the pullback: the fused loop is a rewrite that must give the
 * two passes' result (up to the order of sums), so at the verifier's point its value and each
 * gradient element must equal {@code fVjp(...).backward(1)}'s, whose gradient the verifier checks
 * against finite differences. A difference is a processor bug, reported as an error.
 */
final class FusedGradCheck {
    private FusedGradCheck() {}

    /** The mismatch at {@code point}, or null where the one pass agrees with {@code pullback}. */
    static Diagnostic check(DerivedMethod derived, String display, Interpreter interp, Pullback pullback, Point point,
                            List<Coordinate.Input> inputs) {
        GradientValues twoPass = interp.backward(pullback, 1.0);
        GradientValues onePass = interp.fusedGrad(derived, point.args());
        String grad = Names.gradMethod(derived.method().name());
        if (!agree(Point.flatten(onePass.value()), Point.flatten(pullback.value()))) {
            return mismatch(derived, grad, "the value", point, inputs, onePass.value(), pullback.value());
        }
        for (String name : twoPass.components().keySet()) {
            Object one = onePass.components().get(name);
            Object two = twoPass.components().get(name);
            if (!agree(Point.flatten(one), Point.flatten(two))) {
                return mismatch(derived, grad, "the gradient of `" + name + "`", point, inputs, one, two);
            }
        }
        return null;
    }

    private static boolean agree(double[] a, double[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (!Verifier.close(a[i], b[i])) {
                return false;
            }
        }
        return true;
    }

    private static Diagnostic mismatch(DerivedMethod derived, String grad, String what, Point point,
                                       List<Coordinate.Input> inputs, Object onePass, Object twoPass) {
        return new Diagnostic(Kind.ERROR, Messages.FUSED_GRAD_MISMATCH, derived.method().pos(), List.of(grad, what,
                point.describe(inputs), Numbers.brief(onePass), Numbers.brief(twoPass)));
    }
}
