package dev.fluxion.gradbench.evals;

import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;

/**
 * GradBench's {@code gmm} written as {@code cpp/gradbench/evals/gmm.hpp} writes it: scratch arrays
 * for exp(q) and Σq per component, the centred point, Q times it and the k main terms per point,
 * {@link Lse#logsumexp} called on the main terms and on alpha, and the Wishart constant from a
 * plain helper on {@code @NoGrad} data. ({@link Gmm#objective} is the same objective written
 * around what the processor refused before: no scratch array, the log-sum-exp streamed.)
 */
public final class GmmNatural {
    private GmmNatural() {}

    /** The log posterior, as {@code gmm::objective}. */
    @Differentiable
    static double objective(@NoGrad int d, @NoGrad int k, @NoGrad int n, double[] alpha, double[] mu,
            double[] q, double[] l, @NoGrad double[] x, @NoGrad double gamma, @NoGrad int m) {
        int lSize = d * (d - 1) / 2;
        double[] qDiags = new double[k * d];
        double[] sumQs = new double[k];
        for (int ik = 0; ik < k; ik++) {
            for (int j = 0; j < d; j++) {
                sumQs[ik] += q[ik * d + j];
                qDiags[ik * d + j] = Math.exp(q[ik * d + j]);
            }
        }
        double[] xCentered = new double[d];
        double[] qxCentered = new double[d];
        double[] mainTerm = new double[k];
        double slse = 0;
        for (int ix = 0; ix < n; ix++) {
            for (int ik = 0; ik < k; ik++) {
                for (int j = 0; j < d; j++) {
                    xCentered[j] = x[ix * d + j] - mu[ik * d + j];
                }
                // Q times the centred point: the diagonal, then the strict lower part column by column
                for (int j = 0; j < d; j++) {
                    qxCentered[j] = qDiags[ik * d + j] * xCentered[j];
                }
                int li = ik * lSize;
                for (int i = 0; i < d; i++) {
                    for (int j = i + 1; j < d; j++) {
                        qxCentered[j] += l[li] * xCentered[i];
                        li++;
                    }
                }
                double sqnorm = 0;
                for (int j = 0; j < d; j++) {
                    sqnorm += qxCentered[j] * qxCentered[j];
                }
                mainTerm[ik] = alpha[ik] + sumQs[ik] - 0.5 * sqnorm;
            }
            slse += Lse.logsumexp(mainTerm);
        }
        double prior = 0;
        for (int ik = 0; ik < k; ik++) {
            double frobenius = 0;
            for (int j = 0; j < d; j++) {
                frobenius += qDiags[ik * d + j] * qDiags[ik * d + j];
            }
            for (int j = 0; j < lSize; j++) {
                frobenius += l[ik * lSize + j] * l[ik * lSize + j];
            }
            prior += 0.5 * gamma * gamma * frobenius - m * sumQs[ik];
        }
        double constant = -n * d * 0.5 * Math.log(2 * Math.PI);
        return constant + slse - n * Lse.logsumexp(alpha) - prior + k * Gmm.wishartConstant(d, gamma, m);
    }
}
