package dev.fluxion.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the scalar loop-gradient benchmarks share: an input of {@code n} doubles, a generated and a
 * hand-written gradient timed in the same run, and a {@code main} that calls one side a fixed
 * number of times for callgrind instruction counts, which do not depend on the machine's load:
 * {@code valgrind --tool=callgrind java -Xbatch -cp ... dev.fluxion.bench.RosenbrockBenchmark
 * generated 4000} minus the same with 2000 calls.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public abstract class LoopGradientBenchmark {
    @Param("10000")
    int n;

    double[] x;

    /** The benchmark's input element {@code i}. */
    abstract double input(int i);

    /** The gradient from the generated class. */
    public abstract double[] generated();

    /** The same gradient written by hand. */
    public abstract double[] handWritten();

    @Setup
    public void setup() {
        x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = input(i);
        }
    }

    /** A value and its gradient. */
    record ValueAndGradient(double value, double[] gradient) {}

    /**
     * Calls one side of {@code b} a number of times on an input of 10,000 elements.
     *
     * @param args {@code generated} or {@code handWritten}, then the number of calls
     */
    static void countCalls(LoopGradientBenchmark b, String[] args) {
        b.n = 10_000;
        b.setup();
        boolean generated = args[0].equals("generated");
        int calls = Integer.parseInt(args[1]);
        double sink = 0;
        for (int k = 0; k < calls; k++) {
            sink += (generated ? b.generated() : b.handWritten())[k % b.n];
        }
        System.out.println(args[0] + " " + calls + " calls, checksum " + sink);
    }
}
