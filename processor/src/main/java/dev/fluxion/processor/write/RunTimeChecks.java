package dev.fluxion.processor.write;

import com.palantir.javapoet.CodeBlock;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.model.Names;

/**
 * The checks a generated method makes of what the caller passed it, so that a mistake is an error
 * naming the operation, the shapes and the user's line, not a {@code NullPointerException} or a
 * wrong-shaped gradient from inside generated code: null arguments, a cotangent of the wrong shape
 * given to {@code backward(v)}, and a non-scalar result seeded with ones by {@code fGrad} or
 * {@code fBackward} (PyTorch refuses both).
 */
final class RunTimeChecks {
    private RunTimeChecks() {}

    /**
     * {@code if (x == null) throw new NullPointerException(...)} for the model and each parameter
     * of a reference type, naming the generated method, the parameter and its declaration.
     */
    static CodeBlock nullArguments(MethodIr m, String generatedMethod) {
        CodeBlock.Builder code = CodeBlock.builder();
        if (m.takesModel()) {
            code.beginControlFlow("if ($N == null)", Names.MODEL)
                    .addStatement("throw new $T($S)", NullPointerException.class, generatedMethod
                            + ": the model (the " + m.ownerSimpleName() + " whose " + m.self().name()
                            + " runs) is null\n  at " + m.pos().location() + ": " + m.pos().source())
                    .endControlFlow();
            // A subclass overriding the method would get the gradient of the wrong function.
            com.palantir.javapoet.ClassName owner = JavaTypes.owner(m.packageName(), m.ownerSimpleName());
            CodeBlock.Builder types = CodeBlock.builder();
            for (Param p : m.params()) {
                types.add(types.isEmpty() ? "$T.class" : ", $T.class", erased(JavaTypes.of(p.type())));
            }
            // The exact class is the common case: one comparison, nothing allocated on the hot path.
            code.beginControlFlow("if ($N.getClass() != $T.class)", Names.MODEL, owner)
                    .addStatement("$T.requireDerivedMethod($N, $T.class, $S, new Class<?>[] {$L}, $S)",
                            com.palantir.javapoet.ClassName.get("dev.fluxion.nn", "Layers"), Names.MODEL, owner,
                            m.self().name(), types.build(), generatedMethod)
                    .endControlFlow();
        }
        for (Param p : m.params()) {
            if (p.type().isNumeric() || p.type() == dev.fluxion.processor.ir.Type.Prim.BOOLEAN) {
                continue;
            }
            code.beginControlFlow("if ($N == null)", p.name())
                    .addStatement("throw new $T($S)", NullPointerException.class, generatedMethod + ": the argument "
                            + p.name() + " is null\n  at " + p.pos().location() + ": " + p.pos().source())
                    .endControlFlow();
        }
        return code.build();
    }

    private static com.palantir.javapoet.TypeName erased(com.palantir.javapoet.TypeName t) {
        return t instanceof com.palantir.javapoet.ParameterizedTypeName p ? p.rawType() : t;
    }

    /**
     * As PyTorch's {@code backward(v)}: a cotangent must have the value's shape ("Mismatch in
     * shape"); null stands for zeros.
     */
    static CodeBlock cotangentShape(MethodIr m, String cotangent, String valueField) {
        return CodeBlock.builder()
                .beginControlFlow("if ($N != null && !$T.equals($N.shape(), $N.shape()))", cotangent,
                        java.util.Arrays.class, cotangent, valueField)
                .addStatement("throw new $T($S + $T.toString($N.shape()) + $S + $T.toString($N.shape())\n+ $S)",
                        SourceSites.FLUXION_EXCEPTION, Names.vjpMethod(m.self().name())
                                + "(...).backward: Mismatch in shape: the cotangent has a shape of ",
                        java.util.Arrays.class, cotangent, " and " + m.self().name() + "'s value has a shape of ",
                        java.util.Arrays.class, valueField, "\n  at " + m.pos().location() + ": " + m.pos().source())
                .endControlFlow().build();
    }

    /**
     * A {@code double[]} result's cotangent must be an array of the value's length: a different
     * length is an error naming both lengths and the method's declaration, never a silently
     * truncated or out-of-bounds backward pass.
     */
    static CodeBlock cotangentLength(MethodIr m, String cotangent, String valueField) {
        String at = "\n  at " + m.pos().location() + ": " + m.pos().source();
        return CodeBlock.builder()
                .beginControlFlow("if ($N == null)", cotangent)
                .addStatement("throw new $T($S)", NullPointerException.class, Names.vjpMethod(m.self().name())
                        + "(...).backward: the cotangent is null; pass an array of the value's length" + at)
                .endControlFlow()
                .beginControlFlow("if ($N.length != $N.length)", cotangent, valueField)
                .addStatement("throw new $T($S + $N.length + $S + $N.length\n+ $S)",
                        SourceSites.FLUXION_EXCEPTION, Names.vjpMethod(m.self().name())
                                + "(...).backward: the cotangent has length ", cotangent,
                        " and " + m.self().name() + "'s value has length ", valueField, at)
                .endControlFlow().build();
    }

    /** As PyTorch: a gradient can be implicitly created only for a scalar output. */
    static CodeBlock scalarResult(MethodIr m, String generatedMethod, String pullbackLocal) {
        if (!m.self().returnType().isTensor()) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder().beginControlFlow("if ($N.value().numel() != 1)", pullbackLocal)
                .addStatement("throw new $T($S + $T.toString($N.value().shape())\n+ $S)",
                        IllegalArgumentException.class, generatedMethod + ": grad can be implicitly created only for "
                                + "scalar outputs, but " + m.self().name() + " returned a tensor of shape ",
                        java.util.Arrays.class, pullbackLocal, "; use " + Names.vjpMethod(m.self().name())
                                + "(...).backward(v) with a cotangent v of that shape")
                .endControlFlow().build();
    }

    /**
     * {@code body} inside a {@code try} that rethrows an {@code IndexOutOfBoundsException} (an
     * array argument shorter than the method reads) as a {@code FluxionException} naming the method
     * and its declaration, where the method takes an array; {@code body} as it is otherwise. Lines
     * the method tracks name themselves first ({@link SourceSites}).
     */
    static CodeBlock arrayGuard(MethodIr m, String generatedMethod, CodeBlock body, java.util.Set<String> taken) {
        if (m.params().stream().noneMatch(p -> p.type() instanceof dev.fluxion.processor.ir.Type.ArrayOf)) {
            return body;
        }
        String e = "e";
        while (taken.contains(e)) {
            e = e + "_";
        }
        return CodeBlock.builder().beginControlFlow("try").add(body)
                .nextControlFlow("catch ($T $N)", IndexOutOfBoundsException.class, e)
                .addStatement("throw new $T($S + $N.getMessage()\n+ $S, $N)", SourceSites.FLUXION_EXCEPTION,
                        generatedMethod + ": an array argument is shorter than the method reads (", e,
                        ")\n  at " + m.pos().location() + ": " + m.pos().source(), e)
                .endControlFlow().build();
    }
}
