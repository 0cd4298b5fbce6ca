package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import java.util.List;

/**
 * Array cotangents: a whole-array contribution (a callee's gradient of a {@code double[]} argument)
 * is added element by element, {@code x_adj[j] += c[j]}; Java has no {@code +} on arrays.
 */
final class ArrayAdjoints {
    private ArrayAdjoints() {}

    /**
     * {@code double[] c = contribution; for (int j = 0; j < c.length; j++) adj[j] += c[j];}: the
     * contribution is evaluated once, into a temporary of its own.
     */
    static List<Stmt> addInto(String adj, Type arrayType, Expr contribution, Names.Scope scope, Pos at) {
        Type.ArrayOf array = (Type.ArrayOf) arrayType;
        String c = scope.temp(adj + "_part");
        String j = scope.temp("j");
        Expr.Var cVar = new Expr.Var(c, array, Pos.NONE);
        Expr.Var jVar = new Expr.Var(j, Type.Prim.INT, Pos.NONE);
        Stmt accumulate = new Stmt.ArrayAccumulate(adj, jVar,
                new Expr.ArrayRead(cVar, jVar, array.element(), Pos.NONE), at);
        Stmt loop = new Stmt.For(List.of(new Stmt.Let(j, Type.Prim.INT, AssignReversal.intLit(0), at)),
                Build.cmp(Expr.BinOp.LT, jVar, new Expr.ArrayLength(cVar, Pos.NONE)),
                List.of(new Stmt.Assign(j, new Expr.Binary(Expr.BinOp.PLUS, jVar, AssignReversal.intLit(1),
                        Type.Prim.INT, Pos.NONE), at)),
                new Stmt.Block(List.of(accumulate), at), at);
        return List.of(new Stmt.Let(c, array, contribution, at), loop);
    }
}
