package dev.fluxion.gradbench.evals;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * CPU time per call of the lse, llsq and kmeans derivatives beside Java ports of GradBench's
 * hand-written C++ tool ({@code tools/manual/lse.cpp}, {@code llsq.cpp}, {@code kmeans.cpp}, run
 * single-threaded), in one JVM. On a loaded machine GradBench's wall-clock timings mostly show the
 * load and the JIT's warm-up; the measuring thread's CPU time
 * ({@link ThreadMXBean#getCurrentThreadCpuTime}) does not count other processes' time slices.
 * Each workload runs for {@code seconds} of CPU time twice (the first round warms up); the fastest
 * call of the second round is printed, with its ratio to the manual port.
 *
 * <pre>{@code java -cp "$BUILD/classes:$(cat $BUILD/classpath.txt)" dev.fluxion.gradbench.evals.DerivativeCpuTimes [filter] [seconds]}</pre>
 */
public final class DerivativeCpuTimes {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static volatile Object sink;

    private DerivativeCpuTimes() {}

    /** One input: the calls to time, by name, the manual port's among them. */
    private record Workload(String name, List<String> labels, List<Supplier<Object>> calls) {}

    /** Runs the workloads whose name matches {@code args[0]} (default all) for {@code args[1]} seconds each (default 2). */
    public static void main(String[] args) {
        String filter = args.length > 0 ? args[0] : "";
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        for (Workload w : workloads()) {
            if (!w.name().matches(".*(" + filter + ").*")) {
                continue;
            }
            double[] best = new double[w.calls().size()];
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < best.length; i++) {
                    best[i] = fastestCall(w.calls().get(i), round == 0 ? seconds / 2 : seconds);
                }
            }
            double manual = best[w.labels().indexOf("manual")];
            StringBuilder line = new StringBuilder(w.name());
            for (int i = 0; i < best.length; i++) {
                line.append(String.format("  %s %.4g ms", w.labels().get(i), best[i]));
                if (!w.labels().get(i).equals("manual")) {
                    line.append(String.format(" (%.2fx)", best[i] / manual));
                }
            }
            System.out.println(line);
        }
    }

    private static List<Workload> workloads() {
        Random random = new Random(1);
        List<Workload> out = new ArrayList<>();
        for (int n : new int[] {2500, 40000, 320000, 1280000}) {
            double[] x = uniform(random, n, -100, 100);
            out.add(new Workload("lse n=" + n, List.of("primal", "manual", "gradient"), List.of(
                    () -> LseGrad.logsumexp(x), () -> manualLseGradient(x), () -> LseGrad.logsumexpGrad(x).x())));
        }
        for (int n : new int[] {16, 1024, 16392}) {
            double[] x = uniform(random, 128, 0, 1);
            out.add(new Workload("llsq n=" + n + " m=128", List.of("primal", "manual", "gradient"), List.of(
                    () -> LlsqGrad.primal(x, n), () -> manualLlsqGradient(x, n), () -> LlsqGrad.primalGrad(x, n).x())));
        }
        for (int[] knd : new int[][] {{10, 1000, 16}, {100, 1000, 16}, {1000, 1000, 16}, {100, 10000, 8}}) {
            int k = knd[0];
            int n = knd[1];
            int d = knd[2];
            Kmeans.Input in = new Kmeans.Input(uniform(random, n * d, 0, 1), uniform(random, k * d, 0, 1), d);
            out.add(new Workload("kmeans k=" + k + " n=" + n + " d=" + d, List.of("cost", "manual", "costGrad", "dir"),
                    List.of(() -> KmeansGrad.cost(in.points(), in.centroids(), d), () -> manualKmeansDir(in),
                            () -> KmeansGrad.costGrad(in.points(), in.centroids(), d).centroids(), () -> Kmeans.dir(in))));
        }
        return out;
    }

    private static double[] uniform(Random random, int n, double low, double high) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = low + random.nextDouble() * (high - low);
        }
        return x;
    }

    /** The fastest call of {@code call} in {@code seconds} of this thread's CPU time, in ms. */
    private static double fastestCall(Supplier<Object> call, double seconds) {
        long end = THREADS.getCurrentThreadCpuTime() + (long) (seconds * 1e9);
        double best = Double.MAX_VALUE;
        while (THREADS.getCurrentThreadCpuTime() < end) {
            long start = THREADS.getCurrentThreadCpuTime();
            sink = call.get();
            best = Math.min(best, (THREADS.getCurrentThreadCpuTime() - start) / 1e6);
        }
        return best;
    }

    /** {@code tools/manual/lse.cpp}'s gradient: the maximum, exp(x_i − max) summed, then divided by the sum. */
    static double[] manualLseGradient(double[] x) {
        double max = x[0];
        for (double v : x) {
            max = Math.max(max, v);
        }
        double[] out = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.exp(x[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < x.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    /** {@code tools/manual/llsq.cpp}'s gradient: the residuals, then −Σ_i residual_i t_i^j. */
    static double[] manualLlsqGradient(double[] x, int n) {
        double[] residuals = new double[n];
        for (int i = 0; i < n; i++) {
            double t = -1 + i * 2.0 / (n - 1);
            double residual = t > 0 ? 1 : t < 0 ? -1 : 0;
            double power = 1;
            for (double xj : x) {
                residual -= xj * power;
                power *= t;
            }
            residuals[i] = residual;
        }
        double[] out = new double[x.length];
        for (int i = 0; i < n; i++) {
            double t = -1 + i * 2.0 / (n - 1);
            double power = 1;
            for (int j = 0; j < x.length; j++) {
                out[j] -= residuals[i] * power;
                power *= t;
            }
        }
        return out;
    }

    /** {@code tools/manual/kmeans.cpp}'s {@code dir}: each point's nearest centroid, then −(mean of its points − centroid). */
    static double[] manualKmeansDir(Kmeans.Input in) {
        double[] points = in.points();
        double[] centroids = in.centroids();
        int d = in.d();
        int n = points.length / d;
        int k = centroids.length / d;
        int[] sizes = new int[k];
        double[] sums = new double[k * d];
        for (int i = 0; i < n; i++) {
            double closest = Double.POSITIVE_INFINITY;
            int nearest = -1;
            for (int j = 0; j < k; j++) {
                double dist = 0;
                for (int l = 0; l < d; l++) {
                    double diff = points[i * d + l] - centroids[j * d + l];
                    dist += diff * diff;
                }
                if (dist < closest) {
                    closest = dist;
                    nearest = j;
                }
            }
            sizes[nearest]++;
            for (int l = 0; l < d; l++) {
                sums[nearest * d + l] += points[i * d + l];
            }
        }
        double[] dir = new double[k * d];
        for (int j = 0; j < k; j++) {
            for (int l = 0; l < d; l++) {
                dir[j * d + l] = -(sums[j * d + l] / sizes[j] - centroids[j * d + l]);
            }
        }
        return dir;
    }
}
