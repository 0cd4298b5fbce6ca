package dev.fluxion.nn;

import java.util.List;

/**
 * A module whose sub-modules are numbered rather than named by fields: their parameters appear as
 * {@code 0.weight}, {@code 1.bias}, ... (under the container's own name when it is a field:
 * {@code features.0.weight}), exactly as in PyTorch's {@code Sequential} and {@code ModuleList}.
 */
public abstract sealed class ModuleContainer extends Module permits Sequential, ModuleList {
    ModuleContainer() {}

    /** The sub-modules, in index order. */
    abstract List<? extends Module> children();

    /** The number of sub-modules. */
    public final int size() {
        return children().size();
    }
}
