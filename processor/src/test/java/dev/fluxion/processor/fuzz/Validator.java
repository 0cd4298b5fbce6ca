package dev.fluxion.processor.fuzz;

import dev.fluxion.processor.fuzz.Ast.*;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a program is one the generator could have made: plain Java that compiles (names in
 * scope, no unreachable statement, a return at the end), with tensor shapes that fit. The shrinker
 * keeps only candidates that pass, so a shrunk program fails for the same reason as the original,
 * never because it stopped being valid.
 */
final class Validator {
    /** A local's type: 'd' double, 'i' int counter, 'a' double[], 't' Tensor of {@code shape}. */
    record Ty(char kind, List<Integer> shape) {
        static final Ty DOUBLE = new Ty('d', List.of());
        static final Ty INT = new Ty('i', List.of());
        static final Ty ARRAY = new Ty('a', List.of());

        static Ty tensor(List<Integer> shape) {
            return new Ty('t', List.copyOf(shape));
        }
    }

    private static final class Invalid extends RuntimeException {
        Invalid(String why) {
            super(why, null, false, false);
        }
    }

    private final Map<String, Method> helpers = new HashMap<>();
    private final int arrayLength;

    private Validator(Program p) {
        for (Method h : p.helpers()) {
            helpers.put(h.name(), h);
        }
        this.arrayLength = p.arrayLength();
    }

    /** Null when valid, else why not. */
    static String check(Program p) {
        Validator v = new Validator(p);
        try {
            for (Method h : p.helpers()) {
                v.method(h);
            }
            v.method(p.main());
            return null;
        } catch (Invalid e) {
            return e.getMessage();
        }
    }

    static Map<String, Ty> paramScope(Method m) {
        Map<String, Ty> scope = new HashMap<>();
        for (Param p : m.params()) {
            scope.put(p.name(), switch (p.kind()) {
                case DOUBLE, NOGRAD_DOUBLE -> Ty.DOUBLE;
                case ARRAY -> Ty.ARRAY;
                case TENSOR, NOGRAD_TENSOR -> Ty.tensor(p.shape());
            });
        }
        return scope;
    }

    private void method(Method m) {
        List<Stmt> body = m.body();
        if (body.isEmpty() || !(body.get(body.size() - 1) instanceof Return)) {
            throw new Invalid("no return at the end");
        }
        block(body, paramScope(m), false, m);
    }

    private void block(List<Stmt> stmts, Map<String, Ty> outer, boolean inLoop, Method m) {
        Map<String, Ty> scope = new HashMap<>(outer);
        for (int i = 0; i < stmts.size(); i++) {
            Stmt s = stmts.get(i);
            boolean last = i == stmts.size() - 1;
            stmt(s, scope, inLoop, m, last);
        }
    }

    private void declare(Map<String, Ty> scope, String name, Ty ty) {
        if (scope.containsKey(name)) {
            throw new Invalid("declared twice: " + name);
        }
        scope.put(name, ty);
    }

    private void stmt(Stmt s, Map<String, Ty> scope, boolean inLoop, Method m, boolean last) {
        switch (s) {
            case Decl d -> {
                Ty t = type(d.init(), scope);
                if ((t.kind() == 't') != d.tensor() || t.kind() == 'a') {
                    throw new Invalid("declaration type");
                }
                declare(scope, d.name(), t.kind() == 'i' ? Ty.DOUBLE : t);
            }
            case Assign a -> {
                Ty target = scope.get(a.name());
                if (target == null || (target.kind() != 'd' && target.kind() != 't')) {
                    throw new Invalid("assignment to " + a.name());
                }
                if (isParam(m, a.name())) {
                    throw new Invalid("assignment to a parameter");
                }
                Ty t = type(a.value(), scope);
                if (target.kind() == 't' && (!a.op().equals("=") || !t.equals(target))) {
                    throw new Invalid("tensor assignment");
                }
                if (target.kind() == 'd' && t.kind() != 'd' && t.kind() != 'i') {
                    throw new Invalid("double assignment");
                }
            }
            case ArrDecl d -> {
                if (d.length() <= 0) {
                    throw new Invalid("array length");
                }
                declare(scope, d.name(), Ty.ARRAY);
            }
            case ArrWrite w -> {
                Ty target = scope.get(w.array());
                if (target == null || target.kind() != 'a' || isParam(m, w.array())) {
                    throw new Invalid("element write into " + w.array());
                }
                Ty index = w.index().matches("\\d+") ? Ty.INT : scope.get(w.index());
                if (index == null || index.kind() != 'i') {
                    throw new Invalid("element index " + w.index());
                }
                Ty t = type(w.value(), scope);
                if (t.kind() != 'd' && t.kind() != 'i') {
                    throw new Invalid("element value");
                }
            }
            case If i -> {
                cond(i.cond(), scope);
                block(i.then(), scope, inLoop, m);
                block(i.orElse(), scope, inLoop, m);
                if (endsInJump(i.then()) && endsInJump(i.orElse()) && !last) {
                    throw new Invalid("both branches jump: what follows is unreachable");
                }
            }
            case For f -> {
                if (!f.bound().matches("\\d+") && !(scope.containsKey(f.bound().replace(".length", ""))
                        && scope.get(f.bound().replace(".length", "")).kind() == 'a')) {
                    throw new Invalid("bound");
                }
                Map<String, Ty> inner = new HashMap<>(scope);
                declare(inner, f.counter(), Ty.INT);
                block(f.body(), inner, true, m);
            }
            case While w -> loop(w.counter(), null, w.body(), scope, m);
            case DoWhile w -> loop(w.counter(), null, w.body(), scope, m);
            case DataWhile w -> loop(w.counter(), w.cond(), w.body(), scope, m);
            case Break b -> jump(inLoop, last);
            case Continue c -> jump(inLoop, last);
            case Return r -> {
                if (!last) {
                    throw new Invalid("return not last");
                }
                Ty t = type(r.value(), scope);
                if (m.returnsTensor() ? !t.equals(Ty.tensor(List.of())) : t.kind() != 'd' && t.kind() != 'i') {
                    throw new Invalid("return type");
                }
            }
        }
    }

