package dev.fluxion.processor.write;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.TypeName;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Stmts;
import dev.fluxion.processor.model.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * The user's source lines of one generated class, for run-time errors: a generated method whose
 * code can throw keeps the index of the line it is running in an {@code int} local (one store per
 * source line, not per operation) and rethrows the runtime's {@code IllegalArgumentException}
 * ({@code FluxionException} included) as {@code FluxionException.at(SITES[site], e)}, so the
 * message names the line: {@code at Model.java:23: Tensor p = sigmoid(x.matmul(w));}. Methods
 * that only do scalar arithmetic, array reads and {@code Math} calls throw nothing of the kind
 * and pay nothing. An array read that fails ({@code IndexOutOfBoundsException}: an array argument
 * shorter than the code reads) is rethrown the same way where a method tracks its lines, and named
 * by the method's declaration elsewhere ({@code RunTimeChecks.arrayGuard}).
 */
final class SourceSites {
    static final ClassName FLUXION_EXCEPTION = ClassName.get("dev.fluxion", "FluxionException");
    private static final String TAPES = "dev.fluxion.tape.";

    private final Map<String, Integer> index = new LinkedHashMap<>();
    private final String field;

    /** @param taken every name the class's generated code uses, which the table's name must not hide */
    SourceSites(Set<String> taken) {
        String f = "SITES";
        while (taken.contains(f)) {
            f = f + "_";
        }
        this.field = f;
    }

    /** The table's index of {@code pos} in the forward pass, or in the backward pass if {@code backward}. */
    int of(Pos pos, boolean backward) {
        String site = (backward ? "in the backward pass of " : "at ") + pos.location() + ": " + pos.source();
        return index.computeIfAbsent(site, s -> index.size());
    }

    /** The class's table, or null if no method tracks a site. */
    FieldSpec table() {
        if (index.isEmpty()) {
            return null;
        }
        CodeBlock.Builder init = CodeBlock.builder().add("{\n").indent();
        List<String> sites = new ArrayList<>(index.keySet());
        for (int i = 0; i < sites.size(); i++) {
            init.add("$S$L\n", sites.get(i), i + 1 < sites.size() ? "," : "");
        }
        init.unindent().add("}");
        return FieldSpec.builder(ArrayTypeName.of(TypeName.get(String.class)), field, Modifier.PRIVATE,
                        Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The user's source lines the generated code came from, named by run-time errors.\n")
                .initializer(init.build()).build();
    }

    /** The site tracking of one method that writes {@code stmts}, or null if none of them can throw. */
    Tracker tracker(List<Stmt> stmts, Set<String> taken) {
        if (stmts.stream().noneMatch(SourceSites::mayThrowDeep)) {
            return null;
        }
        return new Tracker(this, Names.unusedIn("site", taken), Names.unusedIn("e", taken));
    }

    /**
     * One method's tracking: {@code local} holds the index of the source line running, {@code error}
     * names the caught exception.
     */
    record Tracker(SourceSites sites, String local, String error) {
        /** Declares the local and opens the try. */
        void open(CodeBlock.Builder code) {
            code.addStatement("int $N = -1", local);
            code.beginControlFlow("try");
        }

        /** {@code site = i;} for the source line at {@code pos}. */
        void set(CodeBlock.Builder code, int site) {
            code.addStatement("$N = $L", local, site);
        }

        /** Closes the try: the error gets the source line, or passes as it is before the first one. */
        void close(CodeBlock.Builder code) {
            code.nextControlFlow("catch ($T | $T $N)", IllegalArgumentException.class, IndexOutOfBoundsException.class,
                    error);
            code.addStatement("throw $N < 0 ? $N : $T.at($N[$N], $N)", local, error, FLUXION_EXCEPTION,
                    sites.field, local, error);
            code.endControlFlow();
        }
    }

    /** Whether {@code s} or anything nested in it can throw a runtime error worth a source line. */
    static boolean mayThrowDeep(Stmt s) {
        if (Stmts.expressionsOf(s).stream().anyMatch(SourceSites::mayThrow)) {
            return true;
        }
        return switch (s) {
            case Stmt.Block b -> b.stmts().stream().anyMatch(SourceSites::mayThrowDeep);
            case Stmt.If i -> mayThrowDeep(i.then()) || mayThrowDeep(i.otherwise());
            case Stmt.While w -> mayThrowDeep(w.body());
            case Stmt.DoWhile d -> mayThrowDeep(d.body());
            case Stmt.For f -> mayThrowDeep(f.body()) || f.init().stream().anyMatch(SourceSites::mayThrowDeep)
                    || f.update().stream().anyMatch(SourceSites::mayThrowDeep);
            default -> false;
        };
    }

    /**
     * Whether evaluating {@code e} can throw an {@code IllegalArgumentException} from the runtime:
     * any call but {@code Math}, tape operations, array copies and gradient-record accessors.
     */
    static boolean mayThrow(Expr e) {
        if (e instanceof Expr.Call c && switch (c.callee()) {
            case Callee.Known k -> k.op().style() != Op.Style.MATH;
            case Callee.User u -> true;
            case Callee.Static s -> !s.ownerQualifiedName().startsWith(TAPES) && !s.name().equals("copyOfArray");
            case Callee.Instance i -> i.name().equals(Names.BACKWARD) || i.name().equals("accumulateGrad")
                    || c.args().get(0).type().isTensor();
        }) {
            return true;
        }
        return e.children().stream().anyMatch(SourceSites::mayThrow);
    }
}
