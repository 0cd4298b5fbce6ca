package dev.fluxion.processor.fuzz;

import dev.fluxion.processor.fuzz.Ast.*;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random scalar {@code @Differentiable} methods: double, {@code @NoGrad double} and {@code double[]}
 * parameters; loops, branches, jumps, reassignment, compound assignment, {@code Math} calls, array
 * reads and calls to a helper method. Every loop is bounded (a counter with a constant or
 * {@code x.length} bound, or a data-dependent condition with an iteration cap); every argument of
 * exp is bounded, of log and sqrt at least 1 by construction, every divisor {@code 1 + v * v}.
 * The same seed gives the same program.
 */
final class ScalarGenerator {
    private static final double[] CONSTANTS = {0.5, 1.5, 2.0, 3.0, 0.25, -1.0, 0.75, -0.5};

    private final Set<Feature> features;
    private final Random rnd;
    private final String methodName;
    private int names;
    private int arrayLength;
    /** In a {@link Call}'s method: {@code h#u} is {@code CGrad.hGrad(a, b).u()} (nested differentiation). */
    static final String NESTED = "#";

    private Method helper;
    private int loops;

    /** Where a statement is: how deep in loops, and whether inside an if (counted inside the innermost loop). */
    private record Ctx(int loopDepth, int ifDepth, boolean inHelper) {
        Ctx inLoop() {
            return new Ctx(loopDepth + 1, 0, inHelper);
        }

        Ctx inIf() {
            return new Ctx(loopDepth, ifDepth + 1, inHelper);
        }
    }

    /** What is visible at a point: readable doubles, assignable locals, int counters, arrays. */
    private static final class Scope {
        final List<String> doubles = new ArrayList<>();
        final List<String> locals = new ArrayList<>();
        final List<String> counters = new ArrayList<>();
        final List<String> arrays = new ArrayList<>();
        /** The local arrays, written element by element ({@link Feature#LOCAL_ARRAYS}). */
        final List<String> localArrays = new ArrayList<>();

        Scope copy() {
            Scope s = new Scope();
            s.localArrays.addAll(localArrays);
            s.doubles.addAll(doubles);
            s.locals.addAll(locals);
            s.counters.addAll(counters);
            s.arrays.addAll(arrays);
            return s;
        }
    }

    private ScalarGenerator(Set<Feature> features, long seed, String methodName) {
        this.features = features;
        this.rnd = Seeds.random(seed);
        this.methodName = methodName;
    }

    /** One program: method {@code methodName}, maybe a helper {@code methodName + "h"}. */
    static Program generate(Set<Feature> features, long seed, String methodName) {
        return new ScalarGenerator(features, seed, methodName).program(seed);
    }

    private boolean on(Feature f) {
        return features.contains(f);
    }

    private <T> T pick(List<T> xs) {
        return xs.get(rnd.nextInt(xs.size()));
    }

    private String fresh(String prefix) {
        return prefix + (++names);
    }

    private Program program(long seed) {
        arrayLength = 4 + rnd.nextInt(2);
        List<Method> helpers = new ArrayList<>();
        if (on(Feature.CALLS) && rnd.nextDouble() < 0.4) {
            helper = helperMethod();
            helpers.add(helper);
        }
        List<Param> params = new ArrayList<>();
        int doubles = 1 + rnd.nextInt(3);
        String[] dn = {"a", "b", "c"};
        for (int i = 0; i < doubles; i++) {
            params.add(new Param(dn[i], Kind.DOUBLE, List.of()));
        }
        if (on(Feature.NOGRAD) && rnd.nextDouble() < 0.5) {
            params.add(new Param("p", Kind.NOGRAD_DOUBLE, List.of()));
        }
        if (on(Feature.ARRAYS) && rnd.nextDouble() < 0.5) {
            params.add(new Param("x", Kind.ARRAY, List.of()));
            if (rnd.nextDouble() < 0.3) {
                params.add(new Param("y", Kind.ARRAY, List.of()));
            }
        }
        Scope scope = new Scope();
        for (Param p : params) {
            (p.kind() == Kind.ARRAY ? scope.arrays : scope.doubles).add(p.name());
        }
        Ctx ctx = new Ctx(0, 0, false);
        List<Stmt> body = new ArrayList<>();
        String s = fresh("s");
        body.add(new Decl(s, false, expr(scope, 2, ctx)));
        scope.doubles.add(s);
        scope.locals.add(s);
        if (on(Feature.LOCAL_ARRAYS) && rnd.nextDouble() < 0.6) {
            String w = fresh("w");
            body.add(new ArrDecl(w, arrayLength));
            scope.arrays.add(w);
            scope.localArrays.add(w);
        }
        body.addAll(statements(scope, 2 + rnd.nextInt(5), ctx));
        if (!on(Feature.FUSED_LOOP_WITH_BRANCHES)) {
            body = branchFirst(body);
        }
        body.add(new Return(finalExpr(scope, ctx)));
        return new Program(new Method(methodName, params, false, body), helpers, arrayLength, seed);
    }

