package dev.fluxion.processor.verify;

import dev.fluxion.processor.fwd.VectorMode;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.InputSpec;
import dev.fluxion.processor.model.Messages;
import dev.fluxion.processor.model.TangentMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import javax.tools.Diagnostic.Kind;

/**
 * The compile-time check of {@code fJacobianForward} ({@link VectorMode}): at one point, each of
 * up to {@value #COLUMNS} columns of the one-pass Jacobian must be {@code fJvp}'s tangent along that
 * input element (itself checked against central differences by {@link TangentCheck}). Both run the
 * same operations per direction, so they agree to rounding; a disagreement is the widening's fault.
 */
final class VectorCheck {
    private static final int COLUMNS = 8;

    private VectorCheck() {}

    static List<Diagnostic> check(TangentMethod t, Registry registry, InputSpec spec) {
        MethodIr m = t.method();
        Optional<VectorMode> derived = VectorMode.derive(t);
        if (derived.isEmpty() || m.takesModel() || TangentCheck.callsUserCode(t.body())
                || !m.differentiableParams().stream().allMatch(q -> q.type() == dev.fluxion.processor.ir.Type.Prim.DOUBLE
                || q.type().equals(new dev.fluxion.processor.ir.Type.ArrayOf(dev.fluxion.processor.ir.Type.Prim.DOUBLE)))) {
            return List.of();
        }
        VectorMode v = derived.get();
        Inputs gen = new Inputs(m, spec, List.of());
        long seed = m.self().key().hashCode() * 0x9E3779B97F4A7C15L + 211;
        ShapeSearch search = new ShapeSearch(gen, seed, p -> TangentCheck.finite(TangentCheck.value(m, registry, p)));
        Point p = search.next();
        if (p == null) {
            return List.of();
        }
        double[] flat;
        try {
            DerivedMethod asForward = new DerivedMethod(m, v.body(), v.resultTangent(), "", List.of(), List.of(),
                    List.of(), List.of());
            flat = Point.flatten(new Interpreter(registry, Verifier.fieldsOf(p.fields())).forward(asForward, p.args())
                    .value());
        } catch (RuntimeException e) {
            return List.of(); // the interpreter's limits: no check
        }
        List<Param> diff = m.differentiableParams();
        int columns = 0;
        for (Param q : diff) {
            columns += p.args().get(m.params().indexOf(q)) instanceof double[] a ? a.length : 1;
        }
        if (columns == 0 || flat.length % columns != 0) {
            return List.of();
        }
        int rows = flat.length / columns;
        Random rng = new Random(seed);
        List<Integer> chosen = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            chosen.add(c);
        }
        java.util.Collections.shuffle(chosen, rng);
        for (int c : chosen.subList(0, Math.min(COLUMNS, columns))) {
            double[] jvp;
            try {
                jvp = Point.flatten(TangentCheck.tangent(t, registry, p, unit(m, p, c)));
            } catch (RuntimeException e) {
                continue;
            }
            if (jvp.length != rows) {
                continue;
            }
            double[] column = new double[rows];
            for (int i = 0; i < rows; i++) {
                column[i] = flat[i * columns + c];
            }
            for (int i = 0; i < rows; i++) {
                boolean same = Double.compare(column[i], jvp[i]) == 0 || Verifier.closeValue(column[i], jvp[i]);
                if (!same) {
                    return List.of(new Diagnostic(Kind.ERROR, Messages.VECTOR_MODE_MISMATCH, m.pos(), List.of(m.name(),
                            p.describe(TangentCheck.differentiableInputs(m)), Integer.toString(c),
                            Numbers.brief(TangentCheck.box(column)), Numbers.brief(TangentCheck.box(jvp)))));
                }
            }
        }
        return List.of();
    }

    /** The direction of input element {@code column}: one-hot over the differentiable inputs, in order. */
    private static List<Object> unit(MethodIr m, Point p, int column) {
        List<Object> direction = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < m.params().size(); i++) {
            if (!m.params().get(i).differentiable()) {
                continue;
            }
            Object arg = p.args().get(i);
            if (arg instanceof double[] a) {
                double[] d = new double[a.length];
                if (column >= at && column < at + a.length) {
                    d[column - at] = 1;
                }
                direction.add(d);
                at += a.length;
            } else {
                direction.add(column == at ? 1.0 : 0.0);
                at++;
            }
        }
        return direction;
    }
}
