package dev.fluxion.processor.parse;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr.Reason;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Resolves a call the way javac would, without attribution: unqualified names against the
 * enclosing class (and its superclasses) first, then static imports; qualified names against
 * {@code Math}, {@code F}, {@code Tensor}, other classes, and tensor-typed receivers.
 */
final class CallResolver {
    static final String F = "dev.fluxion.F";
    static final String MATH = "java.lang.Math";

    private final ParseContext cx;
    private final ExprParser exprs;
    private final NestedCalls nested;

    CallResolver(ParseContext cx, ExprParser exprs) {
        this.cx = cx;
        this.exprs = exprs;
        this.nested = new NestedCalls(cx, exprs);
    }

    /** The methods of {@code List} (and {@code ArrayList}) that change it. */
    private static final java.util.Set<String> LIST_WRITES = java.util.Set.of("set", "add", "addAll", "addFirst",
            "addLast", "remove", "removeAll", "removeIf", "removeFirst", "removeLast", "retainAll", "replaceAll",
            "clear", "sort");

    Expr resolve(MethodInvocationTree m, Pos pos) {
        Optional<Expr> generated = nested.resolve(m, pos);
        if (generated.isPresent()) {
            return generated.get();
        }
        if (m.getMethodSelect() instanceof MemberSelectTree write
                && LIST_WRITES.contains(write.getIdentifier().toString()) && typeName(write.getExpression()).isEmpty()) {
            Expr list = exprs.parse(write.getExpression());
            if (exprs.layers.elementOf(list).isPresent()) {
                return new Expr.Unsupported(Reason.MODULE_LIST_WRITE, write.toString(), pos);
            }
        }
        List<Expr> args = new ArrayList<>();
        for (ExpressionTree a : m.getArguments()) {
            Expr e = exprs.parse(a);
            if (e instanceof Expr.Unsupported) {
                return e;
            }
            args.add(e);
        }
        ExpressionTree select = m.getMethodSelect();
        if (select instanceof IdentifierTree id) {
            return unqualified(id.getName().toString(), args, pos);
        }
        MemberSelectTree ms = (MemberSelectTree) select;
        String name = ms.getIdentifier().toString();
        ExpressionTree recv = ms.getExpression();
        Optional<String> typeName = typeName(recv);
        if (typeName.isPresent()) {
            return onClass(typeName.get(), name, args, pos);
        }
        if (recv instanceof IdentifierTree id && id.getName().contentEquals("this")) {
            return unqualified(name, args, pos);
        }
        Expr receiver = exprs.parse(recv);
        if (receiver instanceof Expr.Unsupported) {
            return receiver;
        }
        return onReceiver(receiver, name, args, pos);
    }

    /** The class a receiver expression names, when it names a class rather than a value. */
    private Optional<String> typeName(ExpressionTree recv) {
        String text = recv.toString();
        if (!(recv instanceof IdentifierTree) && !(recv instanceof MemberSelectTree)) {
            return Optional.empty();
        }
        String first = text.contains(".") ? text.substring(0, text.indexOf('.')) : text;
        if (cx.inScope(first) || first.equals("this") || isField(first)) {
            return Optional.empty();
        }
        return cx.imports.resolveType(text);
    }

    private boolean isField(String name) {
        return cx.elements.getAllMembers(cx.owner).stream()
                .anyMatch(m -> m.getKind() == ElementKind.FIELD && m.getSimpleName().contentEquals(name));
    }

    private Expr unqualified(String name, List<Expr> args, Pos pos) {
        List<ExecutableElement> own = methods(cx.owner, name);
        if (!own.isEmpty()) {
            return user(own, cx.owner.getSimpleName() + "." + name, args, pos);
        }
        for (String owner : cx.imports.staticOwnersOf(name)) {
            Expr e = onClass(owner, name, args, pos);
            if (!(e instanceof Expr.Unsupported u && u.reason() == Reason.UNKNOWN_METHOD
                    && !owner.equals(F) && !owner.equals(MATH))) {
                return e;
            }
        }
        return new Expr.Unsupported(Reason.UNKNOWN_METHOD, name + "(...)", pos);
    }

