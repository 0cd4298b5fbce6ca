package dev.fluxion.processor.write;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * The write phase: one {@code CGrad} class per user class, with, per method {@code f}, the
 * forward-only {@code f}, the {@code FGradient} record, the {@code FPullback} class, {@code fVjp},
 * {@code fGrad} for scalar results and {@code fBackward} for {@code Module} methods.
 */
public final class GradClassWriter {
    private GradClassWriter() {}

    /** Whether a method's {@code fJvp} fits one JVM method (else none is generated). */
    public static boolean fits(dev.fluxion.processor.model.TangentMethod t) {
        return TangentWriter.fits(t);
    }

    /** The generated file for the methods of one class (all from the same owner). */
    public static JavaFile write(String packageName, String ownerSimpleName, List<DerivedMethod> methods) {
        return write(packageName, ownerSimpleName, methods, java.util.Map.of());
    }

    /**
     * The generated file, with {@code fJvp} for each method that has its forward mode in
     * {@code tangents} (by method name).
     */
    public static JavaFile write(String packageName, String ownerSimpleName, List<DerivedMethod> methods,
                                 java.util.Map<String, dev.fluxion.processor.model.TangentMethod> tangents) {
        return write(packageName, ownerSimpleName, methods, tangents, java.util.Map.of());
    }

    /**
     * The generated file, with {@code fJvp} for each method in {@code tangents}, and {@code fHvp} for
     * each method in {@code directional} (method name → its directional-derivative method, one of
     * {@code methods}).
     */
    public static JavaFile write(String packageName, String ownerSimpleName, List<DerivedMethod> methods,
                                 java.util.Map<String, dev.fluxion.processor.model.TangentMethod> tangents,
                                 java.util.Map<String, String> directional) {
        return write(packageName, ownerSimpleName, methods, tangents, directional, java.util.Map.of(), true);
    }

    /**
     * The generated file, as {@link #write(String, String, List, java.util.Map, java.util.Map)}, with
     * {@code fHvp(model, ...)} with respect to the Parameters for each {@code Module} method in
     * {@code parameterHvps} (by method name); {@code planBuffers} false writes every {@code fBackward}
     * through its pullback, with no planned buffers ({@code -Afluxion.fuse=false}).
     */
    public static JavaFile write(String packageName, String ownerSimpleName, List<DerivedMethod> methods,
                                 java.util.Map<String, dev.fluxion.processor.model.TangentMethod> tangents,
                                 java.util.Map<String, String> directional,
                                 java.util.Map<String, dev.fluxion.processor.model.ParameterHvp> parameterHvps,
                                 boolean planBuffers) {
        return write(packageName, ownerSimpleName, methods, tangents, directional, parameterHvps, java.util.Map.of(),
                planBuffers);
    }

