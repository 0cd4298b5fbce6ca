package dev.fluxion.processor.write;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code fJacobianReverse} for a {@code double[]} result in one method: the forward
 * statements, then per value element the backward statements on that row's unit cotangent, the
 * gradients becoming the row. This is what calling {@code fVjp(...).backward(e_i)} for every
 * {@code i} computes, without the pullback object, its saved fields and a gradient record per row.
 *
 * <p>It applies where running the backward statements again after themselves reads what the
 * forward pass left: the forward pass keeps no tapes (a backward pass pops them), returns nowhere
 * but at its end, and the backward statements neither declare nor assign a forward local or a
 * parameter (in the pullback those are final fields).
 */
final class FusedRows {
    private FusedRows() {}

    /** Whether {@code d}'s rows can run in one method. */
    static boolean applies(DerivedMethod d) {
        if (TapeSource.creates(d.forward()) || Parts.needed(all(d))) {
            return false;
        }
        Set<String> forwardNames = new HashSet<>();
        d.method().params().forEach(p -> forwardNames.add(p.name()));
        List<String> forwardWrites = new ArrayList<>();
        boolean[] returns = {false};
        d.forward().forEach(s -> scan(s, forwardWrites, returns));
        forwardNames.addAll(forwardWrites);
        if (returns[0] || forwardNames.contains(d.cotangent())) {
            return false;
        }
        List<String> backwardWrites = new ArrayList<>();
        d.backward().forEach(s -> scan(s, backwardWrites, returns));
        return !returns[0] && backwardWrites.stream().noneMatch(forwardNames::contains);
    }

    /**
     * The method body: forward, the value's length remembered in {@code lengthField}, then the rows.
     *
     * @param components the gradient record's component per differentiable parameter
     * @param taken names the body must not declare (the class's and the method's)
     */
    static CodeBlock body(DerivedMethod d, ClassName record, SourceSites sites, Set<String> taken,
                          String lengthField) {
        Set<String> names = new HashSet<>(taken);
        names.addAll(UsedNames.of(d));
        String value = Names.freshIn("value", names);
        names.add(value);
        String rows = Names.freshIn("m", names);
        names.add(rows);
        String row = Names.freshIn("row", names);
        names.add(row);
        String seed = Names.freshIn("seed", names);
        names.add(seed);
        CodeBlock.Builder code = CodeBlock.builder();
        SourceSites.Tracker tracker = sites.tracker(all(d), names);
        if (tracker != null) {
            tracker.open(code);
        }
        new StmtWriter(code, "", false, tracker).writeAll(d.forward());
        code.addStatement("double[] $N = $L", value, ExprWriter.write(d.result()))
                .addStatement("int $N = $N.length", rows, value)
                .beginControlFlow("if ($N != $N)", lengthField, rows)
                .addStatement("$N = $N", lengthField, rows)
                .endControlFlow();
        List<String> jacobians = new ArrayList<>();
        List<Param> diff = d.method().differentiableParams();
        for (int k = 0; k < diff.size(); k++) {
            String j = Names.freshIn("j" + Names.capitalize(d.gradients().get(k).name()), names);
            names.add(j);
            jacobians.add(j);
            code.addStatement(diff.get(k).type() == Type.Prim.DOUBLE ? "double[] $N = new double[$N]"
                    : "double[][] $N = new double[$N][]", j, rows);
        }
        // the backward statements may reassign their cotangent (a consumed one becomes null): one local per row
        code.addStatement("double[] $N = new double[$N]", seed, rows)
                .beginControlFlow("for (int $N = 0; $N < $N; $N++)", row, row, rows, row)
                .addStatement("$N[$N] = 1", seed, row)
                .addStatement("double[] $N = $N", d.cotangent(), seed);
        new StmtWriter(code, "backward of ", false, tracker).writeAll(d.backward());
        code.addStatement("$N[$N] = 0", seed, row);
        for (int k = 0; k < diff.size(); k++) {
            code.addStatement("$N[$N] = $L", jacobians.get(k), row, ExprWriter.write(d.gradients().get(k).value()));
        }
        code.endControlFlow()
                .addStatement("return new $T($N, $L)", record, value, String.join(", ", jacobians));
        if (tracker != null) {
            tracker.close(code);
        }
        return code.build();
    }

    private static List<Stmt> all(DerivedMethod d) {
        List<Stmt> all = new ArrayList<>(d.forward());
        all.addAll(d.backward());
        return all;
    }

    /** Adds the locals {@code s} declares or assigns to {@code writes}; sets {@code returns[0]} at a return. */
    private static void scan(Stmt s, List<String> writes, boolean[] returns) {
        switch (s) {
            case Stmt.Let l -> writes.add(l.name());
            case Stmt.Assign a -> writes.add(a.name());
            case Stmt.Return r -> returns[0] = true;
            case Stmt.Block b -> b.stmts().forEach(x -> scan(x, writes, returns));
            case Stmt.If i -> {
                scan(i.then(), writes, returns);
                scan(i.otherwise(), writes, returns);
            }
            case Stmt.While w -> scan(w.body(), writes, returns);
            case Stmt.DoWhile w -> scan(w.body(), writes, returns);
            case Stmt.For f -> {
                f.init().forEach(x -> scan(x, writes, returns));
                f.update().forEach(x -> scan(x, writes, returns));
                scan(f.body(), writes, returns);
            }
            default -> { }
        }
    }
}
