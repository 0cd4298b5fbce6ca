package dev.fluxion.processor.write;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Stmts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * A generated method body too large for one JVM method (65,535 bytes of bytecode), written as a
 * class of parts: the method's parameters and its top-level locals become the class's fields, each
 * run of top-level statements a method {@code part1()}, {@code part2()}, ..., and the method calls
 * them in order. Statements print as they would in one method (a local's declaration becomes an
 * assignment to its field). A class nested in the pullback class (not static) also reads the
 * pullback's saved fields by their names.
 *
 * @param name the parts class's simple name
 * @param inner whether it is an inner class (of the pullback), else a static nested one
 * @param javadoc what the parts compute, for the class's Javadoc
 * @param method the {@code @Differentiable} method, for an error
 */
record Parts(String name, boolean inner, String javadoc, String method) {
    /** How to write one run of statements into a method's code, with its site tracking. */
    interface Writer {
        void write(CodeBlock.Builder code, List<Stmt> stmts, CodeBlock ending);
    }

    /**
     * Whether {@code stmts} must be written in parts: too large by {@link MethodSize}'s estimate, and
     * splittable (nothing in them returns).
     */
    static boolean needed(List<Stmt> stmts) {
        return MethodSize.of(stmts) > MethodSize.SPLIT_ABOVE && !Stmts.returns(stmts);
    }

    /**
     * Adds the parts class to {@code host} and returns the calling method's body.
     *
     * @param inputs the method's parameters, copied into the parts' fields
     * @param stmts the body's statements; {@code ending} follows them in the last part
     * @param unitsOf a top-level statement's own top-level statements (a one-pass fGrad's backward
     *     blocks print in place), whose locals are promoted too
     * @param local the calling method's name for the parts object
     */
    CodeBlock write(TypeSpec.Builder host, List<ParameterSpec> inputs, List<Stmt> stmts, CodeBlock ending,
                    TypeName returns, String local, boolean blocksInPlace, Writer writer) {
        Map<String, TypeName> fields = new LinkedHashMap<>();
        inputs.forEach(p -> fields.put(p.name(), p.type()));
        for (Stmt s : stmts) {
            promote(s, blocksInPlace, fields);
        }
        List<List<Stmt>> runs = new ArrayList<>();
        List<Stmt> run = new ArrayList<>();
        int size = 0;
        for (Stmt s : stmts) {
            int own = MethodSize.of(s);
            if (own > MethodSize.PART * 2) {
                throw new CodeTooLargeException(method, "one statement alone needs about " + own + " bytes of bytecode");
            }
            if (!run.isEmpty() && size + own > MethodSize.PART) {
                runs.add(run);
                run = new ArrayList<>();
                size = 0;
            }
            run.add(s);
            size += own;
        }
        runs.add(run);
        TypeSpec.Builder type = TypeSpec.classBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("$L, in parts: as one method it would pass the JVM's limit of 64 KB of bytecode.\n"
                        + "Its parameters and top-level locals are this class's fields.\n", javadoc);
        if (!inner) {
            type.addModifiers(Modifier.STATIC);
        }
        fields.forEach((n, t) -> type.addField(FieldSpec.builder(t, n, Modifier.PRIVATE).build()));
        CodeBlock.Builder call = CodeBlock.builder().addStatement("$L $N = new $L()", name, local, name);
        inputs.forEach(p -> call.addStatement("$N.$N = $N", local, p.name(), p.name()));
        for (int i = 0; i < runs.size(); i++) {
            boolean last = i == runs.size() - 1;
            String part = "part" + (i + 1);
            CodeBlock.Builder code = CodeBlock.builder();
            writer.write(code, runs.get(i), last ? ending : null);
            type.addMethod(MethodSpec.methodBuilder(part).addModifiers(Modifier.PRIVATE)
                    .returns(last ? returns : TypeName.VOID).addCode(code.build()).build());
            if (last) {
                call.addStatement("return $N.$N()", local, part);
            } else {
                call.addStatement("$N.$N()", local, part);
            }
        }
        host.addType(type.build());
        return call.build();
    }

    private static void promote(Stmt s, boolean blocksInPlace, Map<String, TypeName> fields) {
        if (s instanceof Stmt.Let l) {
            fields.putIfAbsent(l.name(), JavaTypes.of(l.type()));
        } else if (blocksInPlace && s instanceof Stmt.Block b) {
            b.stmts().forEach(x -> promote(x, true, fields));
        }
    }

    /** The names {@code fields} of a parts class would promote, for the statement writer. */
    static Set<String> promoted(List<Stmt> stmts, boolean blocksInPlace) {
        Map<String, TypeName> fields = new LinkedHashMap<>();
        stmts.forEach(s -> promote(s, blocksInPlace, fields));
        return fields.keySet();
    }
}
