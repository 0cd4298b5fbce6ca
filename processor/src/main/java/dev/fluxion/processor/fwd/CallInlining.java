package dev.fluxion.processor.fwd;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.model.TangentMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tangent program with its calls written out, for second order ({@link Directional}): the reverse
 * engine differentiates the statements of a tangent program, but not a call of another method's
 * generated {@code gJvp}. Each call {@code r = GGrad.gJvp(args, tangents)} (then {@code r.value()},
 * {@code r.tangent()}) of a method whose forward mode is known becomes that forward mode's own
 * statements, its names made fresh, its parameters locals holding the arguments (a static method
 * of the caller's package, whose statements may call helpers only that package sees, taking no
 * array): the callee's
 * tangent program inlined into the caller's, so that {@code fDirectional} is one program of known
 * operations, and its gradient, {@code fHvp}, is forward-over-reverse through the call.
 * <p>
 * A {@code @Derivative} primal's forward mode calls the primal and its forward rule as plain static
 * methods; the processor gives this class a form of it that calls them as methods the reverse engine
 * derives ({@code CustomRules.secondOrderForm}), so that second order goes through the rule too.
 * Any call left as it was leaves the caller without an {@code fHvp} ({@link Directional}).
 */
public final class CallInlining {
    private CallInlining() {}

    /** Tests only: rewrites each inlined callee's tangent, to plant a wrong one (see {@link #plantForTesting}). */
    private static volatile java.util.function.UnaryOperator<Expr> planted;

    /**
     * Tests only: each inlined callee's tangent goes through {@code wrong} until the returned handle is
     * closed, so that a test can check that the compile-time verification of {@code fHvp} sees it.
     */
    public static AutoCloseable plantForTesting(java.util.function.UnaryOperator<Expr> wrong) {
        planted = wrong;
        return () -> planted = null;
    }

    /**
     * {@code t} with every call of a method in {@code tangents} (the forward modes of the round's
     * methods and {@code @Derivative} primals, by {@link Callee.UserMethod#key()}) inlined,
     * recursively; {@code t} itself where it has none.
     */
    public static TangentMethod inline(TangentMethod t, Map<String, TangentMethod> tangents) {
        Map<String, TangentMethod> byJvp = new HashMap<>();
        tangents.values().forEach(c -> byJvp.put(jvpKey(c), c));
        return inline(t, byJvp, 0, Set.of(t.method().self().key()));
    }

    /** {@code OwnerGrad#gJvp}: how a caller's tangent program calls {@code c}. */
    private static String jvpKey(TangentMethod c) {
        return ForwardMode.gradClass(c.method().self()) + "#" + Names.jvpMethod(c.method().name());
    }

    /** @param active the methods being inlined on the way here (a recursive call stays a call) */
    private static TangentMethod inline(TangentMethod t, Map<String, TangentMethod> byJvp, int depth,
                                        Set<String> active) {
        if (depth > 32) {
            return t; // a call chain this deep is left as calls (no fHvp), never a stack overflow
        }
        Set<String> taken = new HashSet<>();
        t.method().params().forEach(p -> taken.add(p.name()));
        t.tangents().forEach(p -> taken.add(p.name()));
        names(t.body(), taken);
        taken.addAll(Exprs.vars(t.value()));
        taken.addAll(Exprs.vars(t.tangent()));
        Inliner in = new Inliner(byJvp, new Names.Scope(taken), t.method().packageName(), depth, active);
        List<Stmt> body = in.block(t.body());
        if (!in.changed) {
            return t;
        }
        body = body.stream().filter(s -> !(s instanceof Stmt.Let l && in.records.contains(l.name()))).toList();
        return new TangentMethod(t.method(), body, in.results(t.value()), in.results(t.tangent()), t.tangents(),
                t.tangentOf());
    }

    /** Every name {@code stmts} declare, assign or read. */
    private static void names(List<Stmt> stmts, Set<String> into) {
        for (Stmt s : stmts) {
            into.addAll(Exprs.vars(s));
            switch (s) {
                case Stmt.Let l -> into.add(l.name());
                case Stmt.Block b -> names(b.stmts(), into);
                case Stmt.If i -> {
                    names(i.then().stmts(), into);
                    names(i.otherwise().stmts(), into);
                }
                case Stmt.While w -> names(w.body().stmts(), into);
                case Stmt.DoWhile d -> names(d.body().stmts(), into);
                case Stmt.For f -> {
                    names(f.init(), into);
                    names(f.update(), into);
                    names(f.body().stmts(), into);
                }
                default -> { }
            }
        }
    }

    /** One pass over a tangent program's statements. */
    private static final class Inliner {
        private final Map<String, TangentMethod> byJvp;
        private final Names.Scope scope;
        /** The caller's package: a callee's statements may call its package-private helpers. */
        private final String packageName;
        private final int depth;
        private final Set<String> active;
        /** Each inlined call's record local, and the callee's value and tangent it stood for. */
        private final Map<String, Expr[]> results = new HashMap<>();
        private final Set<String> records = new HashSet<>();
        private boolean changed;