    private Expr onClass(String owner, String name, List<Expr> args, Pos pos) {
        List<Type> types = args.stream().map(Expr::type).toList();
        Optional<Op> op = switch (owner) {
            case MATH -> OpResolver.resolve(name, List.of(Op.Style.MATH), types);
            case F -> OpResolver.resolve(name, List.of(Op.Style.METHOD, Op.Style.F_ONLY), types);
            case Type.TENSOR_CLASS -> OpResolver.resolve(name, List.of(Op.Style.TENSOR_STATIC), types);
            default -> Optional.empty();
        };
        if (op.isPresent()) {
            return known(op.get(), args, pos);
        }
        TypeElement type = cx.elements.getTypeElement(owner);
        String simple = owner.substring(owner.lastIndexOf('.') + 1);
        if (type != null && owner.equals(Type.TENSOR_CLASS)) {
            // a factory (Tensor.of, fromArray, ones, ...) on constant data: a constant tensor
            for (ExecutableElement m : methods(type, name)) {
                Expr factory = PlainHelpers.call(m, args, pos);
                if (factory != null) {
                    return factory;
                }
            }
        }
        if (type == null || owner.equals(MATH) || owner.equals(F) || owner.equals(Type.TENSOR_CLASS)) {
            return new Expr.Unsupported(Reason.UNKNOWN_METHOD, simple + "." + name + "(...)", pos);
        }
        return user(methods(type, name), simple + "." + name, args, pos);
    }

    private Expr onReceiver(Expr receiver, String name, List<Expr> args, Pos pos) {
        if (receiver.type().isTensor()) {
            List<Expr> all = new ArrayList<>();
            all.add(receiver);
            all.addAll(args);
            Optional<Op> op = OpResolver.resolve(name, List.of(Op.Style.METHOD),
                    all.stream().map(Expr::type).toList());
            return op.map(o -> known(o, all, pos)).orElseGet(() ->
                    new Expr.Unsupported(Reason.UNKNOWN_METHOD, "Tensor." + name + "(...)", pos));
        }
        Optional<String> element = exprs.layers.elementOf(receiver);
        if (element.isPresent()) {
            if (name.equals("get") && args.size() == 1 && args.get(0).type().isNumeric()) {
                return LayerCalls.at(receiver, args.get(0), element.get(), pos);
            }
            if (name.equals("size") && args.isEmpty()) {
                return LayerCalls.size(receiver, pos);
            }
        }
        if (receiver instanceof Expr.FieldRead fr && fr.type() instanceof Type.Declared d) {
            TypeElement holder = cx.elements.getTypeElement(d.qualifiedName());
            if (holder != null && TypeMapper.isSubclassOf(holder, TypeMapper.LINEAR) && name.equals("forward")
                    && args.size() == 1 && args.get(0).type().isTensor()) {
                Expr weight = exprs.field(holder, fr.path(), "weight", pos);
                Expr bias = exprs.field(holder, fr.path(), "bias", pos);
                return known(Op.LINEAR, List.of(args.get(0), weight, bias), pos);
            }
        }
        if (receiver.type() instanceof Type.Declared d && name.equals("forward") && args.size() == 1
                && args.get(0).type().isTensor() && exprs.layers.isRuntimeLayer(d.qualifiedName())) {
            return LayerCalls.forward(receiver, args.get(0), pos);
        }
        if (receiver instanceof Expr.FieldRead fr && fr.type() instanceof Type.Declared d) {
            TypeElement holder = cx.elements.getTypeElement(d.qualifiedName());
            if (holder != null && TypeMapper.isSubclassOf(holder, TypeMapper.MODULE) && !fr.path().isEmpty()) {
                return onModuleField(holder, fr.path(), name, args, pos);
            }
        }
        if (receiver.type() instanceof Type.Declared d && !(receiver instanceof Expr.FieldRead)) {
            TypeElement holder = cx.elements.getTypeElement(d.qualifiedName());
            if (holder != null && TypeMapper.isSubclassOf(holder, TypeMapper.MODULE)) {
                return onModuleElement(holder, receiver, name, args, pos);
            }
        }
        return new Expr.Unsupported(Reason.UNKNOWN_METHOD,
                simpleName(receiver.type()) + "." + name + "(...)", pos);
    }

