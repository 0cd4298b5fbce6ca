package dev.fluxion.processor.verify;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.LayerSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields of {@code this} a method reads, directly or through the methods it calls; a method of
 * a {@code Module} field ({@code b1.forward(x)}) reads its fields under the field's path
 * ({@code b1.fc.weight}). A runtime layer's forward pass ({@code conv1.forward(x)}) is read where
 * the class builds that field from compile-time values ({@link LayerSource}): the layer field and
 * its parameters ({@code conv1.weight}) are then fields of the method. A list, array or
 * {@code ModuleList} of modules built from its elements in place ({@code List.of(new Block(),
 * new Block())}) is a field holding {@link LayerFields.ListOf}; element {@code k} lives at the
 * list's path and {@code k} ({@code blocks.0}): a runtime layer there is built as its source says,
 * and the methods of the user's own module there read their fields under that path
 * ({@code blocks.0.fc.weight}), for every element, since the index is known only at run time.
 */
final class FieldScan {
    /** The runtime class of {@code Layers.at(list, i)} and {@code Layers.size(list)}. */
    static final String LAYERS = "dev.fluxion.nn.Layers";

    private final Registry registry;
    /** The layer fields of the outermost model's class, with those of the module classes it holds. */
    private final LayerSource.Fields layerSources;
    private final String outermost;
    private final Map<List<String>, Expr.FieldRead> found = new LinkedHashMap<>();
    private final Map<List<String>, LayerFields.Template> layers = new LinkedHashMap<>();
    private final Map<List<String>, LayerFields.ListOf> lists = new LinkedHashMap<>();
    private final Set<String> visited = new HashSet<>();

    private FieldScan(Registry registry, LayerSource.Fields layerSources, String outermost) {
        this.registry = registry;
        this.layerSources = layerSources;
        this.outermost = outermost;
    }

    /**
     * What a method reads of its model.
     *
     * @param fields every field read, by path, in first-read order (a layer's parameters after it)
     * @param layers the layer fields whose forward pass it calls, by path (list elements included)
     * @param lists the lists of modules it reads, by path
     */
    record Found(List<Expr.FieldRead> fields, Map<List<String>, LayerFields.Template> layers,
                 Map<List<String>, LayerFields.ListOf> lists) {}

    static Found of(MethodIr m, Registry registry, LayerSource.Fields layerSources) {
        return of(m, registry, layerSources, Map.of());
    }

    /**
     * As {@link #of(MethodIr, Registry, LayerSource.Fields)}, the constructor parameters the
     * method's class builds its layers from bound by {@code binding}.
     */
    static Found of(MethodIr m, Registry registry, LayerSource.Fields layerSources, Map<String, Object> binding) {
        FieldScan s = new FieldScan(registry, layerSources, m.self().ownerQualifiedName());
        s.owner = m.self().ownerQualifiedName();
        s.bound = binding;
        s.method(m);
        s.layers.forEach((path, t) -> t.initial().keySet().forEach(name -> {
            List<String> p = LayerFields.parameterPath(path, name);
            s.found.putIfAbsent(p, new Expr.FieldRead(p, Type.TENSOR, true, Pos.NONE));
        }));
        return new Found(new ArrayList<>(s.found.values()), Map.copyOf(s.layers), Map.copyOf(s.lists));
    }

    /** The path from the outermost model to the one the method being scanned runs on. */
    private List<String> prefix = List.of();
    /** The class of the model at {@link #prefix}. */
    private String owner;
    /** The values of that class's constructor parameters, where known. */
    private Map<String, Object> bound = Map.of();
    private final Map<List<String>, LayerSource.ListSource> listSources = new HashMap<>();

    /** The layer fields, lists and their reasons of the model class {@code cls}. */
    private LayerSource.Fields sources(String cls) {
        return cls.equals(outermost) ? layerSources : layerSources.classes().getOrDefault(cls, LayerSource.Fields.NONE);
    }

