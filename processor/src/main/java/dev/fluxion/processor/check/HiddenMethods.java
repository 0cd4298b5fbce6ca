package dev.fluxion.processor.check;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreeScanner;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds {@code @Differentiable} methods javac never hands to a processor: those of anonymous and
 * local classes, which are not members of any class the processor can see (javac enters them only
 * when it attributes the enclosing body, after processing). Without this they would be silently
 * ignored; the processor reports each as an error instead.
 */
public final class HiddenMethods {
    private HiddenMethods() {}

    /** A {@code @Differentiable} method of an anonymous or local class, and what encloses it. */
    public record Hidden(MethodTree method, CompilationUnitTree unit, boolean anonymous) {}

    /** Every such method in {@code unit}. */
    public static List<Hidden> in(CompilationUnitTree unit) {
        List<Hidden> out = new ArrayList<>();
        boolean imported = importsDifferentiable(unit);
        new TreeScanner<Void, Void>() {
            /** How many anonymous or local classes enclose the scan; the innermost one's kind. */
            private int hiddenDepth;
            private boolean anonymous;
            /** Whether the scan is inside a method or initializer body (where a class is local). */
            private int bodyDepth;

            @Override
            public Void visitNewClass(NewClassTree node, Void unused) {
                scan(node.getEnclosingExpression(), null);
                scan(node.getArguments(), null);
                if (node.getClassBody() != null) {
                    hidden(node.getClassBody(), true);
                }
                return null;
            }

            @Override
            public Void visitClass(ClassTree node, Void unused) {
                if (bodyDepth > 0) {
                    hidden(node, false);
                    return null;
                }
                int outerBodies = bodyDepth;
                bodyDepth = 0;
                super.visitClass(node, null);
                bodyDepth = outerBodies;
                return null;
            }

            private void hidden(ClassTree body, boolean isAnonymous) {
                boolean outerKind = anonymous;
                int outerBodies = bodyDepth;
                hiddenDepth++;
                anonymous = isAnonymous;
                bodyDepth = 0;
                scan(body.getMembers(), null);
                hiddenDepth--;
                anonymous = outerKind;
                bodyDepth = outerBodies;
            }

            @Override
            public Void visitMethod(MethodTree node, Void unused) {
                if (hiddenDepth > 0 && node.getModifiers().getAnnotations().stream()
                        .anyMatch(a -> isDifferentiable(a, imported))) {
                    out.add(new Hidden(node, unit, anonymous));
                }
                bodyDepth++;
                scan(node.getBody(), null);
                bodyDepth--;
                return null;
            }

            @Override
            public Void visitBlock(com.sun.source.tree.BlockTree node, Void unused) {
                // An initializer block directly in a class body: classes declared in it are local.
                bodyDepth++;
                super.visitBlock(node, null);
                bodyDepth--;
                return null;
            }

            @Override
            public Void visitVariable(com.sun.source.tree.VariableTree node, Void unused) {
                // A field initializer's anonymous classes are found through visitNewClass.
                scan(node.getInitializer(), null);
                return null;
            }
        }.scan(unit, null);
        return out;
    }

    /** Fluxion's {@code @Differentiable}: by its qualified name, or its simple name where the file imports it. */
    private static boolean isDifferentiable(AnnotationTree a, boolean imported) {
        Tree type = a.getAnnotationType();
        String name = type.toString();
        return (imported && name.equals("Differentiable")) || name.equals(ANNOTATION);
    }

    private static final String ANNOTATION = "dev.fluxion.annotation.Differentiable";

    /** Whether the simple name {@code Differentiable} in {@code unit} means Fluxion's annotation. */
    private static boolean importsDifferentiable(CompilationUnitTree unit) {
        String pkg = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
        if (pkg.equals("dev.fluxion.annotation")) {
            return true;
        }
        return unit.getImports().stream().filter(i -> !i.isStatic())
                .map(i -> i.getQualifiedIdentifier().toString())
                .anyMatch(n -> n.equals(ANNOTATION) || n.equals("dev.fluxion.annotation.*"));
    }
}
