package dev.fluxion.cuda;

import java.util.Arrays;

/**
 * Elementwise ops on CUDA tensors and their derivative rules, one kernel launch each, queued on
 * the calling thread's stream. Binary ops broadcast when one operand's shape is a suffix of the
 * other's (a bias {@code [n]} over {@code [m, n]}); their derivatives sum the broadcast operand's
 * gradient back down. Derivative rules take the saved tensor the runtime's {@code Derivatives}
 * rule takes: the output for exp, sqrt, sigmoid and tanh, the input otherwise.
 */
public final class CudaOps {

    private CudaOps() {
    }

    /** The gradients of a binary op's two operands. */
    public record Grads(CudaTensor a, CudaTensor b) {
    }

    // ------------------------------------------------------------------ unary

    public static CudaTensor neg(CudaTensor x) { return unary("neg", x, 0, 0); }
    public static CudaTensor abs(CudaTensor x) { return unary("abs", x, 0, 0); }
    public static CudaTensor exp(CudaTensor x) { return unary("exp", x, 0, 0); }
    public static CudaTensor log(CudaTensor x) { return unary("log", x, 0, 0); }
    public static CudaTensor log1p(CudaTensor x) { return unary("log1p", x, 0, 0); }
    public static CudaTensor sqrt(CudaTensor x) { return unary("sqrt", x, 0, 0); }
    public static CudaTensor square(CudaTensor x) { return unary("square", x, 0, 0); }
    public static CudaTensor sigmoid(CudaTensor x) { return unary("sigmoid", x, 0, 0); }
    public static CudaTensor tanh(CudaTensor x) { return unary("tanh", x, 0, 0); }
    public static CudaTensor relu(CudaTensor x) { return unary("relu", x, 0, 0); }
    public static CudaTensor gelu(CudaTensor x) { return unary("gelu", x, 0, 0); }
    public static CudaTensor softplus(CudaTensor x) { return unary("softplus", x, 0, 0); }
    public static CudaTensor sin(CudaTensor x) { return unary("sin", x, 0, 0); }
    public static CudaTensor cos(CudaTensor x) { return unary("cos", x, 0, 0); }
    public static CudaTensor leakyRelu(CudaTensor x, double slope) { return unary("leaky_relu", x, slope, 0); }
    public static CudaTensor clamp(CudaTensor x, double lo, double hi) { return unary("clamp", x, lo, hi); }
    /** x + c. */
    public static CudaTensor plus(CudaTensor x, double c) { return unary("affine", x, 1, c); }
    /** x − c. */
    public static CudaTensor minus(CudaTensor x, double c) { return unary("affine", x, 1, -c); }
    /** x · c. */
    public static CudaTensor times(CudaTensor x, double c) { return unary("affine", x, c, 0); }
    /** x / c. */
    public static CudaTensor div(CudaTensor x, double c) { return unary("affine", x, 1 / c, 0); }
    /** c − x. */
    public static CudaTensor rsub(CudaTensor x, double c) { return unary("affine", x, -1, c); }
    /** c / x. */
    public static CudaTensor rdiv(CudaTensor x, double c) { return unary("rdiv", x, c, 0); }
    /** xᵖ. */
    public static CudaTensor pow(CudaTensor x, double p) { return unary("pow_scalar", x, p, 0); }

    // ------------------------------------------------------------------ unary derivatives

