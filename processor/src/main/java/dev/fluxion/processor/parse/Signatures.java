package dev.fluxion.processor.parse;

import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.processor.Names;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/** Reads a {@code @Differentiable} method's signature: which parameters have a gradient. */
public final class Signatures {
    private Signatures() {}

    /** The reference other methods use to call {@code method}. */
    public static Callee.UserMethod userMethod(ExecutableElement method) {
        Differentiable d = method.getAnnotation(Differentiable.class);
        List<String> wrt = d == null ? List.of() : Arrays.asList(d.wrt());
        List<String> names = new ArrayList<>();
        List<Type> types = new ArrayList<>();
        List<Boolean> diff = new ArrayList<>();
        for (VariableElement p : method.getParameters()) {
            String name = p.getSimpleName().toString();
            Type type = TypeMapper.map(p.asType());
            names.add(name);
            types.add(type);
            boolean wanted = wrt.isEmpty() ? p.getAnnotation(NoGrad.class) == null : wrt.contains(name);
            diff.add(wanted && type.isDifferentiable());
        }
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        return new Callee.UserMethod(owner.getQualifiedName().toString(), method.getSimpleName().toString(),
                method.getModifiers().contains(Modifier.STATIC), names, types, diff,
                TypeMapper.map(method.getReturnType()), Names.gradientComponents(
                names.stream().map(n -> Names.userVariable(n, !method.getModifiers().contains(Modifier.STATIC))).toList()));
    }
}
