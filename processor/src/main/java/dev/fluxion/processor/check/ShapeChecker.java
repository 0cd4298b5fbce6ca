package dev.fluxion.processor.check;

import dev.fluxion.annotation.Shape;
import dev.fluxion.processor.check.shape.Dim;
import dev.fluxion.processor.check.shape.SymShape;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.InputSpec;
import dev.fluxion.processor.model.Messages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;

/**
 * Checks {@code @Shape} declarations statically: propagates each declared shape, with its
 * symbolic dimensions, through every operation whose result shape follows from its operands
 * (elementwise with broadcasting, reductions, matmul, linear, transposes, losses), and reports an
 * operation whose operands provably do not fit as an error on that expression, with both shapes.
 * A tensor whose shape does not follow from declarations is not tracked, never guessed.
 */
public final class ShapeChecker {
    private final Map<String, SymShape> shapes = new HashMap<>();
    private final List<Diagnostic> out = new ArrayList<>();

    private ShapeChecker() {}

    /** The shape errors of {@code ir}, whose parameters' {@code @Shape}s {@code method} declares. */
    public static List<Diagnostic> check(MethodIr ir, ExecutableElement method) {
        ShapeChecker c = new ShapeChecker();
        Map<String, List<String>> declared = InputSpec.of(method).shapes();
        for (int i = 0; i < ir.params().size(); i++) {
            Param p = ir.params().get(i);
            VariableElement v = method.getParameters().get(i);
            Shape s = v.getAnnotation(Shape.class);
            if (s == null) {
                continue;
            }
            Optional<SymShape> shape = SymShape.parse(declared.get(p.name()));
            if (shape.isEmpty()) {
                c.out.add(Diagnostic.error(Messages.BAD_SHAPE, p.pos(), s.value(), p.name(),
                        "a dimension is neither a name nor a size"));
            } else if (p.type().isTensor()) {
                c.shapes.put(p.name(), shape.get());
            }
        }
        Shape result = method.getAnnotation(Shape.class);
        SymShape resultShape = result == null ? null : SymShape.parse(InputSpec.parse(result.value())).orElse(null);
        c.block(ir.body().stmts(), resultShape);
        return c.out;
    }

    private void block(List<Stmt> stmts, SymShape result) {
        for (Stmt s : stmts) {
            stmt(s, result);
        }
    }

    private void stmt(Stmt s, SymShape result) {
        switch (s) {
            case Stmt.Let l -> assign(l.name(), l.init());
            case Stmt.Assign a -> assign(a.name(), a.value());
            case Stmt.Return r -> {
                Optional<SymShape> got = shape(r.value());
                if (result != null && got.isPresent() && !fits(result, got.get())) {
                    out.add(Diagnostic.error(Messages.SHAPE_MISMATCH, r.value().pos(), "the returned value",
                            got.get(), result, "the method declares @Shape(\"" + join(result) + "\") for its result"));
                }
            }
            case Stmt.ExprStmt e -> shape(e.expr());
            case Stmt.Block b -> block(b.stmts(), result);
            case Stmt.If i -> {
                block(i.then().stmts(), result);
                block(i.otherwise().stmts(), result);
            }
            case Stmt.While w -> block(w.body().stmts(), result);
            case Stmt.DoWhile d -> block(d.body().stmts(), result);
            case Stmt.For f -> {
                f.init().forEach(x -> stmt(x, result));
                block(f.body().stmts(), result);
            }
            default -> { }
        }
    }

