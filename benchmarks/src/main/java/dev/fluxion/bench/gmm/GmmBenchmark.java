package dev.fluxion.bench.gmm;

import dev.fluxion.gradbench.evals.GmmGrad;
import dev.fluxion.gradbench.evals.GmmNaturalGrad;
import java.util.Random;
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
 * Issue 11's GMM row: GradBench's gmm objective in scalar Java (d = 10, k = 25, n = 1000), its
 * generated gradient and the gradient derived by hand ({@link HandGmm}), in one run; the figure is
 * each gradient's time over the objective's. {@code objective}/{@code gradient} are the natural
 * code GradBench runs ({@code GmmNatural}, scratch arrays), the {@code streamed} pair the streamed
 * log-sum-exp version ({@code Gmm}).
 *
 * <p>{@link dev.fluxion.bench.CallCounts} calls one side a fixed number of times, for callgrind
 * instruction counts ({@code benchmarks/callgrind.sh}).
 */
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GmmBenchmark {
    @Param("10")
    int d;

    @Param("25")
    int k;

    @Param("1000")
    int n;

    double[] alpha;
    double[] mu;
    double[] q;
    double[] l;
    double[] x;
    final double gamma = 1.0;
    final int m = 0;

    @Setup
    public void setup() {
        Random r = new Random(42);
        alpha = gaussians(r, k, 1);
        mu = gaussians(r, k * d, 1);
        q = gaussians(r, k * d, 0.1);
        l = gaussians(r, k * d * (d - 1) / 2, 0.1);
        x = gaussians(r, n * d, 1);
        agree();
    }

    private static double[] gaussians(Random r, int size, double scale) {
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = scale * r.nextGaussian();
        }
        return out;
    }

    /** The generated gradient agrees with the hand-derived one, or nothing is timed. */
    private void agree() {
        GmmNaturalGrad.ObjectiveGradient g = gradient();
        HandGmm.Gradient h = handGradient();
        GmmGrad.ObjectiveGradient s = streamedGradient();
        double[][] generated = {g.alpha(), g.mu(), g.q(), g.l(), s.alpha(), s.mu(), s.q(), s.l()};
        double[][] hand = {h.alpha(), h.mu(), h.q(), h.l(), h.alpha(), h.mu(), h.q(), h.l()};
        for (int a = 0; a < generated.length; a++) {
            for (int i = 0; i < hand[a].length; i++) {
                double want = hand[a][i];
                if (Math.abs(generated[a][i] - want) > 1e-8 * Math.max(1, Math.abs(want))) {
                    throw new IllegalStateException("gradient " + a + "[" + i + "]: generated " + generated[a][i]
                            + ", by hand " + want);
                }
            }
        }
    }

    @Benchmark
    public double objective() {
        return GmmNaturalGrad.objective(d, k, n, alpha, mu, q, l, x, gamma, m);
    }

    @Benchmark
    public GmmNaturalGrad.ObjectiveGradient gradient() {
        return GmmNaturalGrad.objectiveGrad(d, k, n, alpha, mu, q, l, x, gamma, m);
    }

    @Benchmark
    public double streamedObjective() {
        return GmmGrad.objective(d, k, n, alpha, mu, q, l, x, gamma, m, 0);
    }

    @Benchmark
    public GmmGrad.ObjectiveGradient streamedGradient() {
        return GmmGrad.objectiveGrad(d, k, n, alpha, mu, q, l, x, gamma, m, 0);
    }

    @Benchmark
    public HandGmm.Gradient handGradient() {
        return HandGmm.gradient(d, k, n, alpha, mu, q, l, x, gamma, m);
    }

    /** The benchmark at the issue's size (d = 10, k = 25, n = 1000), set up, for a caller outside JMH. */
    public static GmmBenchmark issueSize() {
        GmmBenchmark b = new GmmBenchmark();
        b.d = 10;
        b.k = 25;
        b.n = 1000;
        b.setup();
        return b;
    }
}
