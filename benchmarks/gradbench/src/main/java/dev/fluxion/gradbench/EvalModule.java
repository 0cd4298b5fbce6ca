package dev.fluxion.gradbench;

import java.util.Map;

/**
 * A GradBench module (an eval's name, such as {@code lse}) and the functions the eval calls on it
 * by name ({@code primal}, {@code gradient}, ...).
 *
 * @param name the module's name as the eval's {@code define} message gives it
 * @param functions each function the eval may {@code evaluate}, by name
 */
public record EvalModule(String name, Map<String, EvalFunction<?, ?>> functions) {}
