package dev.fluxion.processor.write;

import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.model.DerivedMethod;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The names a method's generated code uses, which names the writer adds must avoid. */
final class UsedNames {
    private UsedNames() {}

    /** Every name the code generated for {@code d} declares or reads. */
    static Set<String> of(DerivedMethod d) {
        Set<String> out = new HashSet<>();
        d.method().params().forEach(p -> out.add(p.name()));
        out.add(d.cotangent());
        d.gradients().forEach(g -> out.add(g.name()));
        for (List<Stmt> stmts : List.of(d.method().body().stmts(), d.forward(), d.backward(), d.fusedGrad())) {
            stmts.forEach(s -> collectNames(s, out));
        }
        return out;
    }

    /** Every name {@code t}'s generated {@code fJvp} declares or reads. */
    static Set<String> of(dev.fluxion.processor.model.TangentMethod t) {
        Set<String> out = new HashSet<>();
        t.method().params().forEach(p -> out.add(p.name()));
        t.tangents().forEach(p -> out.add(p.name()));
        t.body().forEach(s -> collectNames(s, out));
        return out;
    }

    private static void collectNames(Stmt s, Set<String> out) {
        out.addAll(Exprs.vars(s));
        switch (s) {
            case Stmt.Let l -> out.add(l.name());
            case Stmt.Block b -> b.stmts().forEach(x -> collectNames(x, out));
            case Stmt.If i -> {
                collectNames(i.then(), out);
                collectNames(i.otherwise(), out);
            }
            case Stmt.While w -> collectNames(w.body(), out);
            case Stmt.DoWhile w -> collectNames(w.body(), out);
            case Stmt.For f -> {
                f.init().forEach(x -> collectNames(x, out));
                collectNames(f.body(), out);
            }
            default -> { }
        }
    }
}
