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
        type.addMethod(b.addCode(code.build()).build());
    }
}