        Inliner(Map<String, TangentMethod> byJvp, Names.Scope scope, String packageName, int depth, Set<String> active) {
            this.byJvp = byJvp;
            this.scope = scope;
            this.packageName = packageName;
            this.depth = depth;
            this.active = active;
        }

        List<Stmt> block(List<Stmt> stmts) {
            List<Stmt> out = new ArrayList<>();
            for (Stmt s : stmts) {
                switch (s) {
                    case Stmt.Assign a when a.value() instanceof Expr.Call c && c.callee() instanceof Callee.Static st
                            && byJvp.containsKey(st.ownerQualifiedName() + "#" + st.name()) ->
                            inlineOr(s, a.name(), c, byJvp.get(st.ownerQualifiedName() + "#" + st.name()), out);
                    case Stmt.Let l when l.init() instanceof Expr.Call c && c.callee() instanceof Callee.Static st
                            && byJvp.containsKey(st.ownerQualifiedName() + "#" + st.name()) ->
                            inlineOr(s, l.name(), c, byJvp.get(st.ownerQualifiedName() + "#" + st.name()), out);
                    case Stmt.Let l when l.init() != null -> out.add(new Stmt.Let(l.name(), l.type(), results(l.init()),
                            l.pos()));
                    case Stmt.Assign a -> out.add(new Stmt.Assign(a.name(), results(a.value()), a.pos()));
                    case Stmt.ArrayStore a -> out.add(new Stmt.ArrayStore(a.array(), results(a.index()),
                            results(a.value()), a.pos()));
                    case Stmt.If i -> out.add(new Stmt.If(results(i.condition()),
                            new Stmt.Block(block(i.then().stmts()), i.then().pos()),
                            new Stmt.Block(block(i.otherwise().stmts()), i.otherwise().pos()), i.pos()));
                    case Stmt.While w -> out.add(new Stmt.While(results(w.condition()),
                            new Stmt.Block(block(w.body().stmts()), w.body().pos()), w.pos()));
                    default -> out.add(s);
                }
            }
            return out;
        }

        /**
         * {@code call}, {@code record = GGrad.gJvp(args, tangents)}: the callee's parameters as fresh locals holding
         * the arguments, then its statements, renamed; {@code record.value()} and
         * {@code record.tangent()} read its value and tangent from then on.
         */
        private void inlineOr(Stmt call, String record, Expr.Call c, TangentMethod callee, List<Stmt> out) {
            List<Param> params = new ArrayList<>(callee.method().params());
            params.addAll(callee.tangents());
            String key = callee.method().self().key();
            if (!callee.method().self().isStatic() || params.size() != c.args().size()
                    || !callee.method().packageName().equals(packageName) || active.contains(key)
                    || params.stream().anyMatch(p -> p.type() instanceof dev.fluxion.processor.ir.Type.ArrayOf)) {
                // A Module method's forward mode (the model first), one of another package (its
                // statements may call helpers only its package sees), one taking an array (a local
                // holding the caller's array is an alias the reverse engine does not follow), or a
                // recursive call (inlining would not end: a method with two recursive calls would
                // double at each level) stays a call: no fHvp. Checked before inlining the callee's
                // own calls, which would be wasted.
                out.add(call);
                return;
            }
            Set<String> chain = new HashSet<>(active);
            chain.add(key);
            TangentMethod inner = inline(callee, byJvp, depth + 1, chain);
            Set<String> own = new HashSet<>();
            params.forEach(p -> own.add(p.name()));
            names(inner.body(), own);
            own.addAll(Exprs.vars(inner.value()));
            own.addAll(Exprs.vars(inner.tangent()));
            Map<String, String> fresh = new HashMap<>();
            for (String n : own) {
                fresh.put(n, scope.fresh(inner.method().name() + "_" + n));
            }
            for (int i = 0; i < params.size(); i++) {
                Param p = params.get(i);
                out.add(new Stmt.Let(fresh.get(p.name()), p.type(), results(c.args().get(i)), c.pos()));
            }
            for (Stmt s : inner.body()) {
                out.add(Exprs.rename(s, fresh));
            }
            Expr tangent = Exprs.rename(inner.tangent(), fresh);
            java.util.function.UnaryOperator<Expr> wrong = planted;
            results.put(record, new Expr[] {Exprs.rename(inner.value(), fresh), wrong == null ? tangent : wrong.apply(tangent)});
            records.add(record);
            changed = true;
        }

        /**
         * {@code e} with {@code record.value()} and {@code record.tangent()} of an inlined call
         * replaced by the callee's value and tangent.
         */
        Expr results(Expr e) {
            return Exprs.map(e, x -> {
                if (x instanceof Expr.Call c && c.callee() instanceof Callee.Instance i && c.args().size() == 1
                        && c.args().getFirst() instanceof Expr.Var r && results.containsKey(r.name())) {
                    if (i.name().equals(Names.VALUE)) {
                        return results.get(r.name())[0];
                    }
                    if (i.name().equals(Names.TANGENT)) {
                        return results.get(r.name())[1];
                    }
                }
                return x;
            });
        }
    }
}
