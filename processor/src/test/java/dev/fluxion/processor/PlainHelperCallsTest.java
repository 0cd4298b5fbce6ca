package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.fluxion.processor.GradientCheck.args;
import static dev.fluxion.processor.GradientCheck.check;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Calls to plain (not {@code @Differentiable}) static helpers: a constant where every argument is a
 * constant or {@code @NoGrad} data (gmm's {@code lgamma(d)}), an error where a differentiable value
 * would pass through one.
 */
class PlainHelperCallsTest {
    @Test
    void plainHelperOnNoGradDataIsAConstant() {
        Generated g = GradientCheck.compile("""
                static double logGammaSum(int d, double half) {
                    double s = 0;
                    for (int j = 1; j <= d; j++) s += Math.log(j * half + 1);
                    return s;
                }

                static double[] scaled(double[] c, double k) {
                    double[] out = new double[c.length];
                    for (int i = 0; i < c.length; i++) out[i] = k * c[i];
                    return out;
                }

                @Differentiable static double f(double x, @NoGrad int d, @NoGrad double[] c) {
                    double k = logGammaSum(d, 0.5);
                    double[] w = scaled(c, 2);
                    return k * x * x + w[1] * x + Other.offset(d);
                }
                }

                class Other {
                    static long offset(long n) { return 3 * n; }
                """);
        double x = 0.7;
        double k = Math.log(1.5) + Math.log(2.0) + Math.log(2.5);
        double[] c = {1.0, -0.25};
        check(g, "f", "x,null,null", args(x, 3, c), k * x * x - 0.5 * x + 9, new double[] {2 * k * x - 0.5});
    }

    @Test
    void differentiableValueThroughAPlainHelperIsRefused() {
        JavaFileObject src = JavaFileObjects.forSourceString("demo.Bad", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Bad {
                    static double twice(double v) { return 2 * v; }

                    @Differentiable
                    static double f(double x) {
                        return twice(x * x) + x;
                    }
                }
                """);
        Compilation c = Generated.javac().compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("not differentiable with respect to `x`: `twice(x * x)` passes it to "
                + "Bad.twice, which is not @Differentiable, so its gradient would be lost (hint: annotate Bad.twice "
                + "with @Differentiable").inFile(src).onLine(10);
    }

    @Test
    void itemUsedAsAValueSaysItStopsTheGradient() {
        JavaFileObject src = JavaFileObjects.forSourceString("demo.Bad", """
                package demo;

                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;

                class Bad {
                    @Differentiable
                    static double f(Tensor x) {
                        double s = x.sum().item();
                        if (x.norm().item() > 10) {
                            return s;
                        }
                        return s * 2 + x.detach().sum().item();
                    }
                }
                """);
        Compilation c = Generated.javac().compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("`x.sum().item()` stops the gradient: item() turns a tensor that depends on "
                + "`x` into a plain double").inFile(src).onLine(9);
        assertThat(c).hadErrorCount(1);
    }
}
