package dev.fluxion.kernel;

/**
 * Softmax, log-softmax, log-sum-exp and cross-entropy over the rows of a contiguous
 * {@code [rows, n]} block: row r is {@code x[xOff + r·n .. xOff + (r+1)·n)}, outputs are contiguous
 * from their offset.
 *
 * <p>Every row is shifted by its maximum m before exponentiating (as PyTorch does), so
 * {@code softmax_j = e^(x_j − m) / Σ e^(x_k − m)} and {@code logSoftmax_j = x_j − m − ln Σ e^(x_k − m)}
 * never overflow. The scalar path (the reference, also used for short rows and when the Vector API
 * is absent) exponentiates and sums in double and rounds each result once; float rows at least one
 * vector long use {@link VectorSoftmax} in float arithmetic. Large blocks split their rows over
 * {@link Parallel}.
 */
public final class SoftmaxRows {
    /** Elementary operations per element, for the pool's grain (an exp dominates). */
    private static final int COST = 16;

    private SoftmaxRows() {}

    /** {@code o} row r = softmax (or log-softmax when {@code log}) of x row r. Modified: {@code o}. */
    public static void forward(float[] x, int xOff, float[] o, int oOff, int rows, int n, boolean log) {
        boolean vector = Vectors.AVAILABLE && VectorSoftmax.pays(n);
        Parallel.forRange(rows, (long) n * COST, (s, e) -> {
            for (int r = s; r < e; r++) {
                if (vector) {
                    VectorSoftmax.forward(x, xOff + r * n, o, oOff + r * n, n, log);
                } else {
                    forwardRow(x, xOff + r * n, o, oOff + r * n, n, log);
                }
            }
        });
    }

    /** Double version of {@link #forward(float[], int, float[], int, int, int, boolean)}. Modified: {@code o}. */
    public static void forward(double[] x, int xOff, double[] o, int oOff, int rows, int n, boolean log) {
        Parallel.forRange(rows, (long) n * COST, (s, e) -> {
            for (int r = s; r < e; r++) {
                forwardRow(x, xOff + r * n, o, oOff + r * n, n, log);
            }
        });
    }

