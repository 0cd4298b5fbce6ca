package dev.fluxion.processor.fuzz;

import dev.fluxion.processor.fuzz.Ast.*;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Random Tensor {@code @Differentiable} methods returning a 0-dim tensor: elementwise ops,
 * broadcasting ([R, C] with [C], [R, 1] and 0-dim), reductions over all and over one dim, matmul,
 * sigmoid / tanh / exp (of a tanh) / relu / sin, reassignment and fixed-trip loops. Shapes are
 * tracked while generating, so every program is well-shaped.
 */
final class TensorGenerator {
    private final Set<Feature> features;
    private final Random rnd;
    private final String methodName;
    private int names;
    private int loops;
    private List<Integer> rc;
    private List<Integer> row;
    private List<Integer> col;
    private List<Integer> rows;
    private List<Integer> ck;
    private List<Integer> rk;
    private static final List<Integer> SCALAR = List.of();
    private final Map<String, List<Integer>> params = new LinkedHashMap<>();
    private final List<String> scalars = new ArrayList<>();
    private final List<String> counters = new ArrayList<>();

    private TensorGenerator(Set<Feature> features, long seed, String methodName) {
        this.features = features;
        this.rnd = Seeds.random(seed ^ 0x5deece66dL);
        this.methodName = methodName;
    }

    static Program generate(Set<Feature> features, long seed, String methodName) {
        return new TensorGenerator(features, seed, methodName).program(seed);
    }

    private boolean on(Feature f) {
        return features.contains(f);
    }

    private <T> T pick(List<T> xs) {
        return xs.get(rnd.nextInt(xs.size()));
    }