    private void method(MethodIr m) {
        if (visited.add(String.join(".", prefix) + "/" + m.self().key())) {
            String outer = scanning;
            scanning = m.self().key();
            stmt(m.body());
            scanning = outer;
        }
    }

    /** The method being scanned, for its locals. */
    private String scanning = "";

    private void stmt(Stmt s) {
        switch (s) {
            case Stmt.Let l -> {
                expr(l.init());
                elementLocal(l.name(), l.init());
            }
            case Stmt.Assign a -> {
                expr(a.value());
                elementLocal(a.name(), a.value());
            }
            case Stmt.ArrayAccumulate a -> {
                expr(a.index());
                expr(a.value());
            }
            case Stmt.ArrayStore a -> {
                expr(a.index());
                expr(a.value());
            }
            case Stmt.Return r -> expr(r.value());
            case Stmt.ExprStmt e -> expr(e.expr());
            case Stmt.Block b -> b.stmts().forEach(this::stmt);
            case Stmt.If i -> {
                expr(i.condition());
                stmt(i.then());
                stmt(i.otherwise());
            }
            case Stmt.While w -> {
                expr(w.condition());
                stmt(w.body());
            }
            case Stmt.DoWhile d -> {
                stmt(d.body());
                expr(d.condition());
            }
            case Stmt.For f -> {
                f.init().forEach(this::stmt);
                expr(f.condition());
                f.update().forEach(this::stmt);
                stmt(f.body());
            }
            default -> { }
        }
    }

    private void expr(Expr e) {
        if (e == null) {
            return;
        }
        if (e instanceof Expr.FieldRead f) {
            List<String> path = concat(prefix, f.path());
            found.putIfAbsent(path, new Expr.FieldRead(path, f.type(), f.parameter(), f.pos()));
            ownerOf(f.path());
        }
        if (e instanceof Expr.Call c && c.callee() instanceof Callee.Static st && st.ownerQualifiedName().equals(LAYERS)
                && !c.args().isEmpty() && c.args().getFirst() instanceof Expr.FieldRead list) {
            list(list);
        }
        if (e instanceof Expr.Call c && c.callee() instanceof Callee.User u && Callee.isLayerForward(u.method())) {
            layer(c.args().get(0));
        } else if (e instanceof Expr.Call c && c.callee() instanceof Callee.User u && Callee.isOnElement(u.method())) {
            element(c.args().getFirst(), u.method());
        } else if (e instanceof Expr.Call c && c.callee() instanceof Callee.User u) {
            List<String> outer = prefix;
            String outerOwner = owner;
            Map<String, Object> outerBound = bound;
            prefix = concat(prefix, u.receiver());
            if (!u.method().isStatic() && !u.receiver().isEmpty()) {
                LayerSource.ModuleElement built = u.receiver().size() == 1
                        ? sources(owner).modules().get(u.receiver().getFirst()) : null;
                owner = u.method().ownerQualifiedName();
                bound = built == null ? Map.of() : LayerFields.bind(built, sources(owner), outerBound);
            }
            method(callee(u.method()));
            prefix = outer;
            owner = outerOwner;
            bound = outerBound;
        }
        e.children().forEach(this::expr);
    }

    /**
     * A callee's IR. One compiled in an earlier javac run (a split build) has no IR here: its fields
     * cannot be found, so the method cannot be verified; say so rather than check less.
     */
    private MethodIr callee(Callee.UserMethod m) {
        return registry.plain(m.key()).orElseThrow(() -> new EvalException("it calls " + m.name() + " of "
                + m.ownerQualifiedName()
                + ", whose body the verifier does not have (compiled in an earlier javac run, or not processed)"));
    }

