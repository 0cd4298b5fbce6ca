package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code fGrad} in one pass for {@link ReverseMode}: for a scalar result, the last top-level
 * loop runs each trip's forward statements and then that trip's backward statements, instead of
 * a forward loop and a backward loop, where that is provably the two passes' result (see
 * {@link #offer} and {@link #fusedGrad}). Rosenbrock's gradient runs in one sweep over the data.
 */
final class LoopFusion {
    private final MethodIr method;
    private final Flattener.Flat flat;
    /** The reverse pass's local types and adjoint names, read as they grow. */
    private final Map<String, Type> types;
    private final Map<String, String> adjoints;
    /** Top-level loops whose backward can run inside the forward iteration, with that fused loop. */
    private final IdentityHashMap<Stmt.While, Stmt.While> fusedLoops = new IdentityHashMap<>();

    LoopFusion(MethodIr method, Flattener.Flat flat, Map<String, Type> types, Map<String, String> adjoints) {
        this.method = method;
        this.flat = flat;
        this.types = types;
        this.adjoints = adjoints;
    }

    /**
     * Records the fused form of top-level loop {@code w} if it is fusable: its forward statements up
     * to the trailing int updates ({@code bodyFwd[0..split)}), the backward of each of those
     * statements, last first, then the trailing updates.
     *
     * @param parts the backward of each statement of {@code w}'s body, in body order
     * @param trailing the index in {@code w}'s body of its first trailing int update
     */
    void offer(Stmt.While w, Integer id, int trailing, List<List<Stmt>> parts, List<Stmt> bodyFwd, int split) {
        if (!fusable(w, id, trailing, parts)) {
            return;
        }
        List<Stmt> body = w.body().stmts();
        List<Stmt> fusedBody = new ArrayList<>(bodyFwd.subList(0, split));
        for (int i = trailing - 1; i >= 0; i--) {
            fusedBody.add(new Stmt.Block(parts.get(i), body.get(i).pos()));
        }
        fusedBody.addAll(bodyFwd.subList(split, bodyFwd.size()));
        fusedLoops.put(w, new Stmt.While(w.condition(), new Stmt.Block(fusedBody, w.body().pos()), w.pos()));
    }

    /**
     * Whether the backward of one trip of top-level loop {@code w} can run right after that trip's
     * forward statements (before its trailing {@code i++}), in forward order: nothing is taped, the
     * backward restores no local (each local it reads already holds the value it had after its
     * statement), every local the loop assigns is a primitive, and every differentiable local
     * declared outside the loop that the loop assigns is only accumulated ({@code s += t}, read by
     * nothing else in the loop), so its cotangent is the same on every trip. Every other cotangent
     * the backward touches is either the loop's own (zero between trips) or only added to, and
     * sums do not depend on their order.
     */
    private boolean fusable(Stmt.While w, Integer id, int trailing, List<List<Stmt>> parts) {
        List<Stmt> body = w.body().stmts();
        Set<String> restored = new HashSet<>();
        for (int i = 0; i < trailing; i++) {
            StmtScan.assigned(parts.get(i), restored);
        }
        if (id == null || !adjoints.values().containsAll(restored)) {
            return false;
        }
        for (Stmt s : body) {
            if (!(s instanceof Stmt.Assign a) || !(types.get(a.name()) instanceof Type.Prim)) {
                return false; // a branch in the body: its bit would be taped
            }
        }
        for (Stmt s : body) {
            Stmt.Assign a = (Stmt.Assign) s;
            if (id.equals(flat.loopOf().get(a.name())) || !flat.varied().contains(a.name())) {
                continue;
            }
            if (accumulated(a) == null || Exprs.vars(w.condition()).contains(a.name())) {
                return false;
            }
            for (Stmt o : body) {
                Stmt.Assign other = (Stmt.Assign) o;
                if (Exprs.vars(other.value()).contains(a.name())
                        && !(other.name().equals(a.name()) && accumulated(other) != null)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** {@code stmts} with each declaration of a name in {@code declared} made an assignment. */
    private static List<Stmt> assignDeclared(List<Stmt> stmts, Set<String> declared) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : stmts) {
            out.add(switch (s) {
                case Stmt.Let l when declared.contains(l.name()) && l.init() != null ->
                        new Stmt.Assign(l.name(), l.init(), l.pos());
                case Stmt.If i -> new Stmt.If(i.condition(), block(i.then(), declared), block(i.otherwise(), declared),
                        i.pos());
                case Stmt.For f -> new Stmt.For(f.init(), f.condition(), f.update(), block(f.body(), declared),
                        f.pos());
                case Stmt.While w -> new Stmt.While(w.condition(), block(w.body(), declared), w.pos());
                case Stmt.Block b -> block(b, declared);
                default -> s;
            });
        }
        return out;
    }

    private static Stmt.Block block(Stmt.Block b, Set<String> declared) {
        return new Stmt.Block(assignDeclared(b.stmts(), declared), b.pos());
    }

    /** For {@code v = v + t}, {@code v = t + v} or {@code v = v - t} with a variable {@code t}: t; else null. */
    static Expr.Var accumulated(Stmt.Assign a) {
        if (!(a.value() instanceof Expr.Binary b) || b.op() != Expr.BinOp.PLUS && b.op() != Expr.BinOp.MINUS) {
            return null;
        }
        boolean leftSelf = b.left() instanceof Expr.Var l && l.name().equals(a.name());
        boolean rightSelf = b.right() instanceof Expr.Var r && r.name().equals(a.name());
        if (leftSelf && !rightSelf && b.right() instanceof Expr.Var t) {
            return t;
        }
        return b.op() == Expr.BinOp.PLUS && rightSelf && !leftSelf && b.left() instanceof Expr.Var t ? t : null;
    }

    /**
     * {@code fGrad} in one pass over the data, or empty where that is not provably the two passes'
     * result: the last top-level loop runs fused ({@link #offer}) when everything after it is
     * plain assignments whose backward reads nothing the loop or they change, so that backward (which
     * gives the loop's accumulators their cotangents, the seed 1 for {@code return s}) can run
     * before the loop. Then: forward up to the loop, backward of the tail, the fused loop, forward
     * of the tail, backward of what came before the loop.
     */
    List<Stmt> fusedGrad(List<Stmt> top, List<List<Stmt>> parts, List<Integer> fwdEnds, List<Stmt> fwd,
                                 List<Stmt> declarations, List<Stmt> adjointDeclarations, List<Stmt> openReaders,
                                 String cotangent) {
        Type r = method.returnType();
        if (!r.isFloatingScalar() || !flat.leaves().isEmpty()) {
            return List.of();
        }
        int l = top.size() - 1;
        while (l >= 0 && top.get(l) instanceof Stmt.Assign) {
            l--;
        }
        if (l < 0 || !(top.get(l) instanceof Stmt.While w) || !fusedLoops.containsKey(w)) {
            return List.of();
        }
        int start = l == 0 ? 0 : fwdEnds.get(l - 1);
        List<Stmt> tailBackward = StmtScan.reversed(parts, l + 1, top.size());
        List<Stmt> headBackward = StmtScan.reversed(parts, 0, l);
        Set<String> changed = new HashSet<>();
        StmtScan.assigned(fwd.subList(start, fwd.size()), changed);
        Set<String> tailWrites = new HashSet<>();
        StmtScan.assigned(tailBackward, tailWrites);
        Set<String> tailReads = new HashSet<>();
        Set<String> tailDeclared = new HashSet<>();
        StmtScan.collectReads(tailBackward, tailReads, tailDeclared);
        tailReads.removeAll(tailDeclared);
        tailReads.retainAll(changed);
        Set<String> headWrites = new HashSet<>();
        StmtScan.assigned(headBackward, headWrites);
        Set<String> params = new HashSet<>();
        method.params().forEach(p -> params.add(p.name()));
        boolean adjointsFromParams = adjointDeclarations.stream().allMatch(s -> s instanceof Stmt.Let let
                && params.containsAll(Exprs.vars(let.init())));
        if (!adjoints.values().containsAll(tailWrites) || !tailReads.isEmpty() || headWrites.contains(flat.result())
                || !adjointsFromParams) {
            return List.of();
        }
        // A loop-local the backward pass recomputes ({@code double sum1 = ...} in the backward
        // loop) is already declared at the top of the one-pass body: there it is assigned.
        Set<String> declared = new HashSet<>();
        declarations.forEach(d -> declared.add(((Stmt.Let) d).name()));
        tailBackward = assignDeclared(tailBackward, declared);
        headBackward = assignDeclared(headBackward, declared);
        List<Stmt> out = new ArrayList<>(declarations);
        out.add(new Stmt.Let(cotangent, r, new Expr.Literal(r == Type.Prim.FLOAT ? "1f" : "1.0", r, Pos.NONE),
                Pos.NONE));
        out.addAll(adjointDeclarations);
        out.addAll(fwd.subList(0, start));
        out.add(new Stmt.Block(tailBackward, top.get(top.size() - 1).pos()));
        out.add(fusedLoops.get(w));
        out.addAll(fwd.subList(fwdEnds.get(l), fwd.size()));
        out.addAll(openReaders);
        out.add(new Stmt.Block(headBackward, top.get(0).pos()));
        return out;
    }
}
