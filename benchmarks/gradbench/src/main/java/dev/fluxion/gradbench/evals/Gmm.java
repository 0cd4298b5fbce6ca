package dev.fluxion.gradbench.evals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.gradbench.EvalFunction;
import dev.fluxion.gradbench.EvalModule;
import dev.fluxion.gradbench.Json;
import java.util.Map;

/**
 * GradBench's {@code gmm} (from ADBench): the log-likelihood of n points x under a mixture of k
 * Gaussians in d dimensions, with a Wishart prior on the precisions. Component ik has weight
 * logit alpha[ik], mean mu[ik], and precision Q^T Q where Q is lower triangular with diagonal
 * exp(q[ik]) and strict lower part l[ik] (stored column by column).
 *
 * <p>Written in plain scalar Java over the flattened arrays, without scratch arrays (the
 * processor cannot write local arrays yet): the log-sum-exp over the components is streamed
 * (running maximum and the sum scaled to it) instead of storing the k terms.
 */
public final class Gmm {
    private Gmm() {}

    /** The log posterior, as {@code gmm::objective} in GradBench's {@code cpp/gradbench/evals/gmm.hpp}. */
    @Differentiable
    static double objective(@NoGrad int d, @NoGrad int k, @NoGrad int n, double[] alpha, double[] mu,
            double[] q, double[] l, @NoGrad double[] x, @NoGrad double gamma, @NoGrad int m,
            @NoGrad double priorConstant) {
        int lSize = d * (d - 1) / 2;
        double slse = 0;
        for (int ix = 0; ix < n; ix++) {
            // log Σ_k exp(term_k), streamed: best is the largest term so far, scaled the sum of
            // exp(term − best) so far. (Written with one if: an if nested in an else inside a loop
            // gets a wrong gradient on main, its branch bits popped out of order.)
            double best = Double.NEGATIVE_INFINITY;
            double scaled = 0;
            for (int ik = 0; ik < k; ik++) {
                double sumQ = 0;
                double sqnorm = 0;
                for (int j = 0; j < d; j++) {
                    sumQ += q[ik * d + j];
                    // (Q (x − mu))_j = exp(q_j) (x − mu)_j + Σ_{i<j} L_ji (x − mu)_i
                    double qx = Math.exp(q[ik * d + j]) * (x[ix * d + j] - mu[ik * d + j]);
                    for (int i = 0; i < j; i++) {
                        qx += l[ik * lSize + i * (2 * d - i - 1) / 2 + j - i - 1] * (x[ix * d + i] - mu[ik * d + i]);
                    }
                    sqnorm += qx * qx;
                }
                double term = alpha[ik] + sumQ - 0.5 * sqnorm;
                if (term > best) {
                    scaled = scaled * Math.exp(best - term) + 1;
                    best = term;
                } else {
                    scaled += Math.exp(term - best);
                }
            }
            slse += best + Math.log(scaled);
        }

        double prior = 0;
        for (int ik = 0; ik < k; ik++) {
            double frobenius = 0;
            double sumQ = 0;
            for (int j = 0; j < d; j++) {
                double diagonal = Math.exp(q[ik * d + j]);
                frobenius += diagonal * diagonal;
                sumQ += q[ik * d + j];
            }
            for (int j = 0; j < lSize; j++) {
                frobenius += l[ik * lSize + j] * l[ik * lSize + j];
            }
            prior += 0.5 * gamma * gamma * frobenius - m * sumQ;
        }
        // log Σ exp(alpha), inline: passing alpha to Lse.logsumexp generates `alpha_adj += grad.x()`
        // on double[] (does not compile)
        double alphaMax = alpha[0];
        for (int ik = 1; ik < k; ik++) {
            alphaMax = Math.max(alphaMax, alpha[ik]);
        }
        double alphaSum = 0;
        for (int ik = 0; ik < k; ik++) {
            alphaSum += Math.exp(alpha[ik] - alphaMax);
        }
        double constant = -n * d * 0.5 * Math.log(2 * Math.PI);
        return constant + slse - n * (alphaMax + Math.log(alphaSum)) - prior + k * priorConstant;
    }

    /** The Wishart prior's normalising constant per component: it depends on d, gamma and m only. */
    static double wishartConstant(int d, double gamma, int m) {
        int dof = d + m + 1;
        return dof * d * (Math.log(gamma) - 0.5 * Math.log(2)) - logMultivariateGamma(0.5 * dof, d);
    }

