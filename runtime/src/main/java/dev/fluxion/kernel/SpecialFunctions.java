package dev.fluxion.kernel;

/** Special functions that {@link Math} lacks, accurate to about 1e-14 relative in double. */
public final class SpecialFunctions {
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_PI = 1.0 / Math.sqrt(Math.PI);

    private SpecialFunctions() {}

    /**
     * The error function {@code erf(x) = 2/√π ∫₀ˣ exp(−t²) dt}.
     *
     * <p>For |x| &lt; 3 the Maclaurin series {@code 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))} (it loses at
     * most three digits to cancellation there); beyond, {@code 1 − erfc(x)} with erfc's continued
     * fraction, which converges fast for large x.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < 3.0) {
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return TWO_OVER_SQRT_PI * sum;
        }
        double r = 1.0 - erfcLarge(ax);
        return x < 0 ? -r : r;
    }

    /** erfc(x) for x ≥ 3 by the continued fraction {@code exp(−x²)/√π · 1/(x + ½/(x + 1/(x + 3/2/(x + …))))}. */
    private static double erfcLarge(double x) {
        if (x > 27) {
            return 0.0;
        }
        double t = x;
        for (int k = 60; k >= 1; k--) {
            t = x + (k * 0.5) / t;
        }
        return Math.exp(-x * x) * INV_SQRT_PI / t;
    }

    /** The standard normal density {@code φ(x) = exp(−x²/2) / √(2π)}. */
    public static double normalPdf(double x) {
        return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    /** The standard normal distribution function {@code Φ(x) = (1 + erf(x/√2)) / 2}. */
    public static double normalCdf(double x) {
        return 0.5 * (1.0 + erf(x / Math.sqrt(2.0)));
    }
}
