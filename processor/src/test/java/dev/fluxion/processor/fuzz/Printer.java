package dev.fluxion.processor.fuzz;

import dev.fluxion.processor.fuzz.Ast.*;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Prints generated programs as Java source: one class per batch, one method per program. With
 * {@link Feature#SPELLINGS} some constructs get another spelling of the same meaning, chosen by the
 * method's name and the construct's place (so a program prints alike in a batch and alone): an
 * {@code if} without {@code break} as {@code switch ((c) ? 1 : 0) { case 1 -> {...} default -> {...} }}
 * and an element write {@code w[i] op= v} as
 * {@code { int w_p = i; w[w_p++] op= v; }} or {@code { int w_p = i + 1; w[--w_p] op= v; }}.
 */
final class Printer {
    /** Stands for the class's generated class in a nested call, until the class's name is known. */
    private static final String GENERATED_CLASS = "$Generated";

    private final StringBuilder out = new StringBuilder();
    private final boolean spellings;
    private int indent;
    /** The method being printed, and how many constructs of it could be spelled otherwise so far. */
    private String method = "";
    private int site;

    private Printer(boolean spellings) {
        this.spellings = spellings;
    }

    /** The source of class {@code demo.<simpleName>} holding every program's methods. */
    static String classSource(String simpleName, List<Program> programs) {
        return classSource(simpleName, programs, false);
    }

    /** As {@link #classSource(String, List)}, with the other spellings where {@code spellings}. */
    static String classSource(String simpleName, List<Program> programs, boolean spellings) {
        Printer p = new Printer(spellings);
        p.out.append("""
                package demo;

                import static dev.fluxion.F.*;

                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;

                class %s {
                """.formatted(simpleName));
        p.indent = 1;
        for (Program prog : programs) {
            for (Method h : prog.helpers()) {
                p.method(h);
            }
            p.method(prog.main());
        }
        p.out.append("}\n");
        return p.out.toString().replace(GENERATED_CLASS, simpleName + "Grad");
    }

    /** The methods of one program, for a failure message. */
    static String programSource(Program prog) {
        return programSource(prog, false);
    }

    /** As {@link #programSource(Program)}, with the other spellings where {@code spellings}. */
    static String programSource(Program prog, boolean spellings) {
        Printer p = new Printer(spellings);
        for (Method h : prog.helpers()) {
            p.method(h);
        }
        p.method(prog.main());
        return p.out.toString();
    }

    private void line(String s) {
        out.append("    ".repeat(indent)).append(s).append('\n');
    }

    private void method(Method m) {
        String params = m.params().stream().map(Printer::param).collect(Collectors.joining(", "));
        method = m.name();
        site = 0;
        line("@Differentiable");
        line("static " + (m.returnsTensor() ? "Tensor " : "double ") + m.name() + "(" + params + ") {");
        indent++;
        block(m.body());
        indent--;
        line("}");
        out.append('\n');
    }

    private static String param(Param p) {
        return switch (p.kind()) {
            case DOUBLE -> "double " + p.name();
            case NOGRAD_DOUBLE -> "@NoGrad double " + p.name();
            case ARRAY -> "double[] " + p.name();
            case TENSOR -> "Tensor " + p.name();
            case NOGRAD_TENSOR -> "@NoGrad Tensor " + p.name();
        };
    }

    private void block(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            stmt(s);
        }
    }

    private void stmt(Stmt s) {
        switch (s) {
            case Decl d -> line((d.tensor() ? "Tensor " : "double ") + d.name() + " = " + expr(d.init()) + ";");
            case Assign a -> line(a.name() + " " + a.op() + " " + expr(a.value()) + ";");
            case ArrDecl d -> line("double[] " + d.name() + " = new double[" + d.length() + "];");
            case ArrWrite w when respelled() -> {
                String p = w.array() + "_p";
                boolean up = site % 2 == 0;
                line("{");
                indent++;
                line("int " + p + " = " + w.index() + (up ? "" : " + 1") + ";");
                line(w.array() + "[" + (up ? p + "++" : "--" + p) + "] " + w.op() + " " + expr(w.value()) + ";");
                indent--;
                line("}");
            }
            case ArrWrite w -> line(w.array() + "[" + w.index() + "] " + w.op() + " " + expr(w.value()) + ";");
            case If i when !breaks(i.then()) && !breaks(i.orElse()) && respelled() -> {
                line("switch ((" + cond(i.cond()) + ") ? 1 : 0) {");
                indent++;
                line("case 1 -> {");
                nested(i.then());
                line("}");
                line("default -> {");
                nested(i.orElse());
                line("}");
                indent--;
                line("}");
            }
            case If i -> {
                line("if (" + cond(i.cond()) + ") {");
                nested(i.then());
                if (!i.orElse().isEmpty()) {
                    line("} else {");
                    nested(i.orElse());
                }
                line("}");
            }
            case For f -> {
                line("for (int " + f.counter() + " = 0; " + f.counter() + " < " + f.bound() + "; " + f.counter() + "++) {");
                nested(f.body());
                line("}");
            }
            case While w -> {
                line("int " + w.counter() + " = 0;");
                line("while (" + w.counter() + " < " + w.trips() + ") {");
                indent++;
                line(w.counter() + "++;");
                block(w.body());
                indent--;
                line("}");
            }
            case DoWhile w -> {
                line("int " + w.counter() + " = 0;");
                line("do {");
                indent++;
                line(w.counter() + "++;");
                block(w.body());
                indent--;
                line("} while (" + w.counter() + " < " + w.trips() + ");");
            }
            case DataWhile w -> {
                line("int " + w.counter() + " = 0;");
                line("while (" + cond(w.cond()) + " && " + w.counter() + " < " + w.cap() + ") {");
                indent++;
                line(w.counter() + "++;");
                block(w.body());
                indent--;
                line("}");
            }
            case Break b -> line("break;");
            case Continue c -> line("continue;");
            case Return r -> line("return " + expr(r.value()) + ";");
        }
    }

    /** Whether the next construct that could be spelled otherwise is (about one in three). */
    private boolean respelled() {
        return spellings && Math.floorMod(java.util.Objects.hash(method, site++), 3) == 0;
    }

    /** Whether {@code body} holds a {@code break} (inside a switch case it would leave the switch). */
    private static boolean breaks(List<Stmt> body) {
        for (Stmt s : body) {
            boolean inner = switch (s) {
                case Break b -> true;
                case If i -> breaks(i.then()) || breaks(i.orElse());
                case For f -> breaks(f.body());
                case While w -> breaks(w.body());
                case DoWhile w -> breaks(w.body());
                case DataWhile w -> breaks(w.body());
                default -> false;
            };
            if (inner) {
                return true;
            }
        }
        return false;
    }

    private void nested(List<Stmt> body) {
        indent++;
        block(body);
        indent--;
    }

    static String cond(Cond c) {
        return switch (c) {
            case Cmp cmp -> expr(cmp.a()) + " " + cmp.op() + " " + expr(cmp.b());
            case IntCmp ic -> ic.text();
            case And and -> cond(and.a()) + " && " + cond(and.b());
        };
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return Double.toString(v);
    }

    /** Every operand that is not a leaf or a call is parenthesised: precedence never matters. */
    static String expr(Expr e) {
        return switch (e) {
            case Num n -> n.value() < 0 ? "(" + number(n.value()) + ")" : number(n.value());
            case Var v -> v.name();
            case IntVar v -> v.name();
            case ArrRead r -> r.array() + "[" + r.index() + "]";
            case Bin b -> "(" + expr(b.a()) + " " + b.op() + " " + expr(b.b()) + ")";
            case SafeDiv d -> "(" + expr(d.a()) + " / (1 + " + expr(d.b()) + " * " + expr(d.b()) + "))";
            case Neg n -> "(-" + expr(n.a()) + ")";
            case MathCall m -> "Math." + m.fn() + "(" + m.args().stream().map(Printer::expr)
                    .collect(Collectors.joining(", ")) + ")";
            case Ternary t -> "(" + cond(t.cond()) + " ? " + expr(t.a()) + " : " + expr(t.b()) + ")";
            case Call c when c.method().contains(ScalarGenerator.NESTED) -> {
                // nested differentiation: one component of the helper's generated gradient
                String[] parts = c.method().split(java.util.regex.Pattern.quote(ScalarGenerator.NESTED));
                yield GENERATED_CLASS + "." + parts[0] + "Grad(" + c.args().stream().map(Printer::expr)
                        .collect(Collectors.joining(", ")) + ")." + parts[1] + "()";
            }
            case Call c -> c.method() + "(" + c.args().stream().map(Printer::expr).collect(Collectors.joining(", ")) + ")";
            case TUnary u -> u.fn() + "(" + expr(u.a()) + ")";
            case TScalar s -> expr(s.a()) + "." + s.op() + "(" + number(s.c()) + ")";
            case TScaled s -> expr(s.a()) + "." + s.op() + "(" + expr(s.s()) + ")";
            case TBin b -> expr(b.a()) + "." + b.op() + "(" + expr(b.b()) + ")";
            case TReduce r -> expr(r.a()) + "." + r.op() + "(" + (r.dim() < 0 ? "" : r.dim() + (r.keepDim() ? ", true" : "")) + ")";
            case TMatmul m -> expr(m.a()) + ".matmul(" + expr(m.b()) + ")";
            case TLinear l -> "linear(" + expr(l.a()) + ", " + expr(l.w()) + ".t(), " + expr(l.w()) + ".sum(0))";
        };
    }
}
