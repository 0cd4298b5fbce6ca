package dev.fluxion.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
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
 * A generated scalar loop gradient against a hand-written one of the same function, in the same
 * run: value and gradient of Rosenbrock over {@code n} doubles (target: generated within 1.2×).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class RosenbrockBenchmark {
    @Param("10000")
    int n;

    double[] x;

    @Setup
    public void setup() {
        x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.sin(0.37 * i) * 1.5;
        }
    }

    /** {@code ObjectivesGrad.rosenbrockGrad}: the processor's forward and backward passes. */
    @Benchmark
    public double[] generated() {
        return ObjectivesGrad.rosenbrockGrad(x).x();
    }

    /** Value and gradient written by hand, in one pass: what an expert would write. */
    @Benchmark
    public double[] handWritten() {
        return handGradient(x).gradient();
    }

    /**
     * Calls one side {@code calls} times on the benchmark's input, for instruction counts that do
     * not depend on the machine's load: {@code valgrind --tool=callgrind java -cp ...
     * dev.fluxion.bench.RosenbrockBenchmark generated 2000} against the same with 0 calls.
     *
     * @param args {@code generated} or {@code handWritten}, then the number of calls
     */
    public static void main(String[] args) {
        RosenbrockBenchmark b = new RosenbrockBenchmark();
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

    /** A value and its gradient. */
    record ValueAndGradient(double value, double[] gradient) {}

    /** ∂f/∂x_i = −400 x_i (x_{i+1} − x_i²) − 2 (1 − x_i) + 200 (x_i − x_{i−1}²). */
    static ValueAndGradient handGradient(double[] x) {
        double[] g = new double[x.length];
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            s += 100 * a * a + b * b;
            g[i] += -400 * x[i] * a - 2 * b;
            g[i + 1] += 200 * a;
        }
        return new ValueAndGradient(s, g);
    }
}
