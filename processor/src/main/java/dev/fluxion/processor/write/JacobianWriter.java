package dev.fluxion.processor.write;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
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
 * Writes {@code fJacobian(args)} for a method with a tensor result: the value and, per
 * differentiable input, the whole Jacobian ({@code Jacobians.of}: by columns through {@code fJvp}
 * where the inputs have fewer elements than the value, else by rows through one pullback).
 */
final class JacobianWriter {
    private static final ClassName JACOBIANS = ClassName.get("dev.fluxion", "Jacobians");

    private JacobianWriter() {}

    /**
     * Whether {@code m} gets an {@code fJacobian}: a tensor result, inputs of supported types, and
     * for a Module's method a forward mode ({@code tangent}, else null): its Jacobian with respect to
     * its inputs goes by columns, as its pullback would also accumulate into the parameters' gradients.
     */
    static boolean eligible(MethodIr m, TangentMethod tangent) {
        return m.returnType().isTensor() && (!m.takesModel() || tangent != null) && !m.differentiableParams().isEmpty()
                && m.differentiableParams().stream().allMatch(p -> p.type().isTensor() || p.type().isFloatingScalar()
                || p.type().equals(new Type.ArrayOf(Type.Prim.DOUBLE)));
    }

    /** Adds {@code fJacobian} and its record; {@code tangent} (null where none) gives the forward direction. */
    static void addTo(TypeSpec.Builder type, DerivedMethod d, TangentMethod tangent, ClassName owner,
                      ClassName gradClass) {
        MethodIr m = d.method();
        ClassName record = gradClass.nestedClass(Names.jacobianRecord(m.name()));
        ClassName pullbackClass = gradClass.nestedClass(Names.pullbackClass(m.name()));
        ClassName gradient = gradClass.nestedClass(Names.gradientRecord(m.name()));
        Set<String> taken = new HashSet<>();
        m.params().forEach(p -> taken.add(p.name()));
        taken.add(Names.MODEL);
        String pullback = Names.freshIn("pullback", taken);
        String jacobians = Names.freshIn("jacobians", taken);
        String dirs = Names.freshIn("d", taken);
        String g = Names.freshIn("g", taken);
        String grad = Names.freshIn("gradient", taken);
        List<Param> diff = m.differentiableParams();
        List<CodeBlock> inputs = new ArrayList<>();
        List<CodeBlock> rows = new ArrayList<>();
        List<String> jvpArgs = new ArrayList<>();
        if (m.takesModel()) {
            jvpArgs.add(Names.MODEL);
        }
        m.params().forEach(p -> jvpArgs.add(p.name()));
        MethodSpec.Builder ctor = MethodSpec.constructorBuilder().addParameter(JavaTypes.TENSOR, Names.VALUE);
        List<String> names = m.params().stream().map(Param::name).toList();
        for (int k = 0; k < diff.size(); k++) {
            Param p = diff.get(k);
            String component = Names.gradientComponents(names).get(names.indexOf(p.name()));
            ctor.addParameter(JavaTypes.TENSOR, component);
            CodeBlock row = CodeBlock.of("$N.$N()", grad, component);
            String dk = dirs + "[" + k + "]";
            if (p.type().isTensor()) {
                inputs.add(CodeBlock.of("$N", p.name()));
                rows.add(row);
                jvpArgs.add(dk);
            } else if (p.type().isFloatingScalar()) {
                inputs.add(CodeBlock.of("$T.scalar($N)", JavaTypes.TENSOR, p.name()));
                rows.add(CodeBlock.of("$T.scalar($L)", JavaTypes.TENSOR, row));
                jvpArgs.add((p.type() == Type.Prim.FLOAT ? "(float) " : "") + dk + ".item()");
            } else {
                inputs.add(CodeBlock.of("$T.of($N)", JavaTypes.TENSOR, p.name()));
                rows.add(CodeBlock.of("$T.of($L)", JavaTypes.TENSOR, row));
                jvpArgs.add(dk + ".toDoubleArray()");
            }
        }
        type.addType(TypeSpec.recordBuilder(record).addModifiers(Modifier.PUBLIC)
                .addJavadoc("The value of {@code $N} and its Jacobian with respect to each differentiable input\n"
                        + "(the value's shape followed by the input's, float64).\n", m.name())
                .recordConstructor(ctor.build()).build());
        CodeBlock jvp = tangent == null ? CodeBlock.of("null")
                : CodeBlock.of("$N -> $N($L).$N()", dirs, Names.jvpMethod(m.name()), String.join(", ", jvpArgs),
                        Names.TANGENT);
        CodeBlock.Builder code = CodeBlock.builder();
        String valueOf;
        if (m.takesModel()) {
            List<String> callArgs = new ArrayList<>(List.of(Names.MODEL));
            m.params().forEach(p -> callArgs.add(p.name()));
            valueOf = Names.freshIn("value", taken);
            code.addStatement("$T $N = $N($L)", JavaTypes.TENSOR, valueOf, m.name(), String.join(", ", callArgs))
                    .addStatement("$T[] $N = $T.byColumns($N, new $T[] {$L}, $L)", JavaTypes.TENSOR, jacobians,
                            JACOBIANS, valueOf, JavaTypes.TENSOR, CodeBlock.join(inputs, ", "), jvp);
        } else {
            valueOf = pullback + ".value()";
            code.addStatement("$T $N = $N($L)", pullbackClass, pullback, Names.vjpMethod(m.name()),
                            String.join(", ", m.params().stream().map(Param::name).toList()))
                    .add("$T[] $N = $T.of($N.value(), new $T[] {$L},\n", JavaTypes.TENSOR, jacobians, JACOBIANS,
                            pullback, JavaTypes.TENSOR, CodeBlock.join(inputs, ", "))
                    .indent().indent()
                    .add("$L,\n", jvp)
                    .add("$N -> {\n", g).indent()
                    .addStatement("$T $N = $N.$N($N)", gradient, grad, pullback, Names.BACKWARD, g)
                    .addStatement("return new $T[] {$L}", JavaTypes.TENSOR, CodeBlock.join(rows, ", "))
                    .unindent().add("});\n").unindent().unindent();
        }
        List<String> comps = new ArrayList<>();
        for (int k = 0; k < diff.size(); k++) {
            comps.add(jacobians + "[" + k + "]");
        }
        code.addStatement("return new $T($L, $L)", record, valueOf, String.join(", ", comps));
        MethodSpec.Builder method = MethodSpec.methodBuilder(Names.jacobianMethod(m.name()))
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(record);
        if (m.takesModel()) {
            method.addParameter(owner, Names.MODEL);
        }
        type.addMethod(method.addParameters(m.params().stream().map(p -> com.palantir.javapoet.ParameterSpec.builder(
                        JavaTypes.of(p.type()), p.name()).build()).toList())
                .addJavadoc("The value of {@link $T#$N} and its whole Jacobian with respect to each differentiable input,\n"
                        + "as {@code torch.autograd.functional.jacobian}: by columns (one {@code $N} per input element)\n"
                        + "where the inputs have fewer elements than the value, else by rows (one backward pass per\n"
                        + "value element, all through one pullback); for a Module's method always by columns.\n", owner, m.name(),
                        Names.jvpMethod(m.name()))
                .addCode(code.build()).build());
    }
}
