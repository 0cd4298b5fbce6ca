package dev.fluxion.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Supplies a derivative rule of a function by hand, for when the derived one is numerically poor
 * (a stable {@code log1pexp}) or the primal is not written in differentiable code.
 *
 * <p>A reverse rule ({@link Mode#REVERSE}, the default: a vector-Jacobian product) takes the
 * primal's parameters followed by the cotangent of the result and returns the cotangent of the
 * primal's differentiable input; for a primal with several differentiable inputs it returns a
 * {@code double[]} in parameter order. Every primal needs one: it is what {@code fGrad} and the
 * callers' backward passes use.
 *
 * <p>A forward rule ({@link Mode#FORWARD}, optional: a Jacobian-vector product) takes the primal's
 * parameters followed by one tangent per differentiable input ({@code double} for a
 * {@code double} or {@code float}, else the input's type) and returns the tangent of the result
 * ({@code double} for a scalar result). The generated {@code fJvp} of the primal, and the forward
 * modes ({@code gJvp}, {@code gJacobian} by columns) of every method calling it, use it. Without
 * one, a primal whose result and differentiable inputs are all scalars gets its forward mode from
 * the reverse rule (the tangent is {@code ∇f · ẋ}, one call of the reverse rule with cotangent 1);
 * any other primal has no forward mode, and neither have its callers.
 *
 * <pre>{@code
 * static double log1pexp(double x) { return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)); }
 *
 * @Derivative(of = "log1pexp")
 * static double log1pexpBackward(double x, double g) { return g / (1 + Math.exp(-x)); }
 *
 * @Derivative(of = "log1pexp", mode = Derivative.Mode.FORWARD)
 * static double log1pexpForward(double x, double x_dot) { return x_dot / (1 + Math.exp(-x)); }
 * }</pre>
 *
 * <p>The processor checks each rule's signature against its primal and its mathematics against
 * central finite differences of the primal at compile time; a wrong rule fails the build.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Derivative {
    /** The name of the primal method in the same class. */
    String of();

    /** Which derivative the rule gives: the backward rule (the default) or the forward (tangent) rule. */
    Mode mode() default Mode.REVERSE;

    /** Whether the rule is checked numerically at compile time. */
    boolean verify() default true;

    /** Which derivative a rule gives. */
    enum Mode {
        /** The vector-Jacobian product: parameters, then the result's cotangent; returns the inputs' cotangents. */
        REVERSE,
        /** The Jacobian-vector product: parameters, then the inputs' tangents; returns the result's tangent. */
        FORWARD
    }
}
