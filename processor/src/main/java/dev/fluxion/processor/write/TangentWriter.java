package dev.fluxion.processor.write;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.model.TangentMethod;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes a method's forward mode: {@code fJvp(args, tangents)} returning the record
 * {@code FTangent(value, tangent)}, the primal statements with the tangent statements interleaved.
 */
final class TangentWriter {
    private TangentWriter() {}

    /**
     * Whether {@code t}'s body fits one JVM method. The processor generates no {@code fJvp} where it
     * does not (forward mode has no parts classes yet), and callers then call no {@code fJvp} either.
     */
    static boolean fits(TangentMethod t) {
        return !Parts.needed(t.body());
    }

    /** Adds {@code fJvp} and its record to {@code type}. */
    static void addTo(TypeSpec.Builder type, TangentMethod t, ClassName owner, ClassName gradClass, SourceSites sites,
                      Set<String> taken) {
        MethodIr m = t.method();
        TypeName result = JavaTypes.of(m.returnType());
        ClassName record = gradClass.nestedClass(Names.tangentRecord(m.name()));
        type.addType(TypeSpec.recordBuilder(record).addModifiers(Modifier.PUBLIC)
                .addJavadoc("The value of {@code $N} and its directional derivative (the tangent of the value).\n",
                        m.name())
                .recordConstructor(MethodSpec.constructorBuilder().addParameter(result, Names.VALUE)
                        .addParameter(result, Names.TANGENT).build())
                .build());
        MethodSpec.Builder b = MethodSpec.methodBuilder(Names.jvpMethod(m.name()))
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(record);
        if (m.takesModel()) {
            b.addParameter(owner, Names.MODEL);
        }
        for (Param p : m.params()) {
            b.addParameter(JavaTypes.of(p.type()), p.name());
        }
        for (Param p : t.tangents()) {
            b.addParameter(JavaTypes.of(p.type()), p.name());
        }
        List<String> directions = t.tangents().stream().map(p -> "{@code " + p.name() + "}").toList();
        b.addJavadoc("The value of {@link $T#$N} and its derivative in the direction $L, in one pass\n"
                + "(forward mode: each statement's tangent is computed beside it, nothing is saved).\n"
                + "The tangent is the Jacobian-vector product {@code J·v}; for a scalar result, the gradient's\n"
                + "dot product with the direction.\n", owner, m.name(),
                directions.isEmpty() ? "(none)" : String.join(", ", directions));
        type.addMethod(b.addCode(body(t, record, sites, taken)).build());
    }

    /** The statements of {@code t} and the return of its record: {@code fJvp}'s body. */
    private static CodeBlock body(TangentMethod t, ClassName record, SourceSites sites, Set<String> taken) {
        CodeBlock.Builder code = CodeBlock.builder();
        SourceSites.Tracker tracker = sites.tracker(t.body(), taken);
        if (tracker != null) {
            tracker.open(code);
        }
        new StmtWriter(code, "", false, tracker).writeAll(t.body());
        code.addStatement("return new $T($L, $L)", record, ExprWriter.write(t.value()), ExprWriter.write(t.tangent()));
        if (tracker != null) {
            tracker.close(code);
        }
        return code.build();
    }

    /**
     * Adds {@code fParametersJvp(model, args, w_dot, ...)} of a {@code Module} method {@code m} and
     * its record {@code FParametersTangent}: the value and its derivative along one direction per
     * Parameter, the method's own arguments held fixed. The Parameters are read from the model into
     * the parameter form's first parameters, then its forward mode runs as {@code fJvp}'s does.
     */
    static void addParameterJvp(TypeSpec.Builder type, MethodIr m, dev.fluxion.processor.model.ParameterJvp j,
                                ClassName owner, ClassName gradClass, SourceSites sites, Set<String> taken) {
        TangentMethod t = j.tangent();
        String name = Names.jvpMethod(t.method().name());
        TypeName result = JavaTypes.of(m.returnType());
        ClassName record = gradClass.nestedClass(Names.tangentRecord(t.method().name()));
        type.addType(TypeSpec.recordBuilder(record).addModifiers(Modifier.PUBLIC)
                .addJavadoc("The value of {@code $N} and its derivative along the Parameters' directions.\n", m.name())
                .recordConstructor(MethodSpec.constructorBuilder().addParameter(result, Names.VALUE)
                        .addParameter(result, Names.TANGENT).build())
                .build());
        MethodSpec.Builder b = MethodSpec.methodBuilder(name).addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(record).addParameter(owner, Names.MODEL);
        for (Param p : m.params()) {
            b.addParameter(JavaTypes.of(p.type()), p.name());
        }
        for (Param p : t.tangents()) {
            b.addParameter(JavaTypes.of(p.type()), p.name());
        }
        b.addJavadoc("The value of {@link $T#$N} and its derivative along the model's Parameters in the direction\n"
                + "$L\n(one tensor per Parameter, of its shape, in the order the method first reads them), in one\n"
                + "pass: the Jacobian-vector product {@code J·v} with respect to the Parameters, the method's own\n"
                + "arguments held fixed ({@code torch.func.jvp} over {@code functional_call}). The Parameters'\n"
                + "{@code grad()} are left untouched.\n", owner, m.name(),
                String.join(", ", t.tangents().stream().map(p -> "{@code " + p.name() + "}").toList()));
        CodeBlock.Builder code = CodeBlock.builder();
        List<Param> parameters = t.method().params().subList(0, j.paths().size());
        for (int i = 0; i < parameters.size(); i++) {
            String read = Names.MODEL + "." + String.join(".", j.paths().get(i));
            code.add(nullParameter(read, name, m.name(), "forward mode"));
            code.addStatement("$T $N = $L", JavaTypes.of(parameters.get(i).type()), parameters.get(i).name(), read);
        }
        type.addMethod(b.addCode(code.add(body(t, record, sites, taken)).build()).build());
    }

