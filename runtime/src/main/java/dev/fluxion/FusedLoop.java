package dev.fluxion;

import dev.fluxion.kernel.Elementwise;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a {@link FusedExpr} in one pass over its output, a chunk of {@link #CHUNK} elements at a
 * time: every op of the group runs over the chunk (in this thread's scratch rows, which stay in the
 * L1 cache) before the next chunk starts, and only the last op writes to memory the caller sees.
 *
 * <p>Each op runs the row kernel the unfused op would run ({@link Elementwise#unary},
 * {@link Elementwise#binary}, contiguous rows, step 0 for a scalar or single-element operand), so a
 * fused group gives the bits of its ops run one by one. Anything off that path — an integer or
 * boolean operand, an inner {@code unbroadcast} that would really sum or cast, shapes that do not
 * broadcast, anomaly detection on — runs the ops one by one ({@link #reference}), which is what
 * the unfused code does, errors included.
 */
final class FusedLoop {
    /** Elements per chunk: a few rows of 4 KB (float) per op, all in the L1 cache. */
    static final int CHUNK = 1024;

    private FusedLoop() {}

    /** A parsed expression and the plan of its last call, reused while the operands' layout stays the same. */
    static final class Compiled {
        final FusedExpr expr;
        volatile Plan last;

        Compiled(FusedExpr expr) {
            this.expr = expr;
        }
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, Compiled> COMPILED =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The compiled form of an expression's text (the generated code's literals: a small, fixed set). */
    static Compiled compiled(String text) {
        Compiled c = COMPILED.get(text);
        if (c == null) {
            c = new Compiled(FusedExpr.parse(text));
            COMPILED.put(text, c);
        }
        return c;
    }

    static Tensor run(Compiled c, double[] scalars, Tensor[] in) {
        FusedExpr e = c.expr;
        if (Tensor.isAnomalyDetectionEnabled()) {
            return reference(e, scalars, in);
        }
        FusedExpr body = switch (e) {
            case FusedExpr.Reduce r -> r.x();
            case FusedExpr.Unbroadcast u -> u.x();
            default -> e;
        };
        Tensor out = FusedOnDevice.anyOnDevice(in) ? FusedOnDevice.run(body, scalars, in) : onCpu(c, body, scalars, in);
        if (out == null) {
            return reference(e, scalars, in);
        }
        return switch (e) {
            case FusedExpr.Reduce r -> r.mean() ? out.mean() : out.sum();
            case FusedExpr.Unbroadcast u -> Derivatives.unbroadcast(out, in[u.index()]);
            default -> out;
        };
    }

    /** The group's body in chunks on the CPU, or null where the fast path does not apply. */
    private static Tensor onCpu(Compiled c, FusedExpr body, double[] scalars, Tensor[] in) {
        // Planning allocates; a training step calls the same group on the same layouts every time.
        Plan plan = c.last;
        if (plan == null || !plan.fits(in)) {
            plan = Plan.of(body, in);
            if (plan == null) {
                return null;
            }
            c.last = plan;
        }
        return plan.run(scalars, in);
    }

    /**
     * The broadcast shape of a group's body over {@code in}, or null where the one-pass path does
     * not apply: a root that is not an op, an op over scalars only, an inner {@code unbroadcast}
     * that would sum or cast, or shapes that do not broadcast (the ops one by one then report it).
     */
    static int[] bodyShape(FusedExpr body, Tensor[] in) {
        if (!(body instanceof FusedExpr.Unary || body instanceof FusedExpr.Binary)) {
            return null;
        }
        try {
            Plan.Typed root = Plan.type(body, in);
            return root == null ? null : root.shape;
        } catch (FluxionException e) {
            return null;
        }
    }

    /** The ops one by one, as the unfused code calls them. */
    static Tensor reference(FusedExpr e, double[] scalars, Tensor[] in) {
        return switch (e) {
            case FusedExpr.Input i -> in[i.index()];
            case FusedExpr.Scalar s -> throw new IllegalArgumentException("fused expression: a lone scalar");
            case FusedExpr.Unary u -> Pointwise.unary(u.name(), u.op(), u.p(), u.q(), reference(u.x(), scalars, in));
            case FusedExpr.Binary b when b.a() instanceof FusedExpr.Scalar s -> {
                Tensor x = reference(b.b(), scalars, in);
                yield Pointwise.binary(b.name(), b.op(), Pointwise.scalarFor(x, value(s, scalars)), x);
            }
            case FusedExpr.Binary b when b.b() instanceof FusedExpr.Scalar s -> {
                Tensor x = reference(b.a(), scalars, in);
                yield Pointwise.binary(b.name(), b.op(), x, Pointwise.scalarFor(x, value(s, scalars)));
            }
            case FusedExpr.Binary b -> Pointwise.binary(b.name(), b.op(), reference(b.a(), scalars, in),
                    reference(b.b(), scalars, in));
            case FusedExpr.Unbroadcast u -> Derivatives.unbroadcast(reference(u.x(), scalars, in), in[u.index()]);
            case FusedExpr.Reduce r -> r.mean() ? reference(r.x(), scalars, in).mean()
                    : reference(r.x(), scalars, in).sum();
        };
    }

    static double value(FusedExpr.Scalar s, double[] scalars) {
        return s.scalarIndex() < 0 ? s.literal() : scalars[s.scalarIndex()];
    }

    /** One op of the group: its node and the slots of its operands and result. */
    private record Step(FusedExpr node, int a, int b, int out, boolean dbl) {}

    /** How one tensor operand is read: straight from storage, as one element, or gathered. */
    private record Read(int input, int slot, int mode, int[] strides) {
        static final int DIRECT = 0;
        static final int SINGLE = 1;
        static final int GATHER = 2;
    }

    /** The ops in evaluation order and the operands, checked to take the fast path. */
    private static final class Plan {
        final List<Step> stepList = new ArrayList<>();
        final List<Read> readList = new ArrayList<>();
        Step[] steps;
        Read[] reads;
        /** The operands' layout the plan was made for: dtype, shape and strides of each. */
        DType[] dtypes;
        int[][] shapes;
        int[][] strides;
        /** Scalar slots: slot index, the scalar node, whether it is read as a double. */
        final List<Object[]> scalarSlots = new ArrayList<>();
        Object[][] scalarArray;
        int slots;
        int[] shape;
        boolean dbl;

        /** The plan of {@code body}, or null where the fast path does not apply. */
        static Plan of(FusedExpr body, Tensor[] in) {
            for (Tensor t : in) {
                if (!t.dtype.isFloatingPoint() || t.buffer != null) { // device tensors: FusedOnDevice
                    return null;
                }
            }
            int[] shape = bodyShape(body, in);
            if (shape == null) {
                return null;
            }
            Plan p = new Plan();
            p.shape = shape;
            p.dbl = typeOf(body, in);
            p.slots = 0;
            p.compile(body, in, p.dbl);
            p.steps = p.stepList.toArray(new Step[0]);
            p.reads = p.readList.toArray(new Read[0]);
            p.scalarArray = p.scalarSlots.toArray(new Object[0][]);
            p.dtypes = new DType[in.length];
            p.shapes = new int[in.length][];
            p.strides = new int[in.length][];
            for (int i = 0; i < in.length; i++) {
                p.dtypes[i] = in[i].dtype;
                p.shapes[i] = in[i].shape.clone();
                p.strides[i] = in[i].strides.clone();
            }
            return p;
        }

        /** Whether {@code in} have the layout this plan was made for (then the plan is theirs). */
        boolean fits(Tensor[] in) {
            if (in.length != dtypes.length) {
                return false;
            }
            for (int i = 0; i < in.length; i++) {
                if (in[i].dtype != dtypes[i] || in[i].buffer != null || !Arrays.equals(in[i].shape, shapes[i])
                        || !Arrays.equals(in[i].strides, strides[i])) {
                    return false;
                }
            }
            return true;
        }

        /** A node's shape and dtype; null shape for a scalar. */
        private record Typed(int[] shape, boolean dbl) {}

        private static Typed type(FusedExpr e, Tensor[] in) {
            return switch (e) {
                case FusedExpr.Input i -> new Typed(in[i.index()].shape, in[i.index()].dtype == DType.FLOAT64);
                case FusedExpr.Scalar s -> new Typed(null, false);
                case FusedExpr.Unary u -> {
                    Typed x = type(u.x(), in);
                    yield x == null || x.shape == null ? null : x;
                }
                case FusedExpr.Binary b -> {
                    Typed x = type(b.a(), in);
                    Typed y = type(b.b(), in);
                    if (x == null || y == null || x.shape == null && y.shape == null) {
                        yield null;
                    }
                    if (x.shape == null || y.shape == null) {
                        yield x.shape == null ? y : x;
                    }
                    yield new Typed(Shapes.broadcast(b.name(), x.shape, y.shape), x.dbl || y.dbl);
                }
                case FusedExpr.Unbroadcast u -> {
                    Typed x = type(u.x(), in);
                    Tensor target = in[u.index()];
                    // Inside a group only where it sums and casts nothing (the usual case).
                    yield x != null && x.shape != null && Arrays.equals(x.shape, target.shape)
                            && x.dbl == (target.dtype == DType.FLOAT64) ? x : null;
                }
                case FusedExpr.Reduce r -> null;
            };
        }

        /** Appends the steps of {@code e}, computed as a double where {@code dbl}; returns its slot. */
        private int compile(FusedExpr e, Tensor[] in, boolean dbl) {
            return switch (e) {
                case FusedExpr.Input i -> {
                    int slot = slots++;
                    Tensor t = in[i.index()];
                    int mode = t.numel() == 1 ? Read.SINGLE
                            : Arrays.equals(t.shape, shape) && t.isContiguous() ? Read.DIRECT : Read.GATHER;
                    readList.add(new Read(i.index(), slot, mode, mode == Read.GATHER ? Shapes.broadcastStrides(t, shape) : null));
                    yield slot;
                }
                case FusedExpr.Scalar s -> {
                    int slot = slots++;
                    scalarSlots.add(new Object[] {slot, s, dbl});
                    yield slot;
                }
                case FusedExpr.Unary u -> {
                    boolean d = typeOf(u.x(), in);
                    int x = compile(u.x(), in, d);
                    int out = slots++;
                    stepList.add(new Step(u, x, -1, out, d));
                    yield out;
                }
                case FusedExpr.Binary b -> {
                    boolean d = typeOf(b, in);
                    int x = compile(b.a(), in, d);
                    int y = compile(b.b(), in, d);
                    int out = slots++;
                    stepList.add(new Step(b, x, y, out, d));
                    yield out;
                }
                case FusedExpr.Unbroadcast u -> compile(u.x(), in, dbl);
                case FusedExpr.Reduce r -> throw new IllegalStateException("a reduction inside a fused group");
            };
        }

        private static boolean typeOf(FusedExpr e, Tensor[] in) {
            Typed t = type(e, in);
            return t != null && t.dbl;
        }

        Tensor run(double[] scalars, Tensor[] in) {
            Tensor out = Tensor.empty(dbl ? DType.FLOAT64 : DType.FLOAT32, shape.clone());
            int total = out.numel();
            FusedRows scratch = FusedRows.LOCAL.get();
            FusedRows.Slot[] slot = scratch.slots(slots);
            for (Object[] s : scalarArray) {
                FusedRows.Slot sl = slot[(int) s[0]];
                double v = value((FusedExpr.Scalar) s[1], scalars);
                if ((boolean) s[2]) {
                    sl.d = scratch.doubles((int) s[0], 1);
                    sl.d[0] = v;
                } else {
                    sl.f = scratch.floats((int) s[0], 1);
                    sl.f[0] = (float) v;
                }
                sl.off = 0;
                sl.step = 0;
            }
            int last = steps.length - 1;
            for (int start = 0; start < total; start += CHUNK) {
                int n = Math.min(CHUNK, total - start);
                for (Read r : reads) {
                    load(r, in[r.input()], slot[r.slot()], scratch, start, n);
                }
                for (int k = 0; k <= last; k++) {
                    Step st = steps[k];
                    FusedRows.Slot o = slot[st.out()];
                    // An op whose operands are all one element (step 0) runs once, as the unfused op
                    // runs on the small tensor, and its result is read with step 0.
                    boolean single = slot[st.a()].step == 0 && (st.b() < 0 || slot[st.b()].step == 0);
                    if (st.dbl()) {
                        o.d = scratch.doubles(st.out(), CHUNK);
                    } else {
                        o.f = scratch.floats(st.out(), CHUNK);
                    }
                    o.off = 0;
                    if (k == last && !single) {
                        o.f = out.f;
                        o.d = out.d;
                        o.off = start;
                    }
                    apply(st, slot, scratch, single ? 1 : n, single);
                    o.step = single ? 0 : 1;
                    if (k == last && single) {
                        if (out.f != null) {
                            java.util.Arrays.fill(out.f, start, start + n, o.f[0]);
                        } else {
                            java.util.Arrays.fill(out.d, start, start + n, o.d[0]);
                        }
                    }
                }
            }
            return out;
        }

        private static void apply(Step st, FusedRows.Slot[] slot, FusedRows scratch, int n, boolean single) {
            FusedRows.Slot o = slot[st.out()];
            FusedRows.Slot a = slot[st.a()];
            int as = single ? 1 : a.step;
            if (st.node() instanceof FusedExpr.Unary u) {
                if (st.dbl()) {
                    Elementwise.unary(u.op(), u.p(), u.q(), a.d, a.off, as, o.d, o.off, 1, n);
                } else {
                    Elementwise.unary(u.op(), u.p(), u.q(), a.f, a.off, as, o.f, o.off, 1, n);
                }
                return;
            }
            FusedExpr.Binary b = (FusedExpr.Binary) st.node();
            FusedRows.Slot c = slot[st.b()];
            int cs = single ? 1 : c.step;
            if (st.dbl()) {
                double[] x = a.d != null && a.f == null ? a.d : widen(a, scratch.widened(0), n);
                double[] y = c.d != null && c.f == null ? c.d : widen(c, scratch.widened(1), n);
                int xo = x == a.d ? a.off : 0;
                int yo = y == c.d ? c.off : 0;
                Elementwise.binary(b.op(), x, xo, as, y, yo, cs, o.d, o.off, 1, n);
            } else {
                Elementwise.binary(b.op(), a.f, a.off, as, c.f, c.off, cs, o.f, o.off, 1, n);
            }
        }

        /** A float operand row as doubles (exact), into {@code into}. */
        private static double[] widen(FusedRows.Slot s, double[] into, int n) {
            int m = s.step == 0 ? 1 : n;
            Elementwise.widen(s.f, s.off, s.step, into, 0, 1, m);
            return into;
        }

        private void load(Read r, Tensor t, FusedRows.Slot s, FusedRows scratch, int start, int n) {
            s.f = t.f;
            s.d = t.d;
            switch (r.mode()) {
                case Read.DIRECT -> {
                    s.off = t.offset + start;
                    s.step = 1;
                }
                case Read.SINGLE -> {
                    s.off = t.offset;
                    s.step = 0;
                }
                default -> {
                    s.off = 0;
                    s.step = 1;
                    if (t.f != null) {
                        float[] into = scratch.floats(r.slot(), CHUNK);
                        gather(t.f, null, t.offset, r.strides(), into, null, start, n);
                        s.f = into;
                    } else {
                        double[] into = scratch.doubles(r.slot(), CHUNK);
                        gather(null, t.d, t.offset, r.strides(), null, into, start, n);
                        s.d = into;
                    }
                }
            }
        }

        /** Elements {@code [start, start + n)} of the output's row-major order, read through broadcast strides. */
        private void gather(float[] f, double[] d, int offset, int[] strides, float[] fo, double[] dout, int start, int n) {
            int rank = shape.length;
            int[] idx = FusedRows.LOCAL.get().index(rank);
            int rest = start;
            int at = offset;
            for (int k = rank - 1; k >= 0; k--) {
                idx[k] = rest % shape[k];
                rest /= shape[k];
                at += idx[k] * strides[k];
            }
            int inner = shape[rank - 1];
            int innerStride = strides[rank - 1];
            int i = 0;
            while (i < n) {
                int run = Math.min(n - i, inner - idx[rank - 1]);
                if (f != null) {
                    for (int j = 0; j < run; j++) {
                        fo[i + j] = f[at + j * innerStride];
                    }
                } else {
                    for (int j = 0; j < run; j++) {
                        dout[i + j] = d[at + j * innerStride];
                    }
                }
                i += run;
                at += run * innerStride;
                idx[rank - 1] += run;
                // Carry into the outer dims.
                for (int k = rank - 1; k > 0 && idx[k] == shape[k]; k--) {
                    at -= idx[k] * strides[k];
                    idx[k] = 0;
                    idx[k - 1]++;
                    at += strides[k - 1];
                }
            }
        }
    }

}