    /**
     * The generated file, as {@link #write(String, String, List, java.util.Map, java.util.Map,
     * java.util.Map, boolean)}, with {@code fParametersJvp(model, ...)}, the forward mode with respect
     * to the Parameters, for each {@code Module} method in {@code parameterJvps} (by method name).
     */
    public static JavaFile write(String packageName, String ownerSimpleName, List<DerivedMethod> methods,
                                 java.util.Map<String, dev.fluxion.processor.model.TangentMethod> tangents,
                                 java.util.Map<String, String> directional,
                                 java.util.Map<String, dev.fluxion.processor.model.ParameterHvp> parameterHvps,
                                 java.util.Map<String, dev.fluxion.processor.model.ParameterJvp> parameterJvps,
                                 boolean planBuffers) {
        ClassName owner = JavaTypes.owner(packageName, ownerSimpleName);
        TypeSpec.Builder type = TypeSpec.classBuilder(Names.gradClass(ownerSimpleName))
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addAnnotation(AnnotationSpec.builder(ClassName.get("javax.annotation.processing", "Generated"))
                        .addMember("value", "$S", Names.GENERATOR).build())
                .addJavadoc("Forward and backward passes of the {@code @Differentiable} methods of {@link $T},\n"
                        + "derived by Fluxion at compile time.\n", owner)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
        Set<String> taken = new HashSet<>(List.of(Names.MODEL, Names.VALUE));
        methods.forEach(d -> taken.addAll(UsedNames.of(d)));
        tangents.values().forEach(t -> taken.addAll(UsedNames.of(t)));
        parameterJvps.values().forEach(j -> taken.addAll(UsedNames.of(j.tangent())));
        SourceSites sites = new SourceSites(taken);
        Set<String> checkpointed = CheckpointWriter.called(methods);
        for (DerivedMethod d : methods) {
            ClassName gradClass = ClassName.get(packageName, Names.gradClass(ownerSimpleName));
            // A directional-derivative method and a nested call's adapter exist only in the generated class: their docs link there.
            ClassName docOwner = directional.containsValue(d.method().name()) || parameterHvps.values().stream()
                    .anyMatch(h -> h.directional().equals(d.method().name()))
                    || Names.isNestedGradient(d.method().name()) ? gradClass : owner;
            new PerMethod(d, docOwner, gradClass, sites, taken, planBuffers).addTo(type);
            if (checkpointed.contains(d.method().name())) {
                CheckpointWriter.addTo(type, d, owner, gradClass);
            }
            var tangent = tangents.get(d.method().name());
            if (JacobianWriter.eligible(d.method(), tangent) && methods.stream().noneMatch(o -> o.method().name()
                    .equals(Names.jacobianMethod(d.method().name())))) {
                JacobianWriter.addTo(type, d, tangent, owner, gradClass);
            }
            if (ArrayJacobianWriter.eligible(d.method()) && methods.stream().noneMatch(o -> o.method().name()
                    .startsWith(Names.jacobianMethod(d.method().name())))) {
                ArrayJacobianWriter.addTo(type, d, tangent, owner, gradClass, sites, taken);
            }
            if (tangent != null) {
                TangentWriter.addTo(type, tangent, owner, gradClass, sites, taken);
                if (directional.containsKey(d.method().name())) {
                    TangentWriter.addHvp(type, tangent, directional.get(d.method().name()), owner, gradClass);
                }
            }
            var parameterHvp = parameterHvps.get(d.method().name());
            if (parameterHvp != null && d.method().takesModel()) {
                TangentWriter.addParameterHvp(type, d.method(), parameterHvp, owner, gradClass);
            }
            var parameterJvp = parameterJvps.get(d.method().name());
            if (parameterJvp != null && d.method().takesModel()) {
                TangentWriter.addParameterJvp(type, d.method(), parameterJvp, owner, gradClass, sites, taken);
            }
        }
        if (sites.table() != null) {
            type.addField(sites.table());
        }
        return JavaFile.builder(packageName, type.build()).skipJavaLangImports(true).indent("    ").build();
    }