    private static boolean fits(SymShape want, SymShape got) {
        if (want.rank() != got.rank()) {
            return false;
        }
        for (int i = 0; i < want.rank(); i++) {
            if (Dim.differ(want.get(i), got.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static String join(SymShape s) {
        return String.join(",", s.dims().stream().map(Object::toString).toList());
    }

    private void assign(String name, Expr init) {
        if (init == null) {
            return;
        }
        Optional<SymShape> s = shape(init);
        if (s.isPresent()) {
            shapes.put(name, s.get());
        } else {
            shapes.remove(name); // reassigned to something not tracked
        }
    }

    private Optional<SymShape> shape(Expr e) {
        if (e instanceof Expr.Var v) {
            return Optional.ofNullable(shapes.get(v.name()));
        }
        List<Optional<SymShape>> args = new ArrayList<>();
        for (Expr c : e.children()) {
            args.add(shape(c));
        }
        if (!(e instanceof Expr.Call c) || !(c.callee() instanceof Callee.Known k)) {
            return Optional.empty();
        }
        return op(k.op(), c, args);
    }

    private Optional<SymShape> op(Op op, Expr.Call c, List<Optional<SymShape>> s) {
        Optional<SymShape> x = s.isEmpty() ? Optional.empty() : s.get(0);
        return switch (op) {
            case PLUS, MINUS, TIMES, DIV, POW -> broadcast(c, op.javaName(), x, s.get(1));
            case WHERE -> broadcast(c, "where", s.get(1), s.get(2));
            case MSE, MSE_R -> {
                broadcast(c, "mse", x, s.get(1));
                yield reduced(c, 2);
            }
            case BCE, BCE_R, BCE_WITH_LOGITS, BCE_WITH_LOGITS_R -> {
                same(c, op.javaName(), x, s.get(1));
                yield reduced(c, 2);
            }
            case PLUS_SCALAR, MINUS_SCALAR, TIMES_SCALAR, DIV_SCALAR, POW_SCALAR, RSUB, RDIV, NEG, UNARY_MINUS, ABS,
                 EXP, LOG, LOG1P, SQRT, SQUARE, SIGMOID, TANH, RELU, GELU, SOFTPLUS, SIN, COS, LEAKY_RELU, CLAMP,
                 SOFTMAX, LOG_SOFTMAX, CONTIGUOUS, COPY, DETACH, TO_FLOAT, TO_DOUBLE, ZEROS_LIKE, ONES_LIKE,
                 FULL_LIKE -> x;
            case SUM, MEAN, MAX, MIN, NORM, LOG_SUM_EXP -> Optional.of(SymShape.SCALAR);
            case SUM_DIM, MEAN_DIM, MAX_DIM, MIN_DIM, LOG_SUM_EXP_DIM -> x.flatMap(v -> dimArg(c, 1, v)
                    .map(d -> v.reduce(d, false)));
            case SUM_DIM_KEEP, MEAN_DIM_KEEP, MAX_DIM_KEEP, MIN_DIM_KEEP, NORM_DIM_KEEP, LOG_SUM_EXP_DIM_KEEP ->
                    x.flatMap(v -> dimArg(c, 1, v).flatMap(d -> bool(c, 2).map(keep -> v.reduce(d, keep))));
            case T -> x.filter(v -> v.rank() == 2).map(v -> new SymShape(List.of(v.get(1), v.get(0))));
            case TRANSPOSE -> x.flatMap(v -> dimArg(c, 1, v).flatMap(a -> dimArg(c, 2, v).map(b -> swap(v, a, b))));
            case MATMUL -> matmul(c, x, s.get(1));
            case LINEAR -> linear(c, x, s.get(1), s.get(2));
            default -> Optional.empty();
        };
    }

    private Optional<SymShape> reduced(Expr.Call c, int reductionArg) {
        if (c.args().size() > reductionArg && c.args().get(reductionArg) instanceof Expr.EnumConst r
                && r.name().equals("NONE")) {
            return Optional.empty();
        }
        return Optional.of(SymShape.SCALAR);
    }

    private static SymShape swap(SymShape v, int a, int b) {
        List<Dim> d = new ArrayList<>(v.dims());
        Dim t = d.get(a);
        d.set(a, d.get(b));
        d.set(b, t);
        return new SymShape(d);
    }

    private Optional<SymShape> broadcast(Expr.Call c, String what, Optional<SymShape> a, Optional<SymShape> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Optional.empty();
        }
        Optional<SymShape> r = SymShape.broadcast(a.get(), b.get());
        if (r.isEmpty()) {
            error(c, what, a.get(), b.get(), "the shapes do not broadcast: trailing dimensions must be equal or 1");
        }
        return r;
    }

    private void same(Expr.Call c, String what, Optional<SymShape> a, Optional<SymShape> b) {
        if (a.isPresent() && b.isPresent() && !fits(a.get(), b.get())) {
            error(c, what, a.get(), b.get(), "the input and the target must have the same shape");
        }
    }

    private Optional<SymShape> matmul(Expr.Call c, Optional<SymShape> oa, Optional<SymShape> ob) {
        if (oa.isEmpty() || ob.isEmpty() || oa.get().rank() == 0 || ob.get().rank() == 0
                || oa.get().rank() > 2 || ob.get().rank() > 2) {
            return Optional.empty();
        }
        SymShape a = oa.get();
        SymShape b = ob.get();
        Dim inner = a.get(-1);
        Dim other = b.rank() == 1 ? b.get(0) : b.get(-2);
        if (Dim.differ(inner, other)) {
            error(c, "matmul", a, b, "the inner dimensions " + inner + " and " + other + " differ");
            return Optional.empty();
        }
        List<Dim> out = new ArrayList<>();
        if (a.rank() == 2) {
            out.add(a.get(0));
        }
        if (b.rank() == 2) {
            out.add(b.get(1));
        }
        return Optional.of(new SymShape(out));
    }

    private Optional<SymShape> linear(Expr.Call c, Optional<SymShape> ox, Optional<SymShape> ow, Optional<SymShape> ob) {
        if (ox.isEmpty() || ow.isEmpty() || ow.get().rank() != 2 || ox.get().rank() == 0) {
            return Optional.empty();
        }
        SymShape x = ox.get();
        SymShape w = ow.get();
        if (Dim.differ(x.get(-1), w.get(1))) {
            error(c, "linear", x, w, "the input's last dimension " + x.get(-1) + " differs from the weight's "
                    + w.get(1) + " (the weight is [out, in])");
            return Optional.empty();
        }
        List<Dim> out = new ArrayList<>(x.dims());
        out.set(out.size() - 1, w.get(0));
        SymShape r = new SymShape(out);
        return ob.isPresent() ? broadcast(c, "linear (bias)", Optional.of(r), ob) : Optional.of(r);
    }

    private static Optional<Integer> dimArg(Expr.Call c, int i, SymShape x) {
        if (c.args().size() > i && c.args().get(i) instanceof Expr.Literal l) {
            try {
                int d = Integer.parseInt(l.text());
                int n = d < 0 ? x.rank() + d : d;
                return n >= 0 && n < x.rank() ? Optional.of(n) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        if (c.args().size() > i && c.args().get(i) instanceof Expr.Unary u && u.op() == Expr.UnOp.NEG
                && u.operand() instanceof Expr.Literal l && l.text().matches("[0-9]+")) {
            int n = x.rank() - Integer.parseInt(l.text());
            return n >= 0 && n < x.rank() ? Optional.of(n) : Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<Boolean> bool(Expr.Call c, int i) {
        return c.args().size() > i && c.args().get(i) instanceof Expr.Literal l
                && (l.text().equals("true") || l.text().equals("false"))
                ? Optional.of(Boolean.parseBoolean(l.text())) : Optional.empty();
    }

    private void error(Expr.Call c, String what, SymShape a, SymShape b, String why) {
        out.add(Diagnostic.error(Messages.SHAPE_MISMATCH, c.pos(), what, a, b, why));
    }
}
