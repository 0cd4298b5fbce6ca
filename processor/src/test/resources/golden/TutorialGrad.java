package demo;

import javax.annotation.processing.Generated;

/**
 * Forward and backward passes of the {@code @Differentiable} methods of {@link Tutorial},
 * derived by Fluxion at compile time.
 */
@Generated("dev.fluxion.processor.FluxionProcessor")
public final class TutorialGrad {
    private TutorialGrad() {
    }

    /**
     * {@link Tutorial#e}: the forward pass only; nothing is saved for a backward pass.
     */
    public static double e(double a, double b) {
        // Tutorial.java:8: return (a + b) * (b + 1);
        return (a + b) * (b + 1);
    }

    /**
     * Runs the forward pass of {@link Tutorial#e} and returns its pullback.
     */
    public static EPullback eVjp(double a, double b) {
        // Tutorial.java:8: return (a + b) * (b + 1);
        double sum1 = a + b;
        double sum2 = b + 1;
        double result = sum1 * sum2;
        return new EPullback(sum1, sum2, result);
    }

    /**
     * The value of {@link Tutorial#e} and its gradients (the seed cotangent is 1).
     */
    public static EGradient eGrad(double a, double b) {
        EPullback pullback = eVjp(a, b);
        return pullback.backward(1.0);
    }

    /**
     * The value of {@link Tutorial#e} and its derivative in the direction {@code a_dot}, {@code b_dot}, in one pass
     * (forward mode: each statement's tangent is computed beside it, nothing is saved).
     * The tangent is the Jacobian-vector product {@code J·v}; for a scalar result, the gradient's
     * dot product with the direction.
     */
    public static ETangent eJvp(double a, double b, double a_dot, double b_dot) {
        // Tutorial.java:8: return (a + b) * (b + 1);
        double sum1 = a + b;
        double sum2 = b + 1;
        double result_dot = (a_dot + b_dot) * sum2 + b_dot * sum1;
        double result = sum1 * sum2;
        return new ETangent(result, result_dot);
    }

    /**
     * The Hessian-vector product of {@link Tutorial#e} in the direction {@code a_dot}, {@code b_dot}: each component of the
     * result is {@code H·v} for that input, and {@code value()} is {@code ⟨∇f, v⟩}. One forward and one
     * backward pass of the tangent program {@code eDirectional} (reverse over forward), not a gradient per input.
     */
    public static EDirectionalGradient eHvp(double a, double b, double a_dot, double b_dot) {
        return eDirectionalGrad(a, b, a_dot, b_dot);
    }

    /**
     * {@link Tutorial#loss}: the forward pass only; nothing is saved for a backward pass.
     */
    public static double loss(double w, double x, double y) {
        // Tutorial.java:12: double pred = x * w;
        double pred = x * w;
        // Tutorial.java:13: return (pred - y) * (pred - y);
        return (pred - y) * (pred - y);
    }

    /**
     * Runs the forward pass of {@link Tutorial#loss} and returns its pullback.
     */
    public static LossPullback lossVjp(double w, double x, double y) {
        // Tutorial.java:12: double pred = x * w;
        double pred = x * w;
        // Tutorial.java:13: return (pred - y) * (pred - y);
        double diff1 = pred - y;
        double result = diff1 * diff1;
        return new LossPullback(x, diff1, result);
    }

    /**
     * The value of {@link Tutorial#loss} and its gradients (the seed cotangent is 1).
     */
    public static LossGradient lossGrad(double w, double x, double y) {
        LossPullback pullback = lossVjp(w, x, y);
        return pullback.backward(1.0);
    }

    /**
     * The value of {@link Tutorial#loss} and its derivative in the direction {@code w_dot}, in one pass
     * (forward mode: each statement's tangent is computed beside it, nothing is saved).
     * The tangent is the Jacobian-vector product {@code J·v}; for a scalar result, the gradient's
     * dot product with the direction.
     */
    public static LossTangent lossJvp(double w, double x, double y, double w_dot) {
        // Tutorial.java:12: double pred = x * w;
        double pred = x * w;
        // Tutorial.java:13: return (pred - y) * (pred - y);
        double diff1_dot = w_dot * x;
        double diff1 = pred - y;
        double result_dot = diff1_dot * diff1 * 2.0;
        double result = diff1 * diff1;
        return new LossTangent(result, result_dot);
    }

    /**
     * The Hessian-vector product of {@link Tutorial#loss} in the direction {@code w_dot}: each component of the
     * result is {@code H·v} for that input, and {@code value()} is {@code ⟨∇f, v⟩}. One forward and one
     * backward pass of the tangent program {@code lossDirectional} (reverse over forward), not a gradient per input.
     */
    public static LossDirectionalGradient lossHvp(double w, double x, double y, double w_dot) {
        return lossDirectionalGrad(w, x, y, w_dot);
    }