    /**
     * {@code b1.forward(h)} on a {@code Module} field: the field's own {@code @Differentiable}
     * method, run on the field as its model, so its Parameters are leaves of this call too.
     */
    private Expr onModuleField(TypeElement holder, List<String> path, String name, List<Expr> args, Pos pos) {
        for (ExecutableElement m : methods(holder, name)) {
            if (m.getAnnotation(Differentiable.class) != null && m.getParameters().size() == args.size()) {
                if (!Signatures.gradientsPlaceable(m)) {
                    return new Expr.Unsupported(Reason.UNNAMED_GRADIENTS, holder.getSimpleName() + "." + name, pos);
                }
                Callee.UserMethod ref = Signatures.userMethod(m);
                Callee.User callee = ref.isStatic() ? new Callee.User(ref) : new Callee.User(ref, path);
                return new Expr.Call(callee, args, ref.returnType(), pos);
            }
        }
        String display = holder.getSimpleName() + "." + name;
        return new Expr.Unsupported(Reason.MODULE_METHOD, String.join(".", path) + "." + name + "(...)|" + display,
                pos);
    }

    /**
     * {@code blocks.get(i).forward(h)}, {@code blocks[i].forward(h)} or {@code b.forward(h)} in
     * {@code for (Block b : blocks)}: the element's own {@code @Differentiable} method, run on the
     * element as its model ({@link Callee#onElement}), so its Parameters are leaves of this call.
     */
    private Expr onModuleElement(TypeElement holder, Expr element, String name, List<Expr> args, Pos pos) {
        String display = holder.getSimpleName() + "." + name;
        for (ExecutableElement m : methods(holder, name)) {
            if (m.getAnnotation(Differentiable.class) != null && m.getParameters().size() == args.size()) {
                if (!Signatures.gradientsPlaceable(m)) {
                    return new Expr.Unsupported(Reason.UNNAMED_GRADIENTS, display, pos);
                }
                Callee.UserMethod ref = Signatures.userMethod(m);
                if (ref.isStatic()) {
                    return new Expr.Call(new Callee.User(ref), args, ref.returnType(), pos);
                }
                List<Expr> all = new ArrayList<>();
                all.add(element);
                all.addAll(args);
                return new Expr.Call(new Callee.User(Callee.onElement(ref)), all, ref.returnType(), pos);
            }
        }
        return new Expr.Unsupported(Reason.MODULE_ELEMENT, display, pos);
    }

    private static String simpleName(Type t) {
        String n = t.javaName();
        return n.substring(n.lastIndexOf('.') + 1);
    }

    private static Expr known(Op op, List<Expr> args, Pos pos) {
        return new Expr.Call(new Callee.Known(op), args,
                OpResolver.resultType(op, args.stream().map(Expr::type).toList()), pos);
    }

    private Expr user(List<ExecutableElement> candidates, String display, List<Expr> args, Pos pos) {
        for (ExecutableElement m : candidates) {
            if (m.isVarArgs() && m.getAnnotation(Differentiable.class) != null && (args.size() != m.getParameters().size()
                    || !(args.get(args.size() - 1).type() instanceof Type.ArrayOf))) {
                return new Expr.Unsupported(Reason.VARARGS_CALL, display + "(...)", pos);
            }
            if ((m.getAnnotation(Differentiable.class) != null || DerivativeAnnotations.hasRule(m))
                    && m.getParameters().size() == args.size()) {
                if (!Signatures.gradientsPlaceable(m)) {
                    return new Expr.Unsupported(Reason.UNNAMED_GRADIENTS, display, pos);
                }
                Callee.UserMethod ref = Signatures.userMethod(m);
                return new Expr.Call(new Callee.User(ref), args, ref.returnType(), pos);
            }
        }
        for (ExecutableElement m : candidates) {
            Expr plain = PlainHelpers.call(m, args, pos);
            if (plain != null) {
                cx.helpers.add(m);
                return plain;
            }
        }
        return new Expr.Unsupported(Reason.UNKNOWN_METHOD, display + "(...)", pos);
    }

    private List<ExecutableElement> methods(TypeElement type, String name) {
        List<ExecutableElement> out = new ArrayList<>();
        for (Element e : cx.elements.getAllMembers(type)) {
            if (e instanceof ExecutableElement m && e.getKind() == ElementKind.METHOD
                    && m.getSimpleName().contentEquals(name)) {
                out.add(m);
            }
        }
        return out;
    }
}
