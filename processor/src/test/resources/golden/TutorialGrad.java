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
        double sum1_dot = a_dot + b_dot;
        double sum1 = a + b;
        double sum2_dot = b_dot;
        double sum2 = b + 1;
        double result_dot = sum1_dot * sum2 + sum2_dot * sum1;
        double result = sum1 * sum2;
        return new ETangent(result, result_dot);
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
        double pred_dot = w_dot * x;
        double pred = x * w;
        // Tutorial.java:13: return (pred - y) * (pred - y);
        double diff1_dot = pred_dot;
        double diff1 = pred - y;
        double result_dot = diff1_dot * diff1 * 2.0;
        double result = diff1 * diff1;
        return new LossTangent(result, result_dot);
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
}
