package dev.fluxion.processor.check;

import static dev.fluxion.processor.IrFixtures.D;
import static dev.fluxion.processor.IrFixtures.at;
import static dev.fluxion.processor.IrFixtures.bin;
import static dev.fluxion.processor.IrFixtures.math;
import static dev.fluxion.processor.IrFixtures.method;
import static dev.fluxion.processor.IrFixtures.v;
import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.Messages;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyCheckerTest {
    @Test
    void floorOnAPathFromAnInputIsAnError() {
        var m = method(List.of("w"), List.of(),
                new Stmt.Let("k", D, math(Op.MATH_FLOOR, v("w")), at(3, "double k = Math.floor(w);")),
                new Stmt.Return(bin(Expr.BinOp.TIMES, v("k"), v("w")), at(4, "return k * w;")));
        List<Diagnostic> d = BodyChecker.check(m);
        assertEquals(1, d.size());
        assertEquals(Messages.NOT_DIFFERENTIABLE, d.get(0).message());
        assertEquals("w", d.get(0).args().get(0));
    }

    @Test
    void floorOfANoGradInputIsFine() {
        var m = method(List.of("w", "x"), List.of("x"),
                new Stmt.Return(bin(Expr.BinOp.TIMES, math(Op.MATH_FLOOR, v("x")), v("w")), at(4, "return ...")));
        assertEquals(List.of(), BodyChecker.check(m));
    }

    @Test
    void reassignmentFromAConstantStopsDependence() {
        var m = method(List.of("w"), List.of(),
                new Stmt.Let("k", D, v("w"), at(3, "")),
                new Stmt.Assign("k", IrFixturesLit.two(), at(4, "")),
                new Stmt.Return(v("k"), at(5, "return k;")));
        List<Diagnostic> d = BodyChecker.check(m);
        assertEquals(1, d.size());
        assertEquals(Messages.NO_DIFFERENTIABLE_INPUT, d.get(0).message());
        assertEquals(javax.tools.Diagnostic.Kind.WARNING, d.get(0).kind());
    }

    @Test
    void loopsAreCheckedNotRejected() {
        var loop = new Stmt.While(v("c"), new Stmt.Block(List.of(), at(3, "")), at(3, "while (c)"));
        var m = method(List.of("w"), List.of(), loop, new Stmt.Return(v("w"), at(4, "")));
        assertEquals(List.of(), BodyChecker.check(m));
    }

    @Test
    void aValueFedBackByALoopIsVariedAfterIt() {
        // k = 2; while (c) { r = k; k = w; } return r;  -- r depends on w through the second trip
        var body = new Stmt.Block(List.of(new Stmt.Assign("r", v("k"), at(4, "")),
                new Stmt.Assign("k", v("w"), at(5, ""))), at(3, ""));
        var m = method(List.of("w"), List.of(), new Stmt.Let("k", D, IrFixturesLit.two(), at(2, "")),
                new Stmt.Let("r", D, IrFixturesLit.two(), at(2, "")),
                new Stmt.While(v("c"), body, at(3, "while (c)")), new Stmt.Return(v("r"), at(6, "return r;")));
        assertEquals(List.of(), BodyChecker.check(m));
    }

    /** Literals for this test. */
    static final class IrFixturesLit {
        static Expr two() {
            return new Expr.Literal("2.0", D, dev.fluxion.processor.ir.Pos.NONE);
        }
    }
}
