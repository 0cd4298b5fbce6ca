package dev.fluxion.processor.check;

import dev.fluxion.processor.ir.Activity;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Stmts;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.Messages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a parsed body: supported constructs, and differentiability along every path from a
 * differentiable input (a parameter with a gradient or a {@code Parameter} field) to the result.
 */
public final class BodyChecker {
    private final List<Diagnostic> out = new ArrayList<>();
    /** Each varied variable, and the first differentiable input it depends on. */
    private final Map<String, String> variedBy = new HashMap<>();
    /**
     * Each local holding a comparison of a differentiable input ({@code Tensor m = x.gt(0)}): the
     * input and the comparison's text, so using the local as a value is refused as the comparison
     * itself would be.
     */
    private final Map<String, List<String>> comparisonIn = new HashMap<>();
    private final MethodIr method;
    /** The value of the local assignment being checked, where an array literal may carry gradients. */
    private Expr localLiteral;

    private BodyChecker(MethodIr method) {
        this.method = method;
    }

    /** Every problem in {@code method}'s body. */
    public static List<Diagnostic> check(MethodIr method) {
        BodyChecker c = new BodyChecker(method);
        for (Param p : method.params()) {
            if (p.differentiable()) {
                c.variedBy.put(p.name(), p.name());
            }
        }
        List<Stmt> stmts = method.body().stmts();
        for (int i = 0; i < stmts.size(); i++) {
            c.statement(stmts.get(i), false);
        }
        c.out.addAll(ArrayWriteChecker.check(method));
        return c.out.stream().distinct().toList();
    }

    /**
     * Checks {@code s}. Inside loops and branches ({@code inFlow}) a local stays varied once any
     * path makes it so; a loop body is walked until no more local becomes varied, so that values fed back by the loop count.
     */
    private void statement(Stmt s, boolean inFlow) {
        switch (s) {
            case Stmt.Unsupported u -> out.add(unsupported(u.reason(), u.what(), u.pos()));
            case Stmt.If i -> {
                condition(i.condition());
                statement(i.then(), true);
                statement(i.otherwise(), true);
            }
            case Stmt.While w -> loop(List.of(), w.condition(), w.body(), List.of());
            case Stmt.DoWhile d -> loop(List.of(), d.condition(), d.body(), List.of());
            case Stmt.For f -> loop(f.init(), f.condition(), f.body(), f.update());
            case Stmt.Break b -> { }
            case Stmt.Continue c -> { }
            case Stmt.Block b -> {
                for (Stmt inner : b.stmts()) {
                    statement(inner, inFlow);
                }
            }
            default -> {
                // A literal assigned to a local is written element by element: its elements keep
                // their gradients (diff/ArrayLiterals).
                localLiteral = s instanceof Stmt.Let l ? l.init() : s instanceof Stmt.Assign a ? a.value() : null;
                for (Expr e : Stmts.expressionsOf(s)) {
                    checkExpr(e);
                }
                localLiteral = null;
                switch (s) {
                    case Stmt.Let l -> assign(l.name(), l.init(), inFlow);
                    case Stmt.Assign a -> assign(a.name(), a.value(), inFlow);
                    case Stmt.ArrayStore a -> {
                        if (method.params().stream().anyMatch(p -> p.name().equals(a.array()))) {
                            out.add(Diagnostic.error(Messages.ARRAY_WRITE_INPUT, a.pos(), a.array()));
                        }
                        // A write changes one element: the array stays varied once any is.
                        String input = inputOf(a.value());
                        if (input != null) {
                            variedBy.putIfAbsent(a.array(), input);
                        }
                    }
                    case Stmt.Return r -> {
                        if (!(r.value() instanceof Expr.Unsupported) && inputOf(r.value()) == null && !inFlow) {
                            out.add(Diagnostic.warning(Messages.NO_DIFFERENTIABLE_INPUT, r.value().pos(),
                                    method.name()));
                        }
                    }
                    default -> { }
                }
            }
        }
    }

    private void loop(List<Stmt> init, Expr condition, Stmt.Block body, List<Stmt> update) {
        init.forEach(x -> statement(x, true));
        // Until no more local becomes varied (in a loop none stops being varied): a value fed back
        // through a chain of k statements is varied only after k passes (x += v; v -= f(new double[] {x})).
        int pass = 0;
        int varied;
        do {
            varied = variedBy.size();
            if (condition != null) {
                condition(condition);
            }
            statement(body, true);
            update.forEach(x -> statement(x, true));
            pass++;
        } while (pass < 2 || variedBy.size() != varied);
    }

