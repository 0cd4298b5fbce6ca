package dev.fluxion.processor.check.shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A tensor shape with symbolic dimensions, {@code [n, 2]}. The checker tracks one per tensor
 * local whose shape follows from the declarations; others are simply not tracked.
 */
public record SymShape(List<Dim> dims) {
    public SymShape {
        dims = List.copyOf(dims);
    }

    /** A 0-dim tensor. */
    public static final SymShape SCALAR = new SymShape(List.of());

    /** Parses {@code "n, 2"}; empty if a dimension is neither a name nor a size. */
    public static Optional<SymShape> parse(List<String> dims) {
        List<Dim> out = new ArrayList<>();
        for (String d : dims) {
            Dim dim = Dim.parse(d);
            if (dim == null) {
                return Optional.empty();
            }
            out.add(dim);
        }
        return Optional.of(new SymShape(out));
    }

    public int rank() {
        return dims.size();
    }

    public Dim get(int i) {
        return dims.get(i < 0 ? dims.size() + i : i);
    }

    /** NumPy broadcasting of two shapes; empty when a pair of dimensions provably differs. */
    public static Optional<SymShape> broadcast(SymShape a, SymShape b) {
        int n = Math.max(a.rank(), b.rank());
        List<Dim> out = new ArrayList<>();
        for (int i = n; i >= 1; i--) {
            Dim x = i <= a.rank() ? a.get(-i) : null;
            Dim y = i <= b.rank() ? b.get(-i) : null;
            if (x == null || x.isOne()) {
                out.add(y == null ? x : y);
            } else if (y == null || y.isOne()) {
                out.add(x);
            } else if (Dim.differ(x, y)) {
                return Optional.empty();
            } else {
                out.add(x instanceof Dim.Sym ? x : y);
            }
        }
        return Optional.of(new SymShape(out));
    }

    /** This shape without dimension {@code d} (or with it set to 1 when {@code keep}). */
    public SymShape reduce(int d, boolean keep) {
        int i = d < 0 ? rank() + d : d;
        List<Dim> out = new ArrayList<>(dims);
        if (keep) {
            out.set(i, new Dim.Size(1));
        } else {
            out.remove(i);
        }
        return new SymShape(out);
    }

    @Override
    public String toString() {
        return dims.toString();
    }
}
