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
 * A generated gradient through a loop that must save the value it overwrites on every trip
 * ({@link Objectives#recurrence}: y ← sin(y) x_i + y) against a hand-written two-pass gradient that
 * keeps the saved values in {@code double[]}s, in the same run. The generated {@code fGrad} cannot
 * run in one pass here: its forward pass pushes each old y on a {@code DoubleStack} tape, its
 * backward pass pops them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class RecurrenceBenchmark {
    @Param("10000")
    int n;

    double[] x;

    @Setup
    public void setup() {
        x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.sin(0.37 * i) * 0.5;
        }
    }

    /** {@code ObjectivesGrad.recurrenceGrad}: the processor's taped forward pass and its backward pass. */
    @Benchmark
    public double[] generated() {
        return ObjectivesGrad.recurrenceGrad(x).x();
    }

    /** Two passes written by hand, the overwritten values saved in {@code double[]}s. */
    @Benchmark
    public double[] handWritten() {
        return handGradient(x).gradient();
    }

    /**
     * Calls one side {@code calls} times on the benchmark's input, for instruction counts that do
     * not depend on the machine's load: {@code valgrind --tool=callgrind java -Xbatch -cp ...
     * dev.fluxion.bench.RecurrenceBenchmark generated 4000} minus the same with 2000 calls.
     *
     * @param args {@code generated} or {@code handWritten}, then the number of calls
     */
    public static void main(String[] args) {
        RecurrenceBenchmark b = new RecurrenceBenchmark();
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

    /**
     * With y_0 = 1 and y_{i+1} = sin(y_i) x_i + y_i: ∂y_n/∂x_i = g_{i+1} sin(y_i), where the
     * cotangent g_n = 1 and g_i = g_{i+1} (cos(y_i) x_i + 1), taken from the last step back. The
     * forward pass saves y_i and sin(y_i) (so the backward pass calls only cos), as the generated
     * code does.
     */
    static ValueAndGradient handGradient(double[] x) {
        double[] savedY = new double[x.length];
        double[] savedSin = new double[x.length];
        double y = 1;
        for (int i = 0; i < x.length; i++) {
            double sin = Math.sin(y);
            savedY[i] = y;
            savedSin[i] = sin;
            y = sin * x[i] + y;
        }
        double[] g = new double[x.length];
        double gy = 1;
        for (int i = x.length - 1; i >= 0; i--) {
            g[i] = gy * savedSin[i];
            gy *= Math.cos(savedY[i]) * x[i] + 1;
        }
        return new ValueAndGradient(y, g);
    }
}