    /** A condition only steers: it is not differentiated, so only unsupported constructs matter. */
    private void condition(Expr e) {
        IrWalker.postOrder(e, x -> {
            if (x instanceof Expr.Unsupported u) {
                out.add(unsupported(u.reason(), u.what(), u.pos()));
            }
        });
    }

    private void assign(String name, Expr value, boolean inFlow) {
        List<String> comparison = value == null ? null : comparisonOf(value);
        if (comparison != null) {
            comparisonIn.put(name, comparison);
        } else if (!inFlow) {
            comparisonIn.remove(name);
        }
        String input = value == null ? null : inputOf(value);
        if (input == null && value instanceof Expr.NewArray n && n.type().element().isFloatingScalar()) {
            input = n.elements().stream().map(this::inputOf).filter(x -> x != null).findFirst().orElse(null);
        }
        if (input != null) {
            variedBy.put(name, input);
        } else if (!inFlow) {
            variedBy.remove(name);
        }
    }

    private void checkExpr(Expr root) {
        IrWalker.postOrder(root, e -> {
            switch (e) {
                case Expr.Unsupported u -> out.add(unsupported(u.reason(), u.what(), u.pos()));
                case Expr.Call c when c.callee() instanceof Callee.Known k -> knownCall(c, k.op());
                case Expr.Call c when c.callee() instanceof Callee.User u -> userCall(c, u.method());
                case Expr.Call c when c.callee() instanceof Callee.Static s -> c.args().forEach(arg -> {
                    // a plain helper's value is a constant: a gradient into it would be lost
                    String input = inputOf(arg);
                    if (input != null && s.ownerQualifiedName().equals(Type.TENSOR_CLASS)) {
                        out.add(Diagnostic.error(Messages.TENSOR_FACTORY_ARGUMENT, arg.pos(), input, c.pos().source()));
                    } else if (input != null) {
                        out.add(Diagnostic.error(Messages.PLAIN_HELPER_ARGUMENT, arg.pos(), input, c.pos().source(),
                                s.ownerQualifiedName().substring(s.ownerQualifiedName().lastIndexOf('.') + 1) + "."
                                        + s.name()));
                    }
                });
                case Expr.Cast c when c.type().isIntegral() -> nonDifferentiable(c.operand(), e);
                case Expr.NewArray n when n == localLiteral && n.type().element().isFloatingScalar() -> { }
                case Expr.NewArray n -> n.elements().forEach(element -> {
                    // An array element carries no gradient: its elements' would be silently lost.
                    String input = inputOf(element);
                    if (input != null) {
                        out.add(Diagnostic.error(Messages.ARRAY_OF_DIFFERENTIABLE, n.pos(), input, n.pos().source()));
                    }
                });
                case Expr.Binary b when b.op() == Expr.BinOp.REMAINDER -> {
                    nonDifferentiable(b.left(), e);
                    nonDifferentiable(b.right(), e);
                }
                default -> { }
            }
        });
    }

    private void knownCall(Expr.Call c, Op op) {
        if (op.kind() == Op.Kind.NON_DIFFERENTIABLE) {
            c.args().forEach(a -> nonDifferentiable(a, c));
        }
        if (op == Op.ITEM) {
            // A value, not a condition (conditions are not checked here): its gradient is lost.
            String input = inputOf(c.args().get(0));
            if (input != null) {
                out.add(Diagnostic.error(Messages.ITEM_STOPS_GRADIENT, c.pos(), input, c.pos().source()));
            }
        }
        for (int i = 0; i < c.args().size(); i++) {
            Expr arg = c.args().get(i);
            boolean mask = op == Op.WHERE && i == 0;
            List<String> comparison = mask ? null : comparisonOf(arg);
            if (comparison != null) {
                out.add(Diagnostic.error(Messages.PREDICATE_AS_VALUE, arg.pos(), comparison.get(0), comparison.get(1)));
            }
        }
    }

    /**
     * For a comparison of a differentiable input ({@code x.gt(0)}), or a local holding one: that
     * input and how to name the comparison in a message; otherwise null.
     */
    private List<String> comparisonOf(Expr e) {
        if (e instanceof Expr.Var v && comparisonIn.containsKey(v.name())) {
            List<String> c = comparisonIn.get(v.name());
            return List.of(c.get(0), c.get(1).contains("stored in") ? c.get(1)
                    : c.get(1) + " (stored in `" + v.name() + "`)");
        }
        if (e instanceof Expr.Call inner && inner.callee() instanceof Callee.Known k
                && k.op().kind() == Op.Kind.PREDICATE) {
            String input = inner.args().stream().map(this::inputOf).filter(x -> x != null).findFirst().orElse(null);
            return input == null ? null : List.of(input, inner.pos().source());
        }
        return null;
    }

