package dev.fluxion.bench.training;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.nn.Module;
import java.util.List;

/** A model's initial parameter values, restored in place so every timed run starts from them. */
final class Snapshot {
    private final List<Parameter> params;
    private final Tensor[] initial;

    private Snapshot(List<Parameter> params) {
        this.params = params;
        this.initial = params.stream().map(Tensor::copy).toArray(Tensor[]::new);
    }

    static Snapshot of(Module model) {
        return new Snapshot(model.parameters());
    }

    /** The initial values of parameter {@code i} (in {@code parameters()} order) as floats. */
    float[] values(int i) {
        return initial[i].toFloatArray();
    }

    void restore() {
        for (int i = 0; i < initial.length; i++) {
            params.get(i).copyInPlace(initial[i]);
        }
    }
}
