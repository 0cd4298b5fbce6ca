package dev.fluxion.processor.check;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.Messages;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Element writes ({@code a[i] = v}) into local arrays: the reverse transform saves and restores the
 * elements of {@code a} itself, so {@code a} must never share its array with another variable.
 * Each local written element by element is assigned only new arrays ({@code new double[n]},
 * {@code {...}}), and no other local is assigned it ({@code double[] b = a;}).
 */
final class ArrayWriteChecker {
    private final Set<String> written = new HashSet<>();
    private final List<Diagnostic> out = new ArrayList<>();

    private ArrayWriteChecker() {}

    static List<Diagnostic> check(MethodIr method) {
        ArrayWriteChecker c = new ArrayWriteChecker();
        c.collect(method.body());
        if (!c.written.isEmpty()) {
            c.aliases(method.body());
        }
        return c.out;
    }

    private void collect(Stmt s) {
        switch (s) {
            case Stmt.ArrayStore a -> {
                written.add(a.array());
                if (dev.fluxion.processor.ir.Exprs.vars(a.index()).contains(a.array())) {
                    // the backward pass evaluates the index again, after the write changed it
                    out.add(Diagnostic.error(Messages.UNSUPPORTED, a.index().pos(),
                            "an index that reads the array it writes into (`" + a.index().pos().source() + "`)"));
                }
            }
            case Stmt.Let l when computedLiteral(l.init()) -> written.add(l.name());
            case Stmt.Assign a when computedLiteral(a.value()) -> written.add(a.name());
            case Stmt.Block b -> b.stmts().forEach(this::collect);
            case Stmt.If i -> {
                collect(i.then());
                collect(i.otherwise());
            }
            case Stmt.While w -> collect(w.body());
            case Stmt.DoWhile d -> collect(d.body());
            case Stmt.For f -> {
                f.init().forEach(this::collect);
                f.update().forEach(this::collect);
                collect(f.body());
            }
            default -> { }
        }
    }

    /** An array literal of floating-point values, not all literals: lowered to element writes. */
    private static boolean computedLiteral(Expr value) {
        return value instanceof Expr.NewArray n && n.length() == null && n.type().element().isFloatingScalar()
                && n.elements().stream().anyMatch(e -> !(e instanceof Expr.Literal));
    }

    private void aliases(Stmt s) {
        switch (s) {
            case Stmt.Let l -> assigned(l.name(), l.init());
            case Stmt.Assign a -> assigned(a.name(), a.value());
            case Stmt.Block b -> b.stmts().forEach(this::aliases);
            case Stmt.If i -> {
                aliases(i.then());
                aliases(i.otherwise());
            }
            case Stmt.While w -> aliases(w.body());
            case Stmt.DoWhile d -> aliases(d.body());
            case Stmt.For f -> {
                f.init().forEach(this::aliases);
                f.update().forEach(this::aliases);
                aliases(f.body());
            }
            default -> { }
        }
    }

    private void assigned(String name, Expr value) {
        if (value == null || value instanceof Expr.Unsupported) {
            return;
        }
        if (written.contains(name) && !(value instanceof Expr.NewArray)) {
            out.add(Diagnostic.error(Messages.ARRAY_WRITE_ALIAS, value.pos(), name, value.pos().source()));
        } else if (value instanceof Expr.Var v && written.contains(v.name())) {
            out.add(Diagnostic.error(Messages.ARRAY_WRITE_ALIAS, value.pos(), v.name(), value.pos().source()));
        }
    }
}
