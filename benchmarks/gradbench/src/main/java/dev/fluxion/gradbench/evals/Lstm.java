package dev.fluxion.gradbench.evals;

import static dev.fluxion.F.cat;
import static dev.fluxion.F.exp;
import static dev.fluxion.F.log;
import static dev.fluxion.F.sigmoid;
import static dev.fluxion.F.tanh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fluxion.Tensor;
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
 * <p>Written with the tensor DSL: the scalar version updates the state array in place, which the
 * processor refuses ({@code writing an element of the array `state` is not supported}). Without
 * Tensor[] locals the layers' new states are concatenated into one tensor per step.
 */
public final class Lstm {
    private Lstm() {}

    /** −(1 / (c−1) b) Σ_t ⟨sequence_{t+1}, ypred_t − log(Σ exp(ypred_t) + 2)⟩. */
    @Differentiable
    static Tensor objective(Tensor mainParams, Tensor extraParams, @NoGrad Tensor state0, @NoGrad Tensor sequence,
            @NoGrad int l, @NoGrad int c, @NoGrad int b) {
        Tensor state = state0;
        Tensor total = sequence.slice(0, 0, 1).sum().times(0.0);
        for (int t = 0; t < c - 1; t++) {
            Tensor x = sequence.slice(0, t * b, (t + 1) * b).times(extraParams.slice(0, 0, b));
            Tensor next = x;
            for (int i = 0; i < l; i++) {
                Tensor weight = mainParams.slice(0, 8 * b * i, 8 * b * i + 4 * b);
                Tensor bias = mainParams.slice(0, 8 * b * i + 4 * b, 8 * b * (i + 1));
                Tensor hidden = state.slice(0, 2 * b * i, 2 * b * i + b);
                Tensor cell = state.slice(0, 2 * b * i + b, 2 * b * (i + 1));
                Tensor gates = cat(0, x, hidden, x, hidden).times(weight).plus(bias);
                Tensor forget = sigmoid(gates.slice(0, 0, b));
                Tensor ingate = sigmoid(gates.slice(0, b, 2 * b));
                Tensor outgate = sigmoid(gates.slice(0, 2 * b, 3 * b));
                Tensor change = tanh(gates.slice(0, 3 * b, 4 * b));
                Tensor newCell = cell.times(forget).plus(ingate.times(change));
                Tensor newHidden = outgate.times(tanh(newCell));
                if (i == 0) {
                    next = cat(0, newHidden, newCell);
                } else {
                    next = cat(0, next, newHidden, newCell);
                }
                x = newHidden;
            }
            state = next;
            Tensor ypred = x.times(extraParams.slice(0, b, 2 * b)).plus(extraParams.slice(0, 2 * b, 3 * b));
            Tensor ynorm = ypred.minus(log(exp(ypred).sum().plus(2.0)));
            total = total.plus(sequence.slice(0, (t + 1) * b, (t + 2) * b).times(ynorm).sum());
        }
        return total.times(-1.0 / ((c - 1) * b));
    }

    /** The prepared input, flattened as {@code lstm::from_json} flattens it. */
    record Input(Tensor mainParams, Tensor extraParams, Tensor state, Tensor sequence, int l, int c, int b) {}

    static Input input(JsonNode in) {
        double[] main = Json.rows(in.get("main_params"));
        double[] extra = Json.rows(in.get("extra_params"));
        double[] state = Json.rows(in.get("state"));
        double[] sequence = Json.rows(in.get("sequence"));
        int l = in.get("main_params").size() / 2;
        int b = in.get("main_params").get(0).size() / 4;
        int c = in.get("sequence").size();
        return new Input(Tensor.fromArray(main, main.length), Tensor.fromArray(extra, extra.length),
                Tensor.fromArray(state, state.length), Tensor.fromArray(sequence, sequence.length), l, c, b);
    }

    static double objective(Input in) {
        return LstmGrad.objective(in.mainParams(), in.extraParams(), in.state(), in.sequence(), in.l(), in.c(), in.b())
                .item();
    }

    /** The gradient with respect to the main then the extra parameters, as {@code lstm::JacOutput}. */
    static double[] jacobian(Input in) {
        LstmGrad.ObjectiveGradient g = LstmGrad.objectiveGrad(in.mainParams(), in.extraParams(), in.state(),
                in.sequence(), in.l(), in.c(), in.b());
        double[] main = g.mainParams().toDoubleArray();
        double[] extra = g.extraParams().toDoubleArray();
        double[] out = new double[main.length + extra.length];
        System.arraycopy(main, 0, out, 0, main.length);
        System.arraycopy(extra, 0, out, main.length, extra.length);
        return out;
    }

    static EvalModule module() {
        return new EvalModule("lstm", Map.of(
                "objective", EvalFunction.of(Lstm::input, Lstm::objective),
                "jacobian", EvalFunction.of(Lstm::input, Lstm::jacobian)));
    }
}
