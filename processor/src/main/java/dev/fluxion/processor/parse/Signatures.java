package dev.fluxion.processor.parse;

import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.RecordComponentElement;
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
        boolean isStatic = method.getModifiers().contains(Modifier.STATIC);
        List<String> components = Names.gradientComponents(
                names.stream().map(n -> Names.userVariable(n, !isStatic)).toList());
        if (namesAreSynthetic(names)) {
            // Compiled without -parameters or -g (an earlier javac run of a split build): its
            // parameters read arg0, arg1, ...; its generated gradient record still has the real names.
            List<String> recorded = recordedGradients(method, owner).orElse(null);
            List<Integer> wanted = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                VariableElement p = method.getParameters().get(i);
                if (types.get(i).isDifferentiable() && (!wrt.isEmpty() || p.getAnnotation(NoGrad.class) == null)) {
                    wanted.add(i);
                }
            }
            if (recorded != null && recorded.size() == wanted.size()) {
                components = new ArrayList<>(components);
                for (int k = 0; k < wanted.size(); k++) {
                    int i = wanted.get(k);
                    names.set(i, recorded.get(k));
                    components.set(i, recorded.get(k));
                    diff.set(i, true);
                }
            }
        }
        return new Callee.UserMethod(owner.getQualifiedName().toString(), method.getSimpleName().toString(),
                isStatic, names, types, diff, TypeMapper.map(method.getReturnType()), components);
    }

    /** Whether javac made the names up ({@code arg0, arg1, ...}): the class file kept none. */
    private static boolean namesAreSynthetic(List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            if (!names.get(i).equals("arg" + i)) {
                return false;
            }
        }
        return !names.isEmpty();
    }

    /**
     * The gradient components (after {@code value}) of {@code method}'s generated record
     * {@code OwnerGrad.FGradient}, read through javax.lang.model, where that class is on the class path.
     */
    private static Optional<List<String>> recordedGradients(ExecutableElement method, TypeElement owner) {
        Element pkg = owner;
        while (pkg != null && !(pkg instanceof PackageElement)) {
            pkg = pkg.getEnclosingElement();
        }
        if (pkg == null) {
            return Optional.empty();
        }
        String packageName = ((PackageElement) pkg).getQualifiedName().toString();
        String qualified = owner.getQualifiedName().toString();
        String simple = packageName.isEmpty() ? qualified : qualified.substring(packageName.length() + 1);
        String gradClass = Names.gradClass(simple);
        String record = Names.gradientRecord(method.getSimpleName().toString());
        for (Element type : pkg.getEnclosedElements()) {
            if (!type.getSimpleName().contentEquals(gradClass)) {
                continue;
            }
            for (Element nested : type.getEnclosedElements()) {
                if (nested instanceof TypeElement r && r.getKind() == ElementKind.RECORD
                        && r.getSimpleName().contentEquals(record)) {
                    List<String> out = new ArrayList<>();
                    for (RecordComponentElement c : r.getRecordComponents()) {
                        out.add(c.getSimpleName().toString());
                    }
                    return out.isEmpty() ? Optional.empty() : Optional.of(out.subList(1, out.size()));
                }
            }
        }
        return Optional.empty();
    }
}
