package dev.fluxion.bench.training;

import java.util.Map;
import java.util.function.Supplier;

/** The training benchmarks' per-step bodies for {@link dev.fluxion.bench.CpuTimeProbe}. */
public final class CpuTimeWorkloads {
    private CpuTimeWorkloads() {}

    /** Adds each workload's Fluxion and hand-written runs; one call is a whole run of N steps (the name's {@code /N}). */
    public static void register(Map<String, Supplier<Object>> work) {
        TrainingW1Benchmark w1 = new TrainingW1Benchmark();
        w1.setUp();
        work.put("W1.fluxion/" + Workloads.W1_STEPS, w1::fluxion);
        work.put("W1.hand/" + Workloads.W1_STEPS, w1::handWritten);
        TrainingW2Benchmark w2 = new TrainingW2Benchmark();
        w2.setUp();
        work.put("W2.fluxion/" + Workloads.W2_STEPS, w2::fluxion);
        work.put("W2.hand/" + Workloads.W2_STEPS, w2::handWritten);
        TrainingW3Benchmark w3 = new TrainingW3Benchmark();
        w3.setUp();
        work.put("W3.fluxion/" + Workloads.W3_STEPS, w3::fluxion);
        work.put("W3.hand/" + Workloads.W3_STEPS, w3::handWritten);
        TrainingW4Benchmark w4 = new TrainingW4Benchmark();
        w4.setUp();
        work.put("W4.fluxion/" + Workloads.W4_STEPS, w4::fluxion);
        if (!Boolean.getBoolean("probe.oldRuntime")) { // an older runtime lacks accumulateProduct
            w4.checkGradInPlace();
            work.put("W4.fluxionGradInPlace/" + Workloads.W4_STEPS, w4::fluxionGradInPlace);
        }
        work.put("W4.handGemm/" + Workloads.W4_STEPS, w4::handWrittenGemm);
        TrainingW6Benchmark w6 = new TrainingW6Benchmark();
        w6.setUp();
        work.put("W6.fluxion/" + TrainingW6Benchmark.STEPS, w6::fluxion);
    }
}
