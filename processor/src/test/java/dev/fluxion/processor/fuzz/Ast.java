package dev.fluxion.processor.fuzz;

import java.util.List;

/**
 * The generated programs, as values: what the generator makes, the printer prints, the shrinker
 * rewrites and the validator checks. Every local name is unique within its method, so a program
 * never shadows a name and a statement can be moved or deleted without renaming.
 */
final class Ast {
    private Ast() {
    }

    /** A double (scalar) or Tensor expression. */
    sealed interface Expr permits Num, Var, IntVar, ArrRead, Bin, SafeDiv, Neg, MathCall, Ternary, Call,
            TUnary, TScalar, TScaled, TBin, TReduce, TMatmul, TLinear {
    }

    /** A double literal. */
    record Num(double value) implements Expr {
    }

    /** A double or Tensor local or parameter. */
    record Var(String name) implements Expr {
    }

    /** An int loop counter read as a double. */
    record IntVar(String name) implements Expr {
    }

    /** {@code array[index]}; index is a counter name or a constant. */
    record ArrRead(String array, String index) implements Expr {
    }

    /** {@code a op b} for op in + - *. */
    record Bin(char op, Expr a, Expr b) implements Expr {
    }

    /** {@code a / (1 + b * b)}: a division whose divisor stays at least 1. */
    record SafeDiv(Expr a, Expr b) implements Expr {
    }

    /** {@code -a}. */
    record Neg(Expr a) implements Expr {
    }

    /** {@code Math.fn(args)}; the generator guards the arguments of exp, log, sqrt and pow. */
    record MathCall(String fn, List<Expr> args) implements Expr {
    }

    /** {@code cond ? a : b}. */
    record Ternary(Cond cond, Expr a, Expr b) implements Expr {
    }

    /** A call of another generated {@code @Differentiable} method of the same class. */
    record Call(String method, List<Expr> args) implements Expr {
    }

    /** {@code fn(a)} on a tensor: sigmoid, tanh, exp, relu, sin, neg, square. */
    record TUnary(String fn, Expr a) implements Expr {
    }

    /** {@code a.op(c)} with a double: times, plus, minus, div (by a constant away from 0). */
    record TScalar(String op, Expr a, double c) implements Expr {
    }

    /** {@code a.op(s)} with a double expression {@code s} (a parameter, a counter): times, plus, minus. */
    record TScaled(String op, Expr a, Expr s) implements Expr {
    }

    /** {@code a.op(b)} between tensors (broadcasting): plus, minus, times. */
    record TBin(String op, Expr a, Expr b) implements Expr {
    }

    /** {@code a.sum()}, {@code a.mean()}, or over one dim ({@code dim >= 0}), keeping it or not. */
    record TReduce(String op, Expr a, int dim, boolean keepDim) implements Expr {
    }

    /** {@code a.matmul(b)}. */
    record TMatmul(Expr a, Expr b) implements Expr {
    }

    /**
     * {@code linear(a, w.t(), w.sum(0))}: a linear layer of weight {@code wᵀ} and bias
     * {@code w.sum(0)} ({@code a} [r, c], {@code w} [c, k]), the pattern of the matmul epilogues.
     */
    record TLinear(Expr a, Expr w) implements Expr {
    }

    /** A condition. */
    sealed interface Cond permits Cmp, IntCmp, And {
    }

    /** {@code a op b} on doubles, op in < > <= >=. */
    record Cmp(Expr a, String op, Expr b) implements Cond {
    }

    /** An int condition on counters: {@code text} printed as is (e.g. {@code i == j}, {@code i % 2 == 0}). */
    record IntCmp(String text, List<String> counters) implements Cond {
    }

    /** {@code a && b}. */
    record And(Cond a, Cond b) implements Cond {
    }

    /** A statement. */
    sealed interface Stmt permits Decl, Assign, If, For, While, DoWhile, DataWhile, Break, Continue, Return,
            ArrDecl, ArrWrite {
    }

    /** {@code double[] name = new double[length];}: a local array the method writes into. */
    record ArrDecl(String name, int length) implements Stmt {
    }

    /** {@code array[index] op value;}, op one of "=", "+=", "-=", "*="; index a counter or a digit. */
    record ArrWrite(String array, String index, String op, Expr value) implements Stmt {
    }

    /** {@code double name = init;} or {@code Tensor name = init;}. */
    record Decl(String name, boolean tensor, Expr init) implements Stmt {
    }

    /** {@code name op= value;}, op one of "=", "+=", "-=", "*=". */
    record Assign(String name, String op, Expr value) implements Stmt {
    }

    /** {@code if (cond) { then } else { orElse }} (no else when empty). */
    record If(Cond cond, List<Stmt> then, List<Stmt> orElse) implements Stmt {
    }

    /** {@code for (int i = 0; i < bound; i++)}; bound is an int literal or {@code x.length}. */
    record For(String counter, String bound, List<Stmt> body) implements Stmt {
    }

    /** {@code int k = 0; while (k < trips) { k++; body }}. */
    record While(String counter, int trips, List<Stmt> body) implements Stmt {
    }

    /** {@code int k = 0; do { k++; body } while (k < trips);}. */
    record DoWhile(String counter, int trips, List<Stmt> body) implements Stmt {
    }

    /** {@code int k = 0; while (cond && k < cap) { k++; body }}: data-dependent, capped. */
    record DataWhile(String counter, Cond cond, int cap, List<Stmt> body) implements Stmt {
    }

    /** {@code break;}. */
    record Break() implements Stmt {
    }

    /** {@code continue;}. */
    record Continue() implements Stmt {
    }

    /** {@code return value;}. */
    record Return(Expr value) implements Stmt {
    }

    /** Parameter kinds. */
    enum Kind { DOUBLE, NOGRAD_DOUBLE, ARRAY, TENSOR, NOGRAD_TENSOR }

    /** A parameter; {@code shape} for tensors (empty otherwise). */
    record Param(String name, Kind kind, List<Integer> shape) {
        boolean differentiable() {
            return kind == Kind.DOUBLE || kind == Kind.ARRAY || kind == Kind.TENSOR;
        }

        boolean tensor() {
            return kind == Kind.TENSOR || kind == Kind.NOGRAD_TENSOR;
        }
    }

    /** One method: name, parameters, whether it returns a Tensor, body. */
    record Method(String name, List<Param> params, boolean returnsTensor, List<Stmt> body) {
        Method withBody(List<Stmt> newBody) {
            return new Method(name, params, returnsTensor, newBody);
        }
    }

    /**
     * One test case: the method under test, the helper methods it may call (each a scalar
     * {@code @Differentiable} method), the array length its loops may rely on, and the seed of its
     * sample points.
     */
    record Program(Method main, List<Method> helpers, int arrayLength, long seed) {
        Program withMain(Method m) {
            return new Program(m, helpers, arrayLength, seed);
        }

        Program withHelpers(List<Method> hs) {
            return new Program(main, hs, arrayLength, seed);
        }
    }
}
