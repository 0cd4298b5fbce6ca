package dev.fluxion.processor.write;

import com.palantir.javapoet.CodeBlock;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Stmts;
import java.util.List;
import java.util.Set;

/**
 * Prints IR statements, with a comment naming the source line before each group of statements
 * that came from the same user statement. With a {@link SourceSites.Tracker}, a statement that can
 * throw is preceded by {@code site = i;} where the site local may not already hold its line.
 */
final class StmtWriter {
    /** The site local's value is not known where the writer is (after a loop or branches). */
    private static final int UNKNOWN = -2;
    private final CodeBlock.Builder code;
    private final boolean backwardBlocks;
    private final SourceSites.Tracker tracker;
    private String prefix;
    private String lastSource = null;
    private int site = -1;
    /** Locals that are fields of a {@link Parts} class: declared there, assigned here. */
    private Set<String> promoted = Set.of();

    /** @param prefix put before each source comment, e.g. {@code "backward of "} */
    StmtWriter(CodeBlock.Builder code, String prefix) {
        this(code, prefix, false, null);
    }

    /**
     * @param backwardBlocks whether a {@link Stmt.Block} holds backward statements (a one-pass
     *     {@code fGrad}): its statements are printed in place, their comments saying "backward of"
     * @param tracker where to keep the source line running, or null
     */
    StmtWriter(CodeBlock.Builder code, String prefix, boolean backwardBlocks, SourceSites.Tracker tracker) {
        this.code = code;
        this.prefix = prefix;
        this.backwardBlocks = backwardBlocks;
        this.tracker = tracker;
    }

    /** This writer, assigning the {@code promoted} locals (fields of a parts class) instead of declaring them. */
    StmtWriter promoting(Set<String> names) {
        this.promoted = Set.copyOf(names);
        return this;
    }

    void writeAll(List<Stmt> stmts) {
        stmts.forEach(this::write);
    }

    void write(Stmt s) {
        if (backwardBlocks && s instanceof Stmt.Block b) {
            String outer = prefix;
            prefix = "backward of ";
            writeAll(b.stmts());
            prefix = outer;
            return;
        }
        comment(s.pos());
        fusedComment(s);
        track(s);
        switch (s) {
            case Stmt.Let l when promoted.contains(l.name()) && l.init() == null -> { }
            case Stmt.Let l when promoted.contains(l.name()) ->
                    code.addStatement("$N = $L", l.name(), ExprWriter.write(l.init()));
            case Stmt.Let l when l.init() == null -> code.addStatement("$T $N", JavaTypes.of(l.type()), l.name());
            case Stmt.Let l -> code.addStatement("$T $N = $L", JavaTypes.of(l.type()), l.name(), ExprWriter.write(l.init()));
            case Stmt.Assign a -> {
                if (a.value() instanceof Expr.Binary b && b.op() == Expr.BinOp.PLUS
                        && b.left() instanceof Expr.Var v && v.name().equals(a.name())) {
                    code.addStatement("$N += $L", a.name(), ExprWriter.write(b.right()));
                } else {
                    code.addStatement("$N = $L", a.name(), ExprWriter.write(a.value()));
                }
            }
            case Stmt.ArrayAccumulate a -> code.addStatement("$N[$L] += $L", a.array(), ExprWriter.write(a.index()),
                    ExprWriter.write(a.value()));
            case Stmt.ArrayStore a -> code.addStatement("$N[$L] = $L", a.array(), ExprWriter.write(a.index()),
                    ExprWriter.write(a.value()));
            case Stmt.Return r -> code.addStatement("return $L", ExprWriter.write(r.value()));
            case Stmt.ExprStmt e -> code.addStatement("$L", ExprWriter.write(e.expr()));
            case Stmt.Block b -> {
                code.add("{\n").indent();
                writeAll(b.stmts());
                code.unindent().add("}\n");
            }
            case Stmt.If i -> {
                code.beginControlFlow("if ($L)", ExprWriter.write(i.condition()));
                int entry = site;
                writeAll(i.then().stmts());
                int afterThen = site;
                site = entry;
                if (!i.otherwise().stmts().isEmpty()) {
                    code.nextControlFlow("else");
                    writeAll(i.otherwise().stmts());
                }
                site = site == afterThen ? site : UNKNOWN;
                code.endControlFlow();
            }
            case Stmt.While w -> {
                code.beginControlFlow("while ($L)", ExprWriter.write(w.condition()));
                loopBody(w.body().stmts(), w);
                code.endControlFlow();
            }
            case Stmt.DoWhile d -> {
                code.beginControlFlow("do");
                loopBody(d.body().stmts(), d);
                code.endControlFlow("while ($L)", ExprWriter.write(d.condition()));
            }
            case Stmt.Break b -> code.addStatement("break");
            case Stmt.Continue c -> code.addStatement("continue");
            case Stmt.For f -> {
                code.beginControlFlow("for ($L; $L; $L)", header(f.init()),
                        f.condition() == null ? "" : ExprWriter.write(f.condition()), header(f.update()));
                loopBody(f.body().stmts(), f);
                code.endControlFlow();
            }
            case Stmt.Unsupported u -> throw new IllegalStateException("unsupported statement reached the writer");
        }
    }

