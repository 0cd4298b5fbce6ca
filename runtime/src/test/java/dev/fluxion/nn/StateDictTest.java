package dev.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.DType;
import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Module#stateDict()}, {@link Module#loadStateDict}, {@link Module#namedModules()}, train/eval. */
class StateDictTest {
    static final class Net extends Module {
        final Linear fc1 = new Linear(2, 3, new Random(1));
        final List<Linear> layers = List.of(new Linear(3, 3, new Random(2)), new Linear(3, 1, false, new Random(3)));
    }

    @Test
    void keysAreThoseOfPyTorch() {
        Net n = new Net();
        assertEquals(List.of("fc1.weight", "fc1.bias", "layers.0.weight", "layers.0.bias", "layers.1.weight"),
                List.copyOf(n.stateDict().keySet()));
        assertEquals(List.of("", "fc1", "layers.0", "layers.1"), List.copyOf(n.namedModules().keySet()));
    }

    @Test
    void stateDictValuesShareStorageWithTheModel() {
        Net n = new Net();
        Tensor w = n.stateDict().get("fc1.weight");
        n.fc1.weight.fillInPlace(0.25);
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f}, w.toFloatArray());
    }

    @Test
    void loadCopiesEveryValueAndConvertsDtype() {
        Net n = new Net();
        Map<String, Tensor> state = new LinkedHashMap<>();
        n.stateDict().forEach((k, v) -> state.put(k, Tensor.fullLike(v, k.length()).toDouble()));
        assertTrue(n.loadStateDict(state).isEmpty());
        assertEquals(DType.FLOAT32, n.fc1.weight.dtype());
        assertArrayEquals(new float[] {10, 10, 10, 10, 10, 10}, n.fc1.weight.toFloatArray()); // "fc1.weight".length()
        assertEquals(15f, n.layers.get(1).weight.toFloatArray()[2]); // "layers.1.weight"
    }

    @Test
    void strictLoadListsMissingAndUnexpectedKeysAndChangesNothing() {
        Net n = new Net();
        Map<String, Tensor> state = new LinkedHashMap<>(new Net().stateDict());
        state.remove("layers.0.bias");
        state.put("fc3.weight", Tensor.ones(1));
        state.replaceAll((k, v) -> Tensor.zerosLike(v));
        float[] before = n.fc1.weight.toFloatArray();
        FluxionException e = assertThrows(FluxionException.class, () -> n.loadStateDict(state));
        assertEquals("loadStateDict: error(s) in loading state_dict for Net: missing key(s): \"layers.0.bias\"."
                + " unexpected key(s): \"fc3.weight\".", e.getMessage());
        assertArrayEquals(before, n.fc1.weight.toFloatArray());
        IncompatibleKeys keys = n.loadStateDict(state, false);
        assertEquals(List.of("layers.0.bias"), keys.missingKeys());
        assertEquals(List.of("fc3.weight"), keys.unexpectedKeys());
        assertArrayEquals(new float[6], n.fc1.weight.toFloatArray());
    }

    @Test
    void aShapeMismatchNamesTheKeyAndBothShapes() {
        Net n = new Net();
        Map<String, Tensor> state = new LinkedHashMap<>(n.stateDict());
        state.replaceAll((k, v) -> Tensor.zerosLike(v));
        state.put("layers.1.weight", Tensor.zeros(3, 1));
        float[] before = n.fc1.weight.toFloatArray();
        FluxionException e = assertThrows(FluxionException.class, () -> n.loadStateDict(state, false));
        assertEquals("loadStateDict: size mismatch for \"layers.1.weight\": copying a value of shape [3, 1] from the"
                + " checkpoint, the shape in Net is [1, 3]", e.getMessage());
        assertArrayEquals(before, n.fc1.weight.toFloatArray(), "checked before anything is written");
    }

    @Test
    void trainAndEvalReachEverySubModule() {
        Net n = new Net();
        assertTrue(n.isTraining());
        n.eval();
        for (Module m : n.namedModules().values()) {
            assertFalse(m.isTraining());
        }
        n.layers.get(0).train();
        assertTrue(n.layers.get(0).isTraining());
        assertFalse(n.fc1.isTraining());
        n.train();
        assertTrue(n.fc1.isTraining() && n.layers.get(1).isTraining());
    }
}
