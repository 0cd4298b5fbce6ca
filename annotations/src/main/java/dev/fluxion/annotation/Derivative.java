package dev.fluxion.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Supplies the backward rule (vector-Jacobian product) of a function by hand, for when the
 * derived one is numerically poor (a stable {@code log1pexp}) or the primal is not written in
 * differentiable code.
 *
 * <p>The annotated method takes the primal's parameters followed by the cotangent of the result
 * and returns the cotangent of the primal's differentiable input; for a primal with several
 * differentiable inputs it returns a {@code double[]} or {@code Tensor[]} in parameter order.
 *
 * <pre>{@code
 * static double log1pexp(double x) { return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)); }
 *
 * @Derivative(of = "log1pexp")
 * static double log1pexpBackward(double x, double g) { return g / (1 + Math.exp(-x)); }
 * }</pre>
 *
 * <p>The processor checks the rule's signature against its primal and its mathematics against
 * central finite differences at compile time; a wrong rule fails the build.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Derivative {
    /** The name of the primal method in the same class. */
    String of();

    /** Whether the rule is checked numerically at compile time. */
    boolean verify() default true;
}
