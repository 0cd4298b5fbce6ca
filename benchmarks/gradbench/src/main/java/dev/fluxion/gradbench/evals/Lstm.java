package dev.fluxion.gradbench.evals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.gradbench.EvalFunction;
import dev.fluxion.gradbench.EvalModule;
import dev.fluxion.gradbench.Json;
import java.util.Map;

/**
 * GradBench's {@code lstm} (from ADBench): an l-layer LSTM with diagonal weights over a sequence
 * of c characters of b bits; the loss is the mean log-likelihood of each next character.
 * {@code mainParams} holds per layer the weights then the biases of the forget, input, output and
 * change gates (8b); {@code extraParams} the input weights, output weights and output biases (3b);
 * {@code state} per layer the hidden then the cell state (2b).
 *
 * <p>Written as GradBench's C++ writes it: the state is a scratch array updated in place, layer by
 * layer and bit by bit, and the layer's input {@code x} is overwritten by its output.
 */
public final class Lstm {
    private Lstm() {}

    static Object[] sample() {
        int l = 2;
        int c = 3;
        int b = 2;
        double[] main = new double[8 * l * b];
        for (int i = 0; i < main.length; i++) {
            main[i] = 0.3 * Math.sin(i + 1.0);
        }
        double[] extra = {0.9, -0.4, 0.5, 1.1, -0.2, 0.3};
        double[] state = {0.1, -0.2, 0.3, 0.05, -0.15, 0.25, 0.2, -0.1};
        double[] sequence = {1, 0, 0, 1, 1, 1};
        return new Object[] {main, extra, state, sequence, l, c, b};
    }

    /** −(1 / (c−1) b) Σ_t ⟨sequence_{t+1}, ypred_t − log(Σ exp(ypred_t) + 2)⟩. */
    @Differentiable(verifyWith = "sample")
    static double objective(double[] mainParams, double[] extraParams, @NoGrad double[] state0,
            @NoGrad double[] sequence, @NoGrad int l, @NoGrad int c, @NoGrad int b) {
        double[] state = new double[2 * l * b];
        for (int i = 0; i < 2 * l * b; i++) {
            state[i] = state0[i];
        }
        double[] x = new double[b];
        double total = 0;
        for (int t = 0; t < c - 1; t++) {
            for (int j = 0; j < b; j++) {
                x[j] = sequence[t * b + j] * extraParams[j];
            }
            for (int i = 0; i < l; i++) {
                int w = 8 * b * i;
                int bias = w + 4 * b;
                int hidden = 2 * b * i;
                int cell = hidden + b;
                for (int j = 0; j < b; j++) {
                    double forget = sigmoid(x[j] * mainParams[w + j] + mainParams[bias + j]);
                    double ingate = sigmoid(state[hidden + j] * mainParams[w + b + j] + mainParams[bias + b + j]);
                    double outgate = sigmoid(x[j] * mainParams[w + 2 * b + j] + mainParams[bias + 2 * b + j]);
                    double change = Math.tanh(state[hidden + j] * mainParams[w + 3 * b + j]
                            + mainParams[bias + 3 * b + j]);
                    state[cell + j] = state[cell + j] * forget + ingate * change;
                    state[hidden + j] = outgate * Math.tanh(state[cell + j]);
                    x[j] = state[hidden + j];
                }
            }
            double sumExp = 0;
            for (int j = 0; j < b; j++) {
                sumExp += Math.exp(x[j] * extraParams[b + j] + extraParams[2 * b + j]);
            }
            double lse = Math.log(sumExp + 2);
            for (int j = 0; j < b; j++) {
                total += sequence[(t + 1) * b + j] * (x[j] * extraParams[b + j] + extraParams[2 * b + j] - lse);
            }
        }
        return -total / ((c - 1) * b);
    }

    @Differentiable
    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** The prepared input, flattened as {@code lstm::from_json} flattens it. */
    record Input(double[] mainParams, double[] extraParams, double[] state, double[] sequence, int l, int c, int b) {}

    static Input input(JsonNode in) {
        int l = in.get("main_params").size() / 2;
        int b = in.get("main_params").get(0).size() / 4;
        int c = in.get("sequence").size();
        return new Input(Json.rows(in.get("main_params")), Json.rows(in.get("extra_params")),
                Json.rows(in.get("state")), Json.rows(in.get("sequence")), l, c, b);
    }

    static double objective(Input in) {
        return LstmGrad.objective(in.mainParams(), in.extraParams(), in.state(), in.sequence(), in.l(), in.c(), in.b());
    }

    /** The gradient with respect to the main then the extra parameters, as {@code lstm::JacOutput}. */
    static double[] jacobian(Input in) {
        LstmGrad.ObjectiveGradient g = LstmGrad.objectiveGrad(in.mainParams(), in.extraParams(), in.state(),
                in.sequence(), in.l(), in.c(), in.b());
        double[] out = new double[g.mainParams().length + g.extraParams().length];
        System.arraycopy(g.mainParams(), 0, out, 0, g.mainParams().length);
        System.arraycopy(g.extraParams(), 0, out, g.mainParams().length, g.extraParams().length);
        return out;
    }

    static EvalModule module() {
        return new EvalModule("lstm", Map.of(
                "objective", EvalFunction.of(Lstm::input, Lstm::objective),
                "jacobian", EvalFunction.of(Lstm::input, Lstm::jacobian)));
    }
}
