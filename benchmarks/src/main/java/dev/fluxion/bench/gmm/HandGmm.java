package dev.fluxion.bench.gmm;

/**
 * GradBench's gmm objective and its gradient derived by hand, in one pass over the points (the
 * structure of ADBench's manual C++): per point the centred point xc and z = Q xc of every
 * component, the log-sum-exp of the main terms t_k = alpha_k + Σ q_k − ½‖z‖², then each
 * component's share w_k = softmax(t)_k of ∂t_k: ∂t/∂alpha = 1, ∂t/∂q_j = 1 − z_j exp(q_j) xc_j,
 * ∂t/∂L_ji = −z_j xc_i, ∂t/∂mu = Qᵀz. The objective is the same as
 * {@code dev.fluxion.gradbench.evals.GmmNatural#objective} without the Wishart constant (it has no
 * gradient).
 */
public final class HandGmm {
    private HandGmm() {}

    /** The objective (less the constant k · wishartConstant) and its gradient. */
    public record Gradient(double value, double[] alpha, double[] mu, double[] q, double[] l) {}

    /** The objective and its gradient, by hand. */
    public static Gradient gradient(int d, int k, int n, double[] alpha, double[] mu, double[] q, double[] l,
            double[] x, double gamma, int m) {
        int lSize = d * (d - 1) / 2;
        double[] gAlpha = new double[k];
        double[] gMu = new double[k * d];
        double[] gQ = new double[k * d];
        double[] gL = new double[k * lSize];
        double[] qDiags = new double[k * d];
        double[] sumQs = new double[k];
        for (int t = 0; t < k * d; t++) { // the diagonals exp(q) and Σ q per component
            qDiags[t] = Math.exp(q[t]);
            sumQs[t / d] += q[t];
        }
        double[] xc = new double[k * d];
        double[] z = new double[k * d];
        double[] main = new double[k];
        double[] back = new double[d];
        double value = 0;
        for (int ix = 0; ix < n; ix++) {
            for (int ik = 0; ik < k; ik++) {
                int o = ik * d;
                for (int j = 0; j < d; j++) {
                    xc[o + j] = x[ix * d + j] - mu[o + j];
                    z[o + j] = qDiags[o + j] * xc[o + j];
                }
                int li = ik * lSize;
                for (int i = 0; i < d; i++) {
                    for (int j = i + 1; j < d; j++) {
                        z[o + j] += l[li++] * xc[o + i];
                    }
                }
                double sqnorm = 0;
                for (int j = 0; j < d; j++) {
                    sqnorm += z[o + j] * z[o + j];
                }
                main[ik] = alpha[ik] + sumQs[ik] - 0.5 * sqnorm;
            }
            double lse = logsumexp(main);
            value += lse;
            for (int ik = 0; ik < k; ik++) {
                int o = ik * d;
                double w = Math.exp(main[ik] - lse);
                gAlpha[ik] += w;
                for (int j = 0; j < d; j++) {
                    gQ[o + j] += w * (1 - z[o + j] * qDiags[o + j] * xc[o + j]);
                    back[j] = qDiags[o + j] * z[o + j];
                }
                int li = ik * lSize;
                for (int i = 0; i < d; i++) {
                    for (int j = i + 1; j < d; j++) {
                        gL[li] -= w * z[o + j] * xc[o + i];
                        back[i] += l[li] * z[o + j];
                        li++;
                    }
                }
                for (int j = 0; j < d; j++) {
                    gMu[o + j] += w * back[j];
                }
            }
        }
        double halfGamma2 = 0.5 * gamma * gamma;
        for (int ik = 0; ik < k; ik++) {
            double frobenius = 0;
            for (int j = 0; j < d; j++) {
                double e = qDiags[ik * d + j];
                frobenius += e * e;
                gQ[ik * d + j] += m - 2 * halfGamma2 * e * e;
            }
            for (int j = 0; j < lSize; j++) {
                double v = l[ik * lSize + j];
                frobenius += v * v;
                gL[ik * lSize + j] -= 2 * halfGamma2 * v;
            }
            value -= halfGamma2 * frobenius - m * sumQs[ik];
        }
        double alphaLse = logsumexp(alpha);
        for (int ik = 0; ik < k; ik++) {
            gAlpha[ik] -= n * Math.exp(alpha[ik] - alphaLse);
        }
        value += -n * d * 0.5 * Math.log(2 * Math.PI) - n * alphaLse;
        return new Gradient(value, gAlpha, gMu, gQ, gL);
    }

    private static double logsumexp(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double e : v) {
            max = Math.max(max, e);
        }
        double sum = 0;
        for (double e : v) {
            sum += Math.exp(e - max);
        }
        return max + Math.log(sum);
    }
}