    private Program program(long seed) {
        int r = 2 + rnd.nextInt(2);
        int c = 2 + rnd.nextInt(3);
        int k = 2 + rnd.nextInt(2);
        rc = List.of(r, c);
        col = List.of(c);
        row = List.of(r, 1);
        rows = List.of(r);
        ck = List.of(c, k);
        rk = List.of(r, k);
        List<Param> ps = new ArrayList<>();
        boolean taGrad = rnd.nextDouble() < 0.8;
        ps.add(new Param("ta", taGrad ? Kind.TENSOR : Kind.NOGRAD_TENSOR, rc));
        if (rnd.nextBoolean() || !taGrad) {
            ps.add(new Param("tb", Kind.TENSOR, col));
        }
        if (rnd.nextBoolean()) {
            ps.add(new Param("tc", Kind.TENSOR, row));
        }
        if (on(Feature.TENSOR_MATMUL) && rnd.nextDouble() < 0.4) {
            ps.add(new Param("tw", Kind.TENSOR, ck));
        }
        if (on(Feature.TENSOR_SCALARS) && rnd.nextBoolean()) {
            ps.add(new Param("s", Kind.DOUBLE, List.of()));
            scalars.add("s");
            if (on(Feature.NOGRAD) && rnd.nextBoolean()) {
                ps.add(new Param("p", Kind.NOGRAD_DOUBLE, List.of()));
                scalars.add("p");
            }
        }
        for (Param p : ps) {
            if (p.tensor()) {
                params.put(p.name(), p.shape());
            }
        }
        Map<String, List<Integer>> scope = new LinkedHashMap<>(params);
        List<String> locals = new ArrayList<>();
        List<Stmt> body = new ArrayList<>();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            body.add(statement(scope, locals, 0));
        }
        body.add(new Return(finalExpr(scope, locals)));
        return new Program(new Method(methodName, ps, true, body), List.of(), 4, seed);
    }

    private Expr finalExpr(Map<String, List<Integer>> scope, List<String> locals) {
        Expr e = locals.isEmpty() ? gen(SCALAR, 2, scope) : reduceAll(new Var(pick(locals)));
        return rnd.nextBoolean() ? e : new TBin("plus", e, gen(SCALAR, 1, scope));
    }

    private Expr reduceAll(Expr e) {
        return new TReduce(rnd.nextBoolean() ? "sum" : "mean", e, -1, false);
    }

    private List<List<Integer>> localShapes(Map<String, List<Integer>> scope) {
        List<List<Integer>> shapes = new ArrayList<>(List.of(rc, SCALAR));
        if (scope.containsValue(col) || on(Feature.TENSOR_REDUCE_DIM)) {
            shapes.add(col);
        }
        if (scope.containsValue(row) || on(Feature.TENSOR_REDUCE_DIM)) {
            shapes.add(row);
        }
        if (scope.containsValue(ck)) {
            shapes.add(rk);
        }
        return shapes;
    }

    private Stmt statement(Map<String, List<Integer>> scope, List<String> locals, int loopDepth) {
        double r = rnd.nextDouble();
        if (r < 0.25 && loopDepth == 0 && on(Feature.TENSOR_LOOP) && !locals.isEmpty()
                && (loops++ == 0 || on(Feature.SEVERAL_LOOPS))) {
            List<Stmt> body = new ArrayList<>();
            String counter = "i" + (++names);
            counters.add(counter);
            String target = pick(locals);
            body.add(new Assign(target, "=", gen(scope.get(target), 2, scope)));
            if (rnd.nextBoolean()) {
                body.add(statement(new LinkedHashMap<>(scope), new ArrayList<>(), 1));
            }
            counters.remove(counter);
            return new For(counter, Integer.toString(2 + rnd.nextInt(2)), body);
        }
        if (r < 0.5 && on(Feature.REASSIGN) && !locals.isEmpty()
                && (loopDepth > 0 || on(Feature.ASSIGN_OUTSIDE_LOOPS))) {
            String target = pick(locals);
            return new Assign(target, "=", gen(scope.get(target), 2, scope));
        }
        String name = "th" + (++names);
        List<Integer> shape = pick(localShapes(scope));
        Decl d = new Decl(name, true, gen(shape, 2, scope));
        scope.put(name, shape);
        if (loopDepth == 0) {
            locals.add(name);
        }
        return d;
    }

    /** A leaf of this shape: a variable, or a reduction of ta. */
    private Expr leaf(List<Integer> shape, Map<String, List<Integer>> scope) {
        List<String> same = new ArrayList<>();
        for (var e : scope.entrySet()) {
            if (e.getValue().equals(shape)) {
                same.add(e.getKey());
            }
        }
        if (!same.isEmpty() && (rnd.nextDouble() < 0.85 || !on(Feature.TENSOR_REDUCE_DIM))) {
            return new Var(pick(same));
        }
        Var ta = new Var("ta");
        if (shape.equals(SCALAR)) {
            Expr from = new Var(pick(new ArrayList<>(scope.keySet())));
            return reduceAll(from);
        }
        if (shape.equals(rc)) {
            return ta;
        }
        if (shape.equals(col)) {
            return new TReduce(rnd.nextBoolean() ? "sum" : "mean", ta, 0, false);
        }
        if (shape.equals(row)) {
            return new TReduce(rnd.nextBoolean() ? "sum" : "mean", ta, 1, true);
        }
        if (shape.equals(rows)) {
            return new TReduce(rnd.nextBoolean() ? "sum" : "mean", ta, 1, false);
        }
        if (shape.equals(rk)) {
            return new TMatmul(ta, new Var("tw"));
        }
        if (shape.equals(ck)) {
            return new Var("tw");
        }
        throw new IllegalStateException("no leaf of shape " + shape);
    }

    private Expr gen(List<Integer> shape, int depth, Map<String, List<Integer>> scope) {
        if (depth <= 0 || rnd.nextDouble() < 0.2) {
            return leaf(shape, scope);
        }
        double r = rnd.nextDouble();
        if (r < 0.25) {
            Expr a = gen(shape, depth - 1, scope);
            return switch (rnd.nextInt(7)) {
                case 0 -> new TUnary("sigmoid", a);
                case 1 -> new TUnary("tanh", a);
                case 2 -> new TUnary("exp", new TUnary("tanh", a));
                case 3 -> new TUnary("relu", a);
                case 4 -> new TUnary("sin", a);
                case 5 -> new TUnary("neg", a);
                default -> new TUnary("square", new TUnary("tanh", a));
            };
        }
        if (r < 0.31 && !scalars.isEmpty()) {
            List<String> names = new ArrayList<>(scalars);
            names.addAll(counters);
            String name = pick(names);
            Expr factor = counters.contains(name) ? new IntVar(name) : new Var(name);
            return new TScaled(pick(List.of("times", "plus", "minus")), gen(shape, depth - 1, scope), factor);
        }
        if (r < 0.38) {
            return new TScalar(pick(List.of("times", "plus", "minus", "div")), gen(shape, depth - 1, scope),
                    pick(List.of(0.5, 2.0, -1.5, 3.0)));
        }
        if (r < 0.52 && shape.size() <= 1 && on(Feature.TENSOR_REDUCE_DIM)) {
            if (shape.equals(col)) {
                return new TReduce(rnd.nextBoolean() ? "sum" : "mean", gen(rc, depth - 1, scope), 0, false);
            }
            if (shape.equals(rows)) {
                return new TReduce(rnd.nextBoolean() ? "sum" : "mean", gen(rc, depth - 1, scope), 1, false);
            }
        }
        if (r < 0.52 && shape.equals(SCALAR)) {
            return reduceAll(gen(pick(localShapes(scope)), depth - 1, scope));
        }
        if (r < 0.52 && shape.equals(row) && on(Feature.TENSOR_REDUCE_DIM)) {
            return new TReduce(rnd.nextBoolean() ? "sum" : "mean", gen(rc, depth - 1, scope), 1, true);
        }
        if (r < 0.62 && on(Feature.TENSOR_MATMUL) && scope.containsValue(ck) && shape.equals(rk)) {
            if (rnd.nextBoolean()) {
                // A linear layer, bare or under an activation: the matmul epilogues' pattern.
                Expr linear = new TLinear(gen(rc, depth - 1, scope), leaf(ck, scope));
                return switch (rnd.nextInt(4)) {
                    case 0 -> new TUnary("sigmoid", linear);
                    case 1 -> new TUnary("tanh", linear);
                    case 2 -> new TUnary("relu", linear);
                    default -> linear;
                };
            }
            return new TMatmul(gen(rc, depth - 1, scope), leaf(ck, scope));
        }
        if (r < 0.62 && on(Feature.TENSOR_MATMUL) && shape.equals(rows)) {
            return new TMatmul(gen(rc, depth - 1, scope), gen(col, depth - 1, scope));
        }
        Expr a = gen(shape, depth - 1, scope);
        Expr b = gen(broadcastPartner(shape, scope), depth - 1, scope);
        String op = pick(List.of("plus", "minus", "times"));
        return rnd.nextBoolean() ? new TBin(op, a, b) : new TBin(op, b, a);
    }

    /** A shape that broadcasts with {@code shape} to {@code shape}. */
    private List<Integer> broadcastPartner(List<Integer> shape, Map<String, List<Integer>> scope) {
        List<List<Integer>> options = new ArrayList<>(List.of(shape, shape, SCALAR));
        if (shape.equals(rc)) {
            if (scope.containsValue(col) || on(Feature.TENSOR_REDUCE_DIM)) {
                options.add(col);
            }
            if (scope.containsValue(row) || on(Feature.TENSOR_REDUCE_DIM)) {
                options.add(row);
            }
        }
        return pick(options);
    }
}
