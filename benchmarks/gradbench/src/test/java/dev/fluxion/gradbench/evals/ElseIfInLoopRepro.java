package dev.fluxion.gradbench.evals;

import dev.fluxion.annotation.Differentiable;

final class ElseIfInLoopRepro {
    @Differentiable
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
}
