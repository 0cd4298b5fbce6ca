package dev.fluxion.bench;

import dev.fluxion.bench.training.CpuTimeWorkloads;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Single-thread CPU time per call, for a machine too loaded for wall-clock JMH figures: the
 * thread's own CPU time ({@link ThreadMXBean#getCurrentThreadCpuTime}) does not count the time
 * other processes hold the core, so it moves far less with the load than JMH's wall time (cache
 * sharing with the other core still shows). Each workload is warmed up, then timed in batches;
 * the minimum and median batch are printed in µs per call (per step for a
 * training run, whose name ends in {@code /steps}), with the bytes the thread allocated per call
 * or step in its batch that allocated the least.
 *
 * <p>{@code java --add-modules=jdk.incubator.vector -XX:ActiveProcessorCount=1 -cp ... dev.fluxion.bench.CpuTimeProbe [filter]}
 */
public final class CpuTimeProbe {
    private static volatile Object sink;

    private CpuTimeProbe() {}

    /**
     * Issue 12's speed targets, each beside its baseline: Rosenbrock's JVP against its objective,
     * the arm's generated Jacobian against the hand-written one, the W3 loss's HVP against its
     * gradient.
     */
    private static void registerForwardMode(Map<String, Supplier<Object>> work) {
        RosenbrockJvpBenchmark rosenbrock = new RosenbrockJvpBenchmark();
        rosenbrock.n = 10_000;
        rosenbrock.setup();
        work.put("fwd.rosenbrock.objective", rosenbrock::objective);
        work.put("fwd.rosenbrock.generatedJvp", rosenbrock::generatedJvp);
        work.put("fwd.rosenbrock.handJvp", rosenbrock::handWrittenJvp);
        work.put("fwd.rosenbrock.handJvpFactored", rosenbrock::handWrittenJvpFactored);
        SecondOrderBenchmark second = new SecondOrderBenchmark();
        second.setup();
        work.put("fwd.arm.value", second::armValue);
        work.put("fwd.arm.generatedJacobian", second::armJacobian);
        work.put("fwd.arm.handJacobian", second::armJacobianByHand);
        work.put("fwd.w3.gradient", second::w3Gradient);
        work.put("fwd.w3.hvp", second::w3Hvp);
    }

    /** This thread's allocated bytes so far ({@code com.sun.management.ThreadMXBean}), or 0 where not supported. */
    private static long allocatedBytes(ThreadMXBean bean) {
        return bean instanceof com.sun.management.ThreadMXBean sun ? sun.getCurrentThreadAllocatedBytes() : 0;
    }

    public static void main(String[] args) {
        String filter = args.length > 0 ? args[0] : "";
        Map<String, Supplier<Object>> work = new LinkedHashMap<>();
        W4GemmBenchmark gemm = new W4GemmBenchmark();
        gemm.threads = 1;
        gemm.setUp();
        FlopCounter counter = new FlopCounter();
        // GFLOP/s beside the time for these: the FMA peak and the products, in one process.
        Map<String, Double> flops = new java.util.HashMap<>();
        FmaPeakBenchmark peak = new FmaPeakBenchmark();
        work.put("peak.fmaChains", () -> peak.fmaChains(counter));
        flops.put("peak.fmaChains", 2.0 * jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() * 12 * 100_000);
        SgemmBenchmark sgemm = new SgemmBenchmark();
        sgemm.n = 1024;
        sgemm.threads = 1;
        sgemm.setUp();
        work.put("gemm.sgemm1024", () -> sgemm.sgemm(counter));
        flops.put("gemm.sgemm1024", 2.0 * 1024 * 1024 * 1024);
        work.put("gemm.w4.forward", () -> gemm.forward(counter));
        work.put("gemm.w4.weightGradient", () -> gemm.weightGradient(counter));
        flops.put("gemm.w4.forward", 2.0 * 64 * 256 * 784);
        flops.put("gemm.w4.weightGradient", 2.0 * 64 * 256 * 784);
        CpuTimeWorkloads.register(work);
        dev.fluxion.bench.gmm.GmmBenchmark gmm = dev.fluxion.bench.gmm.GmmBenchmark.issueSize();
        work.put("gmm.objective", gmm::objective);
        work.put("gmm.gradient", gmm::gradient);
        work.put("gmm.streamedObjective", gmm::streamedObjective);
        work.put("gmm.streamedGradient", gmm::streamedGradient);
        work.put("gmm.handGradient", gmm::handGradient);
        registerForwardMode(work);
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        for (Map.Entry<String, Supplier<Object>> e : work.entrySet()) {
            if (!e.getKey().matches(".*(" + filter + ").*")) {
                continue;
            }
            Supplier<Object> body = e.getValue();
            long warmEnd = bean.getCurrentThreadCpuTime() + 3_000_000_000L;
            int reps = 0;
            long t0 = bean.getCurrentThreadCpuTime();
            while (bean.getCurrentThreadCpuTime() < warmEnd) {
                sink = body.get();
                reps++;
            }
            long perBatch = Math.max(1, reps / 15); // batches of ≈0.2 s CPU
            double[] us = new double[15];
            long fewestBytes = Long.MAX_VALUE;
            for (int b = 0; b < us.length; b++) {
                long bytes = allocatedBytes(bean);
                long s = bean.getCurrentThreadCpuTime();
                for (long r = 0; r < perBatch; r++) {
                    sink = body.get();
                }
                us[b] = (bean.getCurrentThreadCpuTime() - s) / 1e3 / perBatch;
                fewestBytes = Math.min(fewestBytes, allocatedBytes(bean) - bytes);
            }
            java.util.Arrays.sort(us);
            int slash = e.getKey().indexOf('/');
            int steps = slash < 0 ? 1 : Integer.parseInt(e.getKey().substring(slash + 1));
            for (int b = 0; b < us.length; b++) {
                us[b] /= steps;
            }
            Double f = flops.get(e.getKey());
            String rate = f == null ? "" : String.format("  %.1f GFLOP/s (min)", f / us[0] / 1e3);
            System.out.printf("%-28s min %10.3f  median %10.3f  µs CPU per call or step (%d calls per batch)%s"
                            + "  %.0f bytes per call or step (fewest of the batches)%n",
                    e.getKey(), us[0], us[us.length / 2], perBatch, rate, (double) fewestBytes / perBatch / steps);
        }
    }
}