    /** log Γ_p(a) = p(p−1)/4 log π + Σ_{j=1..p} log Γ(a + (1−j)/2). */
    static double logMultivariateGamma(double a, int p) {
        double out = 0.25 * p * (p - 1) * Math.log(Math.PI);
        for (int j = 1; j <= p; j++) {
            out += logGamma(a + 0.5 * (1 - j));
        }
        return out;
    }

    /** log Γ(z) for z > 0 (Lanczos, g = 7, nine terms: about 15 significant digits). */
    static double logGamma(double z) {
        if (z < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - logGamma(1 - z);
        }
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};
        z -= 1;
        double sum = c[0];
        for (int i = 1; i < c.length; i++) {
            sum += c[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }

    /** The prepared input: the flattened arrays of {@code gmm::Input}. */
    record Input(int d, int k, int n, double[] alpha, double[] mu, double[] q, double[] l, double[] x,
            double gamma, int m) {}

    static Input input(JsonNode in) {
        return new Input(in.get("d").asInt(), in.get("k").asInt(), in.get("n").asInt(),
                Json.vector(in.get("alpha")), Json.rows(in.get("mu")), Json.rows(in.get("q")),
                Json.rows(in.get("l")), Json.rows(in.get("x")), in.get("gamma").asDouble(), in.get("m").asInt());
    }

    static double objective(Input in) {
        return GmmGrad.objective(in.d(), in.k(), in.n(), in.alpha(), in.mu(), in.q(), in.l(), in.x(), in.gamma(), in.m(),
                wishartConstant(in.d(), in.gamma(), in.m()));
    }

    static GmmGrad.ObjectiveGradient gradient(Input in) {
        return GmmGrad.objectiveGrad(in.d(), in.k(), in.n(), in.alpha(), in.mu(), in.q(), in.l(), in.x(), in.gamma(), in.m(),
                wishartConstant(in.d(), in.gamma(), in.m()));
    }

    /** The gradient as GradBench's {@code gmm::JacOutput} writes it. */
    static Map<String, Object> jacobianJson(Input in, GmmGrad.ObjectiveGradient g) {
        return Map.of("alpha", g.alpha(), "mu", Json.matrix(g.mu(), in.d()), "q", Json.matrix(g.q(), in.d()),
                "l", Json.matrix(g.l(), in.d() * (in.d() - 1) / 2));
    }

    /**
     * The module: the natural objective ({@link GmmNatural}, scratch arrays; its Jacobian is the
     * faster, see RESULTS.md), or with {@code FLUXION_GMM=streamed} in the environment this class's
     * streamed one, for comparison.
     */
    static EvalModule module() {
        return "streamed".equals(System.getenv("FLUXION_GMM")) ? streamedModule() : naturalModule();
    }

    private static EvalModule naturalModule() {
        record Jacobian(Input in, GmmNaturalGrad.ObjectiveGradient g) {}
        return new EvalModule("gmm", Map.of(
                "objective", EvalFunction.of(Gmm::input, in -> GmmNaturalGrad.objective(in.d(), in.k(), in.n(),
                        in.alpha(), in.mu(), in.q(), in.l(), in.x(), in.gamma(), in.m())),
                "jacobian", new EvalFunction<Input, Jacobian>(Gmm::input, in -> new Jacobian(in,
                        GmmNaturalGrad.objectiveGrad(in.d(), in.k(), in.n(), in.alpha(), in.mu(), in.q(), in.l(),
                                in.x(), in.gamma(), in.m())),
                        j -> Map.of("alpha", j.g().alpha(), "mu", Json.matrix(j.g().mu(), j.in().d()),
                                "q", Json.matrix(j.g().q(), j.in().d()),
                                "l", Json.matrix(j.g().l(), j.in().d() * (j.in().d() - 1) / 2)))));
    }

    private static EvalModule streamedModule() {
        record Jacobian(Input in, GmmGrad.ObjectiveGradient g) {}
        return new EvalModule("gmm", Map.of(
                "objective", EvalFunction.of(Gmm::input, Gmm::objective),
                "jacobian", new EvalFunction<Input, Jacobian>(Gmm::input, in -> new Jacobian(in, gradient(in)),
                        j -> jacobianJson(j.in(), j.g()))));
    }
}
