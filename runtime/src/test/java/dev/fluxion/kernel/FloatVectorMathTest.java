package dev.fluxion.kernel;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 vector transcendentals against float64 {@link Math} rounded to float (correctly
 * rounded but for rare double-rounding ties): ulp bounds over the whole range, the special values,
 * and the same bits on every call whatever the JIT has done since.
 */
class FloatVectorMathTest {
    @BeforeAll
    static void vectorApiPresent() {
        Assumptions.assumeTrue(Vectors.AVAILABLE, "jdk.incubator.vector is not present: nothing to test");
    }

    private static float[] kernel(UnaryOp op, float[] x) {
        float[] o = new float[x.length];
        assertTrue(VectorUnary.unary(op, 0, 0, x, 0, o, 0, x.length));
        return o;
    }

    /** Distance in ulps between two finite floats of the same sign, or 0 when both are the same special value. */
    private static long ulps(float expected, float actual) {
        if (Float.compare(expected, actual) == 0 || expected == actual) {
            return 0;
        }
        if (Float.isNaN(expected) || Float.isNaN(actual) || Float.isInfinite(expected) || Float.isInfinite(actual)) {
            return Long.MAX_VALUE;
        }
        return Math.abs((long) orderedBits(expected) - orderedBits(actual));
    }

    private static int orderedBits(float f) {
        int b = Float.floatToRawIntBits(f);
        return b < 0 ? Integer.MIN_VALUE - b : b;
    }

    private static void withinUlps(UnaryOp op, DoubleUnaryOperator reference, float lo, float hi, long maxUlps) {
        Random rng = new Random(op.ordinal());
        float[] x = new float[100_003];
        for (int i = 0; i < x.length; i++) {
            // Uniform on a log scale where the range spans orders of magnitude, else uniform.
            x[i] = lo > 0 ? (float) Math.exp(Math.log(lo) + rng.nextDouble() * (Math.log(hi) - Math.log(lo)))
                    : (float) (lo + rng.nextDouble() * (hi - lo));
        }
        float[] o = kernel(op, x);
        long worst = 0;
        float at = 0;
        for (int i = 0; i < x.length; i++) {
            long u = ulps((float) reference.applyAsDouble(x[i]), o[i]);
            if (u > worst) {
                worst = u;
                at = x[i];
            }
        }
        assertTrue(worst <= maxUlps, op + " on [" + lo + ", " + hi + "]: " + worst + " ulps at x = " + at
                + " (got " + kernel(op, new float[] {at})[0] + ", expected " + (float) reference.applyAsDouble(at) + ")");
    }

    @Test
    void expIsWithinOneUlp() {
        withinUlps(UnaryOp.EXP, Math::exp, -103f, 88.7f, 1);
        withinUlps(UnaryOp.EXP, Math::exp, -1e-3f, 1e-3f, 1);
    }

    @Test
    void logIsWithinOneUlp() {
        withinUlps(UnaryOp.LOG, Math::log, Float.MIN_VALUE, Float.MAX_VALUE, 1);
        withinUlps(UnaryOp.LOG, Math::log, 0.5f, 2f, 1);
    }

    @Test
    void composedFunctionsAreWithinThreeUlps() {
        withinUlps(UnaryOp.LOG1P, Math::log1p, -0.999f, 100f, 3);
        withinUlps(UnaryOp.LOG1P, Math::log1p, 1e-10f, 1e-2f, 3);
        withinUlps(UnaryOp.SIGMOID, x -> UnaryOp.sigmoid(x), -100f, 100f, 3);
        withinUlps(UnaryOp.TANH, Math::tanh, -10f, 10f, 3);
        withinUlps(UnaryOp.TANH, Math::tanh, 1e-8f, 1f, 3);
        withinUlps(UnaryOp.SOFTPLUS, x -> UnaryOp.SOFTPLUS.apply(x, 0, 0), -80f, 80f, 3);
    }

    @Test
    void specialValuesFollowMath() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE,
                Float.MIN_NORMAL, Float.MAX_VALUE, -1f, 1f, 89f, -104f, -1000f, 1000f};
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.LOG1P, UnaryOp.SIGMOID, UnaryOp.TANH,
                UnaryOp.SOFTPLUS}) {
            float[] o = kernel(op, x);
            for (int i = 0; i < x.length; i++) {
                float expected = (float) op.apply(x[i], 0, 0);
                assertTrue(ulps(expected, o[i]) <= 3, op + "(" + x[i] + "): expected " + expected + ", got " + o[i]);
            }
        }
        // The case that disagreed between the vector body and the scalar tail of one tensor.
        float[] row = new float[19];
        java.util.Arrays.fill(row, -100f);
        for (float v : kernel(UnaryOp.SIGMOID, row)) {
            assertEquals(3.7835e-44f, v, "sigmoid(-100f) in every lane, the tail's included");
        }
    }

    @Test
    void sameBitsOnEveryCall() {
        float[] x = new float[1000];
        Random rng = new Random(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextGaussian() * 4);
        }
        float[] ax = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            ax[i] = Math.abs(x[i]) + 1e-3f;
        }
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.LOG1P, UnaryOp.SIGMOID, UnaryOp.TANH,
                UnaryOp.SOFTPLUS}) {
            float[] in = op == UnaryOp.LOG ? ax : x;
            float[] first = kernel(op, in);
            // Enough calls for the loop to be interpreted, then C1-, then C2-compiled.
            for (int call = 0; call < 3000; call++) {
                float[] again = kernel(op, in);
                for (int i = 0; i < in.length; i++) {
                    if (Float.floatToRawIntBits(first[i]) != Float.floatToRawIntBits(again[i])) {
                        throw new AssertionError(op + " changed at call " + call + ", element " + i + ": "
                                + first[i] + " then " + again[i]);
                    }
                }
            }
        }
    }
}
