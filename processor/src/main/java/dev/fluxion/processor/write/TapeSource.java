package dev.fluxion.processor.write;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Where generated code gets its tapes. The IR creates each stack with
 * {@code DoubleStack.create(capacity)} (what the verifier evaluates); the written code takes it
 * from a {@code dev.fluxion.tape.Tapes} instead ({@code tapes.doubleStack(capacity)}): fresh stacks
 * for a pullback {@code fVjp} returns, this thread's reused ones ({@code TapePool}) for a
 * {@code fGrad} or {@code fBackward}, which never lets its pullback escape.
 */
final class TapeSource {
    private static final String PACKAGE = "dev.fluxion.tape.";
    static final ClassName TAPES = ClassName.get("dev.fluxion.tape", "Tapes");
    static final ClassName POOL = ClassName.get("dev.fluxion.tape", "TapePool");

    /** The names one method's pooled code uses: the pool field and the {@code Tapes} local. */
    record Pooled(String pool, String tapes) {
        /** {@code private static final TapePool F_TAPES = new TapePool();} */
        FieldSpec field(String method) {
            return FieldSpec.builder(POOL, pool, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("This thread's reused tapes for {@code $N}'s gradient (fresh ones when in use).\n",
                            method)
                    .initializer("new $T()", POOL).build();
        }

        /**
         * {@code body} between taking this thread's tapes from the pool and giving them back:
         * {@code Tapes tapes = F_TAPES.acquire(); try { body } finally { tapes.release(); }}.
         */
        CodeBlock pooled(CodeBlock body) {
            return CodeBlock.builder().addStatement("$T $N = $N.acquire()", TAPES, tapes, pool)
                    .beginControlFlow("try").add(body)
                    .nextControlFlow("finally").addStatement("$N.release()", tapes)
                    .endControlFlow().build();
        }
    }

    private TapeSource() {}

    /**
     * Names for {@code method}'s pool field, fresh in the class ({@code taken}, to which it is
     * added), and its tapes local, fresh among the names the method's code uses ({@code local}).
     */
    static Pooled names(String method, Set<String> taken, Set<String> local) {
        String pool = Names.freshIn(constantCase(method) + "_TAPES", taken);
        return new Pooled(pool, Names.unusedIn("tapes", local));
    }

    /** Whether {@code stmts} create a tape (only at the top level, where the forward pass declares them). */
    static boolean creates(List<Stmt> stmts) {
        return stmts.stream().anyMatch(s -> s instanceof Stmt.Let l && isCreate(l.init()));
    }

    /** {@code stmts} with each {@code XStack.create(n)} replaced by {@code tapes.xStack(n)}. */
    static List<Stmt> from(List<Stmt> stmts, String tapes) {
        List<Stmt> out = new ArrayList<>(stmts.size());
        for (Stmt s : stmts) {
            if (s instanceof Stmt.Let l && isCreate(l.init()) && l.init() instanceof Expr.Call c
                    && c.callee() instanceof Callee.Static st) {
                String stack = st.ownerQualifiedName().substring(PACKAGE.length());
                List<Expr> args = new ArrayList<>();
                args.add(new Expr.Var(tapes, new Type.Declared(PACKAGE + "Tapes"), Pos.NONE));
                args.addAll(c.args());
                out.add(new Stmt.Let(l.name(), l.type(), new Expr.Call(new Callee.Instance(
                        Character.toLowerCase(stack.charAt(0)) + stack.substring(1)), args, l.type(), c.pos()), l.pos()));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    private static boolean isCreate(Expr e) {
        return e instanceof Expr.Call c && c.callee() instanceof Callee.Static s && s.name().equals("create")
                && s.ownerQualifiedName().startsWith(PACKAGE) && s.ownerQualifiedName().endsWith("Stack");
    }

    /** {@code lossGrad} → {@code LOSS_GRAD}. */
    private static String constantCase(String name) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (Character.isUpperCase(ch) && i > 0 && !Character.isUpperCase(name.charAt(i - 1))) {
                b.append('_');
            }
            b.append(Character.toUpperCase(ch));
        }
        return b.toString();
    }
}
