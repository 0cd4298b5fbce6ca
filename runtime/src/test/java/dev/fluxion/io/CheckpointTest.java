package dev.fluxion.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import dev.fluxion.nn.IncompatibleKeys;
import dev.fluxion.nn.Linear;
import dev.fluxion.nn.Module;
import dev.fluxion.optim.Adam;
import dev.fluxion.optim.AdamW;
import dev.fluxion.optim.Optimizer;
import dev.fluxion.optim.SGD;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints resume training exactly: N steps give, bit for bit, the same weights and optimizer
 * state as k steps, a save, a load into a freshly built model and optimizer, and N − k more steps.
 */
class CheckpointTest {
    @TempDir
    Path dir;

    /** y = fc2(tanh(fc1(x))), float32. */
    static final class Mlp extends Module {
        final Linear fc1;
        final Linear fc2;

        Mlp(long seed) {
            Random rng = new Random(seed);
            fc1 = new Linear(3, 5, rng);
            fc2 = new Linear(5, 1, rng);
        }
    }

    @Test
    void adamResumesBitForBit() {
        assertResumesExactly(m -> new Adam(m.parameters(), 0.01));
    }

    @Test
    void adamWWithAmsgradResumesBitForBit() {
        assertResumesExactly(m -> new AdamW(m.parameters(), 0.02, 0.8, 0.99, 1e-6, 0.1, true));
    }

    @Test
    void sgdWithNesterovMomentumResumesBitForBit() {
        assertResumesExactly(m -> new SGD(m.parameters(), 0.05, SGD.Options.DEFAULTS.withMomentum(0.9).withNesterov(true)));
    }

    private void assertResumesExactly(Function<Mlp, Optimizer> makeOptimizer) {
        int total = 10, k = 4;
        Mlp straight = new Mlp(1);
        Optimizer straightOpt = makeOptimizer.apply(straight);
        for (int step = 0; step < total; step++) {
            trainStep(straight, straightOpt, step);
        }

        Mlp first = new Mlp(1);
        Optimizer firstOpt = makeOptimizer.apply(first);
        for (int step = 0; step < k; step++) {
            trainStep(first, firstOpt, step);
        }
        Path file = dir.resolve("resume.safetensors");
        Checkpoint.save(file, first, firstOpt);

        Mlp resumed = new Mlp(99); // different initial weights: all must come from the file
        Optimizer resumedOpt = makeOptimizer.apply(resumed);
        Checkpoint.load(file, resumed, resumedOpt);
        for (int step = k; step < total; step++) {
            trainStep(resumed, resumedOpt, step);
        }

        Map<String, Tensor> want = straight.stateDict();
        Map<String, Tensor> got = resumed.stateDict();
        assertEquals(want.keySet(), got.keySet());
        for (String key : want.keySet()) {
            assertArrayEquals(want.get(key).toFloatArray(), got.get(key).toFloatArray(), key);
        }
        Map<String, Tensor> wantState = straightOpt.stateDict();
        Map<String, Tensor> gotState = resumedOpt.stateDict();
        assertEquals(wantState.keySet(), gotState.keySet());
        for (String key : wantState.keySet()) {
            assertArrayEquals(wantState.get(key).toDoubleArray(), gotState.get(key).toDoubleArray(), key);
        }
        // And the run really moved the weights: a no-op optimizer would also "resume exactly".
        assertTrue(Math.abs(straight.fc1.weight.toFloatArray()[0] - new Mlp(1).fc1.weight.toFloatArray()[0]) > 1e-4);
    }

    /** One step of mean squared error on a mini-batch chosen by {@code step}, gradients by hand. */
    private static void trainStep(Mlp m, Optimizer opt, int step) {
        Random data = new Random(1000 + step);
        Tensor x = Tensor.randn(data, 8, 3);
        Tensor t = Tensor.randn(data, 8, 1);
        opt.zeroGrad();
        Tensor a = m.fc1.forward(x).tanh();
        Tensor r = m.fc2.forward(a).minus(t);
        Tensor dy = r.times(2.0 / 8);
        m.fc2.weight.accumulateGrad(dy.t().matmul(a));
        m.fc2.bias.accumulateGrad(dy.sum(0));
        Tensor dh = dy.matmul(m.fc2.weight).times(a.square().rsub(1));
        m.fc1.weight.accumulateGrad(dh.t().matmul(x));
        m.fc1.bias.accumulateGrad(dh.sum(0));
        opt.step();
    }

    @Test
    void aModelCheckpointIsAPlainStateDictWithPyTorchKeys() {
        Mlp m = new Mlp(3);
        Path file = dir.resolve("model.safetensors");
        Checkpoint.save(file, m);
        SafeTensors.Contents c = SafeTensors.read(file);
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), List.copyOf(c.tensors().keySet()));
        assertEquals("pt", c.metadata().get("format"));
        Mlp other = new Mlp(4);
        Checkpoint.load(file, other);
        assertArrayEquals(m.fc2.weight.toFloatArray(), other.fc2.weight.toFloatArray());
    }

    @Test
    void loadingAFileThatLacksAKeyNamesTheFileAndTheKey() {
        Path file = dir.resolve("partial.safetensors");
        Mlp m = new Mlp(3);
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(m.stateDict());
        state.remove("fc2.bias");
        SafeTensors.save(file, state);
        Mlp target = new Mlp(5);
        float[] before = target.fc1.weight.toFloatArray();
        FluxionException e = assertThrows(FluxionException.class, () -> Checkpoint.load(file, target));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("missing key(s): \"fc2.bias\""), e.getMessage());
        assertArrayEquals(before, target.fc1.weight.toFloatArray(), "a failed load changes nothing");
        IncompatibleKeys lenient = Checkpoint.load(file, target, false);
        assertEquals(List.of("fc2.bias"), lenient.missingKeys());
        assertArrayEquals(m.fc1.weight.toFloatArray(), target.fc1.weight.toFloatArray());
    }

    @Test
    void loadingOptimizerStateFromAModelOnlyFileOrAnotherOptimizerFails() {
        Mlp m = new Mlp(3);
        Path modelOnly = dir.resolve("m.safetensors");
        Checkpoint.save(modelOnly, m);
        FluxionException e = assertThrows(FluxionException.class,
                () -> Checkpoint.load(modelOnly, m, new Adam(m.parameters())));
        assertTrue(e.getMessage().contains("holds no optimizer state"), e.getMessage());
        Path withSgd = dir.resolve("s.safetensors");
        Checkpoint.save(withSgd, m, new SGD(m.parameters(), 0.1));
        e = assertThrows(FluxionException.class, () -> Checkpoint.load(withSgd, m, new Adam(m.parameters())));
        assertTrue(e.getMessage().contains("holds the state of dev.fluxion.optim.SGD"), e.getMessage());
        Checkpoint.load(withSgd, m); // a training checkpoint still loads as a model checkpoint
    }
}