    /** A clear error where the Parameter {@code read} is null (a layer built without a bias). */
    private static CodeBlock nullParameter(String read, String generated, String method, String what) {
        return CodeBlock.builder().beginControlFlow("if ($L == null)", read)
                .addStatement("throw new $T($S)", SourceSites.FLUXION_EXCEPTION, generated + ": " + read
                        + " is null (a layer built without it?); the " + what + " with respect to"
                        + " the Parameters needs every Parameter " + method + " reads")
                .endControlFlow().build();
    }

    /**
     * Adds {@code fHvp(args, v)}, the Hessian-vector product through {@code fDirectionalGrad}, and,
     * for a method of one differentiable {@code double[]}, {@code fHessian(args)} column by column.
     */
    static void addHvp(TypeSpec.Builder type, TangentMethod t, String directional, ClassName owner, ClassName gradClass) {
        MethodIr m = t.method();
        ClassName record = gradClass.nestedClass(Names.gradientRecord(directional));
        MethodSpec.Builder b = MethodSpec.methodBuilder(Names.hvpMethod(m.name()))
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(record);
        List<String> args = new java.util.ArrayList<>();
        for (Param p : m.params()) {
            b.addParameter(JavaTypes.of(p.type()), p.name());
            args.add(p.name());
        }
        for (Param p : t.tangents()) {
            b.addParameter(JavaTypes.of(p.type()), p.name());
            args.add(p.name());
        }
        b.addJavadoc("The Hessian-vector product of {@link $T#$N} in the direction $L: each component of the\n"
                + "result is {@code H·v} for that input, and {@code value()} is {@code ⟨∇f, v⟩}. One forward and one\n"
                + "backward pass of the tangent program {@code $N} (reverse over forward), not a gradient per input.\n",
                owner, m.name(), String.join(", ", t.tangents().stream().map(p -> "{@code " + p.name() + "}").toList()),
                directional);
        b.addStatement("return $N($L)", Names.gradMethod(directional), String.join(", ", args));
        type.addMethod(b.build());
        List<Param> diff = m.differentiableParams();
        if (diff.size() != 1) {
            return;
        }
        Param x = diff.getFirst();
        boolean tensor = x.type().isTensor();
        if (!tensor && !(x.type() instanceof dev.fluxion.processor.ir.Type.ArrayOf a
                && a.element() == dev.fluxion.processor.ir.Type.Prim.DOUBLE)) {
            return;
        }
        java.util.Set<String> taken = new java.util.HashSet<>(args);
        String hessian = Names.freshIn("hessian", taken);
        String direction = Names.freshIn("direction", taken);
        String i = Names.freshIn("i", taken);
        String n = Names.freshIn("n", taken);
        List<String> callArgs = new java.util.ArrayList<>();
        String oneHot = tensor ? Names.freshIn(direction + "Tensor", taken) : direction;
        String shape = Names.freshIn("shape", taken);
        m.params().forEach(p -> callArgs.add(p.name()));
        callArgs.add(oneHot);
        String component = Names.gradientComponents(m.params().stream().map(Param::name).toList())
                .get(m.params().indexOf(x));
        String call = Names.gradMethod(directional) + "(" + String.join(", ", callArgs) + ")." + component + "()";
        MethodSpec.Builder h = MethodSpec.methodBuilder(Names.hessianMethod(m.name()))
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(tensor ? JavaTypes.of(x.type()) : TypeName.get(double[][].class));
        m.params().forEach(p -> h.addParameter(JavaTypes.of(p.type()), p.name()));
        h.addJavadoc("The Hessian of {@link $T#$N} with respect to {@code $N}, one Hessian-vector product per\n"
                + "column: for small inputs ({@code n} passes of the tangent program and its backward)"
                + (tensor ? ".\nFor an input of shape {@code s}, the result has shape {@code s ++ s}, float64.\n" : ".\n"),
                owner, m.name(), x.name());
        if (tensor) {
            // The direction is one-hot, of x's shape and dtype; row i of the result is H·e_i (H is symmetric).
            h.addStatement("int $N = $N.numel()", n, x.name())
                    .addStatement("double[] $N = new double[$N * $N]", hessian, n, n)
                    .addStatement("double[] $N = new double[$N]", direction, n)
                    .beginControlFlow("for (int $N = 0; $N < $N; $N++)", i, i, n, i)
                    .addStatement("$N[$N] = 1", direction, i)
                    .addStatement("$T $N = $T.fromArray($N, $N.shape()).to($N.dtype())", JavaTypes.of(x.type()),
                            oneHot, JavaTypes.of(x.type()), direction, x.name(), x.name())
                    .addStatement("$T.arraycopy($L.toDoubleArray(), 0, $N, $N * $N, $N)", System.class, call,
                            hessian, i, n, n)
                    .addStatement("$N[$N] = 0", direction, i)
                    .endControlFlow()
                    .addStatement("int[] $N = $N.shape()", shape, x.name())
                    .addStatement("return $T.fromArray($N, $T.concat($T.stream($N), $T.stream($N)).toArray())",
                            JavaTypes.of(x.type()), hessian, java.util.stream.IntStream.class, java.util.Arrays.class,
                            shape, java.util.Arrays.class, shape);
        } else {
            h.addStatement("double[][] $N = new double[$N.length][]", hessian, x.name())
                    .addStatement("double[] $N = new double[$N.length]", direction, x.name())
                    .beginControlFlow("for (int $N = 0; $N < $N.length; $N++)", i, i, x.name(), i)
                    .addStatement("$N[$N] = 1", direction, i)
                    .addStatement("$N[$N] = $L", hessian, i, call)
                    .addStatement("$N[$N] = 0", direction, i)
                    .endControlFlow()
                    .addStatement("return $N", hessian);
        }
        type.addMethod(h.build());
    }

