package dev.fluxion;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The same call on the same input gives the same bits every time, through the public tensor API:
 * float32 exp, log, sigmoid, tanh, softmax, log-softmax, BCE, sum and a fused linear layer on 1,000
 * elements, each called 3,000 times (interpreted, then C1-, then C2-compiled) and compared bit for
 * bit with its first call. Issue 11's report: exp/log/sigmoid/softmax changed by 1 ulp after a few
 * hundred calls when C2 switched to its vector math library, so two identical training runs in one
 * JVM diverged.
 */
final class SameBitsEveryCallTest {
    private static final int CALLS = 3000;

    @Test
    void float32KernelsGiveTheSameBitsOnEveryCall() {
        Random rng = new Random(31);
        float[] v = new float[1000], p = new float[1000], t = new float[1000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() * 4);
            p[i] = rng.nextFloat() * 0.98f + 0.01f;
            t[i] = i % 2;
        }
        Tensor x = Tensor.fromArray(v, 1000);
        Tensor rows = Tensor.fromArray(v, 10, 100);
        Tensor positive = x.abs().plus(1e-3);
        Tensor prob = Tensor.fromArray(p, 1000), target = Tensor.fromArray(t, 1000);
        Tensor w = Tensor.fromArray(java.util.Arrays.copyOf(v, 24), 3, 8), b = Tensor.fromArray(new float[] {0.5f, -1f, 2f}, 3);
        Tensor batch = Tensor.fromArray(java.util.Arrays.copyOf(v, 1000), 125, 8);
        Map<String, Supplier<Tensor>> calls = new LinkedHashMap<>();
        calls.put("exp", x::exp);
        calls.put("log", positive::log);
        calls.put("sigmoid", x::sigmoid);
        calls.put("tanh", x::tanh);
        calls.put("softmax", () -> F.softmax(rows, 1));
        calls.put("logSoftmax", () -> F.logSoftmax(rows, 1));
        calls.put("bce", () -> F.bce(prob, target, Reduction.NONE));
        calls.put("bce mean", () -> F.bce(prob, target));
        calls.put("bceWithLogits mean", () -> F.bceWithLogits(x, target));
        calls.put("sum", x::sum);
        calls.put("linearSigmoid", () -> Epilogues.linearSigmoid(batch, w, b));
        for (Map.Entry<String, Supplier<Tensor>> call : calls.entrySet()) {
            float[] first = call.getValue().get().toFloatArray();
            for (int c = 0; c < CALLS; c++) {
                float[] again = call.getValue().get().toFloatArray();
                for (int i = 0; i < first.length; i++) {
                    if (Float.floatToRawIntBits(first[i]) != Float.floatToRawIntBits(again[i])) {
                        throw new AssertionError(call.getKey() + " changed at call " + c + ", element " + i + ": "
                                + first[i] + " then " + again[i]);
                    }
                }
            }
        }
    }
}