    private void loop(String counter, Cond cond, List<Stmt> body, Map<String, Ty> scope, Method m) {
        declare(scope, counter, Ty.INT);
        if (cond != null) {
            cond(cond, scope);
        }
        block(body, scope, true, m);
    }

    private static void jump(boolean inLoop, boolean last) {
        if (!inLoop || !last) {
            throw new Invalid("jump outside a loop or not last");
        }
    }

    private static boolean endsInJump(List<Stmt> stmts) {
        if (stmts.isEmpty()) {
            return false;
        }
        Stmt s = stmts.get(stmts.size() - 1);
        return s instanceof Break || s instanceof Continue || s instanceof Return
                || s instanceof If i && endsInJump(i.then()) && endsInJump(i.orElse());
    }

    private static boolean isParam(Method m, String name) {
        return m.params().stream().anyMatch(p -> p.name().equals(name));
    }

    private void cond(Cond c, Map<String, Ty> scope) {
        switch (c) {
            case Cmp cmp -> {
                scalar(cmp.a(), scope);
                scalar(cmp.b(), scope);
            }
            case IntCmp ic -> {
                for (String counter : ic.counters()) {
                    Ty t = scope.get(counter);
                    if (t == null || t.kind() != 'i') {
                        throw new Invalid("counter " + counter);
                    }
                }
            }
            case And and -> {
                cond(and.a(), scope);
                cond(and.b(), scope);
            }
        }
    }

    private void scalar(Expr e, Map<String, Ty> scope) {
        Ty t = type(e, scope);
        if (t.kind() != 'd' && t.kind() != 'i') {
            throw new Invalid("not a scalar");
        }
    }

