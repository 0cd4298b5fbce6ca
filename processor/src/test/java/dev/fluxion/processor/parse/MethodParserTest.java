package dev.fluxion.processor.parse;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.processor.FluxionProcessorAccess;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing resolves and types names itself (javac has not attributed bodies yet). */
class MethodParserTest {
    private static MethodIr parse(String body) {
        List<MethodIr> seen = new ArrayList<>();
        Compilation c = com.google.testing.compile.Compiler.javac()
                .withProcessors(FluxionProcessorAccess.withHook(seen::add))
                .compile(JavaFileObjects.forSourceString("demo.P", """
                        package demo;

                        import static dev.fluxion.F.*;

                        import dev.fluxion.Tensor;
                        import dev.fluxion.annotation.Differentiable;
                        import dev.fluxion.annotation.NoGrad;

                        class P {
                        """ + body + "}\n"));
        assertThat(c).succeeded();
        assertEquals(1, seen.size());
        return seen.get(0);
    }

    @Test
    void localsAreTypedFromDeclarationsAndVar() {
        MethodIr m = parse("""
                @Differentiable
                static double f(double w, @NoGrad int n) {
                    var k = w * n;
                    float s = 2f;
                    k += s;
                    return k;
                }
                """);
        List<Stmt> body = m.body().stmts();
        assertEquals(Type.Prim.DOUBLE, ((Stmt.Let) body.get(0)).type());
        assertEquals(Type.Prim.FLOAT, ((Stmt.Let) body.get(1)).type());
        Stmt.Assign compound = (Stmt.Assign) body.get(2);
        assertEquals(Expr.BinOp.PLUS, ((Expr.Binary) compound.value()).op());
        assertEquals(List.of(true, false), m.self().differentiable());
        assertEquals(3, body.get(0).pos().line() - 10 + 1);
        assertEquals("var k = w * n;", body.get(0).pos().source());
    }

    @Test
    void callsResolveToKnownOps() {
        MethodIr m = parse("""
                @Differentiable
                static Tensor f(Tensor x, Tensor w) {
                    Tensor p = sigmoid(x.matmul(w).plus(1));
                    return log(p).mean();
                }
                """);
        Expr.Call sigmoid = (Expr.Call) ((Stmt.Let) m.body().stmts().get(0)).init();
        assertEquals(Op.SIGMOID, ((Callee.Known) sigmoid.callee()).op());
        Expr.Call plus = assertInstanceOf(Expr.Call.class, sigmoid.args().get(0));
        assertEquals(Op.PLUS_SCALAR, ((Callee.Known) plus.callee()).op());
        assertEquals(Op.MATMUL, ((Callee.Known) ((Expr.Call) plus.args().get(0)).callee()).op());
        Expr.Call mean = (Expr.Call) ((Stmt.Return) m.body().stmts().get(1)).value();
        assertEquals(Op.MEAN, ((Callee.Known) mean.callee()).op());
        assertEquals(Type.TENSOR, mean.type());
    }
}
