package dev.fluxion;

/**
 * Fused elementwise groups: what the generated code calls where several elementwise ops (and a
 * trailing reduction) of one program run as one loop. The group is written as an expression over
 * its operands, which the generated code passes along:
 *
 * <pre>{@code
 * // fused W2.java:25: times, plus, sigmoid
 * Tensor p = Fused.map("sigmoid(t0 * t1 + t2)", x, w, b);
 * }</pre>
 *
 * <p>{@code t0, t1, ...} are the tensor operands, {@code s0, s1, ...} the entries of the
 * {@code double[]} where there is one; {@code + - * /}, {@code pow}, the unary ops of
 * {@link Tensor} ({@code exp}, {@code sigmoid}, {@code leakyRelu(x, 0.01)}, ...), the derivative
 * rules' kernels ({@code sigmoidBackward(g, out)}, {@code tanhBackward}, {@code reluBackward},
 * {@code cotangentDiv}, {@code cotangentTimes}, {@code sign}, {@code geluDerivative}),
 * {@code unbroadcast(e, tK)} ({@link Derivatives#unbroadcast} to operand k) and, around the whole
 * expression only, {@code sum(e)} and {@code mean(e)}.
 *
 * <p>The result is the one the ops give run one by one, bit for bit: each op runs the same row
 * kernel over each chunk of the output (so no intermediate tensor is allocated and each chunk stays
 * in the L1 cache), and a trailing reduction runs the unfused reduction on the group's result.
 * Shapes broadcast as the ops would; operands that are not float32 or float64, a group the fast
 * path does not cover, and anomaly detection run the ops one by one, with their errors.
 *
 * <p>On a device (operands moved with {@code to(Device.cuda())}) the same groups run as one kernel
 * of the device's backend ({@link DeviceBackend#fused}; for CUDA, generated from the expression and
 * compiled once), each op rounding as it would alone; the rest runs op by op on the device.
 */
public final class Fused {
    private static final double[] NO_SCALARS = {};

    private Fused() {}

    /** The value of the fused expression {@code expr} over the tensor operands {@code t0, t1, ...}. */
    public static Tensor map(String expr, Tensor... tensors) {
        return FusedLoop.run(FusedLoop.compiled(expr), NO_SCALARS, tensors);
    }

    /** The value of {@code expr} over the scalar operands {@code s0, s1, ...} and the tensor operands. */
    public static Tensor map(String expr, double[] scalars, Tensor... tensors) {
        return FusedLoop.run(FusedLoop.compiled(expr), scalars, tensors);
    }

    /** The same value computed op by op, each op allocating its result: the unfused reference. */
    public static Tensor reference(String expr, double[] scalars, Tensor... tensors) {
        return FusedLoop.reference(FusedExpr.parse(expr), scalars, tensors);
    }
}