    /**
     * A loop's body: it starts with whatever site the previous trip left, and, where the loop's
     * condition can throw, ends setting the condition's site again.
     */
    private void loopBody(List<Stmt> body, Stmt loop) {
        int entry = site;
        site = UNKNOWN;
        writeAll(body);
        if (tracker != null && entry >= 0 && site != entry && tracks(loop)) {
            tracker.set(code, entry);
        }
        site = UNKNOWN;
    }

    /** Sets the site local before {@code s} where {@code s} itself can throw and it may not hold its line. */
    private void track(Stmt s) {
        if (tracks(s)) {
            int i = tracker.sites().of(s.pos(), !prefix.isEmpty());
            if (i != site) {
                tracker.set(code, i);
                site = i;
            }
        }
    }

    private boolean tracks(Stmt s) {
        return tracker != null && s.pos().known() && Stmts.expressionsOf(s).stream().anyMatch(SourceSites::mayThrow);
    }

    /** A for header's init or update list, comma-separated, without semicolons. */
    private static CodeBlock header(List<Stmt> stmts) {
        return CodeBlock.join(stmts.stream().map(s -> switch (s) {
            case Stmt.Let l -> CodeBlock.of("$T $N = $L", JavaTypes.of(l.type()), l.name(), ExprWriter.write(l.init()));
            case Stmt.Assign a when a.value() instanceof Expr.Binary b && b.left() instanceof Expr.Var v
                    && v.name().equals(a.name()) && b.right() instanceof Expr.Literal one && one.text().equals("1")
                    && (b.op() == Expr.BinOp.PLUS || b.op() == Expr.BinOp.MINUS) ->
                    CodeBlock.of("$N$L", a.name(), b.op() == Expr.BinOp.PLUS ? "++" : "--");
            case Stmt.Assign a -> CodeBlock.of("$N = $L", a.name(), ExprWriter.write(a.value()));
            default -> throw new IllegalStateException("not a for header statement: " + s);
        }).toList(), ", ");
    }

    /**
     * Above a fused elementwise group ({@code Fused.map("...", ...)}), what it fuses: the opt phase
     * keeps that text as the position of the call's expression literal.
     */
    private void fusedComment(Stmt s) {
        Expr value = s instanceof Stmt.Let l ? l.init() : s instanceof Stmt.Assign a ? a.value() : null;
        if (value instanceof Expr.Call c && c.callee() instanceof dev.fluxion.processor.ir.Callee.Static st
                && st.ownerQualifiedName().equals("dev.fluxion.Fused") && !c.args().isEmpty()
                && c.args().get(0) instanceof Expr.Literal l && !l.pos().source().isEmpty()) {
            code.add("// $L\n", l.pos().source());
        }
    }

    private void comment(Pos pos) {
        if (!pos.known() || (prefix + pos.source()).equals(lastSource)) {
            return;
        }
        lastSource = prefix + pos.source();
        code.add("// $L$L: $L\n", prefix, pos.location(), pos.source());
    }
}
