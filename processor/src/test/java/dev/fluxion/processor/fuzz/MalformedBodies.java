package dev.fluxion.processor.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random {@code @Differentiable} methods with unsupported or malformed statements spliced into an
 * otherwise plain body: lambdas, field writes, calls to plain or unknown methods, strings, an
 * assignment in a condition, labelled breaks, {@code synchronized}, {@code try}, {@code switch},
 * local classes, array writes, {@code ++} in an expression, {@code throw}, casts and boxing,
 * recursion, and some that are not Java at all (javac's own errors). Each method remembers the
 * lines of its whole declaration, so a test can check where the errors land.
 */
final class MalformedBodies {
    /** {@code {n}} is replaced by a unique number, {@code {m}} by the method's name, {@code {c}} by the class's. */
    static final List<String> SNIPPETS = List.of(
            "java.util.function.DoubleUnaryOperator f{n} = t -> t * 2;\ns = f{n}.applyAsDouble(s);",
            "counter = s;",
            "s = plain(s);",
            "s = Math.IEEEremainder(s, 2.0);",
            "String str{n} = \"v\" + s;\ns += str{n}.length();",
            "if ((s = a) > 0) {\n    s += 1;\n}",
            "outer{n}:\nfor (int i{n} = 0; i{n} < 2; i{n}++) {\n    for (int j{n} = 0; j{n} < 2; j{n}++) {\n"
                    + "        if (j{n} == 1) {\n            break outer{n};\n        }\n        s += a;\n    }\n}",
            "outer{n}:\nfor (int i{n} = 0; i{n} < 2; i{n}++) {\n    for (int j{n} = 0; j{n} < 2; j{n}++) {\n"
                    + "        if (j{n} == 1) {\n            continue outer{n};\n        }\n        s += a;\n    }\n}",
            "synchronized ({c}.class) {\n    s += a;\n}",
            "try {\n    s += a;\n} catch (RuntimeException e{n}) {\n    s = 0;\n}",
            "try {\n    s += a;\n} finally {\n    s += 1;\n}",
            "switch ((int) b) {\n    case 0 -> s += 1;\n    default -> s += a;\n}",
            "switch ((int) b) {\n    case 0:\n        s += 1;\n        break;\n    default:\n        s += a;\n}",
            "class Local{n} {\n    double v = 1;\n}\ns += new Local{n}().v;",
            "double[] arr{n} = new double[3];\narr{n}[0] = s;\ns += arr{n}[0];",
            "x[0] = s;",
            "double t{n} = s++ * 2;\ns += t{n};",
            "if (a > 10) {\n    throw new IllegalStateException();\n}",
            "Object o{n} = s;\ns = (Double) o{n};",
            "for (double v{n} : x) {\n    s += v{n};\n}",
            "assert s > 0;",
            "float f{n} = (float) s;\ns += f{n};",
            "s = {m}(a, b, x);",
            "double s = 2;",
            "s = \"text\";",
            "s += undefinedVariable{n};",
            "s = Math.random() * s;",
            "s = new java.util.Random(1).nextDouble() * s;",
            "while (s < 10) s += 1 + a * a;",
            "s = a > 0 ? s : (s = b);",
            "long q{n} = Math.round(s);\ns += q{n};",
            "s = Double.valueOf(s);",
            "s += this.hashCode();",
            "var list{n} = java.util.List.of(s);\ns += list{n}.get(0);",
            "s += a;\n;",
            "{\n    s += a;\n}",
            "label{n}:\ns += a;",
            "s += Math.signum(a) + Math.floor(b);",
            "int n{n} = (int) s;\ns += n{n} % 3;",
            "s += instance.hashCode();",
            "Runnable r{n} = () -> { };\nr{n}.run();",
            "s += unknownMethod(s);",
            "s += x.length > 2 ? x[2] : 0;",
            "boolean flag{n} = s > 0 & a < 1;\nif (flag{n}) {\n    s += 1;\n}",
            "s += (s > 0 ? 1 : 0) << 2;",
            "char c{n} = 'a';\ns += c{n};",
            "s = -(-s);",
            "s += new double[] {a, b}[1];",
            "s += Math.max(s, a) > 0 ? Math.pow(s, b) : 0;");

    /** One generated class: its source and where each method is. */
    record Batch(String className, String source, List<int[]> methodLines) {
    }

    private MalformedBodies() {
    }

    static Batch batch(String className, long seed, int methods) {
        Random rnd = Seeds.random(seed);
        List<String> lines = new ArrayList<>(List.of(
                "package demo;", "",
                "import dev.fluxion.annotation.Differentiable;", "",
                "class " + className + " {",
                "    static double counter;",
                "    static final Object instance = new Object();", "",
                "    static double plain(double t) {",
                "        return t * 2;",
                "    }", ""));
        List<int[]> ranges = new ArrayList<>();
        int unique = 0;
        for (int k = 0; k < methods; k++) {
            String name = "bad" + k;
            int first = lines.size() + 1;
            lines.add("    @Differentiable");
            lines.add("    static double " + name + "(double a, double b, double[] x) {");
            List<String> body = new ArrayList<>(List.of("double s = a * b;", "s += Math.sin(a);", "return s;"));
            int snippets = 1 + (rnd.nextDouble() < 0.3 ? 1 : 0);
            for (int j = 0; j < snippets; j++) {
                String snippet = SNIPPETS.get(rnd.nextInt(SNIPPETS.size()))
                        .replace("{n}", Integer.toString(++unique)).replace("{m}", name).replace("{c}", className);
                List<String> snippetLines = new ArrayList<>(snippet.lines().toList());
                if (rnd.nextDouble() < 0.3) {
                    List<String> wrapped = new ArrayList<>();
                    wrapped.add("for (int loop" + unique + " = 0; loop" + unique + " < 2; loop" + unique + "++) {");
                    snippetLines.forEach(l -> wrapped.add("    " + l));
                    wrapped.add("}");
                    snippetLines = wrapped;
                }
                body.addAll(1 + rnd.nextInt(body.size() - 1), snippetLines);
            }
            body.forEach(l -> lines.add("        " + l));
            lines.add("    }");
            ranges.add(new int[] {first, lines.size()});
            lines.add("");
        }
        lines.add("}");
        return new Batch(className, String.join("\n", lines) + "\n", ranges);
    }
}
