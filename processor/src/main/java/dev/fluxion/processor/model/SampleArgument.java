package dev.fluxion.processor.model;

import dev.fluxion.processor.ir.MethodIr;

/**
 * One argument of {@code @Differentiable(verifyWith = ...)}: the sample method's statements then
 * {@code return} the argument, as a method without parameters. A 2-D local of the sample
 * ({@code double[][] w = new double[n][m]}, flattened while parsing) comes as its flat array and a
 * second method giving its row length, and the verifier cuts the array into rows.
 *
 * @param value computes the argument (the flat array of a 2-D local)
 * @param rowLength computes the row length of a 2-D local; null for any other argument
 */
public record SampleArgument(MethodIr value, MethodIr rowLength) {}
