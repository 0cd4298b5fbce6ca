package dev.fluxion.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a parameter of a {@link Differentiable} method as a constant: data, labels, a temperature.
 * No gradient is computed for it, and the generated gradient record has no component for it.
 *
 * <pre>{@code
 * @Differentiable
 * static double loss(double w, @NoGrad double x, @NoGrad double y) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface NoGrad {}
