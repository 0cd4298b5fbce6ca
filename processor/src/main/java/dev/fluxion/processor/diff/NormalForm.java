package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A method's body as the reverse transform sees it, for the other transforms built on the same
 * normaliser (forward mode): {@link Lowering} (every jump a branch, every local declared once,
 * dead stores dropped) then {@link Flattener} (a temporary per compound operand of a varied
 * assignment, a varied {@code ?:} an {@code if}).
 *
 * @param body only {@link Stmt.Assign}, {@link Stmt.If} and {@link Stmt.While}
 * @param decls every local and its type, in declaration order
 * @param varied the locals that depend on a differentiable input (or a {@code Parameter} field) and
 *     that the result depends on through differentiable operations
 * @param result the local holding the returned value
 * @param fieldLocals each {@code Parameter} field read, cached in a local: local → field
 * @param scope the names taken so far; fresh names come from it
 */
public record NormalForm(List<Stmt> body, Map<String, Type> decls, Set<String> varied, String result,
                         Map<String, Expr.FieldRead> fieldLocals, Names.Scope scope) {

    /** The normal form of {@code method}'s body. */
    public static NormalForm of(MethodIr method) {
        Flattener.Flat flat = Flattener.flatten(method, Lowering.of(method).withoutDeadStores());
        Map<String, Expr.FieldRead> fields = new LinkedHashMap<>();
        flat.leaves().forEach(l -> fields.put(l.local(), l.field()));
        return new NormalForm(flat.body(), flat.decls(), flat.varied(), flat.result(), fields, flat.scope());
    }

    /** The value a local of type {@code t} starts with ({@code 0.0}, {@code null}, ...). */
    public static Expr zeroOf(Type t) {
        return Adjoints.zeroOf(t);
    }
}
