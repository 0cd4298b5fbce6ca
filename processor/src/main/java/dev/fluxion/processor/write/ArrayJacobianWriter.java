package dev.fluxion.processor.write;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.fluxion.processor.fwd.VectorMode;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.model.TangentMethod;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes the Jacobian of a method with a {@code double[]} result, in plain arrays:
 * {@code fJacobian(args)} returning {@code FJacobian(value, x, ...)}, per differentiable input an
 * {@code m × len} {@code double[][]} (a {@code double[]} of {@code m} for a scalar input), as
 * {@code torch.autograd.functional.jacobian}. {@code fJacobianForward} gives it by columns, all
 * directions in one pass ({@link VectorMode}, JAX's {@code jacfwd}); {@code fJacobianReverse} by
 * rows, one backward pass per value element through one pullback ({@code jacrev}).
 * {@code fJacobian} picks forward where the inputs have no more elements than the value: it knows
 * the value's length from the method's previous call (a guess that only decides the speed; the
 * first call measures it with the pullback).
 */
final class ArrayJacobianWriter {
    private static final Type DOUBLES = new Type.ArrayOf(Type.Prim.DOUBLE);

    private ArrayJacobianWriter() {}

    /** Whether {@code m} gets these: a static method, a {@code double[]} result, {@code double}/{@code double[]} inputs. */
    static boolean eligible(MethodIr m) {
        return m.returnType().equals(DOUBLES) && !m.takesModel() && !m.differentiableParams().isEmpty()
                && m.differentiableParams().stream().allMatch(p -> p.type() == Type.Prim.DOUBLE
                || p.type().equals(DOUBLES));
    }

    /** Adds the record, {@code fJacobian}, {@code fJacobianReverse} and, where {@code tangent} widens, {@code fJacobianForward}. */
    static void addTo(TypeSpec.Builder type, DerivedMethod d, TangentMethod tangent, ClassName owner,
                      ClassName gradClass, SourceSites sites, Set<String> used) {
        MethodIr m = d.method();
        VectorMode vector = tangent == null ? null : VectorMode.derive(tangent).orElse(null);
        if (vector != null && !fits(vector)) {
            vector = null;
        }
        String name = m.name();
        ClassName record = gradClass.nestedClass(Names.jacobianRecord(name));
        ClassName pullbackClass = gradClass.nestedClass(Names.pullbackClass(name));
        ClassName gradient = gradClass.nestedClass(Names.gradientRecord(name));
        List<Param> diff = m.differentiableParams();
        List<String> names = m.params().stream().map(Param::name).toList();
        List<String> components = new ArrayList<>();
        MethodSpec.Builder ctor = MethodSpec.constructorBuilder().addParameter(double[].class, Names.VALUE);
        for (Param p : diff) {
            String component = Names.gradientComponents(names).get(names.indexOf(p.name()));
            components.add(component);
            ctor.addParameter(p.type() == Type.Prim.DOUBLE ? TypeName.get(double[].class)
                    : TypeName.get(double[][].class), component);
        }
        type.addType(TypeSpec.recordBuilder(record).addModifiers(Modifier.PUBLIC)
                .addJavadoc("The value of {@code $N} and its Jacobian with respect to each differentiable input: for a\n"
                        + "{@code double[]} input an {@code m × len} array (row {@code i}: the gradient of value element\n"
                        + "{@code i}), for a {@code double} input one derivative per value element.\n", name)
                .recordConstructor(ctor.build()).build());
        String lengthField = name + "ValueLength";
        type.addField(FieldSpec.builder(int.class, lengthField, Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("The length of {@code $N}'s value at its last Jacobian: {@code $N} guesses the direction\n"
                        + "from it (only the speed depends on the guess, so a stale or racy read is harmless).\n", name,
                        Names.jacobianMethod(name))
                .initializer("-1").build());
        String args = String.join(", ", names);

        // fJacobian: the direction by the sizes.
        Set<String> taken = new HashSet<>(names);
        String inputs = Names.freshIn("inputs", taken);
        String guess = Names.freshIn("valueLength", taken);
        String pullback = Names.freshIn("pullback", taken);
        boolean fused = FusedRows.applies(d);
        CodeBlock.Builder pick = CodeBlock.builder()
                .addStatement("int $N = $L", inputs, inputCount(diff));
        if (vector != null) {
            pick.addStatement("int $N = $N", guess, lengthField)
                    .beginControlFlow("if ($N >= $N)", guess, inputs)
                    .addStatement("return $N($L)", forwardName(name), args)
                    .endControlFlow();
        }
        if (fused && vector != null) {
            // the first call measures the value's length through the pullback; later ones know it
            pick.beginControlFlow("if ($N >= 0)", guess)
                    .addStatement("return $N($L)", reverseName(name), args)
                    .endControlFlow();
        }
        if (fused && vector == null) {
            pick.addStatement("return $N($L)", reverseName(name), args);
        } else {
            pick.addStatement("$T $N = $N($L)", pullbackClass, pullback, Names.vjpMethod(name), args)
                    .addStatement("$N = $N.value().length", lengthField, pullback);
            if (vector != null) {
                pick.beginControlFlow("if ($N.value().length >= $N)", pullback, inputs)
                        .addStatement("return $N($L)", forwardName(name), args)
                        .endControlFlow();
            }
            pick.addStatement("return $N($N)", rowsName(name), pullback);
        }
        type.addMethod(signature(Names.jacobianMethod(name), m, record)
                .addJavadoc("The value of {@link $T#$N} and its whole Jacobian, as\n"
                        + "{@code torch.autograd.functional.jacobian}: by columns in one pass ({@code $N}) where the\n"
                        + "inputs have no more elements than the value, else by rows ({@code $N}).\n", owner, name,
                        forwardName(name), reverseName(name))
                .addCode(pick.build()).build());

        // fJacobianReverse and the rows through one pullback.
        if (fused) {
            Set<String> local = new HashSet<>(used);
            local.addAll(names);
            type.addMethod(signature(reverseName(name), m, record)
                    .addJavadoc("The Jacobian of {@link $T#$N} by rows ({@code jax.jacrev}): one forward pass, then one\n"
                            + "backward pass per value element, in this method (no pullback object).\n", owner, name)
                    .addCode(RunTimeChecks.nullArguments(m, reverseName(name)))
                    .addCode(RunTimeChecks.arrayGuard(m, reverseName(name),
                            FusedRows.body(d, record, sites, local, lengthField), local))
                    .build());
        } else {
            type.addMethod(signature(reverseName(name), m, record)
                    .addJavadoc("The Jacobian of {@link $T#$N} by rows ({@code jax.jacrev}): one forward pass, then one\n"
                            + "backward pass per value element through its pullback.\n", owner, name)
                    .addStatement("return $N($N($L))", rowsName(name), Names.vjpMethod(name), args).build());
        }
        if (!fused || vector != null) { // the pullback's rows: the reverse Jacobian, or fJacobian's first call
            addRows(type, name, pullbackClass, pullback, gradient, record, diff, components);
        }
        if (vector != null) {
            addForward(type, m, vector, record, owner, sites, used, components, lengthField);
        }
    }

    /** The Jacobian from a pullback: row {@code i} is the pullback of the {@code i}-th unit cotangent. */
    private static void addRows(TypeSpec.Builder type, String name, ClassName pullbackClass, String pullback,
                                ClassName gradient, ClassName record, List<Param> diff, List<String> components) {
        Set<String> rowNames = new HashSet<>(Set.of(pullback));
        String value = Names.freshIn("value", rowNames);
        String rows = Names.freshIn("m", rowNames);
        String seed = Names.freshIn("seed", rowNames);
        String i = Names.freshIn("i", rowNames);
        String g = Names.freshIn("gradient", rowNames);
        CodeBlock.Builder byRows = CodeBlock.builder()
                .addStatement("double[] $N = $N.value()", value, pullback)
                .addStatement("int $N = $N.length", rows, value);
        List<String> jac = new ArrayList<>();
        for (int k = 0; k < diff.size(); k++) {
            String j = Names.freshIn("j" + Names.capitalize(components.get(k)), rowNames);
            jac.add(j);
            byRows.addStatement(diff.get(k).type() == Type.Prim.DOUBLE ? "double[] $N = new double[$N]"
                    : "double[][] $N = new double[$N][]", j, rows);
        }
        byRows.addStatement("double[] $N = new double[$N]", seed, rows)
                .beginControlFlow("for (int $N = 0; $N < $N; $N++)", i, i, rows, i)
                .addStatement("$N[$N] = 1", seed, i)
                .addStatement("$T $N = $N.$N($N)", gradient, g, pullback, Names.BACKWARD, seed)
                .addStatement("$N[$N] = 0", seed, i);
        for (int k = 0; k < diff.size(); k++) {
            byRows.addStatement("$N[$N] = $N.$N()", jac.get(k), i, g, components.get(k));
        }
        byRows.endControlFlow()
                .addStatement("return new $T($N, $L)", record, value, String.join(", ", jac));
        type.addMethod(MethodSpec.methodBuilder(rowsName(name)).addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(record).addParameter(pullbackClass, pullback)
                .addJavadoc("Row {@code i} of the Jacobian is the pullback of the {@code i}-th unit cotangent.\n")
                .addCode(byRows.build()).build());

    }

    /** {@code fJacobianForward}: the vector-mode body, then the flat {@code m × N} tangent split per input. */
    private static void addForward(TypeSpec.Builder type, MethodIr m, VectorMode vector, ClassName record,
                                   ClassName owner, SourceSites sites, Set<String> used, List<String> components,
                                   String lengthField) {
        Set<String> taken = new HashSet<>(used);
        vector.body().forEach(s -> taken.addAll(dev.fluxion.processor.ir.Exprs.vars(s)));
        String value = Names.freshIn("value", taken);
        String tangent = Names.freshIn("tangent", taken);
        String rows = Names.freshIn("m", taken);
        String i = Names.freshIn("i", taken);
        String at = Names.freshIn("row", taken);
        CodeBlock.Builder code = CodeBlock.builder();
        SourceSites.Tracker tracker = sites.tracker(vector.body(), taken);
        if (tracker != null) {
            tracker.open(code);
        }
        new StmtWriter(code, "", false, tracker).writeAll(vector.body());
        code.addStatement("double[] $N = $L", value, ExprWriter.write(vector.value()))
                .addStatement("double[] $N = $L", tangent, ExprWriter.write(vector.resultTangent()))
                .addStatement("int $N = $N.length", rows, value)
                .beginControlFlow("if ($N != $N)", lengthField, rows)
                .addStatement("$N = $N", lengthField, rows)
                .endControlFlow();
        List<Param> diff = m.differentiableParams();
        List<String> jac = new ArrayList<>();
        for (int k = 0; k < diff.size(); k++) {
            String j = Names.freshIn("j" + Names.capitalize(components.get(k)), taken);
            jac.add(j);
            if (diff.get(k).type() == Type.Prim.DOUBLE) {
                code.addStatement("double[] $N = new double[$N]", j, rows);
            } else {
                // Rows one by one: new double[m][n] is a slow runtime call in compiled code.
                code.addStatement("double[][] $N = new double[$N][]", j, rows);
            }
        }
        code.beginControlFlow("for (int $N = 0; $N < $N; $N++)", i, i, rows, i)
                .addStatement("int $N = $N * $N", at, i, vector.directions());
        for (int k = 0; k < diff.size(); k++) {
            Param p = diff.get(k);
            String column = ExprWriter.write(vector.columns().get(k)).toString();
            if (p.type() == Type.Prim.DOUBLE) {
                code.addStatement("$N[$N] = $N[$N + $L]", jac.get(k), i, tangent, at, column);
            } else {
                code.addStatement("$N[$N] = $T.copyOfRange($N, $N + $L, $N + $L + $N.length)", jac.get(k), i,
                        java.util.Arrays.class, tangent, at, column, at, column, p.name());
            }
        }
        code.endControlFlow().addStatement("return new $T($N, $L)", record, value, String.join(", ", jac));
        if (tracker != null) {
            tracker.close(code);
        }
        type.addMethod(signature(forwardName(m.name()), m, record)
                .addJavadoc("The Jacobian of {@link $T#$N} by columns ({@code jax.jacfwd}), all of them in one pass:\n"
                        + "each tangent carries one derivative per input element (vector-mode forward), the\n"
                        + "inputs seeded with the identity.\n", owner, m.name())
                .addCode(code.build()).build());
    }

    /** Whether the vector-mode body fits one JVM method. */
    private static boolean fits(VectorMode v) {
        return !Parts.needed(v.body());
    }

    private static String inputCount(List<Param> diff) {
        List<String> terms = new ArrayList<>();
        int scalars = 0;
        for (Param p : diff) {
            if (p.type() == Type.Prim.DOUBLE) {
                scalars++;
            } else {
                terms.add(p.name() + ".length");
            }
        }
        if (scalars > 0 || terms.isEmpty()) {
            terms.add(Integer.toString(scalars));
        }
        return String.join(" + ", terms);
    }

    private static MethodSpec.Builder signature(String name, MethodIr m, ClassName record) {
        MethodSpec.Builder b = MethodSpec.methodBuilder(name).addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(record);
        for (Param p : m.params()) {
            b.addParameter(ParameterSpec.builder(JavaTypes.of(p.type()), p.name()).build());
        }
        return b;
    }

    static String forwardName(String method) {
        return Names.jacobianMethod(method) + "Forward";
    }

    static String reverseName(String method) {
        return Names.jacobianMethod(method) + "Reverse";
    }

    private static String rowsName(String method) {
        return Names.jacobianMethod(method) + "Rows";
    }
}
