package dev.fluxion;

/**
 * Whole Jacobians from a method's forward mode ({@code fJvp}) or its pullback, as the generated
 * {@code fJacobian} computes them: by columns (one JVP per input element) where the inputs have
 * fewer elements than the value, else by rows (one backward pass per value element, all through
 * the one pullback). Each Jacobian has the value's shape followed by its input's shape, in float64,
 * as {@code torch.autograd.functional.jacobian}.
 */
public final class Jacobians {
    private Jacobians() {}

    /** The tangent of the value for one direction per input (each shaped like its input). */
    @FunctionalInterface
    public interface Jvp {
        /** {@code J·d} for the directions {@code d}, one per input. */
        Tensor tangent(Tensor[] directions);
    }

    /** The cotangent of each input for a cotangent of the value. */
    @FunctionalInterface
    public interface Vjp {
        /** {@code Jᵀ·g} for each input, each shaped like its input. */
        Tensor[] cotangents(Tensor g);
    }

    /** Which way {@link #of} goes: forward (by columns) where there are fewer input than value elements. */
    public static boolean forward(Tensor value, Tensor[] inputs) {
        long n = 0;
        for (Tensor in : inputs) {
            n += in.numel();
        }
        return n < value.numel();
    }

    /**
     * The Jacobian of {@code value} with respect to each input: forward with {@code jvp} (which may
     * be null: then always reverse) where {@link #forward} says so, else reverse with {@code vjp}.
     */
    public static Tensor[] of(Tensor value, Tensor[] inputs, Jvp jvp, Vjp vjp) {
        return jvp != null && forward(value, inputs) ? byColumns(value, inputs, jvp) : byRows(value, inputs, vjp);
    }

    /**
     * The Jacobian of {@code value} with respect to each input by columns: one {@code jvp} per input
     * element. For a Module's method, whose pullback would also accumulate into its parameters'
     * gradients, this is the only way.
     */
    public static Tensor[] byColumns(Tensor value, Tensor[] inputs, Jvp jvp) {
        int m = value.numel();
        double[][] out = new double[inputs.length][];
        Tensor[] zeros = new Tensor[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            out[k] = new double[m * inputs[k].numel()];
            zeros[k] = Tensor.zerosLike(inputs[k]);
        }
        for (int k = 0; k < inputs.length; k++) {
            int n = inputs[k].numel();
            for (int e = 0; e < n; e++) {
                Tensor[] d = zeros.clone();
                d[k] = oneHot(inputs[k], e);
                double[] column = jvp.tangent(d).toDoubleArray();
                for (int o = 0; o < m; o++) {
                    out[k][o * n + e] = column[o];
                }
            }
        }
        return shaped(value, inputs, out);
    }

    /** The Jacobian by rows: one backward pass of {@code vjp} per value element. */
    private static Tensor[] byRows(Tensor value, Tensor[] inputs, Vjp vjp) {
        int m = value.numel();
        double[][] out = new double[inputs.length][];
        for (int k = 0; k < inputs.length; k++) {
            out[k] = new double[m * inputs[k].numel()];
        }
        for (int o = 0; o < m; o++) {
            Tensor[] rows = vjp.cotangents(oneHot(value, o));
            for (int k = 0; k < inputs.length; k++) {
                int n = inputs[k].numel();
                double[] row = rows[k] == null ? new double[n] : rows[k].toDoubleArray();
                System.arraycopy(row, 0, out[k], o * n, n);
            }
        }
        return shaped(value, inputs, out);
    }

    /** Each flat Jacobian as a tensor of the value's shape followed by its input's. */
    private static Tensor[] shaped(Tensor value, Tensor[] inputs, double[][] flat) {
        Tensor[] result = new Tensor[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            int[] vs = value.shape();
            int[] is = inputs[k].shape();
            int[] shape = new int[vs.length + is.length];
            System.arraycopy(vs, 0, shape, 0, vs.length);
            System.arraycopy(is, 0, shape, vs.length, is.length);
            result[k] = Tensor.fromArray(flat[k], shape);
        }
        return result;
    }

    /** A tensor like {@code like} (shape and dtype), 1 at flat index {@code i}, 0 elsewhere. */
    static Tensor oneHot(Tensor like, int i) {
        double[] a = new double[like.numel()];
        a[i] = 1;
        Tensor t = Tensor.fromArray(a, like.shape());
        return like.dtype() == DType.FLOAT32 ? t.toFloat() : t;
    }
}
