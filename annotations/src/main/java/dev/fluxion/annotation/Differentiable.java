package dev.fluxion.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method whose body Fluxion differentiates at compile time.
 *
 * <p>For a class {@code C} with differentiable methods the processor writes one class {@code CGrad}
 * in the same package. For each method {@code f} it holds:
 * <ul>
 *   <li>{@code f(args)}: the forward pass only, saving nothing (PyTorch's {@code no_grad});</li>
 *   <li>{@code fGrad(args)}: for a scalar result, a record with the value and one gradient per
 *       differentiable input ({@code jax.value_and_grad});</li>
 *   <li>{@code fVjp(args)}: the value and a pullback whose {@code backward(cotangent)} returns the
 *       gradients ({@code y.backward(v)}, {@code jax.vjp});</li>
 *   <li>{@code fBackward(model, args)}: for a method of a {@code Module}, forward and backward,
 *       accumulating into each {@code Parameter}'s gradient ({@code loss.backward()}).</li>
 * </ul>
 *
 * <p>The inputs differentiated are every {@code double}, {@code float}, {@code double[]},
 * {@code float[]} and {@code Tensor} parameter not marked {@link NoGrad}, or exactly those named in
 * {@link #wrt()}. A construct the processor cannot differentiate is a compile error on that
 * expression.
 *
 * <pre>{@code
 * @Differentiable
 * static double e(double a, double b) { return (a + b) * (b + 1); }
 * // generated: TutorialGrad.eGrad(1, 2) == EGradient[value=9.0, a=3.0, b=6.0]
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Differentiable {
    /**
     * The parameters to differentiate with respect to, by name. Empty (the default) means every
     * floating-point, floating-point array and {@code Tensor} parameter not marked {@link NoGrad}.
     * A name that is not a parameter of the method is a compile error.
     */
    String[] wrt() default {};

    /**
     * Whether the processor checks the derived gradient against central finite differences at
     * compile time. A mismatch fails the build. Turn it off only for a method whose evaluation at
     * compile time is impossible or too slow; the processor option
     * {@code -Afluxion.verify=off|on|strict} sets it for a whole build.
     */
    boolean verify() default true;

    /**
     * The name of a static method of the same class, without parameters, that returns example
     * arguments for this method as {@code new Object[] {...}}, one per parameter in order
     * ({@code Tensor.of(...)}, {@code new double[] {...}}, ints, doubles; locals and loops may
     * compute them first). Compile-time verification then checks the gradient at these arguments
     * (and slight perturbations of their floating-point values) instead of searching for inputs of
     * its own: for a method whose valid inputs it cannot guess, such as array lengths tied to int
     * parameters or tensor shapes that must match. The processor evaluates the method's body itself;
     * it is not run.
     */
    String verifyWith() default "";
}