    public static CudaTensor negGrad(CudaTensor g) { return neg(g); }
    public static CudaTensor absGrad(CudaTensor g, CudaTensor x) { return backward("abs", g, x, 0, 0); }
    /** g · out. */
    public static CudaTensor expGrad(CudaTensor g, CudaTensor out) { return backward("exp", g, out, 0, 0); }
    public static CudaTensor logGrad(CudaTensor g, CudaTensor x) { return backward("log", g, x, 0, 0); }
    public static CudaTensor log1pGrad(CudaTensor g, CudaTensor x) { return backward("log1p", g, x, 0, 0); }
    /** g / (2 · out). */
    public static CudaTensor sqrtGrad(CudaTensor g, CudaTensor out) { return backward("sqrt", g, out, 0, 0); }
    public static CudaTensor squareGrad(CudaTensor g, CudaTensor x) { return backward("square", g, x, 0, 0); }
    /** g · out · (1 − out). */
    public static CudaTensor sigmoidGrad(CudaTensor g, CudaTensor out) { return backward("sigmoid", g, out, 0, 0); }
    /** g · (1 − out²). */
    public static CudaTensor tanhGrad(CudaTensor g, CudaTensor out) { return backward("tanh", g, out, 0, 0); }
    public static CudaTensor reluGrad(CudaTensor g, CudaTensor x) { return backward("relu", g, x, 0, 0); }
    public static CudaTensor geluGrad(CudaTensor g, CudaTensor x) { return backward("gelu", g, x, 0, 0); }
    public static CudaTensor softplusGrad(CudaTensor g, CudaTensor x) { return backward("softplus", g, x, 0, 0); }
    public static CudaTensor sinGrad(CudaTensor g, CudaTensor x) { return backward("sin", g, x, 0, 0); }
    public static CudaTensor cosGrad(CudaTensor g, CudaTensor x) { return backward("cos", g, x, 0, 0); }
    public static CudaTensor leakyReluGrad(CudaTensor g, CudaTensor x, double slope) {
        return backward("leaky_relu", g, x, slope, 0);
    }
    public static CudaTensor clampGrad(CudaTensor g, CudaTensor x, double lo, double hi) {
        return backward("clamp", g, x, lo, hi);
    }
    /** −g · c / x². */
    public static CudaTensor rdivGrad(CudaTensor g, CudaTensor x, double c) { return backward("rdiv", g, x, c, 0); }
    /** g · p · xᵖ⁻¹. */
    public static CudaTensor powGrad(CudaTensor g, CudaTensor x, double p) { return backward("pow_scalar", g, x, p, 0); }

    // ------------------------------------------------------------------ binary

    public static CudaTensor plus(CudaTensor a, CudaTensor b) { return binary("add", a, b); }
    public static CudaTensor minus(CudaTensor a, CudaTensor b) { return binary("sub", a, b); }
    public static CudaTensor times(CudaTensor a, CudaTensor b) { return binary("mul", a, b); }
    public static CudaTensor div(CudaTensor a, CudaTensor b) { return binary("div", a, b); }

    public static Grads plusGrad(CudaTensor g, CudaTensor a, CudaTensor b) {
        return new Grads(sumToShape(g, a.shape()), sumToShape(g, b.shape()));
    }

    public static Grads minusGrad(CudaTensor g, CudaTensor a, CudaTensor b) {
        return new Grads(sumToShape(g, a.shape()), sumToShape(neg(g), b.shape()));
    }

    public static Grads timesGrad(CudaTensor g, CudaTensor a, CudaTensor b) {
        return binaryBackward("mul_backward", g, a, b);
    }

    public static Grads divGrad(CudaTensor g, CudaTensor a, CudaTensor b) {
        return binaryBackward("div_backward", g, a, b);
    }

    /**
     * Sums {@code g} down to {@code shape}, a suffix of its shape (leading 1s allowed): the gradient
     * of an operand that was broadcast; {@code g} itself when the shapes hold as many elements.
     */
    public static CudaTensor sumToShape(CudaTensor g, int[] shape) {
        long cols = CudaTensor.numel(shape);
        if (cols == g.numel()) {
            return g.reshape(shape);
        }
        if (!Checks.isSuffix(shape, g.shape())) {
            throw new IllegalArgumentException("sumToShape: " + Arrays.toString(shape) + " is not a suffix of "
                    + Arrays.toString(g.shape()));
        }
        CudaTensor out = CudaTensor.empty(g.context(), g.dtype(), shape);
        Launch.of(g.context(), KernelSources.ELEMENTWISE, "sum_to_suffix" + Checks.suffix(g))
                .ptr(g).ptr(out).i64(g.numel() / cols).i64(cols).elementwise(cols);
        return out;
    }

    // ------------------------------------------------------------------ in place

