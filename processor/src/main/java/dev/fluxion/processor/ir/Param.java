package dev.fluxion.processor.ir;

/** A parameter of a differentiable method; {@code differentiable} is false for {@code @NoGrad}. */
public record Param(String name, Type type, boolean differentiable, Pos pos) {}
