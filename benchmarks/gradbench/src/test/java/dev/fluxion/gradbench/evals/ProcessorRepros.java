package dev.fluxion.gradbench.evals;

import dev.fluxion.annotation.Differentiable;

/** Minimal programs for processor bugs met while writing the GradBench evals (each a test in ProcessorReprosTest). */
final class ProcessorRepros {
    // verify = false: the compile-time check catches this bug at most seeds and would stop the build
    @Differentiable(verify = false)
    static double streamed(double[] t) {
        double best = 0;
        double scaled = 0;
        for (int i = 0; i < t.length; i++) {
            double term = t[i];
            if (i == 0) {
                best = term;
                scaled = 1;
            } else if (term > best) {
                scaled = scaled * Math.exp(best - term) + 1;
                best = term;
            } else {
                scaled += Math.exp(term - best);
            }
        }
        return best + Math.log(scaled);
    }

    @Differentiable
    static double lseAlpha(double[] alpha, int k) {
        double alphaMax = alpha[0];
        for (int ik = 1; ik < k; ik++) {
            alphaMax = Math.max(alphaMax, alpha[ik]);
        }
        double alphaSum = 0;
        for (int ik = 0; ik < k; ik++) {
            alphaSum += Math.exp(alpha[ik] - alphaMax);
        }
        return 3 * (alphaMax + Math.log(alphaSum));
    }

    @Differentiable
    static double nested(double[] alpha, int n, int k) {
        double slse = 0;
        for (int ix = 0; ix < n; ix++) {
            double best = 0;
            for (int ik = 0; ik < k; ik++) {
                double term = alpha[ik] * ix;
                if (ik == 0) {
                    best = term;
                } else if (term > best) {
                    best = term;
                }
            }
            slse += best;
        }
        return slse;
    }

    // verify = false: the compile-time check catches this bug and would stop the build
    @Differentiable(verify = false)
    static double sharedReadInConditionalSides(double[] c, int k) {
        return k == 0 ? c[0] * c[1] : c[2] * c[1];
    }
}