    /** y += alpha · x, in place (an SGD step, gradient accumulation); returns y. */
    public static CudaTensor addInPlace(CudaTensor y, CudaTensor x, double alpha) {
        Checks.compatible("addInPlace", y, x);
        Checks.sameShape("addInPlace", y, x);
        Launch.of(y.context(), KernelSources.ELEMENTWISE, "axpy" + Checks.suffix(y))
                .ptr(y).ptr(x).i64(y.numel()).f64(alpha).elementwise(y.numel());
        return y;
    }

    /** Sets every element of {@code y} to {@code value}; returns y. */
    public static CudaTensor fillInPlace(CudaTensor y, double value) {
        Launch.of(y.context(), KernelSources.ELEMENTWISE, "fill" + Checks.suffix(y))
                .ptr(y).i64(y.numel()).f64(value).elementwise(y.numel());
        return y;
    }

    // ------------------------------------------------------------------ launch helpers

    static CudaTensor unary(String kernel, CudaTensor x, double p, double q) {
        Checks.floating(kernel, x);
        CudaTensor y = CudaTensor.empty(x.context(), x.dtype(), x.shape());
        Launch.of(x.context(), KernelSources.ELEMENTWISE, kernel + Checks.suffix(x))
                .ptr(x).ptr(y).i64(x.numel()).f64(p).f64(q).elementwise(x.numel());
        return y;
    }

    static CudaTensor backward(String kernel, CudaTensor g, CudaTensor saved, double p, double q) {
        Checks.compatible(kernel + "Grad", g, saved);
        Checks.sameShape(kernel + "Grad", g, saved);
        CudaTensor gx = CudaTensor.empty(g.context(), g.dtype(), g.shape());
        Launch.of(g.context(), KernelSources.ELEMENTWISE, kernel + "_backward" + Checks.suffix(g))
                .ptr(g).ptr(saved).ptr(gx).i64(g.numel()).f64(p).f64(q).elementwise(g.numel());
        return gx;
    }

    static CudaTensor binary(String kernel, CudaTensor a, CudaTensor b) {
        Checks.compatible(kernel, a, b);
        Checks.floating(kernel, a);
        int[] out = broadcastShape(kernel, a, b);
        CudaTensor y = CudaTensor.empty(a.context(), a.dtype(), out);
        Launch.of(a.context(), KernelSources.ELEMENTWISE, kernel + Checks.suffix(a))
                .ptr(a).ptr(b).ptr(y).i64(y.numel()).i64(Math.max(1, a.numel())).i64(Math.max(1, b.numel()))
                .elementwise(y.numel());
        return y;
    }

    private static Grads binaryBackward(String kernel, CudaTensor g, CudaTensor a, CudaTensor b) {
        Checks.compatible(kernel, a, b);
        Checks.compatible(kernel, g, a);
        CudaTensor ga = CudaTensor.empty(g.context(), g.dtype(), g.shape());
        CudaTensor gb = CudaTensor.empty(g.context(), g.dtype(), g.shape());
        Launch.of(g.context(), KernelSources.ELEMENTWISE, kernel + Checks.suffix(g))
                .ptr(g).ptr(a).ptr(b).ptr(ga).ptr(gb).i64(g.numel()).i64(Math.max(1, a.numel()))
                .i64(Math.max(1, b.numel())).elementwise(g.numel());
        return new Grads(sumToShape(ga, a.shape()), sumToShape(gb, b.shape()));
    }

    /** The shape of a ∘ b: the larger shape, when the smaller is a suffix of it. */
    static int[] broadcastShape(String op, CudaTensor a, CudaTensor b) {
        if (Arrays.equals(a.shape(), b.shape())) {
            return a.shape();
        }
        if (a.numel() >= b.numel() && Checks.isSuffix(b.shape(), a.shape())) {
            return a.shape();
        }
        if (b.numel() > a.numel() && Checks.isSuffix(a.shape(), b.shape())) {
            return b.shape();
        }
        throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a.shape()) + " and "
                + Arrays.toString(b.shape()) + " do not broadcast on the device (one must be a suffix of the other)");
    }
}