    /**
     * A parameter of a layer field read directly ({@code hidden.weight} of {@code hidden.forward(x)}
     * on a {@code Linear}, which is the known operation {@code linear}): where the class builds that
     * layer from compile-time values, the layer is built as for its forward pass, so the parameter
     * has the shape and initial values the source gives it ({@code new Linear(512, 128, rng)})
     * instead of a shape found by trial.
     */
    private void ownerOf(List<String> relative) {
        if (relative.size() != 2) {
            return;
        }
        List<String> path = concat(prefix, relative.subList(0, 1));
        LayerSource source = sources(owner).known().get(relative.getFirst());
        if (source != null && !layers.containsKey(path)) {
            LayerFields.Template t;
            try {
                t = LayerFields.template(source, bound);
            } catch (EvalException unknownValue) {
                return; // its shape is found by trial
            }
            if (t.initial().containsKey(relative.get(1))) {
                layers.put(path, t);
            }
        }
    }

    /** Records a list of modules and its runtime layers, or says why it cannot be built at compile time. */
    private LayerFields.ListOf list(Expr.FieldRead f) {
        List<String> path = concat(prefix, f.path());
        LayerFields.ListOf known = lists.get(path);
        if (known != null) {
            return known;
        }
        LayerSource.Fields fields = sources(owner);
        LayerSource.ListSource source = f.path().size() == 1 ? fields.lists().get(f.path().getFirst()) : null;
        if (source == null) {
            String why = f.path().size() == 1 ? fields.unknown().get(f.path().getFirst()) : null;
            throw new EvalException("it calls modules of the list " + String.join(".", f.path()) + ", "
                    + (why != null ? "which the verifier cannot build: " + why
                    : "which its class does not build from its elements in place (List.of(new ...), new T[] {new ...}, "
                    + "ModuleList.of(new ...)) in a field initialiser or constructor"));
        }
        List<Boolean> modules = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        for (int k = 0; k < source.elements().size(); k++) {
            List<String> element = concat(path, List.of(Integer.toString(k)));
            switch (source.elements().get(k)) {
                case LayerSource.LayerElement l -> {
                    modules.add(false);
                    classes.add(l.layer().className());
                    layers.put(element, LayerFields.template(l.layer(), bound));
                    found.putIfAbsent(element, new Expr.FieldRead(element,
                            new Type.Declared(l.layer().className()), false, Pos.NONE));
                }
                case LayerSource.ModuleElement m -> {
                    modules.add(true);
                    classes.add(m.className());
                }
            }
        }
        LayerFields.ListOf list = new LayerFields.ListOf(path, modules, classes);
        lists.put(path, list);
        listSources.put(path, source);
        return list;
    }

    /**
     * The list {@code Layers.at(list, i)} reads, or the list a local holding such an element reads
     * ({@code Block b = blocks.get(i);}); null for any other expression.
     */
    private LayerFields.ListOf listOf(Expr element) {
        if (element instanceof Expr.Var v) {
            return elementLocals.get(String.join(".", prefix) + "/" + scanning + "/" + v.name());
        }
        return element instanceof Expr.Call c && c.callee() instanceof Callee.Static st
                && st.ownerQualifiedName().equals(LAYERS) && st.name().equals("at")
                && c.args().getFirst() instanceof Expr.FieldRead f ? list(f) : null;
    }

    /** Locals of the method being scanned that hold an element of a list of modules, by prefix and name. */
    private final Map<String, LayerFields.ListOf> elementLocals = new HashMap<>();

    private void elementLocal(String name, Expr value) {
        LayerFields.ListOf list = value == null || value instanceof Expr.Var ? null : listOf(value);
        if (value instanceof Expr.Var v) {
            list = listOf(v);
        }
        String key = String.join(".", prefix) + "/" + scanning + "/" + name;
        if (list != null) {
            LayerFields.ListOf before = elementLocals.putIfAbsent(key, list);
            if (before != null && !before.equals(list)) {
                throw new EvalException("its local " + name + " holds elements of two lists of modules");
            }
        }
    }