    /**
     * Adds {@code fHvp(model, args, w_dot, ...)} of a {@code Module} method {@code m}: the
     * Hessian-vector product with respect to its Parameters, through the gradient of the parameter
     * form's directional derivative, reading the Parameters from the model.
     */
    static void addParameterHvp(TypeSpec.Builder type, MethodIr m, dev.fluxion.processor.model.ParameterHvp h,
                                ClassName owner, ClassName gradClass) {
        ClassName record = gradClass.nestedClass(Names.gradientRecord(h.directional()));
        MethodSpec.Builder b = MethodSpec.methodBuilder(Names.hvpMethod(m.name()))
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(record)
                .addParameter(owner, Names.MODEL);
        List<String> args = new java.util.ArrayList<>();
        for (List<String> path : h.paths()) {
            String read = Names.MODEL + "." + String.join(".", path);
            // A layer built without a bias holds null there: say so, rather than fail inside.
            b.addCode(nullParameter(read, Names.hvpMethod(m.name()), m.name(), "Hessian-vector product"));
            args.add(read);
        }
        for (Param p : m.params()) {
            b.addParameter(JavaTypes.of(p.type()), p.name());
            args.add(p.name());
        }
        for (Param p : h.tangents()) {
            b.addParameter(JavaTypes.of(p.type()), p.name());
            args.add(p.name());
        }
        b.addJavadoc("The Hessian-vector product of {@link $T#$N} with respect to the model's Parameters, in the\n"
                + "direction\n$L\n(one tensor per Parameter, of its shape, in the order the method first reads them):\n"
                + "each component of the result is {@code H·v} for that Parameter, and {@code value()} is\n"
                + "{@code ⟨∇f, v⟩}. The method's own arguments are held fixed. One forward and one backward pass\n"
                + "of the tangent program {@code $N}; the Parameters' {@code grad()} are left untouched.\n",
                owner, m.name(), String.join(", ", h.tangents().stream().map(p -> "{@code " + p.name() + "}").toList()),
                h.directional());
        b.addStatement("return $N($L)", Names.gradMethod(h.directional()), String.join(", ", args));
        type.addMethod(b.build());
    }
}
