package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Walks over lowered statements that {@link ReverseMode} and {@link LoopFusion} share. */
final class StmtScan {
    private StmtScan() {}

    /** The backward statements {@code parts[from..to)}, last statement's first. */
    static List<Stmt> reversed(List<List<Stmt>> parts, int from, int to) {
        List<Stmt> out = new ArrayList<>();
        for (int i = to - 1; i >= from; i--) {
            out.addAll(parts.get(i));
        }
        return out;
    }

    /** Counts, per local, the assignments in {@code stmts} and the ifs and whiles nested in them. */
    static void countAssigns(List<Stmt> stmts, Map<String, Integer> into) {
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Assign a -> into.merge(a.name(), 1, Integer::sum);
                // An element write changes the array: it is never recomputed or versioned.
                case Stmt.ArrayStore a -> into.merge(a.array(), 1, Integer::sum);
                case Stmt.If i -> {
                    countAssigns(i.then().stmts(), into);
                    countAssigns(i.otherwise().stmts(), into);
                }
                case Stmt.While w -> countAssigns(w.body().stmts(), into);
                default -> { }
            }
        }
    }

    /** Adds every local assigned in {@code stmts}, at any depth, to {@code into}. */
    static void assigned(List<Stmt> stmts, Set<String> into) {
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Assign a -> into.add(a.name());
                case Stmt.ArrayStore a -> into.add(a.array());
                case Stmt.If i -> {
                    assigned(i.then().stmts(), into);
                    assigned(i.otherwise().stmts(), into);
                }
                case Stmt.For f -> assigned(f.body().stmts(), into);
                case Stmt.While w -> assigned(w.body().stmts(), into);
                case Stmt.Block b -> assigned(b.stmts(), into);
                default -> { }
            }
        }
    }

    /** Adds the names {@code stmts} read to {@code reads} and those they declare to {@code declared}. */
    static void collectReads(List<Stmt> stmts, Set<String> reads, Set<String> declared) {
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Let l -> {
                    if (l.init() != null) {
                        reads.addAll(Exprs.vars(l.init()));
                    }
                    declared.add(l.name());
                }
                case Stmt.If i -> {
                    reads.addAll(Exprs.vars(i.condition()));
                    collectReads(i.then().stmts(), reads, declared);
                    collectReads(i.otherwise().stmts(), reads, declared);
                }
                case Stmt.For f -> {
                    collectReads(f.init(), reads, declared);
                    reads.addAll(Exprs.vars(f.condition()));
                    collectReads(f.body().stmts(), reads, declared);
                }
                default -> reads.addAll(Exprs.vars(s));
            }
        }
    }
}
