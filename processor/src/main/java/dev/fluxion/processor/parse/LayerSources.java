package dev.fluxion.processor.parse;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.fluxion.processor.model.LayerSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Reads how a class builds its fields of runtime layers: {@code final MaxPool2d pool = new
 * MaxPool2d(2);} or {@code conv1 = new Conv2d(1, 16, 5, rng);} in a constructor, with arguments
 * that are literals, constants, arithmetic on them, enum constants, {@code int[]} initialisers,
 * nested layers, a {@code Random} (any: the verifier draws its own values), or a primitive
 * parameter of the constructor ({@link LayerSource.Parameter}); lists, arrays and
 * {@code ModuleList}s of modules built from their elements in place; and fields holding the user's
 * own modules built in place. A field assigned twice, or built from anything else (arithmetic on a
 * constructor parameter, a method's result), is listed with the reason; the verifier then says why
 * it cannot check methods that call it.
 */
public final class LayerSources {
    private static final String LAYER = "dev.fluxion.nn.Layer";
    private static final String RUNTIME_PACKAGE = "dev.fluxion.nn.";
    private static final String SEQUENTIAL = "dev.fluxion.nn.Sequential";

    private final Elements elements;
    private final Types types;
    private final TypeElement owner;
    private final TypeMirror layer;
    private final ImportScope imports;
    private final Map<String, LayerSource> known = new LinkedHashMap<>();
    private final Map<String, String> unknown = new LinkedHashMap<>();
    private final Map<String, LayerSource.ListSource> lists = new LinkedHashMap<>();
    private final Map<String, LayerSource.ModuleElement> modules = new LinkedHashMap<>();
    /** The current constructor's primitive parameters, by name. */
    private final Map<String, LayerSource.Parameter> parameters = new LinkedHashMap<>();
    /** The declared type names of the current constructor's parameters and locals. */
    private final Map<String, String> locals = new LinkedHashMap<>();

    private LayerSources(Elements elements, Types types, TypeElement owner, CompilationUnitTree unit) {
        this.elements = elements;
        this.types = types;
        this.owner = owner;
        TypeElement l = elements.getTypeElement(LAYER);
        this.layer = l == null ? null : types.erasure(l.asType());
        this.imports = new ImportScope(unit, elements);
    }

    /**
     * The layer fields {@code owner} builds in its own source; none where reading them fails (they
     * only feed verification, which then says it cannot check the methods that call them).
     */
    public static LayerSource.Fields of(TypeElement owner, Trees trees, Elements elements, Types types) {
        try {
            Map<String, LayerSource.Fields> classes = new LinkedHashMap<>();
            LayerSource.Fields own = read(owner, trees, elements, types, classes);
            classes.remove(owner.getQualifiedName().toString());
            return new LayerSource.Fields(own.known(), own.unknown(), own.lists(), own.modules(), classes);
        } catch (RuntimeException e) {
            return LayerSource.Fields.NONE;
        }
    }

    /**
     * The fields {@code owner} builds; into {@code classes}, the same for each class of the user's
     * own modules that its fields and lists hold, and theirs in turn (each class once).
     */
    private static LayerSource.Fields read(TypeElement owner, Trees trees, Elements elements, Types types,
                                           Map<String, LayerSource.Fields> classes) {
        classes.put(owner.getQualifiedName().toString(), LayerSource.Fields.NONE);
        TreePath path = trees.getPath(owner);
        if (path == null || !(path.getLeaf() instanceof ClassTree cls)) {
            return LayerSource.Fields.NONE;
        }
        LayerSources s = new LayerSources(elements, types, owner, path.getCompilationUnit());
        if (s.layer == null) {
            return LayerSource.Fields.NONE;
        }
        for (Tree member : cls.getMembers()) {
            if (member instanceof VariableTree v && v.getInitializer() != null) {
                s.locals.clear();
                s.parameters.clear();
                s.initialised(v.getName().toString(), v.getInitializer());
            } else if (member instanceof MethodTree m && m.getName().contentEquals("<init>") && m.getBody() != null) {
                s.locals.clear();
                s.parameters.clear();
                m.getParameters().forEach(p -> s.locals.put(p.getName().toString(), p.getType().toString()));
                for (int i = 0; i < m.getParameters().size(); i++) {
                    VariableTree p = m.getParameters().get(i);
                    String type = p.getType().toString();
                    if (List.of("int", "long", "double", "float", "boolean").contains(type)) {
                        s.parameters.put(p.getName().toString(), new LayerSource.Parameter(p.getName().toString(), type, i,
                                m.getParameters().size()));
                    }
                }
                for (StatementTree st : m.getBody().getStatements()) {
                    if (st instanceof VariableTree v) {
                        s.locals.put(v.getName().toString(), v.getType().toString());
                        s.parameters.remove(v.getName().toString());
                    }
                    if (st instanceof ExpressionStatementTree es && es.getExpression() instanceof AssignmentTree a
                            && fieldName(a.getVariable()) != null) {
                        s.initialised(fieldName(a.getVariable()), a.getExpression());
                    }
                    if (st instanceof ExpressionStatementTree es && es.getExpression() instanceof MethodInvocationTree mi
                            && mi.getMethodSelect() instanceof MemberSelectTree ms && fieldName(ms.getExpression()) != null
                            && s.isModuleCollection(fieldName(ms.getExpression()))) {
                        String f = fieldName(ms.getExpression());
                        s.unknown.put(f, f + " is filled by calls (" + ms.getIdentifier() + "(...)), not built from its elements in one expression");
                    }
                }
            }
        }
        s.known.keySet().removeAll(s.unknown.keySet());
        s.lists.keySet().removeAll(s.unknown.keySet());
        for (String module : s.moduleClasses()) {
            TypeElement t = elements.getTypeElement(module);
            if (t != null && !classes.containsKey(module)) {
                classes.put(module, read(t, trees, elements, types, classes));
            }
        }
        s.modules.keySet().removeAll(s.unknown.keySet());
        return new LayerSource.Fields(s.known, s.unknown, s.lists, s.modules, Map.of());
    }

    /** A field's value: one runtime layer built in place, or a list, array or {@code ModuleList} of modules. */
    private void initialised(String field, ExpressionTree value) {
        if (value instanceof NewClassTree n && layerClass(n) != null) {
            assigned(field, n);
            return;
        }
        if (value instanceof NewClassTree n && userModuleClass(n) != null) {
            if (modules.containsKey(field)) {
                unknown.put(field, field + " is assigned in more than one place");
            }
            modules.put(field, moduleElement(userModuleClass(n), n));
            return;
        }
        if (!isModuleCollection(field)) {
            return;
        }
        if (lists.containsKey(field) || unknown.containsKey(field)) {
            unknown.put(field, field + " is assigned in more than one place");
            return;
        }
        List<? extends ExpressionTree> elements = elementsOf(value);
        if (elements == null) {
            unknown.put(field, field + " is built by `" + value + "`, not from its elements in place (List.of(new ...), "
                    + "new T[] {new ...}, ModuleList.of(new ...))");
            return;
        }
        elements(field, elements);
    }

    /**
     * The elements of {@code List.of(...)}, {@code Arrays.asList(...)}, {@code ModuleList.of(...)},
     * {@code new ModuleList<>(...)} or {@code new ArrayList<>(...)} of one of those, or an array
     * initialiser; null for any other expression.
     */
    private static List<? extends ExpressionTree> elementsOf(ExpressionTree value) {
        if (value instanceof NewArrayTree na) {
            return na.getInitializers();
        }
        if (value instanceof MethodInvocationTree mi && mi.getMethodSelect() instanceof MemberSelectTree ms) {
            String owner = ms.getExpression().toString();
            String name = ms.getIdentifier().toString();
            boolean list = name.equals("of") && (owner.endsWith("List") || owner.endsWith("ModuleList"))
                    || name.equals("asList") && owner.endsWith("Arrays");
            return list ? mi.getArguments() : null;
        }
        if (value instanceof NewClassTree n && n.getArguments().size() == 1) {
            String cls = n.getIdentifier().toString();
            if (cls.startsWith("ModuleList") || cls.startsWith("ArrayList") || cls.startsWith("java.util.ArrayList")) {
                return elementsOf(n.getArguments().getFirst());
            }
        }
        return null;
    }

    /** Whether field {@code name} is a {@code List}, array or {@code ModuleList} whose elements are modules. */
    private boolean isModuleCollection(String name) {
        VariableElement f = field(owner, name);
        if (f == null) {
            return false;
        }
        TypeMirror t = f.asType();
        TypeMirror element = null;
        if (t instanceof javax.lang.model.type.ArrayType a) {
            element = a.getComponentType();
        } else if (t instanceof javax.lang.model.type.DeclaredType d && d.getTypeArguments().size() == 1) {
            String raw = ((TypeElement) d.asElement()).getQualifiedName().toString();
            if (raw.equals("java.util.List") || raw.equals("java.util.ArrayList") || raw.equals("dev.fluxion.nn.ModuleList")) {
                element = d.getTypeArguments().getFirst();
                if (element instanceof javax.lang.model.type.WildcardType w) {
                    element = w.getExtendsBound();
                }
            }
        }
        if (!(element instanceof javax.lang.model.type.DeclaredType d)) {
            return false;
        }
        TypeElement e = (TypeElement) d.asElement();
        return TypeMapper.isSubclassOf(e, TypeMapper.MODULE) || types.isAssignable(types.erasure(e.asType()), layer);
    }

    /** The class of the user's own module {@code n} builds (a {@code Module} outside the runtime), or null. */
    private String userModuleClass(NewClassTree n) {
        String name = imports.resolveType(n.getIdentifier().toString().replaceAll("<.*>", "")).orElse(null);
        TypeElement t = name == null ? null : elements.getTypeElement(name);
        return t != null && !name.startsWith(RUNTIME_PACKAGE) && TypeMapper.isSubclassOf(t, TypeMapper.MODULE)
                ? name : null;
    }

    /** One of the user's own modules built in place, with its arguments where all are compile-time values. */
    private LayerSource.ModuleElement moduleElement(String cls, NewClassTree n) {
        try {
            List<LayerSource.Arg> args = new ArrayList<>();
            for (ExpressionTree a : n.getArguments()) {
                args.add(arg(a));
            }
            return new LayerSource.ModuleElement(cls, args);
        } catch (NotConstant e) {
            return new LayerSource.ModuleElement(cls, List.of());
        }
    }

    /** The user's own module classes this class's fields and lists hold. */
    private List<String> moduleClasses() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (Element m : elements.getAllMembers(owner)) {
            if (m.getKind().isField() && m.asType() instanceof javax.lang.model.type.DeclaredType d) {
                TypeElement t = (TypeElement) d.asElement();
                String name = t.getQualifiedName().toString();
                if (!name.startsWith(RUNTIME_PACKAGE) && TypeMapper.isSubclassOf(t, TypeMapper.MODULE)) {
                    out.add(name);
                }
            }
        }
        lists.values().forEach(l -> l.elements().forEach(e -> {
            if (e instanceof LayerSource.ModuleElement m) {
                out.add(m.className());
            }
        }));
        return List.copyOf(out);
    }

    private static String fieldName(ExpressionTree target) {
        if (target instanceof IdentifierTree id) {
            return id.getName().toString();
        }
        if (target instanceof MemberSelectTree ms && ms.getExpression() instanceof IdentifierTree t
                && t.getName().contentEquals("this")) {
            return ms.getIdentifier().toString();
        }
        return null;
    }

    private void assigned(String field, NewClassTree n) {
        String cls = layerClass(n);
        if (cls == null) {
            return;
        }
        if (known.containsKey(field) || unknown.containsKey(field) || lists.containsKey(field)) {
            unknown.put(field, field + " is assigned in more than one place");
            return;
        }
        if (cls.equals(SEQUENTIAL) && n.getArguments().stream()
                .anyMatch(a -> a instanceof NewClassTree m && userModuleClass(m) != null)) {
            sequentialOfModules(field, n);
            return;
        }
        try {
            known.put(field, source(cls, n));
        } catch (NotConstant e) {
            unknown.put(field, field + " is built from `" + e.getMessage() + "`, which is not a compile-time value");
        }
    }

    /**
     * A {@code Sequential} built in place from runtime layers and the user's own modules
     * ({@code new Sequential(new Linear(2, 4, rng), new Block(4), new Tanh())}): read as a list of
     * its elements in order, as a {@code List.of(...)} of them is, so that the verifier composes
     * its forward pass element by element (element {@code k} at {@code field.k}, PyTorch's name).
     */
    private void sequentialOfModules(String field, NewClassTree n) {
        elements(field, n.getArguments());
    }

    /**
     * The list {@code field} of {@code elements}, each a runtime layer or one of the user's own
     * modules built in place; the first that is neither, or is built from what is not a
     * compile-time value, makes {@code field} unknown instead, with the reason.
     */
    private void elements(String field, List<? extends ExpressionTree> elements) {
        List<LayerSource.Element> out = new ArrayList<>();
        for (ExpressionTree e : elements) {
            String layerClass = e instanceof NewClassTree t ? layerClass(t) : null;
            String moduleClass = e instanceof NewClassTree t ? userModuleClass(t) : null;
            if (layerClass != null) {
                try {
                    out.add(new LayerSource.LayerElement(source(layerClass, (NewClassTree) e)));
                } catch (NotConstant ex) {
                    unknown.put(field, "element " + out.size() + " of " + field + " is built from `" + ex.getMessage()
                            + "`, which is not a compile-time value");
                    return;
                }
            } else if (moduleClass != null) {
                out.add(moduleElement(moduleClass, (NewClassTree) e));
            } else {
                unknown.put(field, "element " + out.size() + " of " + field + " is `" + e
                        + "`, not a layer or module built in place");
                return;
            }
        }
        lists.put(field, new LayerSource.ListSource(out));
    }

    /** The runtime layer class {@code n} builds, or null for any other class. */
    private String layerClass(NewClassTree n) {
        String name = imports.resolveType(n.getIdentifier().toString()).orElse(null);
        TypeElement t = name == null ? null : elements.getTypeElement(name);
        if (t == null || !name.startsWith(RUNTIME_PACKAGE) || !types.isAssignable(types.erasure(t.asType()), layer)) {
            return null;
        }
        return name;
    }

    /** Whether {@code a} is a {@code Random}: built in place, or a parameter, local or field declared so. */
    private boolean isRandom(ExpressionTree a) {
        if (a instanceof NewClassTree n) {
            return "java.util.Random".equals(imports.resolveType(n.getIdentifier().toString()).orElse(null));
        }
        String name = fieldName(a);
        if (name == null) {
            return false;
        }
        String declared = a instanceof IdentifierTree ? locals.get(name) : null;
        if (declared == null) {
            VariableElement f = field(owner, name);
            declared = f == null ? null : types.erasure(f.asType()).toString();
        }
        return declared != null && "java.util.Random".equals(imports.resolveType(declared).orElse(declared));
    }

    private VariableElement field(TypeElement holder, String name) {
        for (Element m : elements.getAllMembers(holder)) {
            if (m.getKind().isField() && m.getSimpleName().contentEquals(name)) {
                return (VariableElement) m;
            }
        }
        return null;
    }

    private LayerSource source(String cls, NewClassTree n) {
        List<LayerSource.Arg> args = new ArrayList<>();
        for (ExpressionTree a : n.getArguments()) {
            try {
                args.add(arg(a));
            } catch (NotConstant e) {
                throw new NotConstant(a); // the whole argument: `width * 2`, not `width`
            }
        }
        return new LayerSource(cls, args);
    }

    private static final class NotConstant extends RuntimeException {
        NotConstant(Tree t) {
            super(t.toString(), null, false, false);
        }
    }

    private LayerSource.Arg arg(ExpressionTree a) {
        if (isRandom(a)) {
            return new LayerSource.Randomness();
        }
        if (a instanceof IdentifierTree id && parameters.containsKey(id.getName().toString())) {
            return parameters.get(id.getName().toString());
        }
        if (a instanceof NewClassTree n && layerClass(n) != null) {
            return new LayerSource.Nested(source(layerClass(n), n));
        }
        if (a instanceof MemberSelectTree ms) {
            TypeElement e = imports.resolveType(ms.getExpression().toString()).map(elements::getTypeElement).orElse(null);
            VariableElement c = e == null || e.getKind() != ElementKind.ENUM ? null : field(e, ms.getIdentifier().toString());
            if (c != null && c.getKind() == ElementKind.ENUM_CONSTANT) {
                return new LayerSource.EnumConstant(e.getQualifiedName().toString(), c.getSimpleName().toString());
            }
        }
        if (a instanceof NewArrayTree na && na.getInitializers() != null) {
            int[] values = new int[na.getInitializers().size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = constant(na.getInitializers().get(i)) instanceof Integer v ? v : fail(na);
            }
            return new LayerSource.Constant(values);
        }
        return new LayerSource.Constant(constant(a));
    }

    private static int fail(Tree t) {
        throw new NotConstant(t);
    }

    /** The value of a constant expression: a literal, a constant variable, or arithmetic on them. */
    private Object constant(ExpressionTree a) {
        return switch (a) {
            case LiteralTree l when l.getValue() != null -> l.getValue() instanceof Float f ? (Object) f.doubleValue()
                    : l.getValue();
            case ParenthesizedTree p -> constant(p.getExpression());
            case UnaryTree u when u.getKind() == Tree.Kind.UNARY_MINUS -> negate(constant(u.getExpression()), a);
            case BinaryTree b -> arithmetic(b, constant(b.getLeftOperand()), constant(b.getRightOperand()));
            case IdentifierTree id -> constantVariable(a);
            case MemberSelectTree ms -> constantVariable(a);
            default -> throw new NotConstant(a);
        };
    }

    private Object constantVariable(ExpressionTree a) {
        VariableElement v = null;
        if (a instanceof IdentifierTree id && !locals.containsKey(id.getName().toString())) {
            v = field(owner, id.getName().toString());
        } else if (a instanceof MemberSelectTree ms) {
            TypeElement holder = imports.resolveType(ms.getExpression().toString()).map(elements::getTypeElement)
                    .orElse(null);
            v = holder == null ? null : field(holder, ms.getIdentifier().toString());
        }
        if (v != null && v.getConstantValue() != null) {
            return v.getConstantValue() instanceof Float f ? (Object) f.doubleValue() : v.getConstantValue();
        }
        throw new NotConstant(a);
    }

    private static Object negate(Object v, Tree t) {
        return switch (v) {
            case Integer i -> -i;
            case Long l -> -l;
            case Double d -> -d;
            default -> throw new NotConstant(t);
        };
    }

    private static Object arithmetic(BinaryTree b, Object l, Object r) {
        if (l instanceof Integer x && r instanceof Integer y) {
            return switch (b.getKind()) {
                case PLUS -> x + y;
                case MINUS -> x - y;
                case MULTIPLY -> x * y;
                case DIVIDE -> y == 0 ? fail(b) : x / y;
                default -> throw new NotConstant(b);
            };
        }
        if (l instanceof Number x && r instanceof Number y && !(l instanceof Long) && !(r instanceof Long)) {
            double p = x.doubleValue();
            double q = y.doubleValue();
            return switch (b.getKind()) {
                case PLUS -> p + q;
                case MINUS -> p - q;
                case MULTIPLY -> p * q;
                case DIVIDE -> p / q;
                default -> throw new NotConstant(b);
            };
        }
        throw new NotConstant(b);
    }
}