    /**
     * Each loop (at any depth) that holds a branch or a loop gets an empty {@code if} as its first
     * statement. One-pass fGrad's fusion analysis casts every statement of such a loop to an
     * assignment when an accumulation precedes the first branch, and crashes (issue 10 #6); a
     * branch first makes it give up before.
     */
    private static List<Stmt> branchFirst(List<Stmt> body) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : body) {
            out.add(switch (s) {
                case For f -> new For(f.counter(), f.bound(), guard(f.counter(), branchFirst(f.body())));
                case While w -> new While(w.counter(), w.trips(), guard(w.counter(), branchFirst(w.body())));
                case DoWhile w -> new DoWhile(w.counter(), w.trips(), guard(w.counter(), branchFirst(w.body())));
                case DataWhile w -> new DataWhile(w.counter(), w.cond(), w.cap(), guard(w.counter(), branchFirst(w.body())));
                case If i -> new If(i.cond(), branchFirst(i.then()), branchFirst(i.orElse()));
                default -> s;
            });
        }
        return out;
    }

    private static boolean structured(List<Stmt> loopBody) {
        return loopBody.stream().anyMatch(s -> !(s instanceof Decl) && !(s instanceof Assign));
    }

    private static List<Stmt> guard(String counter, List<Stmt> loopBody) {
        if (!structured(loopBody)) {
            return loopBody;
        }
        List<Stmt> out = new ArrayList<>();
        out.add(new If(new IntCmp(counter + " < 0", List.of(counter)), List.of(), List.of()));
        out.addAll(loopBody);
        return out;
    }

    private Method helperMethod() {
        Scope scope = new Scope();
        scope.doubles.add("u");
        scope.doubles.add("w");
        Ctx ctx = new Ctx(0, 0, true);
        List<Stmt> body = new ArrayList<>();
        String h = fresh("h");
        body.add(new Decl(h, false, expr(scope, 2, ctx)));
        scope.doubles.add(h);
        scope.locals.add(h);
        body.addAll(statements(scope, rnd.nextInt(3), ctx));
        body.add(new Return(finalExpr(scope, ctx)));
        return new Method(methodName + "h",
                List.of(new Param("u", Kind.DOUBLE, List.of()), new Param("w", Kind.DOUBLE, List.of())), false, body);
    }

    private Expr finalExpr(Scope scope, Ctx ctx) {
        Expr e = new Var(pick(scope.locals));
        return rnd.nextDouble() < 0.5 ? e : new Bin(rnd.nextBoolean() ? '+' : '*', e, expr(scope, 1, ctx));
    }

    private List<Stmt> statements(Scope scope, int n, Ctx ctx) {
        List<Stmt> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            out.add(statement(scope, ctx));
        }
        return out;
    }

    private boolean ifAllowed(Ctx ctx) {
        if (ctx.loopDepth() == 0) {
            return ctx.ifDepth() == 0 ? on(Feature.IF) : on(Feature.NESTED_IF);
        }
        return ctx.ifDepth() == 0 ? on(Feature.IF_IN_LOOP) : on(Feature.NESTED_IF_IN_LOOP);
    }

    private List<Feature> loopKinds(Ctx ctx) {
        List<Feature> kinds = new ArrayList<>();
        if (ctx.inHelper() || loops >= (on(Feature.SEVERAL_LOOPS) ? 3 : 1) || ctx.loopDepth() >= 2
                || ctx.loopDepth() == 1 && !on(Feature.NESTED_LOOPS)) {
            return kinds;
        }
        for (Feature f : List.of(Feature.FOR, Feature.WHILE, Feature.DO_WHILE, Feature.DATA_WHILE)) {
            if (on(f)) {
                kinds.add(f);
            }
        }
        return kinds;
    }

    private Stmt statement(Scope scope, Ctx ctx) {
        if (on(Feature.LOCAL_ARRAYS) && !scope.localArrays.isEmpty() && rnd.nextDouble() < 0.3) {
            return arrayWrite(scope, ctx);
        }
        double r = rnd.nextDouble();
        if (r < 0.2 && ifAllowed(ctx)) {
            return ifStatement(scope, ctx);
        }
        List<Feature> loopKinds = loopKinds(ctx);
        if (r < 0.4 && !loopKinds.isEmpty()) {
            return loop(pick(loopKinds), scope, ctx);
        }
        if (r < 0.7 && (on(Feature.REASSIGN) || on(Feature.COMPOUND))
                && (ctx.loopDepth() > 0 || ctx.inHelper() || on(Feature.ASSIGN_OUTSIDE_LOOPS))) {
            return assignment(scope, ctx);
        }
        String v = fresh("v");
        Decl d = new Decl(v, false, expr(scope, 2, ctx));
        scope.doubles.add(v);
        scope.locals.add(v);
        return d;
    }

    private Stmt assignment(Scope scope, Ctx ctx) {
        String target = pick(scope.locals);
        String op;
        if (on(Feature.COMPOUND) && (!on(Feature.REASSIGN) || rnd.nextDouble() < 0.6)) {
            op = pick(List.of("+=", "+=", "-=", "*="));
        } else {
            op = "=";
        }
        Expr value = expr(scope, 2, ctx);
        if (op.equals("*=")) {
            value = bounded(value); // keeps a product over many trips finite
        }
        return new Assign(target, op, value);
    }

    /** {@code w[i] op value}: an element of a local array, at a counter or a constant index. */
    private Stmt arrayWrite(Scope scope, Ctx ctx) {
        String index = !scope.counters.isEmpty() && rnd.nextDouble() < 0.7
                ? pick(scope.counters) : Integer.toString(rnd.nextInt(arrayLength));
        String op = pick(List.of("=", "=", "+=", "-=", "*="));
        Expr value = expr(scope, 2, ctx);
        if (op.equals("*=")) {
            value = bounded(value); // keeps a product over many trips finite
        }
        return new ArrWrite(pick(scope.localArrays), index, op, value);
    }

    private Stmt ifStatement(Scope scope, Ctx ctx) {
        Cond c = cond(scope, ctx);
        Ctx inner = ctx.inIf();
        List<Stmt> then = statements(scope.copy(), 1 + rnd.nextInt(2), inner);
        List<Stmt> orElse = rnd.nextDouble() < 0.5 ? statements(scope.copy(), 1 + rnd.nextInt(2), inner) : List.of();
        List<Stmt> jumps = new ArrayList<>();
        if (ctx.loopDepth() > 0) {
            if (on(Feature.BREAK)) {
                jumps.add(new Break());
            }
            if (on(Feature.CONTINUE)) {
                jumps.add(new Continue());
            }
            if (on(Feature.RETURN_IN_LOOP) && !ctx.inHelper()) {
                jumps.add(new Return(finalExpr(scope, ctx)));
            }
        } else if (on(Feature.EARLY_RETURN)) {
            jumps.add(new Return(finalExpr(scope, ctx)));
        }
        if (!jumps.isEmpty() && rnd.nextDouble() < 0.4) {
            then = new ArrayList<>(then);
            then.add(pick(jumps));
        }
        return new If(c, then, orElse);
    }

    private Stmt loop(Feature kind, Scope scope, Ctx ctx) {
        loops++;
        Scope inner = scope.copy();
        String counter = fresh(kind == Feature.FOR ? "i" : "k");
        inner.counters.add(counter);
        Ctx in = ctx.inLoop();
        List<Stmt> body = new ArrayList<>();
        body.add(assignment(inner, in)); // every loop changes something outside it
        body.addAll(statements(inner, rnd.nextInt(3), in));
        if (kind == Feature.FOR) {
            String bound = !scope.arrays.isEmpty() && rnd.nextBoolean()
                    ? pick(scope.arrays) + ".length" : Integer.toString(2 + rnd.nextInt(2));
            return new For(counter, bound, body);
        }
        if (kind == Feature.WHILE) {
            scope.counters.add(counter);
            return new While(counter, 1 + rnd.nextInt(3), body);
        }
        if (kind == Feature.DO_WHILE) {
            scope.counters.add(counter);
            return new DoWhile(counter, 1 + rnd.nextInt(3), body);
        }
        Cond c = new Cmp(new Var(pick(scope.locals)), rnd.nextBoolean() ? "<" : ">",
                new Num(rnd.nextInt(9) - 4 + 0.5));
        scope.counters.add(counter);
        return new DataWhile(counter, c, 2 + rnd.nextInt(2), body);
    }

    private Cond cond(Scope scope, Ctx ctx) {
        if (!scope.counters.isEmpty() && rnd.nextDouble() < 0.3) {
            String i = pick(scope.counters);
            double r = rnd.nextDouble();
            if (r < 0.25 && scope.counters.size() > 1) {
                String j = pick(scope.counters);
                if (!j.equals(i)) {
                    return new IntCmp(i + " == " + j, List.of(i, j));
                }
            }
            if (r < 0.5) {
                return new IntCmp(i + " % 2 == 0", List.of(i));
            }
            if (r < 0.75) {
                return new IntCmp(i + " == 1", List.of(i));
            }
            return new IntCmp(i + " > 0", List.of(i));
        }
        Cond c = new Cmp(expr(scope, 1, ctx), pick(List.of("<", ">", "<=", ">=")),
                rnd.nextBoolean() ? new Num(rnd.nextInt(5) - 2 + 0.25) : leaf(scope));
        if (rnd.nextDouble() < 0.1) {
            c = new And(c, new Cmp(leaf(scope), "<", new Num(1.75)));
        }
        return c;
    }

    private Expr leaf(Scope scope) {
        double r = rnd.nextDouble();
        if (r < 0.2 && !scope.arrays.isEmpty()) {
            String index = !scope.counters.isEmpty() && rnd.nextDouble() < 0.7
                    ? pick(scope.counters) : Integer.toString(rnd.nextInt(arrayLength));
            return new ArrRead(pick(scope.arrays), index);
        }
        if (r < 0.3 && !scope.counters.isEmpty()) {
            return new IntVar(pick(scope.counters));
        }
        if (r < 0.45) {
            return new Num(CONSTANTS[rnd.nextInt(CONSTANTS.length)]);
        }
        return new Var(pick(scope.doubles));
    }

    /** A value in [-π/2, π/2]: the argument of an exp, or a factor of a product that must stay finite. */
    private Expr bounded(Expr e) {
        return new MathCall(pick(List.of("sin", "cos", "tanh", "atan")), List.of(e));
    }

    /** A value at least 1 (where the argument is finite). */
    private Expr positive(Expr e) {
        return rnd.nextBoolean() ? new Bin('+', new Num(1.0), new Bin('*', e, e))
                : new MathCall("hypot", List.of(e, new Num(1.0)));
    }

    private Expr expr(Scope scope, int depth, Ctx ctx) {
        if (depth <= 0 || rnd.nextDouble() < 0.25) {
            return leaf(scope);
        }
        double r = rnd.nextDouble();
        if (r < 0.35) {
            return new Bin("+-*".charAt(rnd.nextInt(3)), expr(scope, depth - 1, ctx), expr(scope, depth - 1, ctx));
        }
        if (r < 0.42) {
            return new SafeDiv(expr(scope, depth - 1, ctx), expr(scope, depth - 1, ctx));
        }
        if (r < 0.45) {
            return new Neg(expr(scope, depth - 1, ctx));
        }
        if (r < 0.7 && on(Feature.MATH)) {
            return math(scope, depth, ctx);
        }
        if (r < 0.78 && on(Feature.KINKS)) {
            String fn = pick(List.of("abs", "max", "min"));
            return fn.equals("abs") ? new MathCall(fn, List.of(expr(scope, depth - 1, ctx)))
                    : new MathCall(fn, List.of(expr(scope, depth - 1, ctx), expr(scope, depth - 1, ctx)));
        }
        if (r < 0.86 && on(Feature.TERNARY) && (ctx.loopDepth() == 0 || on(Feature.TERNARY_IN_LOOP))) {
            return new Ternary(cond(scope, ctx), expr(scope, depth - 1, ctx), expr(scope, depth - 1, ctx));
        }
        if (r < 0.93 && helper != null && !ctx.inHelper() && (ctx.loopDepth() == 0 || on(Feature.CALLS_IN_LOOP))) {
            // nested differentiation: a component of the helper's gradient, hGrad(a, b).u()
            String callee = on(Feature.NESTED_CALLS) && rnd.nextDouble() < 0.3
                    ? helper.name() + NESTED + (rnd.nextBoolean() ? "u" : "w") : helper.name();
            return new Call(callee, List.of(expr(scope, depth - 1, ctx), expr(scope, depth - 1, ctx)));
        }
        return new Bin("+-*".charAt(rnd.nextInt(3)), expr(scope, depth - 1, ctx), leaf(scope));
    }

    private Expr math(Scope scope, int depth, Ctx ctx) {
        Expr e = expr(scope, depth - 1, ctx);
        return switch (rnd.nextInt(10)) {
            case 0 -> new MathCall("exp", List.of(bounded(e)));
            case 1 -> new MathCall("log", List.of(positive(e)));
            case 2 -> new MathCall("sqrt", List.of(positive(e)));
            case 3 -> on(Feature.POW_ANY_BASE) && rnd.nextBoolean()
                    ? new MathCall("pow", List.of(e, new Num(rnd.nextBoolean() ? 2.0 : 3.0)))
                    : new MathCall("pow", List.of(positive(e), new Num(pick(List.of(0.5, 1.5, 2.0, -0.5)))));
            case 4 -> new MathCall("hypot", List.of(e, on(Feature.KINKS) && rnd.nextBoolean()
                    ? expr(scope, depth - 1, ctx) : new Num(pick(List.of(0.5, 1.5, -2.0)))));
            case 5 -> new MathCall("atan", List.of(e));
            case 6 -> new MathCall("cos", List.of(e));
            case 7 -> new MathCall("tanh", List.of(e));
            default -> new MathCall("sin", List.of(e));
        };
    }
}
