package dev.fluxion.bench;

import dev.fluxion.bench.gmm.GmmBenchmark;
import dev.fluxion.bench.training.TrainingW1Benchmark;
import dev.fluxion.bench.training.TrainingW2Benchmark;
import java.util.function.Supplier;

/**
 * Calls one generated or hand-written workload a fixed number of times, for callgrind instruction
 * counts, which do not depend on the machine's load ({@code benchmarks/callgrind.sh} runs it twice,
 * N and 2N calls, and divides the difference by N). A W1 or W2 call is a whole training run
 * ({@code Workloads.W1_STEPS}, {@code W2_STEPS} steps), a GMM call one objective or gradient at
 * d = 10, k = 25, n = 1000.
 *
 * <p>{@code java --add-modules=jdk.incubator.vector -Xbatch -cp ... dev.fluxion.bench.CallCounts W1.fluxion 20}
 */
public final class CallCounts {
    private CallCounts() {}

    /**
     * @param args the workload ({@code W1.fluxion}, {@code W1.hand}, {@code W2.fluxion}, {@code W2.hand},
     *     {@code gmm.objective}, {@code gmm.gradient}, {@code gmm.streamedObjective},
     *     {@code gmm.streamedGradient}, {@code gmm.handGradient}), then the number of calls
     */
    public static void main(String[] args) {
        Supplier<Object> side = workload(args[0]);
        int calls = Integer.parseInt(args[1]);
        int sink = 0;
        for (int c = 0; c < calls; c++) {
            sink += side.get().hashCode() & 1;
        }
        System.out.println(args[0] + " " + calls + " calls, checksum " + sink);
    }

    private static Supplier<Object> workload(String name) {
        if (name.startsWith("W1.")) {
            TrainingW1Benchmark w1 = new TrainingW1Benchmark();
            w1.setUp();
            return name.equals("W1.fluxion") ? w1::fluxion : w1::handWritten;
        }
        if (name.startsWith("W2.")) {
            TrainingW2Benchmark w2 = new TrainingW2Benchmark();
            w2.setUp();
            return name.equals("W2.fluxion") ? w2::fluxion : w2::handWritten;
        }
        GmmBenchmark gmm = GmmBenchmark.issueSize();
        return switch (name) {
            case "gmm.objective" -> gmm::objective;
            case "gmm.gradient" -> gmm::gradient;
            case "gmm.streamedObjective" -> gmm::streamedObjective;
            case "gmm.streamedGradient" -> gmm::streamedGradient;
            case "gmm.handGradient" -> gmm::handGradient;
            default -> throw new IllegalArgumentException("no workload " + name);
        };
    }
}
