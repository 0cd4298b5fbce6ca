package dev.fluxion.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Forward mode against the objective, in the same run: Rosenbrock over {@code n} doubles, its
 * value alone ({@code ObjectivesGrad.rosenbrock}), the generated {@code rosenbrockJvp} (value and
 * directional derivative in one pass) and the same JVP written by hand (target: JVP ≤ 1.5× the
 * objective).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class RosenbrockJvpBenchmark {
    @Param("10000")
    int n;

    double[] x;
    double[] v;

    @Setup
    public void setup() {
        x = new double[n];
        v = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.sin(0.37 * i) * 1.5;
            v[i] = Math.cos(0.11 * i);
        }
    }

    /** The objective alone: the generated forward-only method. */
    @Benchmark
    public double objective() {
        return ObjectivesGrad.rosenbrock(x);
    }

    /** The generated forward mode: value and tangent. */
    @Benchmark
    public double generatedJvp() {
        return ObjectivesGrad.rosenbrockJvp(x, v).tangent();
    }

    /** Value and tangent written by hand, in one pass. */
    @Benchmark
    public double handWrittenJvp() {
        return handJvp(x, v);
    }

    /**
     * The fewest floating-point operations a one-pass JVP needs by hand: {@code 100·a} shared by
     * the value and the tangent, {@code 2·x_i·v_i} as an addition, and the common factor 2 of the
     * tangent taken out of the loop (7 operations per element beside the objective's 8, against
     * 9 in {@link #handJvp} and 12 in the generated code).
     */
    @Benchmark
    public double handWrittenJvpFactored() {
        return handJvpFactored(x, v);
    }

    static double handJvpFactored(double[] x, double[] v) {
        double s = 0;
        double ds = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double xi = x[i];
            double vi = v[i];
            double a = x[i + 1] - xi * xi;
            double b = 1 - xi;
            double ha = 100 * a;
            s += ha * a + b * b;
            double xv = xi * vi;
            ds += ha * (v[i + 1] - (xv + xv)) - b * vi;
        }
        return 2 * ds + 0 * s;
    }

    static double handJvp(double[] x, double[] v) {
        double s = 0;
        double ds = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double da = v[i + 1] - 2 * x[i] * v[i];
            double b = 1 - x[i];
            s += 100 * a * a + b * b;
            ds += 200 * a * da - 2 * b * v[i];
        }
        return ds + 0 * s;
    }
}
