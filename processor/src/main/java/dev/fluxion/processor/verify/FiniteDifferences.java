package dev.fluxion.processor.verify;

import java.util.function.Function;

/**
 * A numerical partial derivative one can trust, or the reason there is none. Central differences
 * with a step scaled to the input ({@code h = 1e-6·max(1, |x|)}) are taken at {@code h} and
 * {@code h/2}; the two agree where the function is smooth on the scale of the step, and their
 * Richardson extrapolation is the estimate. Where they disagree (truncation: a fast oscillation,
 * a branch boundary or kink within the step) the step shrinks; where float64 rounding of the
 * function's value swamps its change over the step (cancellation: {@code 1e17 + sin(x)}) the step
 * grows; where the path (its branch directions) changes within the step, the step shrinks too;
 * where neither helps, or the function is not finite near the point, the coordinate cannot
 * be checked numerically and the caller tries another point. An unreliable estimate is never a
 * reason to fail a method.
 */
final class FiniteDifferences {
    /** The first step, relative to max(1, |x|). */
    static final double STEP = 1e-6;
    private static final double MIN_STEP = 1e-12;
    private static final double MAX_STEP = 1e-2;
    /** How far the step moves per retry. */
    private static final double FACTOR = 100;
    /**
     * Rounding error of one evaluation, in units of its magnitude (Σ|vᵢ·fᵢ|): a few dozen ulps,
     * as a method of a few dozen operations accumulates.
     */
    private static final double ROUNDING = 64 * Math.ulp(1.0);
    private static final int ATTEMPTS = 6;

    /**
     * One evaluation of the loss ⟨v, f(x)⟩, of its magnitude Σ|vᵢ·fᵢ|, and of the path it took
     * (null where not recorded): differences across a branch boundary are not derivatives.
     */
    record Sample(double loss, double magnitude, Object path) {
        Sample(double loss, double magnitude) {
            this(loss, magnitude, null);
        }

        boolean finite() {
            return Double.isFinite(loss) && Double.isFinite(magnitude);
        }
    }

    /**
     * A trusted estimate: {@code value} (Richardson), its error bound, and the one-sided
     * differences at the smaller step {@code step} (a derived value at a kink may equal either one).
     * Or, when {@code unreliable} is not null, why there is none.
     */
    record Estimate(double value, double error, double forward, double backward, double step, String unreliable) {
        static Estimate unreliable(String why) {
            return new Estimate(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, why);
        }

        boolean reliable() {
            return unreliable == null;
        }

        /** Whether {@code derived} agrees with this estimate (or, at a kink, with a one-sided difference). */
        boolean accepts(double derived) {
            double tolerance = Verifier.ATOL + Verifier.RTOL * Math.abs(value) + error;
            if (Math.abs(derived - value) <= tolerance) {
                return true;
            }
            boolean kink = !Verifier.close(forward, backward);
            return kink && (Verifier.close(derived, forward) || Verifier.close(derived, backward));
        }
    }

    private final Function<Point, Sample> f;

    /** Differences of {@code f}, which returns a non-finite sample where it cannot evaluate. */
    FiniteDifferences(Function<Point, Sample> f) {
        this.f = f;
    }

    /** The derivative along element {@code k} of {@code in} at {@code p}, where {@code f(p)} is {@code here}. */
    Estimate estimate(Point p, Coordinate.Input in, int k, Sample here) {
        double x = p.flat(in)[k];
        double scale = Math.max(1, Math.abs(x));
        double h = STEP * scale;
        int direction = 0; // -1 once the step shrank, +1 once it grew: it never turns back
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double hp = (x + h) - x;
            double hm = x - (x - h);
            double hp2 = (x + h / 2) - x;
            double hm2 = x - (x - h / 2);
            Sample p1 = f.apply(p.moved(in, k, hp));
            Sample m1 = f.apply(p.moved(in, k, -hm));
            Sample p2 = f.apply(p.moved(in, k, hp2));
            Sample m2 = f.apply(p.moved(in, k, -hm2));
            if (!p1.finite() || !m1.finite() || !p2.finite() || !m2.finite()) {
                return Estimate.unreliable("the method's value is not finite within " + Numbers.num(h)
                        + " of the point (overflow)");
            }
            double d1 = (p1.loss() - m1.loss()) / (hp + hm);
            double d2 = (p2.loss() - m2.loss()) / (hp2 + hm2);
            double magnitude = Math.max(Math.max(here.magnitude(), Math.max(p1.magnitude(), m1.magnitude())),
                    Math.max(p2.magnitude(), m2.magnitude()));
            double noise = ROUNDING * magnitude / Math.min(hp2, hm2);
            double value = d2 + (d2 - d1) / 3;
            double base = Verifier.ATOL + Verifier.RTOL * Math.abs(value);
            if (noise > base) {
                if (direction < 0 || h * FACTOR > MAX_STEP * scale) {
                    return Estimate.unreliable("the result (about " + Numbers.num(magnitude) + ") is too large next to"
                            + " its change over a step for float64 differences (cancellation)");
                }
                direction = 1;
                h *= FACTOR;
                continue;
            }
            boolean samePath = java.util.Objects.equals(here.path(), p1.path())
                    && java.util.Objects.equals(here.path(), m1.path()) && java.util.Objects.equals(here.path(), p2.path())
                    && java.util.Objects.equals(here.path(), m2.path());
            if (!samePath || Math.abs(d1 - d2) > base + 2 * noise) {
                if (direction > 0 || h / FACTOR < MIN_STEP * scale) {
                    return Estimate.unreliable(samePath ? "central differences at steps " + Numbers.num(h) + " and "
                            + Numbers.num(h / 2) + " disagree (" + Numbers.num(d1) + " and " + Numbers.num(d2)
                            + "): a kink, a branch boundary or fast oscillation"
                            : "a branch boundary lies within every step tried");
                }
                direction = -1;
                h /= FACTOR;
                continue;
            }
            double forward = (p2.loss() - here.loss()) / hp2;
            double backward = (here.loss() - m2.loss()) / hm2;
            return new Estimate(value, Math.abs(d1 - d2) / 3 + noise, forward, backward, hp2, null);
        }
        return Estimate.unreliable("no step size gave agreeing differences");
    }
}
