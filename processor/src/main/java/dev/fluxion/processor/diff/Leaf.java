package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Expr;

/**
 * A {@code Parameter} field the method reads, cached in {@code local} at the start of the forward
 * pass: a differentiable leaf, whose cotangent the backward pass accumulates into the field.
 */
record Leaf(String local, Expr.FieldRead field) {}