    /**
     * A method of the user's own module run on an element of a list: read as that method on each
     * element of the list, under the element's path.
     */
    private void element(Expr model, Callee.UserMethod m) {
        LayerFields.ListOf list = listOf(model);
        if (list == null) {
            throw new EvalException("it calls " + m.name() + " of " + simple(m.ownerQualifiedName())
                    + " on a module the verifier cannot trace to a list field (" + model.type().javaName() + ")");
        }
        MethodIr target = callee(m);
        for (int k = 0; k < list.size(); k++) {
            if (!list.modules().get(k)) {
                throw new EvalException("it calls " + m.name() + " of " + simple(m.ownerQualifiedName())
                        + " on the list " + String.join(".", list.path()) + ", whose element " + k + " is a runtime layer");
            }
            List<String> outer = prefix;
            String outerOwner = owner;
            Map<String, Object> outerBound = bound;
            prefix = concat(list.path(), List.of(Integer.toString(k)));
            owner = m.ownerQualifiedName();
            bound = LayerFields.bind((LayerSource.ModuleElement) listSources.get(list.path()).elements().get(k),
                    sources(owner), outerBound);
            method(target);
            prefix = outer;
            owner = outerOwner;
            bound = outerBound;
        }
    }

    /**
     * The forward pass of a {@code Sequential} built in place from runtime layers and the user's
     * own modules: a list of them ({@link #list}), each of the user's modules read as its
     * {@code forward} on that element, under the element's path ({@code body.1.fc.weight}).
     */
    private void sequential(Expr.FieldRead f) {
        LayerFields.ListOf list = list(f);
        for (int k = 0; k < list.size(); k++) {
            if (!list.modules().get(k)) {
                continue;
            }
            LayerSource.ModuleElement built = (LayerSource.ModuleElement) listSources.get(list.path()).elements().get(k);
            MethodIr target = registry.plain(built.className() + "#" + FORWARD).orElseThrow(() -> new EvalException(
                    "it calls the forward pass of " + String.join(".", f.path()) + ", whose element " + built.className()
                    + " has no @Differentiable forward whose body the verifier has"));
            List<String> outer = prefix;
            String outerOwner = owner;
            Map<String, Object> outerBound = bound;
            prefix = list.element(k);
            owner = built.className();
            bound = LayerFields.bind(built, sources(owner), outerBound);
            method(target);
            prefix = outer;
            owner = outerOwner;
            bound = outerBound;
        }
    }

    /** The name of the method a {@code Sequential} runs on each of its elements. */
    static final String FORWARD = "forward";

    /** Records the layer a forward pass is called on, or says why it cannot be built at compile time. */
    private void layer(Expr layer) {
        LayerFields.ListOf list = listOf(layer);
        if (list != null) {
            if (list.modules().contains(true)) {
                throw new EvalException("it calls the forward pass of an element of " + String.join(".", list.path())
                        + " as a runtime layer, where the list holds modules of its own");
            }
            return;
        }
        List<String> relative = layer instanceof Expr.FieldRead f ? f.path() : null;
        List<String> path = relative != null ? concat(prefix, relative) : null;
        LayerSource.Fields fields = sources(owner);
        if (relative != null && relative.size() == 1 && fields.lists().containsKey(relative.getFirst())) {
            sequential((Expr.FieldRead) layer);
            return;
        }
        LayerSource source = relative != null && relative.size() == 1 ? fields.known().get(relative.getFirst()) : null;
        if (source == null) {
            String why = relative != null && relative.size() == 1 ? fields.unknown().get(relative.getFirst()) : null;
            throw new EvalException("it calls the forward pass of a run-time layer (" + layerName(layer) + ") "
                    + (why != null ? "that the verifier cannot build: " + why
                    : relative == null ? "not held by a field or a list field built in place"
                    : "that its class does not build in a field initialiser or constructor")
                    + "; the runtime's own tests check that layer's derivative against finite differences");
        }
        if (!layers.containsKey(path)) {
            layers.put(path, LayerFields.template(source, bound));
        }
    }

    private static String simple(String qualifiedName) {
        return qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1);
    }

    private static String layerName(Expr layer) {
        String n = layer.type().javaName();
        return n.substring(n.lastIndexOf('.') + 1) + (layer instanceof Expr.FieldRead f ? " " + String.join(".", f.path()) : "");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