    /** The members generated for one method. */
    private record PerMethod(DerivedMethod d, ClassName owner, ClassName gradClass, SourceSites sites,
                             Set<String> taken, boolean planBuffers) {
        MethodIr m() {
            return d.method();
        }

        void addTo(TypeSpec.Builder type) {
            ClassName record = gradClass.nestedClass(Names.gradientRecord(m().name()));
            ClassName pullback = gradClass.nestedClass(Names.pullbackClass(m().name()));
            type.addMethod(forwardOnly());
            type.addType(GradientRecord.of(record, m().name(), result(), d.gradients(), m().takesModel()));
            type.addType(pullbackClass(pullback, record));
            // A method that saves values on tapes gets them from a Tapes: fVjp's pullback keeps fresh
            // ones; fGrad and fBackward reuse this thread's (their pullback never escapes).
            Type r = m().returnType();
            boolean grad = r.isFloatingScalar() || r.isTensor();
            boolean pooledGrad = grad && (d.fusedGrad().isEmpty() ? TapeSource.creates(d.forward())
                    : TapeSource.creates(d.fusedGrad()));
            boolean pooledBackward = m().takesModel() && TapeSource.creates(d.forward());
            TapeSource.Pooled tapes = TapeSource.creates(d.forward()) || pooledGrad
                    ? TapeSource.names(m().name(), taken, localNames()) : null;
            if (pooledGrad || pooledBackward) {
                type.addField(tapes.field(m().name()));
            }
            if (TapeSource.creates(d.forward())) {
                type.addMethod(freshVjp(tapes));
            }
            type.addMethod(vjp(type, pullback, tapes));
            if (grad) {
                type.addMethod(grad(type, pullback, record, pooledGrad ? tapes : null));
            }
            if (m().takesModel()) {
                BufferPlan.Planned plan = pooledBackward || !planBuffers ? null : BufferPlan.plan(d, buffersLocal());
                if (plan != null) {
                    TapeSource.Pooled buffers = TapeSource.names(Names.backwardMethod(m().name()), taken, localNames());
                    type.addField(buffers.field(Names.backwardMethod(m().name())));
                    type.addMethod(plannedBackward(plan, buffers));
                } else {
                    type.addMethod(backward(pullback, pooledBackward ? tapes : null));
                }
            }
        }

        /** The local holding {@code fBackward}'s tapes, whose buffers hold its planned temporaries. */
        private String buffersLocal() {
            Set<String> names = localNames();
            String local = "tapes";
            while (names.contains(local)) {
                local = local + "_";
            }
            return local;
        }

        /**
         * {@code fBackward} in one body: the forward statements, the seed, the backward statements,
         * with the temporaries {@link BufferPlan} planned written into this thread's buffers; no
         * pullback, no gradient record.
         */
        private MethodSpec plannedBackward(BufferPlan.Planned plan, TapeSource.Pooled buffers) {
            String name = Names.backwardMethod(m().name());
            List<Stmt> all = new ArrayList<>(plan.forward());
            all.addAll(plan.backward());
            CodeBlock.Builder code = CodeBlock.builder();
            SourceSites.Tracker t = open(code, all);
            new StmtWriter(code, "", false, t).writeAll(plan.forward());
            if (t != null) {
                code.addStatement("$N = -1", t.local()); // the check below is the caller's error, not a source line's
            }
            CodeBlock value = ExprWriter.write(d.result());
            code.beginControlFlow("if ($L.numel() != 1)", value)
                    .addStatement("throw new $T($S + $T.toString($L.shape())\n+ $S)", IllegalArgumentException.class,
                            name + ": grad can be implicitly created only for scalar outputs, but " + m().name()
                                    + " returned a tensor of shape ", java.util.Arrays.class, value,
                            "; use " + Names.vjpMethod(m().name()) + "(...).backward(v) with a cotangent v of that shape")
                    .endControlFlow();
            if (plan.seedSlot() >= 0) {
                code.addStatement("$T $N = $T.onesLike($N, $L, $L)", JavaTypes.TENSOR, d.cotangent(),
                        ClassName.bestGuess(BufferPlan.PLANNED), buffersLocal(), plan.seedSlot(), value);
            } else {
                code.addStatement("$T $N = $T.onesLike($L)", JavaTypes.TENSOR, d.cotangent(), JavaTypes.TENSOR, value);
            }
            new StmtWriter(code, "backward of ", false, t).writeAll(plan.backward());
            code.addStatement("return $L", value);
            close(code, t);
            CodeBlock body = CodeBlock.builder().add(RunTimeChecks.nullArguments(m(), name))
                    .add(RunTimeChecks.arrayGuard(m(), name, buffers.pooled(code.build()), localNames())).build();
            return signature(name).returns(result())
                    .addJavadoc("Forward and backward pass of {@link $T#$N}: accumulates into the gradient of each\n"
                            + "{@code Parameter} that requires it, and returns the value. Its temporaries, which never\n"
                            + "leave the call, are written into buffers this thread reuses on the next call.\n",
                            owner, m().name())
                    .addCode(body).build();
        }

        /** The names {@code d}'s generated methods use, and those they add themselves. */
        private Set<String> localNames() {
            Set<String> names = UsedNames.of(d);
            names.addAll(List.of(Names.MODEL, Names.VALUE, "pullback"));
            return names;
        }

        /** The local of {@code fGrad} and {@code fBackward} holding the pullback: not a user's name. */
        private String pullbackLocal() {
            Set<String> names = UsedNames.of(d);
            names.add(Names.MODEL);
            String local = "pullback";
            while (names.contains(local)) {
                local = local + "_";
            }
            return local;
        }

        private TypeName result() {
            return JavaTypes.of(m().returnType());
        }

        private MethodSpec.Builder signature(String name) {
            return signature(name, Modifier.PUBLIC);
        }

        private MethodSpec.Builder signature(String name, Modifier access) {
            MethodSpec.Builder b = MethodSpec.methodBuilder(name).addModifiers(access, Modifier.STATIC);
            if (m().takesModel()) {
                b.addParameter(owner, Names.MODEL);
            }
            for (Param p : m().params()) {
                b.addParameter(JavaTypes.of(p.type()), p.name());
            }
            return b;
        }

        private String argList() {
            List<String> names = new ArrayList<>();
            if (m().takesModel()) {
                names.add(Names.MODEL);
            }
            m().params().forEach(p -> names.add(p.name()));
            return String.join(", ", names);
        }

        private MethodSpec forwardOnly() {
            CodeBlock.Builder code = CodeBlock.builder();
            SourceSites.Tracker t = open(code, m().body().stmts());
            new StmtWriter(code, "", false, t).writeAll(m().body().stmts());
            close(code, t);
            return signature(m().name()).returns(result())
                    .addJavadoc("{@link $T#$N}: the forward pass only; nothing is saved for a backward pass.\n",
                            owner, m().name())
                    .addCode(RunTimeChecks.nullArguments(m(), m().name()))
                    .addCode(RunTimeChecks.arrayGuard(m(), m().name(), code.build(), localNames())).build();
        }

        /**
         * A method body: {@code stmts} then {@code ending}, with site tracking; in parts (a class
         * {@code partsName} added to {@code host}) where it would be too large for one JVM method.
         *
         * @param inputs the method's parameters, which the parts read as fields
         * @param blocksInPlace whether a block in {@code stmts} is backward statements printed in place
         */
        private CodeBlock body(TypeSpec.Builder host, Parts parts, List<ParameterSpec> inputs, List<Stmt> stmts,
                               String prefix, boolean blocksInPlace, CodeBlock ending, TypeName returns) {
            if (!Parts.needed(stmts)) {
                CodeBlock.Builder code = CodeBlock.builder();
                SourceSites.Tracker t = open(code, stmts);
                new StmtWriter(code, prefix, blocksInPlace, t).writeAll(stmts);
                code.add(ending);
                close(code, t);
                return code.build();
            }
            Set<String> promoted = Parts.promoted(stmts, blocksInPlace);
            Set<String> names = new HashSet<>(UsedNames.of(d));
            inputs.forEach(p -> names.add(p.name()));
            String local = "parts";
            while (names.contains(local)) {
                local = local + "_";
            }
            return parts.write(host, inputs, stmts, ending, returns, local, blocksInPlace, (code, run, end) -> {
                SourceSites.Tracker t = open(code, run);
                new StmtWriter(code, prefix, blocksInPlace, t).promoting(promoted).writeAll(run);
                if (end != null) {
                    code.add(end);
                }
                close(code, t);
            });
        }

        /** The parameters of the generated methods taking the user's arguments (the model first). */
        private List<ParameterSpec> argParams() {
            List<ParameterSpec> out = new ArrayList<>();
            if (m().takesModel()) {
                out.add(ParameterSpec.builder(owner, Names.MODEL).build());
            }
            for (Param p : m().params()) {
                out.add(ParameterSpec.builder(JavaTypes.of(p.type()), p.name()).build());
            }
            return out;
        }

        /** Opens the site tracking of a method writing {@code stmts}, if any of them can throw. */
        private SourceSites.Tracker open(CodeBlock.Builder code, List<Stmt> stmts) {
            SourceSites.Tracker t = sites.tracker(stmts, taken);
            if (t != null) {
                t.open(code);
            }
            return t;
        }

        private static void close(CodeBlock.Builder code, SourceSites.Tracker t) {
            if (t != null) {
                t.close(code);
            }
        }

        private TypeSpec pullbackClass(ClassName pullback, ClassName record) {
            TypeSpec.Builder t = TypeSpec.classBuilder(pullback).addModifiers(Modifier.PUBLIC, Modifier.STATIC,
                    Modifier.FINAL).addJavadoc("The value of {@code $N} and what its backward pass needs.\n", m().name());
            MethodSpec.Builder ctor = MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE);
            if (m().takesModel()) {
                addField(t, ctor, owner, Names.MODEL);
            }
            for (Expr.Var v : d.saved()) {
                addField(t, ctor, JavaTypes.of(v.type()), v.name());
            }
            String valueField = sharedResult();
            if (valueField == null) {
                valueField = valueField();
                addField(t, ctor, result(), valueField);
            }
            t.addMethod(ctor.build());
            t.addMethod(MethodSpec.methodBuilder(Names.VALUE).addModifiers(Modifier.PUBLIC).returns(result())
                    .addJavadoc("The forward value.\n").addStatement("return $N", valueField).build());
            List<CodeBlock> comps = new ArrayList<>();
            comps.add(CodeBlock.of("$N", valueField));
            d.gradients().forEach(g -> comps.add(ExprWriter.write(g.value())));
            CodeBlock ending = CodeBlock.builder().addStatement("return new $T($L)", record, CodeBlock.join(comps, ", "))
                    .build();
            CodeBlock code = CodeBlock.builder()
                    .add(m().returnType().isTensor() ? RunTimeChecks.cotangentShape(m(), d.cotangent(), valueField)
                            : m().returnType() instanceof Type.ArrayOf
                            ? RunTimeChecks.cotangentLength(m(), d.cotangent(), valueField) : CodeBlock.of(""))
                    .add(body(t, new Parts("BackwardParts", true, "The backward pass of {@code " + m().name() + "}", m().name()),
                    List.of(ParameterSpec.builder(result(), d.cotangent()).build()), d.backward(), "backward of ",
                    false, ending, record)).build();
            t.addMethod(MethodSpec.methodBuilder(Names.BACKWARD).addModifiers(Modifier.PUBLIC).returns(record)
                    .addJavadoc("Pulls the cotangent of the value back to the inputs"
                            + (m().takesModel() ? ", accumulating into the model's parameters" : "") + ".\n"
                            + "May run any number of times: it reads what the forward pass saved and changes none of it.\n")
                    .addParameter(result(), d.cotangent()).addCode(code).build());
            String chain = chain(d.steps());
            t.addMethod(MethodSpec.methodBuilder("toString").addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC).returns(String.class)
                    .addStatement("return $S", Names.pullbackClass(m().name()) + "[" + chain + "]").build());
            return t.build();
        }

        /**
         * The backward steps for {@code toString()}, the middle elided where there are many (a
         * 5,000-term sum would make a string constant longer than a class file allows).
         */
        private static String chain(List<String> steps) {
            if (steps.isEmpty()) {
                return "none";
            }
            if (steps.size() <= 24) {
                return String.join(" <- ", steps);
            }
            return String.join(" <- ", steps.subList(0, 12)) + " <- ... " + (steps.size() - 16) + " more <- "
                    + String.join(" <- ", steps.subList(steps.size() - 4, steps.size()));
        }

        private void addField(TypeSpec.Builder t, MethodSpec.Builder ctor, TypeName type, String name) {
            if (savesThroughFields()) {
                t.addField(FieldSpec.builder(type, name, Modifier.PRIVATE).build());
                return;
            }
            t.addField(FieldSpec.builder(type, name, Modifier.PRIVATE, Modifier.FINAL).build());
            ctor.addParameter(ParameterSpec.builder(type, name).build()).addStatement("this.$N = $N", name, name);
        }

        /**
         * Whether the pullback's saved values are too many for one constructor (a JVM method has at
         * most 255 parameter slots, a double or long taking two): then {@code fVjp} assigns its
         * fields one by one.
         */
        private boolean savesThroughFields() {
            int slots = 1 + (m().takesModel() ? 1 : 0) + (sharedResult() == null ? slots(m().returnType()) : 0);
            for (Expr.Var v : d.saved()) {
                slots += slots(v.type());
            }
            return slots > 255;
        }

        private static int slots(Type t) {
            return t == Type.Prim.DOUBLE || t == Type.Prim.LONG ? 2 : 1;
        }

        /** {@code fVjp(x)}: the forward pass on fresh tapes, which the returned pullback keeps. */
        private MethodSpec freshVjp(TapeSource.Pooled tapes) {
            TypeName pullback = gradClass.nestedClass(Names.pullbackClass(m().name()));
            return signature(Names.vjpMethod(m().name())).returns(pullback)
                    .addJavadoc("Runs the forward pass of {@link $T#$N} and returns its pullback, which keeps its own tapes.\n",
                            owner, m().name())
                    .addStatement("return $N($L, $T.FRESH)", Names.vjpMethod(m().name()), argList(), TapeSource.TAPES)
                    .build();
        }

        /** The forward pass returning the pullback; on the given tapes where {@code tapes} is not null. */
        private MethodSpec vjp(TypeSpec.Builder host, ClassName pullback, TapeSource.Pooled tapes) {
            List<Stmt> forward = tapes == null ? d.forward() : TapeSource.from(d.forward(), tapes.tapes());
            CodeBlock.Builder code = CodeBlock.builder();
            List<CodeBlock> args = new ArrayList<>();
            List<String> fields = new ArrayList<>();
            if (m().takesModel()) {
                args.add(CodeBlock.of("$N", Names.MODEL));
                fields.add(Names.MODEL);
            }
            d.saved().forEach(v -> {
                args.add(CodeBlock.of("$N", v.name()));
                fields.add(v.name());
            });
            if (sharedResult() == null) {
                args.add(ExprWriter.write(d.result()));
                fields.add(valueField());
            }
            if (savesThroughFields()) {
                String local = pullbackLocal();
                code.addStatement("$T $N = new $T()", pullback, local, pullback);
                for (int i = 0; i < args.size(); i++) {
                    code.addStatement("$N.$N = $L", local, fields.get(i), args.get(i));
                }
                code.addStatement("return $N", local);
            } else {
                code.addStatement("return new $T($L)", pullback, CodeBlock.join(args, ", "));
            }
            List<ParameterSpec> inputs = argParams();
            if (tapes != null) {
                inputs.add(ParameterSpec.builder(TapeSource.TAPES, tapes.tapes()).build());
            }
            CodeBlock body = CodeBlock.builder().add(RunTimeChecks.nullArguments(m(), Names.vjpMethod(m().name())))
                    .add(RunTimeChecks.arrayGuard(m(), Names.vjpMethod(m().name()), body(host,
                            new Parts(Names.capitalize(m().name()) + "ForwardParts", false,
                                    "The forward pass of {@code " + m().name() + "}", m().name()), inputs, forward, "",
                            false, code.build(), pullback), localNames())).build();
            if (tapes != null) {
                return signature(Names.vjpMethod(m().name()), Modifier.PRIVATE).returns(pullback)
                        .addParameter(TapeSource.TAPES, tapes.tapes())
                        .addJavadoc("Runs the forward pass of {@link $T#$N}, saving on {@code $N}'s stacks, and returns\n"
                                + "its pullback.\n", owner, m().name(), tapes.tapes())
                        .addCode(body).build();
            }
            return signature(Names.vjpMethod(m().name())).returns(pullback)
                    .addJavadoc("Runs the forward pass of {@link $T#$N} and returns its pullback.\n", owner, m().name())
                    .addCode(body).build();
        }

        /** The pullback's field holding the value, where no saved local holds it. */
        private String valueField() {
            Set<String> fields = new HashSet<>();
            d.saved().forEach(v -> fields.add(v.name()));
            if (m().takesModel()) {
                fields.add(Names.MODEL);
            }
            String valueField = Names.VALUE;
            while (fields.contains(valueField)) {
                valueField = valueField + "_";
            }
            return valueField;
        }

        /** The saved local that is also the result, if any: one field serves as both. */
        private String sharedResult() {
            if (d.result() instanceof Expr.Var r && d.saved().stream().anyMatch(v -> v.name().equals(r.name()))) {
                return r.name();
            }
            return null;
        }

        private CodeBlock seed(String pullbackLocal) {
            Type r = m().returnType();
            return r.isTensor() ? CodeBlock.of("$T.onesLike($N.value())", JavaTypes.TENSOR, pullbackLocal)
                    : r == Type.Prim.FLOAT ? CodeBlock.of("1f") : CodeBlock.of("1.0");
        }

        /** {@code fGrad}: on this thread's reused tapes where {@code tapes} is not null. */
        private MethodSpec grad(TypeSpec.Builder host, ClassName pullback, ClassName record, TapeSource.Pooled tapes) {
            if (!d.fusedGrad().isEmpty()) {
                List<Stmt> body = tapes == null ? d.fusedGrad() : TapeSource.from(d.fusedGrad(), tapes.tapes());
                List<CodeBlock> comps = new ArrayList<>();
                comps.add(ExprWriter.write(d.result()));
                d.gradients().forEach(g -> comps.add(ExprWriter.write(g.value())));
                List<ParameterSpec> inputs = argParams();
                if (tapes != null) {
                    inputs.add(ParameterSpec.builder(TapeSource.TAPES, tapes.tapes()).build());
                }
                CodeBlock code = CodeBlock.builder().add(RunTimeChecks.nullArguments(m(), Names.gradMethod(m().name())))
                        .add(RunTimeChecks.arrayGuard(m(), Names.gradMethod(m().name()), body(host,
                                new Parts(Names.capitalize(m().name()) + "GradParts", false,
                                        "The one-pass gradient of {@code " + m().name() + "}", m().name()), inputs, body,
                                "", true, CodeBlock.builder().addStatement("return new $T($L)", record,
                                        CodeBlock.join(comps, ", ")).build(), record), localNames())).build();
                return signature(Names.gradMethod(m().name())).returns(record)
                        .addJavadoc("The value of {@link $T#$N} and its gradients (the seed cotangent is 1), in one pass:\n"
                                + "each trip of the last loop runs its forward and then its backward statements.\n",
                                owner, m().name())
                        .addJavadoc(parametersNote()).addCode(tapes == null ? code : tapes.pooled(code)).build();
            }
            CodeBlock.Builder code = CodeBlock.builder().add(RunTimeChecks.nullArguments(m(), Names.gradMethod(m().name())));
            String local = pullbackLocal();
            if (tapes == null) {
                code.addStatement("$T $N = $N($L)", pullback, local, Names.vjpMethod(m().name()), argList());
            } else {
                code.addStatement("$T $N = $N($L, $N)", pullback, local, Names.vjpMethod(m().name()), argList(),
                        tapes.tapes());
            }
            code.add(RunTimeChecks.scalarResult(m(), Names.gradMethod(m().name()), local))
                    .addStatement("return $N.$N($L)", local, Names.BACKWARD, seed(local));
            return signature(Names.gradMethod(m().name())).returns(record)
                    .addJavadoc("The value of {@link $T#$N} and its gradients (the seed cotangent is 1)$L.\n", owner,
                            m().name(), tapes == null ? "" : ",\nsaving on this thread's reused tapes")
                    .addJavadoc(parametersNote()).addCode(tapes == null ? code.build() : tapes.pooled(code.build())).build();
        }

        /** Where a Module method's Parameter gradients go, for the Javadoc of {@code fGrad}. */
        private CodeBlock parametersNote() {
            return m().takesModel() ? CodeBlock.of("The model's Parameters' gradients are not in the record: they are accumulated into\n"
                    + "each Parameter's {@code grad()}.\n") : CodeBlock.of("");
        }

        private MethodSpec backward(ClassName pullback, TapeSource.Pooled tapes) {
            CodeBlock.Builder code = CodeBlock.builder()
                    .add(RunTimeChecks.nullArguments(m(), Names.backwardMethod(m().name())));
            String local = pullbackLocal();
            if (tapes == null) {
                code.addStatement("$T $N = $N($L)", pullback, local, Names.vjpMethod(m().name()), argList());
            } else {
                code.addStatement("$T $N = $N($L, $N)", pullback, local, Names.vjpMethod(m().name()), argList(),
                        tapes.tapes());
            }
            code.add(RunTimeChecks.scalarResult(m(), Names.backwardMethod(m().name()), local))
                    .addStatement("$N.$N($L)", local, Names.BACKWARD, seed(local))
                    .addStatement("return $N.$N()", local, Names.VALUE);
            return signature(Names.backwardMethod(m().name())).returns(result())
                    .addJavadoc("Forward and backward pass of {@link $T#$N}: accumulates into the gradient of each\n"
                            + "{@code Parameter} that requires it, and returns the value.\n", owner, m().name())
                    .addCode(tapes == null ? code.build() : tapes.pooled(code.build())).build();
        }
    }
}
