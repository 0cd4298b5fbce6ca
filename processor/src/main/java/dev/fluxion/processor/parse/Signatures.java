package dev.fluxion.processor.parse;

import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            Map<Integer, String> recorded = recordedNamesByPosition(method, owner, wrt).orElse(Map.of());
            if (!recorded.isEmpty()) {
                components = new ArrayList<>(components);
                for (Map.Entry<Integer, String> e : recorded.entrySet()) {
                    names.set(e.getKey(), e.getValue());
                    components.set(e.getKey(), e.getValue());
                    diff.set(e.getKey(), true);
                }
            }
        }
        return new Callee.UserMethod(owner.getQualifiedName().toString(), method.getSimpleName().toString(),
                isStatic, names, types, diff, TypeMapper.map(method.getReturnType()), components);
    }

    /**
     * Whether a call to {@code method} can name its gradients: false where it was compiled
     * without parameter names ({@code -parameters} or {@code -g}) and its generated gradient
     * record cannot say which parameter each gradient belongs to (the record is not on the class
     * path, or {@code wrt} leaves out a parameter that could have a gradient).
     */
    public static boolean gradientsPlaceable(ExecutableElement method) {
        List<String> names = method.getParameters().stream().map(p -> p.getSimpleName().toString()).toList();
        if (!namesAreSynthetic(names)) {
            return true;
        }
        Differentiable d = method.getAnnotation(Differentiable.class);
        List<String> wrt = d == null ? List.of() : Arrays.asList(d.wrt());
        return recordedNamesByPosition(method, (TypeElement) method.getEnclosingElement(), wrt).isPresent();
    }

    /**
     * The real names of the parameters with a gradient, by position, from {@code method}'s
     * generated record, where its components (in parameter order) match those parameters one for
     * one: every parameter that can have a gradient, less the {@code @NoGrad} ones without
     * {@code wrt}. With {@code wrt}, its names cannot be matched to positions (the class file has
     * none), so only a {@code wrt} naming every such parameter places them.
     */
    private static Optional<Map<Integer, String>> recordedNamesByPosition(ExecutableElement method, TypeElement owner,
                                                                         List<String> wrt) {
        List<String> recorded = recordedGradients(method, owner).orElse(null);
        List<Integer> wanted = new ArrayList<>();
        for (int i = 0; i < method.getParameters().size(); i++) {
            VariableElement p = method.getParameters().get(i);
            if (TypeMapper.map(p.asType()).isDifferentiable() && (!wrt.isEmpty() || p.getAnnotation(NoGrad.class) == null)) {
                wanted.add(i);
            }
        }
        if (recorded == null || recorded.size() != wanted.size()) {
            return Optional.empty();
        }
        Map<Integer, String> out = new LinkedHashMap<>();
        for (int k = 0; k < wanted.size(); k++) {
            out.put(wanted.get(k), recorded.get(k));
        }
        return Optional.of(out);
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
