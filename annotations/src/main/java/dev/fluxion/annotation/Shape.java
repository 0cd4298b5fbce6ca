package dev.fluxion.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the shape of a {@code Tensor} parameter or result, with symbolic dimensions:
 * {@code @Shape("n,2")}, {@code @Shape("batch,784")}, {@code @Shape("")} for a scalar (0-dim)
 * tensor. A name stands for the same size wherever it appears in one method; a number is a fixed
 * size.
 *
 * <p>The processor propagates declared shapes through every operation and reports a mismatch as a
 * compile error on the expression, with both shapes. Compile-time gradient verification binds each
 * symbolic dimension to a small size to build its test inputs.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.PARAMETER, ElementType.METHOD})
public @interface Shape {
    /** The dimensions, comma-separated: names ({@code n}) or sizes ({@code 2}). */
    String value();
}
