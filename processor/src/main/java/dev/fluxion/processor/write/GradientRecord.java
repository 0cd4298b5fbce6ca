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

    /** The record {@code record} of {@code method}'s value and each gradient, by its component name. */
    static TypeSpec of(ClassName record, String method, TypeName result, List<DerivedMethod.Gradient> gradients) {
        MethodSpec.Builder ctor = MethodSpec.constructorBuilder()
                .addParameter(result, Names.VALUE);
        for (DerivedMethod.Gradient g : gradients) {
            ctor.addParameter(JavaTypes.of(g.type()), g.name());
        }
        TypeSpec.Builder r = TypeSpec.recordBuilder(record).addModifiers(Modifier.PUBLIC)
                .addJavadoc("The value of {@code $N} and its gradient with respect to each differentiable input.\n",
                        method)
                .recordConstructor(ctor.build());
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
