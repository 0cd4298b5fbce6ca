package dev.fluxion.processor.fuzz;

import dev.fluxion.processor.fuzz.Ast.*;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Tree maps over programs: bottom-up rewriting of every expression, and renaming. */
final class Rewrite {
    private Rewrite() {
    }

    /** The direct sub-expressions of {@code e}. */
    static List<Expr> children(Expr e) {
        return switch (e) {
            case Num n -> List.of();
            case Var v -> List.of();
            case IntVar v -> List.of();
            case ArrRead r -> List.of();
            case Bin b -> List.of(b.a(), b.b());
            case SafeDiv d -> List.of(d.a(), d.b());
            case Neg n -> List.of(n.a());
            case MathCall m -> m.args();
            case Ternary t -> List.of(t.a(), t.b());
            case Call c -> c.args();
            case TUnary u -> List.of(u.a());
            case TScalar s -> List.of(s.a());
            case TScaled s -> List.of(s.a(), s.s());
            case TBin b -> List.of(b.a(), b.b());
            case TReduce r -> List.of(r.a());
            case TMatmul m -> List.of(m.a(), m.b());
            case TLinear l -> List.of(l.a(), l.w());
        };
    }

    /** {@code e} with its direct sub-expressions replaced, in order, by {@code kids}. */
    static Expr withChildren(Expr e, List<Expr> kids) {
        return switch (e) {
            case Num n -> n;
            case Var v -> v;
            case IntVar v -> v;
            case ArrRead r -> r;
            case Bin b -> new Bin(b.op(), kids.get(0), kids.get(1));
            case SafeDiv d -> new SafeDiv(kids.get(0), kids.get(1));
            case Neg n -> new Neg(kids.get(0));
            case MathCall m -> new MathCall(m.fn(), kids);
            case Ternary t -> new Ternary(t.cond(), kids.get(0), kids.get(1));
            case Call c -> new Call(c.method(), kids);
            case TUnary u -> new TUnary(u.fn(), kids.get(0));
            case TScalar s -> new TScalar(s.op(), kids.get(0), s.c());
            case TScaled s -> new TScaled(s.op(), kids.get(0), kids.get(1));
            case TBin b -> new TBin(b.op(), kids.get(0), kids.get(1));
            case TReduce r -> new TReduce(r.op(), kids.get(0), r.dim(), r.keepDim());
            case TMatmul m -> new TMatmul(kids.get(0), kids.get(1));
            case TLinear l -> new TLinear(kids.get(0), kids.get(1));
        };
    }

    /** Applies {@code f} bottom-up to every expression (conditions' operands included). */
    static Expr map(Expr e, UnaryOperator<Expr> f) {
        List<Expr> kids = new ArrayList<>();
        for (Expr k : children(e)) {
            kids.add(map(k, f));
        }
        Expr rebuilt = withChildren(e, kids);
        if (rebuilt instanceof Ternary t) {
            rebuilt = new Ternary(map(t.cond(), f), t.a(), t.b());
        }
        return f.apply(rebuilt);
    }

    static Cond map(Cond c, UnaryOperator<Expr> f) {
        return switch (c) {
            case Cmp cmp -> new Cmp(map(cmp.a(), f), cmp.op(), map(cmp.b(), f));
            case IntCmp ic -> ic;
            case And and -> new And(map(and.a(), f), map(and.b(), f));
        };
    }

    static List<Stmt> map(List<Stmt> body, UnaryOperator<Expr> f) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : body) {
            out.add(switch (s) {
                case Decl d -> new Decl(d.name(), d.tensor(), map(d.init(), f));
                case Assign a -> new Assign(a.name(), a.op(), map(a.value(), f));
                case ArrDecl d -> d;
                case ArrWrite w -> new ArrWrite(w.array(), w.index(), w.op(), map(w.value(), f));
                case If i -> new If(map(i.cond(), f), map(i.then(), f), map(i.orElse(), f));
                case For l -> new For(l.counter(), l.bound(), map(l.body(), f));
                case While w -> new While(w.counter(), w.trips(), map(w.body(), f));
                case DoWhile w -> new DoWhile(w.counter(), w.trips(), map(w.body(), f));
                case DataWhile w -> new DataWhile(w.counter(), map(w.cond(), f), w.cap(), map(w.body(), f));
                case Break b -> b;
                case Continue c -> c;
                case Return r -> new Return(map(r.value(), f));
            });
        }
        return out;
    }

    /** The program with its method called {@code name} and its helpers {@code name + "h" ...}. */
    static Program rename(Program p, String name) {
        String old = p.main().name();
        UnaryOperator<Expr> f = e -> e instanceof Call c && c.method().startsWith(old)
                ? new Call(name + c.method().substring(old.length()), c.args()) : e;
        Method main = new Method(name, p.main().params(), p.main().returnsTensor(), map(p.main().body(), f));
        List<Method> helpers = new ArrayList<>();
        for (Method h : p.helpers()) {
            helpers.add(new Method(name + h.name().substring(old.length()), h.params(), h.returnsTensor(),
                    map(h.body(), f)));
        }
        return new Program(main, helpers, p.arrayLength(), p.seed());
    }

    /**
     * The shrinker's measure of size: statements (an assignment counts more than a declaration) and
     * expression nodes (a constant counts less than anything else), so every simplification shrinks it.
     */
    static int size(Program p) {
        int[] n = {0};
        UnaryOperator<Expr> count = e -> {
            n[0] += e instanceof Num ? 1 : 2; // a constant is simpler than a variable
            return e;
        };
        for (Method m : p.helpers()) {
            n[0] += statements(m.body());
            map(m.body(), count);
        }
        n[0] += statements(p.main().body());
        map(p.main().body(), count);
        return n[0];
    }

    private static int statements(List<Stmt> body) {
        int n = 0;
        for (Stmt s : body) {
            n += 1 + (s instanceof Assign || s instanceof ArrWrite ? 1 : 0) + switch (s) {
                case If i -> statements(i.then()) + statements(i.orElse());
                case For l -> statements(l.body());
                case While w -> statements(w.body());
                case DoWhile w -> statements(w.body());
                case DataWhile w -> statements(w.body());
                default -> 0;
            };
        }
        return n;
    }
}
