package dev.fluxion.processor.verify;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.LayerSource;
import java.util.ArrayList;
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
 * its parameters ({@code conv1.weight}) are then fields of the method.
 */
final class FieldScan {
    private final Registry registry;
    private final LayerSource.Fields layerSources;
    private final Map<List<String>, Expr.FieldRead> found = new LinkedHashMap<>();
    private final Map<List<String>, LayerFields.Template> layers = new LinkedHashMap<>();
    private final Set<String> visited = new HashSet<>();

    private FieldScan(Registry registry, LayerSource.Fields layerSources) {
        this.registry = registry;
        this.layerSources = layerSources;
    }

    /**
     * What a method reads of its model.
     *
     * @param fields every field read, by path, in first-read order (a layer's parameters after it)
     * @param layers the layer fields whose forward pass it calls, by path
     */
    record Found(List<Expr.FieldRead> fields, Map<List<String>, LayerFields.Template> layers) {}

    static Found of(MethodIr m, Registry registry, LayerSource.Fields layerSources) {
        FieldScan s = new FieldScan(registry, layerSources);
        s.method(m);
        s.layers.forEach((path, t) -> t.initial().keySet().forEach(name -> {
            List<String> p = LayerFields.parameterPath(path, name);
            s.found.putIfAbsent(p, new Expr.FieldRead(p, Type.TENSOR, true, Pos.NONE));
        }));
        return new Found(new ArrayList<>(s.found.values()), Map.copyOf(s.layers));
    }

    /** The path from the outermost model to the one the method being scanned runs on. */
    private List<String> prefix = List.of();

    private void method(MethodIr m) {
        if (visited.add(String.join(".", prefix) + "/" + m.self().key())) {
            stmt(m.body());
        }
    }

    private void stmt(Stmt s) {
        switch (s) {
            case Stmt.Let l -> expr(l.init());
            case Stmt.Assign a -> expr(a.value());
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
            ownerOf(path);
        }
        if (e instanceof Expr.Call c && c.callee() instanceof Callee.User u && Callee.isLayerForward(u.method())) {
            layer(c.args().get(0));
        } else if (e instanceof Expr.Call c && c.callee() instanceof Callee.User u && Callee.isOnElement(u.method())) {
            element(c.args().getFirst(), u.method());
        } else if (e instanceof Expr.Call c && c.callee() instanceof Callee.User u) {
            List<String> outer = prefix;
            prefix = concat(prefix, u.receiver());
            // A callee compiled in an earlier javac run (a split build) has no IR here: its fields
            // cannot be found, so the method cannot be verified; say so rather than check less.
            method(registry.plain(u.method().key()).orElseThrow(() -> new EvalException("it calls "
                    + u.method().name() + " of " + u.method().ownerQualifiedName()
                    + ", whose body the verifier does not have (compiled in an earlier javac run, or not processed)")));
            prefix = outer;
        }
        e.children().forEach(this::expr);
    }

    /**
     * A parameter of a layer field read directly ({@code hidden.weight} of {@code hidden.forward(x)}
     * on a {@code Linear}, which is the known operation {@code linear}): where the class builds that
     * layer from compile-time values, the layer is built as for its forward pass, so the parameter
     * has the shape and initial values the source gives it ({@code new Linear(512, 128, rng)})
     * instead of a shape found by trial.
     */
    private void ownerOf(List<String> path) {
        if (path.size() != 2 || layers.containsKey(path.subList(0, 1))) {
            return;
        }
        LayerSource source = layerSources.known().get(path.getFirst());
        if (source != null) {
            LayerFields.Template t = LayerFields.template(source);
            if (t.initial().containsKey(path.get(1))) {
                layers.put(List.copyOf(path.subList(0, 1)), t);
            }
        }
    }

    /** Records the layer a forward pass is called on, or says why it cannot be built at compile time. */
    private void layer(Expr layer) {
        List<String> path = layer instanceof Expr.FieldRead f ? concat(prefix, f.path()) : null;
        LayerSource source = path != null && path.size() == 1 ? layerSources.known().get(path.getFirst()) : null;
        if (source == null) {
            String why = path != null && path.size() == 1 ? layerSources.unknown().get(path.getFirst()) : null;
            throw new EvalException("it calls the forward pass of a run-time layer (" + layerName(layer) + ") "
                    + (why != null ? "that the verifier cannot build: " + why
                    : path == null ? "taken from a list or array, whose elements exist only at run time"
                    : "that its class does not build in a field initialiser or constructor")
                    + "; the runtime's own tests check that layer's derivative against finite differences");
        }
        if (!layers.containsKey(path)) {
            layers.put(path, LayerFields.template(source));
        }
    }

    /** A method of the user's own module run on an element of a list: not built at compile time yet. */
    private void element(Expr model, Callee.UserMethod m) {
        throw new EvalException("it calls " + m.name() + " of " + simple(m.ownerQualifiedName())
                + " on an element of a list or array, whose elements exist only at run time");
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
