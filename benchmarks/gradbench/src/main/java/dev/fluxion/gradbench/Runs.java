package dev.fluxion.gradbench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a function as GradBench's tools do ({@code gradbench.wrap.multiple_runs} in Python,
 * {@code function_main} in {@code cpp/gradbench/main.hpp}): prepare the input once, then run
 * until at least {@code min_runs} runs and {@code min_seconds} seconds have passed, timing each
 * run in nanoseconds; the output is the last run's.
 */
final class Runs {
    private Runs() {}

    /** A timing as GradBench's protocol writes it: {@code {"name": ..., "nanoseconds": ...}}. */
    record Timing(String name, long nanoseconds) {}

    /** The last run's output (as JSON-ready Java values) and every timing, {@code prepare} first. */
    record Result(Object output, List<Timing> timings) {}

    static <I, O> Result run(EvalFunction<I, O> function, JsonNode input) {
        int minRuns = input.has("min_runs") ? input.get("min_runs").asInt() : 1;
        double minSeconds = input.has("min_seconds") ? input.get("min_seconds").asDouble() : 0;
        List<Timing> timings = new ArrayList<>();

        long prepareStart = System.nanoTime();
        I prepared = function.prepare().apply(input);
        timings.add(new Timing("prepare", System.nanoTime() - prepareStart));

        O output = null;
        int runs = 0;
        double elapsedSeconds = 0;
        while (runs < Math.max(minRuns, 1) || elapsedSeconds < minSeconds) {
            long start = System.nanoTime();
            output = function.compute().apply(prepared);
            long nanoseconds = System.nanoTime() - start;
            timings.add(new Timing("evaluate", nanoseconds));
            elapsedSeconds += nanoseconds / 1e9;
            runs++;
        }
        return new Result(function.output().apply(output), timings);
    }
}
