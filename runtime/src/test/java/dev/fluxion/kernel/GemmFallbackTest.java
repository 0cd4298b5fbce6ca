package dev.fluxion.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs a product in a child JVM started without {@code --add-modules=jdk.incubator.vector}: the
 * dispatch must pick the plain path there and never touch a Vector API class (which would throw
 * {@code NoClassDefFoundError} in that JVM).
 */
final class GemmFallbackTest {

    @Test
    void childJvmWithoutVectorModuleUsesPlainPathAndIsCorrect() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = location(Gemm.class) + File.pathSeparator + location(GemmFallbackTest.class);
        Process p = new ProcessBuilder(List.of(java, "-cp", cp, Child.class.getName()))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM timed out");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        assertEquals("vectorized=false maxerr-ok", out);
    }

    private static String location(Class<?> c) throws Exception {
        return new File(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    }

    /** The child's main: a 200×150×300 float product, threaded, against the scalar reference. */
    static final class Child {
        public static void main(String[] args) {
            int m = 200, n = 150, k = 300;
            java.util.Random rnd = new java.util.Random(3);
            float[] a = new float[m * k], b = new float[n * k];
            for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
            for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
            float[] want = new float[m * n], got = new float[m * n];
            // B stored transposed (n×k), read through swapped strides.
            GemmReference.sgemm(m, n, k, a, 0, k, 1, b, 0, 1, k, want, 0, n, false);
            Gemm.sgemm(m, n, k, a, 0, k, 1, b, 0, 1, k, got, 0, n, false, 2);
            double maxErr = 0;
            for (int i = 0; i < got.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i] - want[i]));
            // |Σ| of 300 products of unit normals is a few tens; 1e-3 is ~100× float rounding there.
            System.out.println("vectorized=" + Gemm.vectorized() + (maxErr < 1e-3 ? " maxerr-ok" : " maxerr=" + maxErr));
        }
    }
}
