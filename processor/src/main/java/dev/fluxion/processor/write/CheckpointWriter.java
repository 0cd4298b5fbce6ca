package dev.fluxion.processor.write;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Stmts;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * {@code fVjpCheckpointed} and the class it returns, for a method that a call of its own class
 * checkpoints (a call that closes a recursion, {@code RecursionChecker.checkpointedCallees}): the
 * value is computed by the forward-only method, the arguments are kept, and {@code backward} runs
 * {@code fVjp} on them again and pulls the cotangent back through it. What stays alive between the
 * forward and the backward pass is one such object per call of the caller, not the callee's whole
 * tree of pullbacks.
 */
final class CheckpointWriter {
    private CheckpointWriter() {}

    /** The names of the methods whose {@code fVjpCheckpointed} the derived code of {@code methods} calls. */
    static Set<String> called(List<DerivedMethod> methods) {
        Set<String> calls = new HashSet<>();
        for (DerivedMethod d : methods) {
            List<Stmt> stmts = new ArrayList<>(d.forward());
            stmts.addAll(d.fusedGrad());
            for (Expr x : Stmts.allNodes(stmts)) {
                if (x instanceof Expr.Call c && c.callee() instanceof Callee.Static s) {
                    calls.add(s.name());
                }
            }
        }
        Set<String> out = new HashSet<>();
        for (DerivedMethod d : methods) {
            if (calls.contains(Names.checkpointedVjpMethod(d.method().name()))) {
                out.add(d.method().name());
            }
        }
        return out;
    }

    /** Adds {@code fVjpCheckpointed} and its class for {@code d} (a static method) to {@code type}. */
    static void addTo(TypeSpec.Builder type, DerivedMethod d, ClassName owner, ClassName gradClass) {
        String name = d.method().name();
        ClassName checkpoint = gradClass.nestedClass(Names.checkpointClass(name));
        ClassName record = gradClass.nestedClass(Names.gradientRecord(name));
        TypeName result = JavaTypes.of(d.method().returnType());
        List<String> args = new ArrayList<>();
        Set<String> fields = new HashSet<>();
        MethodSpec.Builder method = MethodSpec.methodBuilder(Names.checkpointedVjpMethod(name))
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(checkpoint)
                .addJavadoc("{@link $T#$N}'s value now and its pullback later: keeps the arguments, and its\n"
                        + "{@code backward} runs {@link #$N} on them again (a checkpoint, for the calls of a recursion:\n"
                        + "memory in the depth of the recursion, not in its number of calls).\n",
                        owner, name, Names.vjpMethod(name));
        TypeSpec.Builder t = TypeSpec.classBuilder(checkpoint).addModifiers(Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL).addJavadoc("The value of {@code $N} and the arguments its backward pass runs $N on again.\n",
                name, Names.vjpMethod(name));
        MethodSpec.Builder ctor = MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE);
        for (Param p : d.method().params()) {
            TypeName pt = JavaTypes.of(p.type());
            method.addParameter(pt, p.name());
            t.addField(FieldSpec.builder(pt, p.name(), Modifier.PRIVATE, Modifier.FINAL).build());
            ctor.addParameter(pt, p.name()).addStatement("this.$N = $N", p.name(), p.name());
            args.add(p.name());
            fields.add(p.name());
        }
        String value = Names.unusedIn(Names.VALUE, fields);
        t.addField(FieldSpec.builder(result, value, Modifier.PRIVATE, Modifier.FINAL).build());
        ctor.addParameter(result, value).addStatement("this.$N = $N", value, value);
        String cotangent = Names.unusedIn(d.cotangent(), fields);
        String argList = String.join(", ", args);
        t.addMethod(ctor.build());
        t.addMethod(MethodSpec.methodBuilder(Names.VALUE).addModifiers(Modifier.PUBLIC).returns(result)
                .addJavadoc("The forward value.\n").addStatement("return $N", value).build());
        t.addMethod(MethodSpec.methodBuilder(Names.BACKWARD).addModifiers(Modifier.PUBLIC).returns(record)
                .addParameter(ParameterSpec.builder(result, cotangent).build())
                .addJavadoc("Runs the forward pass again, saving what its backward pass reads, and pulls the cotangent\n"
                        + "back to the inputs. May run any number of times.\n")
                .addStatement("return $N($L).$N($N)", Names.vjpMethod(name), argList, Names.BACKWARD, cotangent)
                .build());
        type.addType(t.build());
        type.addMethod(method.addStatement("return new $T($L, $N($L))", checkpoint, argList, name, argList).build());
    }
}
