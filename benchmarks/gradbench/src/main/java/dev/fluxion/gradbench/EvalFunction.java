package dev.fluxion.gradbench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/**
 * One function of a GradBench module, split as GradBench's tools split it: {@code prepare} turns
 * the JSON input into Java values once (not timed), {@code compute} is what every timed run does,
 * and {@code output} turns the last run's result back into JSON (not timed).
 *
 * @param <I> the prepared input
 * @param <O> the computed result
 */
public record EvalFunction<I, O>(
        Function<JsonNode, I> prepare, Function<I, O> compute, Function<O, Object> output) {

    /** A function whose result Jackson writes as it is (a {@code double}, a {@code double[]}, ...). */
    public static <I, O> EvalFunction<I, O> of(Function<JsonNode, I> prepare, Function<I, O> compute) {
        return new EvalFunction<>(prepare, compute, o -> o);
    }
}