    /** Scalar reference of one float row of {@link #forward}. Modified: {@code o}. */
    public static void forwardRow(float[] x, int xOff, float[] o, int oOff, int n, boolean log) {
        double mm = rowMax(x, xOff, n);
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double e = Math.exp(x[xOff + j] - mm);
            sum += e;
            // One exp per element: keep e (rounded to float) for the normalisation pass.
            if (!log) o[oOff + j] = (float) e;
        }
        if (log) {
            double ls = Math.log(sum);
            for (int j = 0; j < n; j++) o[oOff + j] = (float) ((x[xOff + j] - mm) - ls);
        } else {
            double inv = 1.0 / sum;
            for (int j = 0; j < n; j++) o[oOff + j] = (float) (o[oOff + j] * inv);
        }
    }

    /** Scalar reference of one double row of {@link #forward}. Modified: {@code o}. */
    public static void forwardRow(double[] x, int xOff, double[] o, int oOff, int n, boolean log) {
        double m = rowMax(x, xOff, n);
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double e = Math.exp(x[xOff + j] - m);
            sum += e;
            if (!log) o[oOff + j] = e;
        }
        if (log) {
            // (x − m) − ln s, as PyTorch forms it: exact for the largest element's shift.
            double ls = Math.log(sum);
            for (int j = 0; j < n; j++) o[oOff + j] = (x[xOff + j] - m) - ls;
        } else {
            double inv = 1.0 / sum;
            for (int j = 0; j < n; j++) o[oOff + j] *= inv;
        }
    }

    /**
     * The softmax pullback: with {@code out} the forward result and {@code g} its cotangent,
     * {@code o = out · (g − Σ_j g_j out_j)} for softmax, {@code o = g − e^out · Σ_j g_j} for
     * log-softmax, row by row. Modified: {@code o}.
     */
    public static void backward(float[] g, int gOff, float[] out, int outOff, float[] o, int rows, int n, boolean log) {
        Parallel.forRange(rows, (long) n * 4, (s, e) -> {
            for (int r = s; r < e; r++) {
                int go = gOff + r * n, oo = outOff + r * n, ro = r * n;
                double acc = 0;
                if (log) {
                    for (int j = 0; j < n; j++) acc += g[go + j];
                    float sf = (float) acc;
                    for (int j = 0; j < n; j++) o[ro + j] = g[go + j] - (float) Math.exp(out[oo + j]) * sf;
                } else {
                    for (int j = 0; j < n; j++) acc += (double) g[go + j] * out[oo + j];
                    float df = (float) acc;
                    for (int j = 0; j < n; j++) o[ro + j] = out[oo + j] * (g[go + j] - df);
                }
            }
        });
    }

    /** Double version of {@link #backward(float[], int, float[], int, float[], int, int, boolean)}. Modified: {@code o}. */
    public static void backward(double[] g, int gOff, double[] out, int outOff, double[] o, int rows, int n, boolean log) {
        Parallel.forRange(rows, (long) n * 4, (s, e) -> {
            for (int r = s; r < e; r++) {
                int go = gOff + r * n, oo = outOff + r * n, ro = r * n;
                double acc = 0;
                if (log) {
                    for (int j = 0; j < n; j++) acc += g[go + j];
                    for (int j = 0; j < n; j++) o[ro + j] = g[go + j] - Math.exp(out[oo + j]) * acc;
                } else {
                    for (int j = 0; j < n; j++) acc += g[go + j] * out[oo + j];
                    for (int j = 0; j < n; j++) o[ro + j] = out[oo + j] * (g[go + j] - acc);
                }
            }
        });
    }

    /**
     * {@code ln Σ_j e^(x_j)} of each row into {@code o[r]}; when the row's max is ±∞ the shift is 0
     * (so an all −∞ row gives −∞ and a row with +∞ gives +∞, not NaN). Modified: {@code o}.
     */
    public static void logSumExp(float[] x, int xOff, float[] o, int rows, int n) {
        Parallel.forRange(rows, (long) n * COST, (s, e) -> {
            for (int r = s; r < e; r++) o[r] = (float) rowLogSumExp(x, xOff + r * n, n, true);
        });
    }

    /** Double version of {@link #logSumExp(float[], int, float[], int, int)}. Modified: {@code o}. */
    public static void logSumExp(double[] x, int xOff, double[] o, int rows, int n) {
        Parallel.forRange(rows, (long) n * COST, (s, e) -> {
            for (int r = s; r < e; r++) o[r] = rowLogSumExp(x, xOff + r * n, n, true);
        });
    }

    /**
     * Cross-entropy with class indices, per row: {@code loss_r = ln Σ_j e^(x_rj) − x_{r,t_r}}
     * (log-softmax and NLL in one pass). Writes {@code loss_r} to {@code perRow[r]} and returns
     * {@code Σ_r loss_r} (summed in row order). Modified: {@code perRow}.
     */
    public static double crossEntropy(float[] x, int xOff, int rows, int n, int[] target, double[] perRow) {
        Parallel.forRange(rows, (long) n * COST, (s, e) -> {
            for (int r = s; r < e; r++) {
                perRow[r] = rowLogSumExp(x, xOff + r * n, n, false) - x[xOff + r * n + target[r]];
            }
        });
        return sum(perRow, rows);
    }

    /** Double version of {@link #crossEntropy(float[], int, int, int, int[], double[])}. Modified: {@code perRow}. */
    public static double crossEntropy(double[] x, int xOff, int rows, int n, int[] target, double[] perRow) {
        Parallel.forRange(rows, (long) n * COST, (s, e) -> {
            for (int r = s; r < e; r++) {
                perRow[r] = rowLogSumExp(x, xOff + r * n, n, false) - x[xOff + r * n + target[r]];
            }
        });
        return sum(perRow, rows);
    }

    /**
     * The cross-entropy gradient {@code o_rj = (softmax(x_r)_j − [j = t_r]) · s_r}, where
     * {@code s_r = scale · w[wOff + r·wStep]} ({@code w} may be null: s_r = scale). Modified: {@code o}.
     */
    public static void crossEntropyGrad(float[] x, int xOff, int rows, int n, int[] target, double scale,
                                        float @org.jspecify.annotations.Nullable [] w, int wOff, int wStep, float[] o) {
        boolean vector = Vectors.AVAILABLE && VectorSoftmax.pays(n);
        Parallel.forRange(rows, (long) n * COST, (s, e) -> {
            for (int r = s; r < e; r++) {
                float sr = (float) (w == null ? scale : scale * w[wOff + r * wStep]);
                int ro = r * n;
                if (vector) {
                    VectorSoftmax.forward(x, xOff + ro, o, ro, n, false);
                    VectorSoftmax.scale(o, ro, n, sr);
                } else {
                    forwardRow(x, xOff + ro, o, ro, n, false);
                    for (int j = 0; j < n; j++) o[ro + j] *= sr;
                }
                o[ro + target[r]] -= sr;
            }
        });
    }

    /** Double version of {@link #crossEntropyGrad(float[], int, int, int, int[], double, float[], int, int, float[])}. Modified: {@code o}. */
    public static void crossEntropyGrad(double[] x, int xOff, int rows, int n, int[] target, double scale,
                                        double @org.jspecify.annotations.Nullable [] w, int wOff, int wStep, double[] o) {
        Parallel.forRange(rows, (long) n * COST, (s, e) -> {
            for (int r = s; r < e; r++) {
                double sr = w == null ? scale : scale * w[wOff + r * wStep];
                int ro = r * n;
                forwardRow(x, xOff + ro, o, ro, n, false);
                for (int j = 0; j < n; j++) o[ro + j] *= sr;
                o[ro + target[r]] -= sr;
            }
        });
    }

    private static double sum(double[] v, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += v[i];
        return s;
    }

    /** ln Σ e^(x_j) of one row, in double; {@code guard}: shift by 0 when the max is infinite. */
    private static double rowLogSumExp(float[] x, int off, int n, boolean guard) {
        if (Vectors.AVAILABLE && VectorSoftmax.pays(n)) {
            float m = VectorSoftmax.max(x, off, n);
            float shift = guard && Float.isInfinite(m) ? 0f : m;
            return shift + Math.log(VectorSoftmax.expSum(x, off, n, shift));
        }
        double m = rowMax(x, off, n);
        double shift = guard && Double.isInfinite(m) ? 0 : m;
        double sum = 0;
        for (int j = 0; j < n; j++) sum += Math.exp(x[off + j] - shift);
        return shift + Math.log(sum);
    }

    private static double rowLogSumExp(double[] x, int off, int n, boolean guard) {
        double m = rowMax(x, off, n);
        double shift = guard && Double.isInfinite(m) ? 0 : m;
        double sum = 0;
        for (int j = 0; j < n; j++) sum += Math.exp(x[off + j] - shift);
        return shift + Math.log(sum);
    }

    /** The row's maximum, NaN if any element is NaN (as torch.max). */
    private static double rowMax(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) m = Math.max(m, x[off + j]);
        return m;
    }

    /** The row's maximum, NaN if any element is NaN (as torch.max). */
    private static double rowMax(double[] x, int off, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) m = Math.max(m, x[off + j]);
        return m;
    }
}