    Ty type(Expr e, Map<String, Ty> scope) {
        return switch (e) {
            case Num n -> Ty.DOUBLE;
            case Var v -> {
                Ty t = scope.get(v.name());
                if (t == null || t.kind() == 'i' || t.kind() == 'a') {
                    throw new Invalid("unknown " + v.name());
                }
                yield t;
            }
            case IntVar v -> {
                Ty t = scope.get(v.name());
                if (t == null || t.kind() != 'i') {
                    throw new Invalid("unknown counter " + v.name());
                }
                yield Ty.DOUBLE;
            }
            case ArrRead r -> {
                Ty a = scope.get(r.array());
                if (a == null || a.kind() != 'a') {
                    throw new Invalid("unknown array");
                }
                if (r.index().matches("\\d+")) {
                    if (Integer.parseInt(r.index()) >= arrayLength) {
                        throw new Invalid("index");
                    }
                } else if (scope.get(r.index()) == null || scope.get(r.index()).kind() != 'i') {
                    throw new Invalid("unknown index");
                }
                yield Ty.DOUBLE;
            }
            case Bin b -> {
                scalar(b.a(), scope);
                scalar(b.b(), scope);
                yield Ty.DOUBLE;
            }
            case SafeDiv d -> {
                scalar(d.a(), scope);
                scalar(d.b(), scope);
                yield Ty.DOUBLE;
            }
            case Neg n -> {
                scalar(n.a(), scope);
                yield Ty.DOUBLE;
            }
            case MathCall mc -> {
                for (Expr a : mc.args()) {
                    scalar(a, scope);
                }
                if (!inDomain(mc)) {
                    throw new Invalid("argument of " + mc.fn() + " not guarded");
                }
                yield Ty.DOUBLE;
            }
            case Ternary t -> {
                cond(t.cond(), scope);
                Ty a = type(t.a(), scope);
                Ty b = type(t.b(), scope);
                if (a.kind() == 't' || b.kind() == 't') {
                    throw new Invalid("tensor ternary");
                }
                yield Ty.DOUBLE;
            }
            case Call c -> {
                Method h = helpers.get(c.method().split(java.util.regex.Pattern.quote(ScalarGenerator.NESTED))[0]);
                if (h == null || h.params().size() != c.args().size()) {
                    throw new Invalid("call");
                }
                for (Expr a : c.args()) {
                    scalar(a, scope);
                }
                yield Ty.DOUBLE;
            }
            case TUnary u -> tensor(u.a(), scope);
            case TScalar s -> tensor(s.a(), scope);
            case TScaled s -> {
                scalar(s.s(), scope);
                yield tensor(s.a(), scope);
            }
            case TBin b -> {
                Ty a = tensor(b.a(), scope);
                Ty c = tensor(b.b(), scope);
                List<Integer> shape = Shapes.broadcast(a.shape(), c.shape());
                if (shape == null) {
                    throw new Invalid("broadcast");
                }
                yield Ty.tensor(shape);
            }
            case TReduce r -> {
                Ty a = tensor(r.a(), scope);
                if (r.dim() >= a.shape().size()) {
                    throw new Invalid("reduce dim");
                }
                yield Ty.tensor(Shapes.reduce(a.shape(), r.dim(), r.keepDim()));
            }
            case TMatmul mm -> {
                List<Integer> shape = Shapes.matmul(tensor(mm.a(), scope).shape(), tensor(mm.b(), scope).shape());
                if (shape == null) {
                    throw new Invalid("matmul shapes");
                }
                yield Ty.tensor(shape);
            }
            case TLinear l -> {
                List<Integer> a = tensor(l.a(), scope).shape(), w = tensor(l.w(), scope).shape();
                List<Integer> shape = Shapes.matmul(a, w);
                if (shape == null || a.size() != 2 || w.size() != 2) {
                    throw new Invalid("linear shapes");
                }
                yield Ty.tensor(shape);
            }
        };
    }

    /**
     * Whether the arguments keep the generator's guards: exp of a bounded value, log, sqrt and a
     * fractional pow of a value at least 1 (so that a shrunk program cannot fail by leaving the domain).
     */
    private static boolean inDomain(MathCall mc) {
        Expr a = mc.args().get(0);
        return switch (mc.fn()) {
            case "exp" -> a instanceof Num || a instanceof MathCall m && List.of("sin", "cos", "tanh", "atan").contains(m.fn());
            case "log", "sqrt" -> positive(a);
            case "pow" -> positive(a) || mc.args().get(1) instanceof Num n && (n.value() == 2.0 || n.value() == 3.0);
            default -> true;
        };
    }

    private static boolean positive(Expr a) {
        return a instanceof Num n && n.value() > 0
                || a instanceof Bin b && b.op() == '+' && b.a() instanceof Num one && one.value() == 1.0
                        && b.b() instanceof Bin sq && sq.op() == '*' && sq.a().equals(sq.b())
                || a instanceof MathCall m && m.fn().equals("hypot") && m.args().get(1) instanceof Num n && n.value() != 0
                || a instanceof MathCall m && m.fn().equals("exp");
    }

    private Ty tensor(Expr e, Map<String, Ty> scope) {
        Ty t = type(e, scope);
        if (t.kind() != 't') {
            throw new Invalid("not a tensor");
        }
        return t;
    }

    /** Shape arithmetic, as the runtime does it. */
    static final class Shapes {
        private Shapes() {
        }

        static List<Integer> broadcast(List<Integer> a, List<Integer> b) {
            int n = Math.max(a.size(), b.size());
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int da = i < n - a.size() ? 1 : a.get(i - (n - a.size()));
                int db = i < n - b.size() ? 1 : b.get(i - (n - b.size()));
                if (da != db && da != 1 && db != 1) {
                    return null;
                }
                out.add(Math.max(da, db));
            }
            return out;
        }

        static List<Integer> reduce(List<Integer> a, int dim, boolean keepDim) {
            if (dim < 0) {
                return List.of();
            }
            List<Integer> out = new ArrayList<>(a);
            if (keepDim) {
                out.set(dim, 1);
            } else {
                out.remove(dim);
            }
            return out;
        }

        static List<Integer> matmul(List<Integer> a, List<Integer> b) {
            if (a.size() == 2 && b.size() == 2 && a.get(1).equals(b.get(0))) {
                return List.of(a.get(0), b.get(1));
            }
            if (a.size() == 2 && b.size() == 1 && a.get(1).equals(b.get(0))) {
                return List.of(a.get(0));
            }
            return null;
        }
    }
}
