package dev.fluxion.processor.write;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Names;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/** The record {@code FGradient(value, x, ...)} a method's gradient is returned in. */
final class GradientRecord {
    private GradientRecord() {}

    /**
     * The record {@code record} of {@code method}'s value and each gradient, by its component name.
     * A {@code Module} method's record says, in its Javadoc and its {@code toString()}, that the
     * Parameters' gradients are not among its components: they went into each Parameter's
     * {@code grad()}.
     */
    static TypeSpec of(ClassName record, String method, TypeName result, List<DerivedMethod.Gradient> gradients,
                       boolean module) {
        MethodSpec.Builder ctor = MethodSpec.constructorBuilder()
                .addParameter(result, Names.VALUE);
        for (DerivedMethod.Gradient g : gradients) {
            ctor.addParameter(JavaTypes.of(g.type()), g.name());
        }
        TypeSpec.Builder r = TypeSpec.recordBuilder(record).addModifiers(Modifier.PUBLIC)
                .addJavadoc("The value of {@code $N} and its gradient with respect to each differentiable input.\n",
                        method)
                .recordConstructor(ctor.build());
        if (module) {
            r.addJavadoc("The gradients of the model's {@code Parameter}s are not components: each was accumulated into\n"
                    + "that Parameter's {@code grad()} (named by {@code model.namedParameters()}), as PyTorch's\n"
                    + "{@code backward()} does.\n");
            List<String> parts = new ArrayList<>(List.of(Names.VALUE));
            gradients.forEach(g -> parts.add(g.name()));
            StringBuilder text = new StringBuilder("$S");
            List<Object> args = new ArrayList<>(List.of(record.simpleName() + "["));
            for (int i = 0; i < parts.size(); i++) {
                text.append(" + $S + $N");
                args.add((i == 0 ? "" : ", ") + parts.get(i) + "=");
                args.add(parts.get(i));
            }
            text.append(" + $S");
            args.add("; the Parameters' gradients were accumulated into each Parameter's grad()]");
            r.addMethod(MethodSpec.methodBuilder("toString").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                    .returns(String.class).addStatement("return " + text, args.toArray()).build());
        }
        // Kotlin destructures through componentN(): val (loss, dw) = CGrad.lossGrad(...).
        List<TypeName> types = new ArrayList<>(List.of(result));
        List<String> names = new ArrayList<>(List.of(Names.VALUE));
        gradients.forEach(g -> {
            types.add(JavaTypes.of(g.type()));
            names.add(g.name());
        });
        for (int i = 0; i < names.size(); i++) {
            r.addMethod(MethodSpec.methodBuilder("component" + (i + 1)).addModifiers(Modifier.PUBLIC)
                    .returns(types.get(i)).addJavadoc("{@code $N}, for Kotlin destructuring.\n", names.get(i))
                    .addStatement("return $N", names.get(i)).build());
        }
        return r.build();
    }
}
