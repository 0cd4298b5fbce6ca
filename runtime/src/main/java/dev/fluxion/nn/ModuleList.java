package dev.fluxion.nn;

import dev.fluxion.FluxionException;
import java.util.Iterator;
import java.util.List;

/**
 * A fixed list of sub-modules whose parameters are registered as {@code 0.weight},
 * {@code 1.weight}, ..., as {@code torch.nn.ModuleList}. Unlike {@link Sequential} it has no
 * forward: the owner decides how to call its elements.
 *
 * <pre>{@code
 * final ModuleList<Linear> layers = ModuleList.of(new Linear(4, 8, rng), new Linear(8, 8, rng));
 * ...
 * for (Linear layer : layers) { h = layer.forward(h).relu(); }
 * }</pre>
 *
 * @param <M> the element type
 */
public final class ModuleList<M extends Module> extends ModuleContainer implements Iterable<M> {
    private final List<M> modules;

    /**
     * @param modules the elements, in order, none null
     */
    public ModuleList(List<? extends M> modules) {
        for (int i = 0; i < modules.size(); i++) {
            if (modules.get(i) == null) {
                throw new FluxionException("ModuleList: element " + i + " is null");
            }
        }
        this.modules = List.copyOf(modules);
    }

    /**
     * A list of the given modules.
     *
     * @param modules the elements, in order
     * @param <M> the element type
     * @return the list
     */
    @SafeVarargs
    public static <M extends Module> ModuleList<M> of(M... modules) {
        return new ModuleList<>(List.of(modules));
    }

    @Override
    List<M> children() {
        return modules;
    }

    /**
     * Element {@code i}.
     *
     * @param i in {@code [0, size())}
     * @return the module
     */
    public M get(int i) {
        if (i < 0 || i >= modules.size()) {
            throw new FluxionException("ModuleList.get: index " + i + " out of range for " + modules.size() + " modules");
        }
        return modules.get(i);
    }

    /** The elements in order. */
    @Override
    public Iterator<M> iterator() {
        return modules.iterator();
    }

    /** PyTorch's layout: {@code ModuleList(\n  (0): Linear(...)\n)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ModuleList(");
        for (int i = 0; i < modules.size(); i++) {
            sb.append("\n  (").append(i).append("): ").append(modules.get(i).toString().replace("\n", "\n  "));
        }
        return sb.append(modules.isEmpty() ? ")" : "\n)").toString();
    }
}
