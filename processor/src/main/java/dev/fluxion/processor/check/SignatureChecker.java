package dev.fluxion.processor.check;

import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.Messages;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.model.SourceRef;
import dev.fluxion.processor.parse.TypeMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/** Checks what can be checked from a method's declaration alone, before its body is parsed. */
public final class SignatureChecker {
    private SignatureChecker() {}

    /** Problems with the declaration of {@code method}; an error here means the body is not parsed. */
    public static List<Diagnostic> check(ExecutableElement method, Trees trees) {
        List<Diagnostic> out = new ArrayList<>();
        Pos at = pos(trees.getPath(method), trees);
        if (!(method.getEnclosingElement() instanceof TypeElement owner) || owner.getKind() != ElementKind.CLASS) {
            out.add(Diagnostic.error(Messages.NOT_IN_CLASS, at));
            return out;
        }
        if (method.getModifiers().contains(Modifier.ABSTRACT) || method.getModifiers().contains(Modifier.NATIVE)) {
            out.add(Diagnostic.error(Messages.ABSTRACT_METHOD, at));
        }
        Type result = TypeMapper.map(method.getReturnType());
        if (!(result.isFloatingScalar() || result.isTensor() || result.equals(new Type.ArrayOf(Type.Prim.DOUBLE)))) {
            out.add(Diagnostic.error(Messages.BAD_RETURN_TYPE, at, method.getReturnType().toString()));
        }
        if (!method.getModifiers().contains(Modifier.STATIC) && !TypeMapper.isSubclassOf(owner, TypeMapper.MODULE)) {
            out.add(Diagnostic.error(Messages.INSTANCE_NOT_MODULE, at));
        }
        Differentiable d = method.getAnnotation(Differentiable.class);
        List<String> names = method.getParameters().stream().map(p -> p.getSimpleName().toString()).toList();
        Pos annotation = annotationPos(method, trees, at);
        for (String w : d.wrt()) {
            VariableElement p = method.getParameters().stream()
                    .filter(x -> x.getSimpleName().contentEquals(w)).findFirst().orElse(null);
            if (p == null) {
                out.add(Diagnostic.error(Messages.BAD_WRT, annotation, w, String.join(", ", names)));
            } else if (!TypeMapper.map(p.asType()).isDifferentiable()) {
                out.add(Diagnostic.error(Messages.WRT_NOT_DIFFERENTIABLE, annotation, w, p.asType().toString()));
            }
        }
        for (VariableElement p : method.getParameters()) {
            // A 2-D array has no gradient yet: without @NoGrad it would silently get none.
            boolean wanted = d.wrt().length == 0 ? p.getAnnotation(dev.fluxion.annotation.NoGrad.class) == null
                    : List.of(d.wrt()).contains(p.getSimpleName().toString());
            if (wanted && p.asType() instanceof javax.lang.model.type.ArrayType outer
                    && outer.getComponentType() instanceof javax.lang.model.type.ArrayType inner
                    && (inner.getComponentType().getKind() == javax.lang.model.type.TypeKind.DOUBLE
                    || inner.getComponentType().getKind() == javax.lang.model.type.TypeKind.FLOAT)) {
                out.add(Diagnostic.error(Messages.MATRIX_PARAMETER, paramPos(trees, method, p, at),
                        p.getSimpleName(), p.asType().toString(), inner.getComponentType().toString()));
            }
        }
        return out;
    }

    private static Pos paramPos(Trees trees, ExecutableElement method, VariableElement p, Pos fallback) {
        var path = trees.getPath(p);
        return path == null ? fallback : pos(path, trees);
    }

    /**
     * The methods of one class whose generated names clash with an earlier one's: every name in
     * {@code CGrad} comes from the method's name alone ({@code f}, {@code fVjp}, {@code fGrad},
     * {@code fBackward}, {@code FGradient}, {@code FPullback}), so two overloads of {@code f}, or
     * {@code f} and {@code F}, or {@code f} and {@code fGrad}, would generate the same member.
     * Each clash is an error on the later method.
     */
    public static Map<ExecutableElement, Diagnostic> clashes(List<ExecutableElement> methods, Trees trees) {
        Map<ExecutableElement, Diagnostic> out = new LinkedHashMap<>();
        Map<String, ExecutableElement> taken = new HashMap<>();
        for (ExecutableElement m : methods) {
            String name = m.getSimpleName().toString();
            List<String> generated = List.of(name, Names.vjpMethod(name), Names.gradMethod(name),
                    Names.backwardMethod(name), Names.gradientRecord(name), Names.pullbackClass(name));
            for (String g : generated) {
                ExecutableElement earlier = taken.get(g);
                if (earlier != null) {
                    Pos at = pos(trees.getPath(m), trees);
                    out.put(m, Diagnostic.error(Messages.GENERATED_NAME_CLASH, at, name,
                            earlier.getSimpleName().toString(), Long.toString(nameLine(earlier, trees)),
                            earlier.getEnclosingElement().getSimpleName().toString(), g));
                    break;
                }
            }
            if (!out.containsKey(m)) {
                generated.forEach(g -> taken.put(g, m));
            }
        }
        return out;
    }

    /** The line of a method's name (javac reports there), not of its first annotation. */
    private static long nameLine(ExecutableElement method, Trees trees) {
        TreePath path = trees.getPath(method);
        if (path == null) {
            return 0;
        }
        var tree = path.getLeaf() instanceof com.sun.source.tree.MethodTree mt && mt.getReturnType() != null
                ? mt.getReturnType() : path.getLeaf();
        var unit = path.getCompilationUnit();
        long start = trees.getSourcePositions().getStartPosition(unit, tree);
        return dev.fluxion.processor.parse.SourceLines.of(unit, start);
    }

    private static Pos annotationPos(ExecutableElement method, Trees trees, Pos fallback) {
        for (AnnotationMirror m : method.getAnnotationMirrors()) {
            if (m.getAnnotationType().toString().equals(Differentiable.class.getName())) {
                TreePath path = trees.getPath(method, m);
                if (path != null) {
                    return pos(path, trees);
                }
            }
        }
        return fallback;
    }

    /** A position for a declaration or annotation. */
    public static Pos pos(TreePath path, Trees trees) {
        if (path == null) {
            return Pos.NONE;
        }
        var unit = path.getCompilationUnit();
        long start = trees.getSourcePositions().getStartPosition(unit, path.getLeaf());
        long line = dev.fluxion.processor.parse.SourceLines.of(unit, start);
        return new Pos(unit.getSourceFile().getName(), line, "", new SourceRef(path.getLeaf(), unit));
    }
}
