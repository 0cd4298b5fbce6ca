package dev.fluxion.processor.verify;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.model.DerivedMethod;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test support: plants one bug in a derived method's forward pass, the kind issue 10's
 * reproducers 3 and 4 were: a statement that reads a local's value from before its reassignment
 * (a hoisted temporary surviving {@code v = v * v / 3}), or a value computed on one side of a
 * branch only and read on the other (a {@code ?:}'s sides sharing a temporary). The backward pass
 * is left alone and the one-pass {@code fGrad} dropped, so only the verifier's value check can see
 * the bug.
 */
final class ForwardMutations {
    private ForwardMutations() {}

    /** Every mutant of {@code d}'s forward pass. */
    static List<BackwardMutations.Mutant> all(DerivedMethod d) {
        List<BackwardMutations.Mutant> out = new ArrayList<>();
        List<Stmt> forward = d.forward();
        Set<String> assigned = new HashSet<>();
        for (int k = 0; k < forward.size(); k++) {
            Stmt s = forward.get(k);
            Expr value = valueOf(s);
            if (value != null) {
                for (String read : Exprs.vars(value)) {
                    String earlier = earlierVersion(read, assigned);
                    if (earlier != null) {
                        int at = k;
                        out.add(mutant(d, "forward statement #" + k + " reads `" + earlier + "` instead of `" + read + "`",
                                replaceAt(forward, at, Exprs.rename(s, Map.of(read, earlier)))));
                    }
                }
            }
            if (s instanceof Stmt.If i) {
                for (boolean then : new boolean[] {true, false}) {
                    List<Stmt> side = then ? i.then().stmts() : i.otherwise().stmts();
                    for (int j = 0; j < side.size(); j++) {
                        if (side.get(j) instanceof Stmt.Assign a && !(a.value() instanceof Expr.Literal)) {
                            List<Stmt> rest = new ArrayList<>(side);
                            rest.remove(j);
                            Stmt.Block b = new Stmt.Block(rest, i.pos());
                            Stmt.If changed = then ? new Stmt.If(i.condition(), b, i.otherwise(), i.pos())
                                    : new Stmt.If(i.condition(), i.then(), b, i.pos());
                            out.add(mutant(d, "forward if #" + k + ": `" + a.name() + " = " + IrText.expr(a.value())
                                    + "` dropped from its " + (then ? "then" : "else") + "-side", replaceAt(forward, k, changed)));
                        }
                    }
                }
            }
            if (s instanceof Stmt.Let l) {
                assigned.add(l.name());
            } else if (s instanceof Stmt.Assign a) {
                assigned.add(a.name());
            }
        }
        return out;
    }

    /** {@code x} for a read of {@code x2} (the version a reassignment made) when {@code x} was assigned before. */
    private static String earlierVersion(String read, Set<String> assigned) {
        String base = read.replaceFirst("[0-9]+$", "");
        return !base.equals(read) && !base.isEmpty() && assigned.contains(base) ? base : null;
    }

    private static Expr valueOf(Stmt s) {
        return switch (s) {
            case Stmt.Let l -> l.init();
            case Stmt.Assign a -> a.value();
            case Stmt.Return r -> r.value();
            default -> null;
        };
    }

    private static List<Stmt> replaceAt(List<Stmt> stmts, int k, Stmt with) {
        List<Stmt> out = new ArrayList<>(stmts);
        out.set(k, with);
        return out;
    }

    private static BackwardMutations.Mutant mutant(DerivedMethod d, String description, List<Stmt> forward) {
        return new BackwardMutations.Mutant(description, new DerivedMethod(d.method(), forward, d.result(), d.cotangent(),
                d.backward(), d.gradients(), d.saved(), d.steps(), List.of()));
    }
}
