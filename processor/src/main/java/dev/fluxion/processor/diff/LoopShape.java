package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a loop's body is reversed, decided from the body alone: its trailing int updates
 * ({@code i = i + 1}, undone first in each backward trip) start at {@code trailing}; the
 * loop-locals in {@code recompute} (assigned once, cheaply, from values the loop does not change
 * or that are themselves recomputed or undone) are recomputed at the start of each backward trip
 * instead of being saved.
 */
record LoopShape(int trailing, List<Stmt.Assign> recompute) {

    static LoopShape of(Stmt.While w, Integer id, Flattener.Flat flat, Map<String, Integer> assignCount,
                        Map<String, Type> types) {
        List<Stmt> body = w.body().stmts();
        Map<String, Integer> inLoop = new HashMap<>();
        StmtScan.countAssigns(body, inLoop);
        int trailing = body.size();
        while (trailing > 0 && body.get(trailing - 1) instanceof Stmt.Assign u
                && AssignReversal.invertibleStep(u, types) != null && inLoop.get(u.name()) == 1) {
            trailing--;
        }
        Set<String> stableAfterUndo = new HashSet<>();
        for (Stmt s : body.subList(trailing, body.size())) {
            stableAfterUndo.add(((Stmt.Assign) s).name());
        }
        List<Stmt.Assign> recompute = new ArrayList<>();
        Set<String> recomputed = new HashSet<>();
        Set<String> deeplyWritten = ArrayWrites.writtenDeeperThan(flat.body(), w);
        for (Stmt s : body.subList(0, trailing)) {
            if (s instanceof Stmt.Assign a && id != null && id.equals(flat.loopOf().get(a.name()))
                    && assignCount.getOrDefault(a.name(), 0) == 1 && cheap(a.value())
                    && Exprs.vars(a.value()).stream().noneMatch(deeplyWritten::contains)
                    && Exprs.vars(a.value()).stream().allMatch(x -> !inLoop.containsKey(x)
                    || stableAfterUndo.contains(x) || recomputed.contains(x))) {
                recompute.add(a);
                recomputed.add(a.name());
            }
        }
        return new LoopShape(trailing, List.copyOf(recompute));
    }

    /** Whether the backward pass recomputes local {@code name}. */
    boolean recomputes(String name) {
        return recompute.stream().anyMatch(a -> a.name().equals(name));
    }

    /** Scalar arithmetic, array reads and Math: cheaper to recompute than to save. */
    private static boolean cheap(Expr e) {
        if (e.type().isTensor() || e.type() instanceof Type.Declared || e instanceof Expr.FieldRead) {
            return false;
        }
        if (e instanceof Expr.Call c && !(c.callee() instanceof Callee.Known k && k.op().style() == Op.Style.MATH)) {
            return false;
        }
        return e.children().stream().allMatch(LoopShape::cheap);
    }
}
