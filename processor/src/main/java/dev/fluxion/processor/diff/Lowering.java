package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.opt.DeadStores;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Brings a body with control flow into the small form the reverse transform reads: only
 * {@link Stmt.Assign}, {@link Stmt.If} and {@link Stmt.While}, every local declared once at the
 * top (a name declared twice in different scopes gets a second name), and the result in one
 * variable. {@code for} and {@code do} become {@code while}; {@code break}, {@code continue} and
 * early {@code return} set boolean flags that guard the statements after them, so every jump
 * becomes a branch the backward pass can replay.
 *
 * @param body the lowered statements
 * @param decls every local (user locals, flags, the result) and its type, in declaration order
 * @param result the variable holding the returned value
 * @param loopOf for each local, the loop whose body declares it (absent: declared outside loops)
 * @param loopIds each lowered loop's id, by identity
 */
record Lowering(List<Stmt> body, Map<String, Type> decls, String result, Map<String, Integer> loopOf,
                IdentityHashMap<Stmt.While, Integer> loopIds) {

    /** Lowers {@code method}'s body. */
    static Lowering of(MethodIr method) {
        Set<String> taken = new HashSet<>();
        method.params().forEach(p -> taken.add(p.name()));
        collectLets(method.body(), taken);
        taken.add(Names.MODEL);
        Builder b = new Builder(method, new Names.Scope(taken));
        for (Param p : method.params()) {
            b.scopes.peek().put(p.name(), p.name());
        }
        List<Stmt> body = b.versioned(b.block(method.body().stmts(), true));
        return new Lowering(body, b.decls, b.result, b.loopOf, b.loopIds);
    }

    /**
     * This lowering without what the result does not need ({@link DeadStores}), inside loops and
     * branches too; locals no longer assigned or read are no longer declared.
     */
    Lowering withoutDeadStores() {
        IdentityHashMap<Stmt.While, Stmt.While> rebuilt = new IdentityHashMap<>();
        List<Stmt> live = DeadStores.apply(body, Set.of(result), rebuilt);
        IdentityHashMap<Stmt.While, Integer> ids = new IdentityHashMap<>();
        rebuilt.forEach((old, kept) -> ids.put(kept, loopIds.get(old)));
        Set<String> used = new HashSet<>(List.of(result));
        StmtScan.assigned(live, used);
        StmtScan.collectReads(live, used, new HashSet<>());
        Map<String, Type> liveDecls = new LinkedHashMap<>();
        decls.forEach((n, t) -> {
            if (used.contains(n)) {
                liveDecls.put(n, t);
            }
        });
        return new Lowering(live, liveDecls, result, loopOf, ids);
    }

    private static void collectLets(Stmt s, Set<String> into) {
        switch (s) {
            case Stmt.Let l -> into.add(l.name());
            case Stmt.Block b -> b.stmts().forEach(x -> collectLets(x, into));
            case Stmt.If i -> {
                collectLets(i.then(), into);
                collectLets(i.otherwise(), into);
            }
            case Stmt.While w -> collectLets(w.body(), into);
            case Stmt.DoWhile d -> collectLets(d.body(), into);
            case Stmt.For f -> {
                f.init().forEach(x -> collectLets(x, into));
                collectLets(f.body(), into);
            }
            default -> { }
        }
    }

    /** The flags of the loop being lowered; created when its body needs them. */
    private static final class Loop {
        final int id;
        String brk;
        String cnt;

        Loop(int id) {
            this.id = id;
        }
    }

    private static final class Builder {
        final MethodIr method;
        final Names.Scope scope;
        final Map<String, Type> decls = new LinkedHashMap<>();
        final Map<String, Integer> loopOf = new HashMap<>();
        final IdentityHashMap<Stmt.While, Integer> loopIds = new IdentityHashMap<>();
        final Deque<Map<String, String>> scopes = new ArrayDeque<>();
        final Deque<Loop> loops = new ArrayDeque<>();
        final String result;
        String returned;
        int nextLoop;

        Builder(MethodIr method, Names.Scope scope) {
            this.method = method;
            this.scope = scope;
            this.result = scope.fresh(Names.result());
            decls.put(result, method.returnType());
            scopes.push(new HashMap<>());
        }

        /**
         * Straight-line code in single-assignment form: a local (or parameter) assigned only by
         * top-level statements, never inside a branch or loop, gets a new version at each
         * reassignment ({@code y}, {@code y2}), read by what follows. The old value then stays in
         * its own local for the backward pass, with nothing saved on a tape.
         */
        List<Stmt> versioned(List<Stmt> body) {
            Set<String> nested = new HashSet<>();
            for (Stmt s : body) {
                if (!(s instanceof Stmt.Assign)) {
                    StmtScan.assigned(List.of(s), nested);
                }
            }
            Set<String> assigned = new HashSet<>();
            method.params().forEach(p -> assigned.add(p.name()));
            Map<String, String> current = new HashMap<>();
            List<Stmt> out = new ArrayList<>();
            for (Stmt s : body) {
                Stmt renamed = current.isEmpty() ? s : renameKeepingLoopIds(s, current);
                if (s instanceof Stmt.Assign a && !nested.contains(a.name())) {
                    Expr value = Exprs.rename(a.value(), current);
                    String name = a.name();
                    if (!assigned.add(name)) {
                        name = scope.fresh(a.name());
                        decls.put(name, decls.containsKey(a.name()) ? decls.get(a.name()) : paramType(a.name()));
                        current.put(a.name(), name);
                    }
                    renamed = new Stmt.Assign(name, value, a.pos());
                }
                out.add(renamed);
            }
            return out;
        }

        /** {@code s} with reads renamed; each rebuilt loop keeps its id. */
        private Stmt renameKeepingLoopIds(Stmt s, Map<String, String> names) {
            return switch (s) {
                case Stmt.If i -> new Stmt.If(Exprs.rename(i.condition(), names),
                        renameBlock(i.then(), names), renameBlock(i.otherwise(), names), i.pos());
                case Stmt.While w -> {
                    Stmt.While renamed = new Stmt.While(Exprs.rename(w.condition(), names), renameBlock(w.body(), names),
                            w.pos());
                    loopIds.put(renamed, loopIds.get(w));
                    yield renamed;
                }
                default -> Exprs.rename(s, names);
            };
        }

        private Stmt.Block renameBlock(Stmt.Block b, Map<String, String> names) {
            return new Stmt.Block(b.stmts().stream().map(x -> renameKeepingLoopIds(x, names)).toList(), b.pos());
        }

        private Type paramType(String name) {
            return method.params().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().type();
        }

        private String lookup(String name) {
            for (Map<String, String> m : scopes) {
                if (m.containsKey(name)) {
                    return m.get(name);
                }
            }
            return name;
        }

        private Expr rename(Expr e) {
            return Exprs.map(e, x -> x instanceof Expr.Var v ? new Expr.Var(lookup(v.name()), v.type(), v.pos()) : x);
        }

        private String declare(String name, Type type) {
            String unique = decls.containsKey(name) ? scope.fresh(name) : name;
            decls.put(unique, type);
            scopes.peek().put(name, unique);
            if (!loops.isEmpty()) {
                loopOf.put(unique, loops.peek().id);
            }
            return unique;
        }

        private String flag(String base) {
            String name = scope.fresh(base);
            decls.put(name, Type.Prim.BOOLEAN);
            return name;
        }

        List<Stmt> block(List<Stmt> stmts, boolean tail) {
            scopes.push(new HashMap<>());
            try {
                return sequence(stmts, 0, tail);
            } finally {
                scopes.pop();
            }
        }

        /** Lowers {@code stmts[from..]}; after a statement that may jump, the rest is guarded. */
        private List<Stmt> sequence(List<Stmt> stmts, int from, boolean tail) {
            List<Stmt> out = new ArrayList<>();
            for (int i = from; i < stmts.size(); i++) {
                Stmt s = stmts.get(i);
                boolean last = i == stmts.size() - 1;
                out.addAll(statement(s, tail && last));
                List<String> flags = jumpFlags(s);
                if (!flags.isEmpty() && !last) {
                    List<Stmt> rest = sequence(stmts, i + 1, tail);
                    if (!rest.isEmpty()) {
                        out.add(new Stmt.If(noneOf(flags), new Stmt.Block(rest, s.pos()), empty(), s.pos()));
                    }
                    return out;
                }
            }
            return out;
        }

        /** The flags {@code s} may set that the rest of its block must test. */
        private List<String> jumpFlags(Stmt s) {
            List<String> out = new ArrayList<>();
            if (containsReturn(s) && returned != null) {
                out.add(returned);
            }
            Loop loop = loops.peek();
            if (loop != null) {
                if (loop.brk != null && contains(s, Stmt.Break.class)) {
                    out.add(loop.brk);
                }
                if (loop.cnt != null && contains(s, Stmt.Continue.class)) {
                    out.add(loop.cnt);
                }
            }
            return out;
        }

        private List<Stmt> statement(Stmt s, boolean tail) {
            Pos pos = s.pos();
            return switch (s) {
                case Stmt.Let l -> {
                    Expr init = l.init() == null ? null : rename(l.init());
                    String name = declare(l.name(), l.type());
                    yield init == null ? List.of() : ArrayLiterals.assign(name, init, pos);
                }
                case Stmt.Assign a -> ArrayLiterals.assign(lookup(a.name()), rename(a.value()), pos);
                case Stmt.ArrayStore a -> List.of(new Stmt.ArrayStore(lookup(a.array()), rename(a.index()),
                        rename(a.value()), pos));
                case Stmt.ExprStmt e -> List.of(); // expressions are pure
                case Stmt.Return r -> {
                    List<Stmt> out = new ArrayList<>(List.of(new Stmt.Assign(result, rename(r.value()), pos)));
                    if (!tail) {
                        if (returned == null) {
                            returned = flag("returned");
                        }
                        out.add(new Stmt.Assign(returned, bool(true), pos));
                    }
                    yield out;
                }
                case Stmt.Block b -> block(b.stmts(), tail);
                case Stmt.If i -> List.of(new Stmt.If(rename(i.condition()),
                        new Stmt.Block(block(i.then().stmts(), tail), i.then().pos()),
                        new Stmt.Block(block(i.otherwise().stmts(), tail), i.otherwise().pos()), pos));
                case Stmt.While w -> loop(List.of(), w.condition(), w.body(), List.of(), false, pos);
                case Stmt.DoWhile d -> loop(List.of(), d.condition(), d.body(), List.of(), true, pos);
                case Stmt.For f -> {
                    scopes.push(new HashMap<>());
                    try {
                        yield loop(f.init(), f.condition(), f.body(), f.update(), false, pos);
                    } finally {
                        scopes.pop();
                    }
                }
                case Stmt.Break b -> List.of(new Stmt.Assign(loops.peek().brk, bool(true), pos));
                case Stmt.Continue c -> List.of(new Stmt.Assign(loops.peek().cnt, bool(true), pos));
                default -> throw new IllegalStateException("cannot lower " + s.getClass().getSimpleName());
            };
        }

        private List<Stmt> loop(List<Stmt> init, Expr condition, Stmt.Block body, List<Stmt> update, boolean doWhile,
                                Pos pos) {
            List<Stmt> out = new ArrayList<>();
            for (Stmt s : init) {
                out.addAll(statement(s, false));
            }
            Loop loop = new Loop(nextLoop++);
            if (directly(body, Stmt.Break.class)) {
                loop.brk = flag("broke");
                out.add(new Stmt.Assign(loop.brk, bool(false), pos));
            }
            if (directly(body, Stmt.Continue.class)) {
                loop.cnt = flag("continued");
            }
            boolean mayReturn = containsReturn(body);
            Expr cond = condition == null ? bool(true) : condition;
            loops.push(loop);
            List<Stmt> inner = new ArrayList<>();
            Expr renamedCond;
            try {
                if (loop.cnt != null) {
                    inner.add(new Stmt.Assign(loop.cnt, bool(false), pos));
                }
                inner.addAll(block(body.stmts(), false));
                renamedCond = rename(cond);
                List<Stmt> updates = new ArrayList<>();
                for (Stmt u : update) {
                    updates.addAll(statement(u, false));
                }
                List<String> stop = new ArrayList<>();
                if (mayReturn && returned != null) {
                    stop.add(returned);
                }
                if (loop.brk != null) {
                    stop.add(loop.brk);
                }
                if (doWhile) {
                    String again = flag("again");
                    out.add(new Stmt.Assign(again, bool(true), pos));
                    inner.add(new Stmt.Assign(again, stop.isEmpty() ? renamedCond
                            : and(noneOf(stop), renamedCond), pos));
                    renamedCond = var(again);
                } else {
                    if (!stop.isEmpty()) {
                        renamedCond = and(noneOf(stop), renamedCond);
                    }
                    if (!updates.isEmpty()) {
                        if (stop.isEmpty()) {
                            inner.addAll(updates);
                        } else {
                            inner.add(new Stmt.If(noneOf(stop), new Stmt.Block(updates, pos), empty(), pos));
                        }
                    }
                }
            } finally {
                loops.pop();
            }
            Stmt.While w = new Stmt.While(renamedCond, new Stmt.Block(inner, body.pos()), pos);
            loopIds.put(w, loop.id);
            out.add(w);
            return out;
        }

        private Expr noneOf(List<String> flags) {
            Expr e = null;
            for (String f : flags) {
                Expr not = new Expr.Unary(Expr.UnOp.NOT, var(f), Type.Prim.BOOLEAN, Pos.NONE);
                e = e == null ? not : and(e, not);
            }
            return e;
        }

        private Expr.Var var(String flag) {
            return new Expr.Var(flag, Type.Prim.BOOLEAN, Pos.NONE);
        }

        private static Expr and(Expr a, Expr b) {
            return new Expr.Binary(Expr.BinOp.AND, a, b, Type.Prim.BOOLEAN, Pos.NONE);
        }
    }

    static Stmt.Block empty() {
        return new Stmt.Block(List.of(), Pos.NONE);
    }

    static Expr bool(boolean b) {
        return new Expr.Literal(Boolean.toString(b), Type.Prim.BOOLEAN, Pos.NONE);
    }

    private static boolean containsReturn(Stmt s) {
        return contains(s, Stmt.Return.class);
    }

    /** Whether {@code s} contains a statement of {@code kind}, loops included. */
    private static boolean contains(Stmt s, Class<? extends Stmt> kind) {
        if (kind.isInstance(s)) {
            return true;
        }
        boolean loopJump = kind == Stmt.Break.class || kind == Stmt.Continue.class;
        return switch (s) {
            case Stmt.Block b -> b.stmts().stream().anyMatch(x -> contains(x, kind));
            case Stmt.If i -> contains(i.then(), kind) || contains(i.otherwise(), kind);
            case Stmt.While w -> !loopJump && contains(w.body(), kind);
            case Stmt.DoWhile d -> !loopJump && contains(d.body(), kind);
            case Stmt.For f -> !loopJump && contains(f.body(), kind);
            default -> false;
        };
    }

    /** Whether a break or continue in {@code body} belongs to this loop (not a nested one). */
    private static boolean directly(Stmt body, Class<? extends Stmt> kind) {
        return contains(body, kind);
    }
}
