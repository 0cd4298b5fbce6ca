package dev.fluxion.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.FluxionException;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Optimizer state dicts: keys, values after known steps, and the errors of a bad load. */
class OptimizerStateTest {
    @Test
    void adamStateAfterOneStepHoldsTheClosedFormMoments() {
        Parameter p = Parameter.of(Tensor.of(1.0, 2.0));
        Adam adam = new Adam(List.of(p), 0.1);
        p.accumulateGrad(Tensor.of(0.5, -4.0));
        adam.step();
        Map<String, Tensor> s = adam.stateDict();
        assertEquals(List.of("param_groups.0.lr", "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq"),
                List.copyOf(s.keySet()));
        assertEquals(0.1, s.get("param_groups.0.lr").item());
        assertEquals(1.0, s.get("state.0.step").item());
        // m = (1 − 0.9)·g, v = (1 − 0.999)·g²
        assertArrayEquals(new double[] {0.05, -0.4}, s.get("state.0.exp_avg").toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {0.00025, 0.016}, s.get("state.0.exp_avg_sq").toDoubleArray(), 1e-15);
    }

    @Test
    void stateDictIsASnapshot() {
        Parameter p = Parameter.of(Tensor.of(1.0));
        SGD sgd = new SGD(List.of(p), 0.1, 0.9);
        p.accumulateGrad(Tensor.of(1.0));
        sgd.step();
        Tensor saved = sgd.stateDict().get("state.0.momentum_buffer");
        sgd.step();
        assertEquals(1.0, saved.item());
        assertEquals(1.9, sgd.stateDict().get("state.0.momentum_buffer").item(), 1e-15);
    }

    @Test
    void loadingRestoresLearningRateAndResetsParametersWithoutState() {
        Parameter a = Parameter.of(Tensor.of(1.0)), b = Parameter.of(Tensor.of(1.0));
        SGD sgd = new SGD(List.of(a, b), 0.1, 0.9);
        a.accumulateGrad(Tensor.of(1.0));
        b.accumulateGrad(Tensor.of(1.0));
        sgd.step();
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("param_groups.0.lr", Tensor.scalar(0.5));
        state.put("state.1.momentum_buffer", Tensor.of(2.0));
        sgd.loadStateDict(state);
        assertEquals(0.5, sgd.learningRate());
        assertEquals(List.of("param_groups.0.lr", "state.1.momentum_buffer"), List.copyOf(sgd.stateDict().keySet()));
        // Both are 0.9 after the first step. a starts afresh: buf = g = 1, a = 0.9 − 0.5·1;
        // b keeps the loaded buffer: buf = 0.9·2 + 1 = 2.8, b = 0.9 − 0.5·2.8.
        sgd.step();
        assertEquals(0.9 - 0.5, a.item(), 1e-12);
        assertEquals(1 - 0.1 - 0.5 * 2.8, b.item(), 1e-12);
    }

    @Test
    void badStateIsRejectedNamingTheKey() {
        Parameter p = Parameter.of(Tensor.of(1.0, 2.0));
        Adam adam = new Adam(List.of(p));
        assertError(adam, Map.of(), "missing scalar \"param_groups.0.lr\"");
        assertError(adam, Map.of("param_groups.0.lr", Tensor.scalar(1), "state.0.bogus", Tensor.of(1.0)),
                "unexpected key \"state.0.bogus\"");
        assertError(adam, Map.of("param_groups.0.lr", Tensor.scalar(1), "state.3.exp_avg", Tensor.of(1.0, 1.0)),
                "key \"state.3.exp_avg\" is for parameter 3, but this optimizer has 1 parameters");
        assertError(adam, Map.of("param_groups.0.lr", Tensor.scalar(1), "state.0.step", Tensor.scalar(1),
                "state.0.exp_avg", Tensor.of(1.0), "state.0.exp_avg_sq", Tensor.of(1.0, 1.0)),
                "\"state.0.exp_avg\" has shape [1], but parameter 0 has shape [2]");
        assertError(adam, Map.of("param_groups.0.lr", Tensor.scalar(1), "state.0.step", Tensor.scalar(1)),
                "state of parameter 0 lacks \"state.0.exp_avg\"");
    }

    @Test
    void aFailedLoadChangesNothing() {
        Parameter a = Parameter.of(Tensor.of(1.0)), b = Parameter.of(Tensor.of(2.0));
        Adam adam = new Adam(List.of(a, b), 0.1);
        a.accumulateGrad(Tensor.of(1.0));
        b.accumulateGrad(Tensor.of(1.0));
        adam.step();
        Map<String, Tensor> before = adam.stateDict();
        Map<String, Tensor> bad = new LinkedHashMap<>(before);
        bad.put("param_groups.0.lr", Tensor.scalar(0.5));
        bad.put("state.0.exp_avg", Tensor.of(9.0));
        bad.remove("state.1.exp_avg_sq"); // parameter 1 incomplete: detected before parameter 0 is touched
        assertError(adam, bad, "state of parameter 1 lacks \"state.1.exp_avg_sq\"");
        assertEquals(0.1, adam.learningRate());
        Map<String, Tensor> after = adam.stateDict();
        for (String key : before.keySet()) {
            assertArrayEquals(before.get(key).toDoubleArray(), after.get(key).toDoubleArray(), key);
        }
    }

    private static void assertError(Optimizer opt, Map<String, Tensor> state, String expected) {
        FluxionException e = assertThrows(FluxionException.class, () -> opt.loadStateDict(state));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