    /**
     * {@link TutorialGrad#eDirectional}: the forward pass only; nothing is saved for a backward pass.
     */
    public static double eDirectional(double a, double b, double a_dot, double b_dot) {
        // Tutorial.java:8: return (a + b) * (b + 1);
        double sum1 = a + b;
        double sum2 = b + 1;
        double result_dot = (a_dot + b_dot) * sum2 + b_dot * sum1;
        double result = sum1 * sum2;
        // Tutorial.java:7: @Differentiable static double e(double a, double b)
        return result_dot;
    }

    /**
     * Runs the forward pass of {@link TutorialGrad#eDirectional} and returns its pullback.
     */
    public static EDirectionalPullback eDirectionalVjp(double a, double b, double a_dot,
            double b_dot) {
        // Tutorial.java:8: return (a + b) * (b + 1);
        double sum1 = a + b;
        double sum2 = b + 1;
        double prod1 = (a_dot + b_dot) * sum2;
        double prod2 = b_dot * sum1;
        double result_dot = prod1 + prod2;
        // Tutorial.java:7: @Differentiable static double e(double a, double b)
        double result2 = result_dot;
        return new EDirectionalPullback(a_dot, b_dot, result2);
    }

    /**
     * The value of {@link TutorialGrad#eDirectional} and its gradients (the seed cotangent is 1).
     */
    public static EDirectionalGradient eDirectionalGrad(double a, double b, double a_dot,
            double b_dot) {
        EDirectionalPullback pullback = eDirectionalVjp(a, b, a_dot, b_dot);
        return pullback.backward(1.0);
    }

    /**
     * {@link TutorialGrad#lossDirectional}: the forward pass only; nothing is saved for a backward pass.
     */
    public static double lossDirectional(double w, double x, double y, double w_dot) {
        // Tutorial.java:12: double pred = x * w;
        double pred = x * w;
        // Tutorial.java:13: return (pred - y) * (pred - y);
        double diff1_dot = w_dot * x;
        double diff1 = pred - y;
        double result_dot = diff1_dot * diff1 * 2.0;
        double result = diff1 * diff1;
        // Tutorial.java:10: @Differentiable static double loss(double w, @NoGrad double x, @NoGrad double y)
        return result_dot;
    }

    /**
     * Runs the forward pass of {@link TutorialGrad#lossDirectional} and returns its pullback.
     */
    public static LossDirectionalPullback lossDirectionalVjp(double w, double x, double y,
            double w_dot) {
        // Tutorial.java:12: double pred = x * w;
        double pred = x * w;
        // Tutorial.java:13: return (pred - y) * (pred - y);
        double diff1_dot = w_dot * x;
        double diff1 = pred - y;
        double prod1 = diff1_dot * diff1;
        double result_dot = prod1 * 2.0;
        // Tutorial.java:10: @Differentiable static double loss(double w, @NoGrad double x, @NoGrad double y)
        double result2 = result_dot;
        return new LossDirectionalPullback(x, diff1_dot, result2);
    }

    /**
     * The value of {@link TutorialGrad#lossDirectional} and its gradients (the seed cotangent is 1).
     */
    public static LossDirectionalGradient lossDirectionalGrad(double w, double x, double y,
            double w_dot) {
        LossDirectionalPullback pullback = lossDirectionalVjp(w, x, y, w_dot);
        return pullback.backward(1.0);
    }

    /**
     * The value of {@code e} and its gradient with respect to each differentiable input.
     */
    public record EGradient(double value, double a, double b) {
        /**
         * {@code value}, for Kotlin destructuring.
         */
        public double component1() {
            return value;
        }

        /**
         * {@code a}, for Kotlin destructuring.
         */
        public double component2() {
            return a;
        }

        /**
         * {@code b}, for Kotlin destructuring.
         */
        public double component3() {
            return b;
        }
    }

    /**
     * The value of {@code e} and what its backward pass needs.
     */
    public static final class EPullback {
        private final double sum1;

        private final double sum2;

        private final double value;

        private EPullback(double sum1, double sum2, double value) {
            this.sum1 = sum1;
            this.sum2 = sum2;
            this.value = value;
        }

        /**
         * The forward value.
         */
        public double value() {
            return value;
        }

        /**
         * Pulls the cotangent of the value back to the inputs.
         * May run any number of times: it reads what the forward pass saved and changes none of it.
         */
        public EGradient backward(double result_adj) {
            // backward of Tutorial.java:8: return (a + b) * (b + 1);
            double sum1_adj = result_adj * sum2;
            double sum2_adj = result_adj * sum1;
            double b_adj = sum2_adj;
            double a_adj = sum1_adj;
            b_adj += sum1_adj;
            return new EGradient(value, a_adj, b_adj);
        }

        @Override
        public String toString() {
            return "EPullback[MulBackward <- AddBackward <- AddBackward]";
        }
    }

    /**
     * The value of {@code e} and its directional derivative (the tangent of the value).
     */
    public record ETangent(double value, double tangent) {
    }

    /**
     * The value of {@code loss} and its gradient with respect to each differentiable input.
     */
    public record LossGradient(double value, double w) {
        /**
         * {@code value}, for Kotlin destructuring.
         */
        public double component1() {
            return value;
        }

