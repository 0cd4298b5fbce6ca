package dev.fluxion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Checks a gradient against central finite differences in float64, like
 * {@code torch.autograd.gradcheck}: for tests of hand-written or generated derivatives.
 *
 * <p>Each partial derivative is estimated as
 * <pre>
 *   ∂f/∂xⱼ ≈ (f(x + ε·eⱼ) − f(x − ε·eⱼ)) / (2ε)
 * </pre>
 * (error O(ε²) for smooth f) and accepted when {@code |analytic − numeric| ≤ atol + rtol·|numeric|}
 * for every element, the criterion of {@code torch.allclose}. The defaults are PyTorch's:
 * {@code ε = 1e-6, atol = 1e-5, rtol = 1e-3} ({@link Tolerance#DEFAULT}). A NaN on either side
 * fails.
 *
 * <p>For tensor functions {@code y = f(x₀, x₁, ...)} the check compares vector–Jacobian products:
 * given a cotangent {@code v} of {@code y}'s shape, the analytic gradients must equal
 * {@code ∂⟨v, f(x)⟩/∂xᵢ}, which is what a backward pass returns for {@code backward(v)}. The
 * inputs that are checked are converted to float64 first, so {@code f} should keep float64 (a
 * function that rounds to float32 inside has finite-difference noise near 1e-1 and fails).
 *
 * <pre>{@code
 * GradCheck.assertGradient(x -> x[0] * x[0] * x[1], new double[] {2 * 3 * 4, 3 * 3}, new double[] {3, 4});
 * GradCheck.assertGradient(in -> in[0].tanh().sum(), new Tensor[] {x}, new Tensor[] {tanhGrad(x)});
 * }</pre>
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * The finite-difference step and the tolerances.
     *
     * @param eps ε, the step of the central difference, {@code > 0}
     * @param atol absolute tolerance, {@code >= 0}
     * @param rtol tolerance relative to {@code |numeric|}, {@code >= 0}
     */
    public record Tolerance(double eps, double atol, double rtol) {
        /** PyTorch's gradcheck defaults: {@code ε = 1e-6, atol = 1e-5, rtol = 1e-3}. */
        public static final Tolerance DEFAULT = new Tolerance(1e-6, 1e-5, 1e-3);

        /** @throws IllegalArgumentException if eps is not positive or a tolerance is negative */
        public Tolerance {
            if (!(eps > 0) || !(atol >= 0) || !(rtol >= 0)) {
                throw new IllegalArgumentException("GradCheck: need eps > 0, atol >= 0, rtol >= 0; got eps=" + eps
                        + ", atol=" + atol + ", rtol=" + rtol);
            }
        }

        /** {@code |analytic − numeric| ≤ atol + rtol·|numeric|}; false if either is NaN. */
        public boolean accepts(double analytic, double numeric) {
            return Math.abs(analytic - numeric) <= atol + rtol * Math.abs(numeric);
        }

        /** How far past its allowance an element is: {@code |a − n| − (atol + rtol·|n|)}; +∞ for NaN. */
        double excess(double analytic, double numeric) {
            double e = Math.abs(analytic - numeric) - (atol + rtol * Math.abs(numeric));
            return Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
        }
    }

    /**
     * One compared element.
     *
     * @param input which input it belongs to (0 for the scalar form)
     * @param index its position within that input (row-major multi-index)
     * @param analytic the gradient supplied
     * @param numeric the central-difference estimate
     */
    public record Element(int input, List<Integer> index, double analytic, double numeric) {
        /** {@code |analytic − numeric|}. */
        public double absError() {
            return Math.abs(analytic - numeric);
        }
    }

    /**
     * The outcome of a check.
     *
     * @param passed whether every element is within tolerance
     * @param maxAbsError the largest {@code |analytic − numeric|} over all elements (NaN if any is NaN)
     * @param worst the element furthest beyond (or closest to) its tolerance; null if nothing was compared
     * @param tolerance the step and tolerances used
     */
    public record Result(boolean passed, double maxAbsError, @Nullable Element worst, Tolerance tolerance) {
        /** A one-line human-readable summary naming the worst element. */
        public String message() {
            if (worst == null) {
                return "gradient check passed: no elements to compare";
            }
            String where = "input " + worst.input() + " at " + worst.index();
            String verdict = passed ? "gradient check passed" : "gradient check failed";
            return verdict + ": worst element " + where + ": analytic " + worst.analytic() + ", numeric "
                    + worst.numeric() + " (|diff| " + worst.absError() + ", allowed " + tolerance.atol() + " + "
                    + tolerance.rtol() + "·|numeric|, eps " + tolerance.eps() + "); max |diff| " + maxAbsError;
        }
    }

    // ---------------------------------------------------------------- scalar functions of double[]

    /**
     * Checks the gradient of a scalar function of a vector with {@link Tolerance#DEFAULT}.
     *
     * @param f the function; it receives a fresh copy of the point on every call
     * @param analyticGrad the claimed gradient {@code ∇f(x)}, same length as {@code x}
     * @param x the point
     * @return the comparison; see {@link Result#message()}
     */
    public static Result check(ToDoubleFunction<double[]> f, double[] analyticGrad, double[] x) {
        return check(f, analyticGrad, x, Tolerance.DEFAULT);
    }

    /** As {@link #check(ToDoubleFunction, double[], double[])} with the given tolerance. */
    public static Result check(ToDoubleFunction<double[]> f, double[] analyticGrad, double[] x, Tolerance tolerance) {
        if (analyticGrad.length != x.length) {
            throw new IllegalArgumentException("GradCheck: gradient has " + analyticGrad.length
                    + " elements but the point has " + x.length);
        }
        double[] numeric = numericGradient(f, x, tolerance.eps());
        Comparison c = new Comparison(tolerance);
        for (int j = 0; j < x.length; j++) {
            c.add(0, List.of(j), analyticGrad[j], numeric[j]);
        }
        return c.result();
    }

    /**
     * Throws if the gradient fails {@link #check(ToDoubleFunction, double[], double[])}.
     *
     * @throws AssertionError with {@link Result#message()} when a partial derivative is off
     */
    public static void assertGradient(ToDoubleFunction<double[]> f, double[] analyticGrad, double[] x) {
        requirePassed(check(f, analyticGrad, x));
    }

    /**
     * The central-difference gradient {@code (f(x + ε·eⱼ) − f(x − ε·eⱼ)) / (2ε)} for every {@code j}.
     *
     * @param f the function; it receives a fresh copy of the point on every call
     * @param x the point (not modified)
     * @param eps the step ε
     * @return the estimated gradient, length {@code x.length}
     */
    public static double[] numericGradient(ToDoubleFunction<double[]> f, double[] x, double eps) {
        double[] grad = new double[x.length];
        double[] probe = x.clone();
        for (int j = 0; j < x.length; j++) {
            probe[j] = x[j] + eps;
            double plus = f.applyAsDouble(probe.clone());
            probe[j] = x[j] - eps;
            double minus = f.applyAsDouble(probe.clone());
            probe[j] = x[j];
            grad[j] = (plus - minus) / (2 * eps);
        }
        return grad;
    }

    // ---------------------------------------------------------------- tensor functions

    /**
     * Checks vector–Jacobian products of a tensor function with {@link Tolerance#DEFAULT}: each
     * {@code analyticGrads[i]} must equal {@code ∂⟨v, f(x)⟩/∂xᵢ} with {@code v = cotangent}.
     *
     * @param f the function of all inputs; it is called with float64 copies of the checked inputs
     * @param inputs the point; not modified
     * @param analyticGrads the claimed gradient for each input, of that input's shape; a null entry
     *     leaves that input unchecked and passes it to {@code f} unchanged (integer class labels,
     *     say)
     * @param cotangent {@code v}, the shape of {@code f(inputs)}
     * @return the comparison over every element of every checked input
     * @throws IllegalArgumentException if the array lengths or any shape disagree
     */
    public static Result check(Function<Tensor[], Tensor> f, Tensor[] inputs, @Nullable Tensor[] analyticGrads,
            Tensor cotangent) {
        return check(f, inputs, analyticGrads, cotangent, Tolerance.DEFAULT);
    }

    /**
     * The gradient of a function with a scalar (one-element) result, or more generally the VJP with
     * a cotangent of ones: {@code ∂(Σ f(x))/∂xᵢ}.
     *
     * @see #check(Function, Tensor[], Tensor[], Tensor)
     */
    public static Result check(Function<Tensor[], Tensor> f, Tensor[] inputs, @Nullable Tensor[] analyticGrads) {
        int[] shape = f.apply(float64Inputs(inputs, analyticGrads)).shape();
        return check(f, inputs, analyticGrads, Tensor.full(DType.FLOAT64, 1.0, shape), Tolerance.DEFAULT);
    }

    /** As {@link #check(Function, Tensor[], Tensor[], Tensor)} with the given tolerance. */
    public static Result check(Function<Tensor[], Tensor> f, Tensor[] inputs, @Nullable Tensor[] analyticGrads,
            Tensor cotangent, Tolerance tolerance) {
        if (analyticGrads.length != inputs.length) {
            throw new IllegalArgumentException("GradCheck: " + inputs.length + " inputs but "
                    + analyticGrads.length + " gradients");
        }
        for (int i = 0; i < inputs.length; i++) {
            Tensor analytic = analyticGrads[i];
            if (analytic != null && !Arrays.equals(analytic.shape(), inputs[i].shape())) {
                throw new IllegalArgumentException("GradCheck: gradient " + i + " has shape "
                        + Arrays.toString(analytic.shape()) + " but input " + i + " has shape "
                        + Arrays.toString(inputs[i].shape()));
            }
        }
        @Nullable Tensor[] numeric = numericVjp(f, inputs, analyticGrads, cotangent, tolerance.eps());
        Comparison c = new Comparison(tolerance);
        for (int i = 0; i < inputs.length; i++) {
            Tensor analytic = analyticGrads[i];
            Tensor estimate = numeric[i];
            if (analytic == null || estimate == null) {
                continue;
            }
            double[] a = analytic.toDoubleArray();
            double[] n = estimate.toDoubleArray();
            int[] shape = inputs[i].shape();
            for (int j = 0; j < a.length; j++) {
                c.add(i, unravel(j, shape), a[j], n[j]);
            }
        }
        return c.result();
    }

    /**
     * Throws if the VJP fails {@link #check(Function, Tensor[], Tensor[], Tensor)}.
     *
     * @throws AssertionError with {@link Result#message()} when an element is off
     */
    public static void assertGradient(Function<Tensor[], Tensor> f, Tensor[] inputs, @Nullable Tensor[] analyticGrads,
            Tensor cotangent) {
        requirePassed(check(f, inputs, analyticGrads, cotangent));
    }

    /**
     * Throws if the gradient (VJP with a cotangent of ones) fails
     * {@link #check(Function, Tensor[], Tensor[])}.
     *
     * @throws AssertionError with {@link Result#message()} when an element is off
     */
    public static void assertGradient(Function<Tensor[], Tensor> f, Tensor[] inputs, @Nullable Tensor[] analyticGrads) {
        requirePassed(check(f, inputs, analyticGrads));
    }

    /**
     * The central-difference vector–Jacobian product {@code ∂⟨v, f(x)⟩/∂xᵢ} for every input {@code i}
     * whose entry in {@code which} is non-null, in float64: element {@code j} of input {@code i} is
     * {@code (⟨v, f(.., xᵢ + ε·eⱼ, ..)⟩ − ⟨v, f(.., xᵢ − ε·eⱼ, ..)⟩) / (2ε)}.
     *
     * @param f the function of all inputs
     * @param inputs the point; not modified
     * @param which a non-null entry marks an input to differentiate (its value is not read)
     * @param cotangent {@code v}, the shape of {@code f(inputs)}
     * @param eps the step ε
     * @return for each input a float64 tensor of its shape, or null where {@code which} is null
     */
    public static @Nullable Tensor[] numericVjp(Function<Tensor[], Tensor> f, Tensor[] inputs,
            @Nullable Tensor[] which, Tensor cotangent, double eps) {
        Tensor[] args = float64Inputs(inputs, which);
        int[] outShape = f.apply(args.clone()).shape();
        if (!Arrays.equals(outShape, cotangent.shape())) {
            throw new IllegalArgumentException("GradCheck: cotangent has shape " + Arrays.toString(cotangent.shape())
                    + " but f returns shape " + Arrays.toString(outShape));
        }
        double[] v = cotangent.toDoubleArray();
        @Nullable Tensor[] result = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (which[i] == null) {
                continue;
            }
            int[] shape = args[i].shape();
            double[] x = args[i].toDoubleArray();
            double[] grad = new double[x.length];
            for (int j = 0; j < x.length; j++) {
                double original = x[j];
                x[j] = original + eps;
                double plus = dot(v, evaluate(f, args, i, x, shape));
                x[j] = original - eps;
                double minus = dot(v, evaluate(f, args, i, x, shape));
                x[j] = original;
                grad[j] = (plus - minus) / (2 * eps);
            }
            result[i] = Tensor.fromArray(grad, shape);
        }
        return result;
    }

    // ---------------------------------------------------------------- helpers

    private static Tensor[] float64Inputs(Tensor[] inputs, @Nullable Tensor[] which) {
        if (which.length != inputs.length) {
            throw new IllegalArgumentException("GradCheck: " + inputs.length + " inputs but " + which.length
                    + " gradients");
        }
        Tensor[] args = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            args[i] = which[i] == null ? inputs[i] : inputs[i].toDouble();
        }
        return args;
    }

    private static double[] evaluate(Function<Tensor[], Tensor> f, Tensor[] args, int which, double[] x, int[] shape) {
        Tensor[] probe = args.clone();
        probe[which] = Tensor.fromArray(x.clone(), shape);
        return f.apply(probe).toDoubleArray();
    }

    private static double dot(double[] v, double[] y) {
        if (v.length != y.length) {
            throw new IllegalArgumentException("GradCheck: f returned " + y.length + " elements for a cotangent of "
                    + v.length);
        }
        double s = 0;
        for (int k = 0; k < v.length; k++) {
            s += v[k] * y[k];
        }
        return s;
    }

    private static List<Integer> unravel(int flat, int[] shape) {
        Integer[] index = new Integer[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return List.of(index);
    }

    private static void requirePassed(Result result) {
        if (!result.passed()) {
            throw new AssertionError(result.message());
        }
    }

    /** Accumulates compared elements into a {@link Result}. */
    private static final class Comparison {
        private final Tolerance tolerance;
        private final List<Element> elements = new ArrayList<>();

        Comparison(Tolerance tolerance) {
            this.tolerance = tolerance;
        }

        void add(int input, List<Integer> index, double analytic, double numeric) {
            elements.add(new Element(input, index, analytic, numeric));
        }

        Result result() {
            boolean passed = true;
            double maxAbs = 0;
            @Nullable Element worst = null;
            double worstExcess = Double.NEGATIVE_INFINITY;
            for (Element e : elements) {
                passed &= tolerance.accepts(e.analytic(), e.numeric());
                double abs = e.absError();
                maxAbs = Double.isNaN(abs) || Double.isNaN(maxAbs) ? Double.NaN : Math.max(maxAbs, abs);
                double excess = tolerance.excess(e.analytic(), e.numeric());
                if (excess > worstExcess) {
                    worstExcess = excess;
                    worst = e;
                }
            }
            return new Result(passed, maxAbs, worst, tolerance);
        }
    }
}
