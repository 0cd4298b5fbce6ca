package dev.fluxion.processor.opt;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Stmt;
import java.util.List;
import java.util.Set;

/**
 * A unary rule that reads its input {@code x} only for its shape and dtype (to unbroadcast the
 * cotangent to it) reads its output instead, which has both: {@code sigmoidGrad(g, z, p)} becomes
 * {@code sigmoidGrad(g, p, p)}. Then {@code z} need not be saved for the backward pass, and the
 * forward pass can fuse it away ({@code p = Fused.map("sigmoid(t0 + t1)", matmul1, b)}): the
 * pre-activation is neither stored nor kept alive. Exact for floating inputs, whose unary results
 * keep their dtype (an integer tensor's gradient would come back as float32 rather than in the
 * cotangent's dtype). {@code reluGrad(g, x, out)} reads x's values too, but only as {@code x > 0},
 * which holds exactly where {@code out = relu(x) > 0} (NaN included: both false), so it reads out.
 */
final class ShapeOnlyReads {
    /** Rules {@code (g, x, out)} whose body reads x only as the unbroadcast's target (and relu's sign test). */
    private static final Set<String> RULES = Set.of("negGrad", "expGrad", "sqrtGrad", "sigmoidGrad", "tanhGrad",
            "reluGrad");

    private ShapeOnlyReads() {}

    static List<Stmt> apply(List<Stmt> stmts) {
        return StmtExprs.map(stmts, ShapeOnlyReads::rewrite);
    }

    private static Expr rewrite(Expr x) {
        return x instanceof Expr.Call c && c.callee() instanceof Callee.Static s
                && s.ownerQualifiedName().equals("dev.fluxion.Derivatives") && RULES.contains(s.name())
                && c.args().size() == 3 && c.args().get(1) instanceof Expr.Var && c.args().get(2) instanceof Expr.Var out
                ? new Expr.Call(c.callee(), List.of(c.args().get(0), out, out), c.type(), c.pos()) : x;
    }
}