        /**
         * {@code w}, for Kotlin destructuring.
         */
        public double component2() {
            return w;
        }
    }

    /**
     * The value of {@code loss} and what its backward pass needs.
     */
    public static final class LossPullback {
        private final double x;

        private final double diff1;

        private final double value;

        private LossPullback(double x, double diff1, double value) {
            this.x = x;
            this.diff1 = diff1;
            this.value = value;
        }

        /**
         * The forward value.
         */
        public double value() {
            return value;
        }

        /**
         * Pulls the cotangent of the value back to the inputs.
         * May run any number of times: it reads what the forward pass saved and changes none of it.
         */
        public LossGradient backward(double result_adj) {
            // backward of Tutorial.java:13: return (pred - y) * (pred - y);
            double diff1_adj = result_adj * diff1 * 2.0;
            double pred_adj = diff1_adj;
            // backward of Tutorial.java:12: double pred = x * w;
            double w_adj = pred_adj * x;
            return new LossGradient(value, w_adj);
        }

        @Override
        public String toString() {
            return "LossPullback[MulBackward <- SubBackward <- MulBackward]";
        }
    }

    /**
     * The value of {@code loss} and its directional derivative (the tangent of the value).
     */
    public record LossTangent(double value, double tangent) {
    }

    /**
     * The value of {@code eDirectional} and its gradient with respect to each differentiable input.
     */
    public record EDirectionalGradient(double value, double a, double b) {
        /**
         * {@code value}, for Kotlin destructuring.
         */
        public double component1() {
            return value;
        }

        /**
         * {@code a}, for Kotlin destructuring.
         */
        public double component2() {
            return a;
        }

        /**
         * {@code b}, for Kotlin destructuring.
         */
        public double component3() {
            return b;
        }
    }

    /**
     * The value of {@code eDirectional} and what its backward pass needs.
     */
    public static final class EDirectionalPullback {
        private final double a_dot;

        private final double b_dot;

        private final double value;

        private EDirectionalPullback(double a_dot, double b_dot, double value) {
            this.a_dot = a_dot;
            this.b_dot = b_dot;
            this.value = value;
        }

        /**
         * The forward value.
         */
        public double value() {
            return value;
        }

        /**
         * Pulls the cotangent of the value back to the inputs.
         * May run any number of times: it reads what the forward pass saved and changes none of it.
         */
        public EDirectionalGradient backward(double result2_adj) {
            // backward of Tutorial.java:7: @Differentiable static double e(double a, double b)
            double result_dot_adj = result2_adj;
            // backward of Tutorial.java:8: return (a + b) * (b + 1);
            double prod1_adj = result_dot_adj;
            double prod2_adj = result_dot_adj;
            double sum1_adj = prod2_adj * b_dot;
            double sum2_adj = prod1_adj * (a_dot + b_dot);
            double b_adj = sum2_adj;
            double a_adj = sum1_adj;
            b_adj += sum1_adj;
            return new EDirectionalGradient(value, a_adj, b_adj);
        }

        @Override
        public String toString() {
            return "EDirectionalPullback[AddBackward <- MulBackward <- MulBackward <- AddBackward <- AddBackward]";
        }
    }

    /**
     * The value of {@code lossDirectional} and its gradient with respect to each differentiable input.
     */
    public record LossDirectionalGradient(double value, double w) {
        /**
         * {@code value}, for Kotlin destructuring.
         */
        public double component1() {
            return value;
        }

        /**
         * {@code w}, for Kotlin destructuring.
         */
        public double component2() {
            return w;
        }
    }

    /**
     * The value of {@code lossDirectional} and what its backward pass needs.
     */
    public static final class LossDirectionalPullback {
        private final double x;

        private final double diff1_dot;

        private final double value;

        private LossDirectionalPullback(double x, double diff1_dot, double value) {
            this.x = x;
            this.diff1_dot = diff1_dot;
            this.value = value;
        }

        /**
         * The forward value.
         */
        public double value() {
            return value;
        }

        /**
         * Pulls the cotangent of the value back to the inputs.
         * May run any number of times: it reads what the forward pass saved and changes none of it.
         */
        public LossDirectionalGradient backward(double result2_adj) {
            // backward of Tutorial.java:10: @Differentiable static double loss(double w, @NoGrad double x, @NoGrad double y)
            double result_dot_adj = result2_adj;
            // backward of Tutorial.java:13: return (pred - y) * (pred - y);
            double prod1_adj = result_dot_adj * 2.0;
            double diff1_adj = prod1_adj * diff1_dot;
            double pred_adj = diff1_adj;
            // backward of Tutorial.java:12: double pred = x * w;
            double w_adj = pred_adj * x;
            return new LossDirectionalGradient(value, w_adj);
        }

        @Override
        public String toString() {
            return "LossDirectionalPullback[MulBackward <- MulBackward <- SubBackward <- MulBackward]";
        }
    }
}