    private void userCall(Expr.Call c, Callee.UserMethod callee) {
        for (int i = 0; i < c.args().size(); i++) {
            String input = inputOf(c.args().get(i));
            if (input != null && !callee.differentiable().get(i)) {
                out.add(Diagnostic.error(Messages.NO_GRAD_ARGUMENT, c.args().get(i).pos(), input,
                        callee.name(), callee.paramNames().get(i)));
            }
        }
    }

    private void nonDifferentiable(Expr operand, Expr at) {
        String input = inputOf(operand);
        if (input != null) {
            out.add(Diagnostic.error(Messages.NOT_DIFFERENTIABLE, at.pos(), input, at.pos().source()));
        }
    }

    /** The differentiable input {@code e} depends on through differentiable slots, or null. */
    private String inputOf(Expr e) {
        return switch (e) {
            case Expr.Var v -> variedBy.get(v.name());
            case Expr.FieldRead f -> f.parameter() ? String.join(".", f.path()) : null;
            default -> {
                for (Expr c : Activity.differentiableChildren(e)) {
                    String input = inputOf(c);
                    if (input != null) {
                        yield input;
                    }
                }
                if (Activity.readsParameters(e) && ((Expr.Call) e).callee() instanceof Callee.User u) {
                    yield "the Parameters of " + u.method().name();
                }
                yield null;
            }
        };
    }

    /** A call of a generated derivative method: {@code SGrad.fGrad(...)}, {@code fVjp(...)}, {@code CGrad.fJvp(...)}. */
    private static final java.util.regex.Pattern GENERATED_CALL = java.util.regex.Pattern.compile(
            "(\\w+Grad\\.)?\\w+(Grad|Vjp|Jvp|Hvp|Hessian|Jacobian|Backward)\\(\\.\\.\\.\\)");

    private Diagnostic unsupported(Expr.Reason reason, String what, dev.fluxion.processor.ir.Pos pos) {
        return switch (reason) {
            case ARRAY_WRITE -> method.params().stream().anyMatch(p -> p.name().equals(what))
                    ? Diagnostic.error(Messages.ARRAY_WRITE_INPUT, pos, what)
                    : Diagnostic.error(Messages.ARRAY_WRITE, pos, what.isEmpty() ? "" : what);
            case LABELED_JUMP -> Diagnostic.error(Messages.LABELED_JUMP, pos, what);
            case VARARGS_CALL -> Diagnostic.error(Messages.VARARGS_CALL, pos, what);
            case UNNAMED_GRADIENTS -> Diagnostic.error(Messages.UNNAMED_GRADIENTS, pos, what);
            case SIDE_EFFECT -> Diagnostic.error(Messages.SIDE_EFFECT, pos, what);
            case CONSTRUCT -> Diagnostic.error(Messages.UNSUPPORTED, pos, what);
            case UNKNOWN_METHOD -> Diagnostic.error(GENERATED_CALL.matcher(what).matches()
                    ? Messages.NESTED_DIFFERENTIATION : Messages.UNKNOWN_METHOD, pos, what);
            case MODULE_METHOD -> Diagnostic.error(Messages.MODULE_METHOD_NOT_DIFFERENTIABLE, pos,
                    what.substring(0, what.indexOf('|')), what.substring(what.indexOf('|') + 1));
            case UNKNOWN_NAME -> what.matches("[A-Z]\\w*Grad")
                    ? Diagnostic.error(Messages.NESTED_DIFFERENTIATION, pos, what + "...")
                    : Diagnostic.error(Messages.UNKNOWN_NAME, pos, what);
            case TYPE -> Diagnostic.error(Messages.UNSUPPORTED_TYPE, pos, what.substring(0, what.lastIndexOf(' ')),
                    what.substring(what.lastIndexOf(' ') + 1));
            case PRIVATE_FIELD -> Diagnostic.error(Messages.PRIVATE_FIELD, pos, what);
            case MODULE_ELEMENT -> Diagnostic.error(Messages.MODULE_ELEMENT_METHOD, pos, what);
            case MATRIX -> Diagnostic.error(Messages.MATRIX, pos, what);
            case MODULE_LIST_WRITE -> Diagnostic.error(Messages.MODULE_LIST_WRITE, pos, what);
        };
    }
}
