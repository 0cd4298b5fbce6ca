package dev.fluxion.processor.opt;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes generated statements read as a person would write them, without changing what they
 * compute:
 * <ol>
 * <li>an assignment overwritten, in the same block, before anything reads it is dropped (an
 *     adjoint zeroed right before a plain assignment);</li>
 * <li>a local nothing reads is not declared (a dead copy);</li>
 * <li>a top-level declaration with a default value ({@code double y = 0.0;}) moves down to its first
 *     use, and becomes that use where it is a plain assignment ({@code double y = x * w;}).</li>
 * </ol>
 * Only statements with no effect are dropped: arithmetic, operations and derivative rules, never a
 * tape's {@code pop()} or a callee's pullback.
 */
public final class Tidy {
    private Tidy() {}

    /** {@code stmts} tidied; {@code readAfter} are the locals read after them (saved values, gradients). */
    public static List<Stmt> apply(List<Stmt> stmts, Set<String> readAfter) {
        List<Stmt> out = dropOverwritten(stmts);
        out = dropUnread(out, readAfter);
        out = sink(out, readAfter);
        Map<String, Integer> uses = new HashMap<>();
        countUses(out, uses);
        out = intoLoops(out, uses, readAfter);
        return dropLastStores(out, readAfter, true);
    }

    // ------------------------------------------------------------------ 4. loop-locals declared in the loop

    /**
     * A local declared (with a default) in {@code stmts} and used only inside one loop there, whose
     * body assigns it before anything reads it, is declared in the body instead: each trip starts it
     * afresh ({@code double sum1_adj = s_adj;} in the loop, no zeroing at the end of the trip).
     */
    private static List<Stmt> intoLoops(List<Stmt> stmts, Map<String, Integer> uses, Set<String> readAfter) {
        List<Stmt> out = new ArrayList<>(stmts);
        for (int i = 0; i < out.size(); i++) {
            if (!(out.get(i) instanceof Stmt.Let l) || !isDefault(l.init()) || readAfter.contains(l.name())) {
                continue;
            }
            for (int k = i + 1; k < out.size(); k++) {
                Stmt s = out.get(k);
                List<String> inside = mentionList(s);
                int here = (int) inside.stream().filter(l.name()::equals).count();
                if (here == 0) {
                    continue;
                }
                if (here == uses.getOrDefault(l.name(), 0)) {
                    Stmt moved = declareInBody(s, l);
                    if (moved != null) {
                        out.set(k, moved);
                        out.remove(i);
                        i--;
                    }
                }
                break;
            }
        }
        for (int i = 0; i < out.size(); i++) {
            Stmt s = out.get(i);
            if (s instanceof Stmt.While w) {
                out.set(i, new Stmt.While(w.condition(), new Stmt.Block(loopBody(w.body().stmts(), uses),
                        w.body().pos()), w.pos()));
            } else if (s instanceof Stmt.For f) {
                out.set(i, new Stmt.For(f.init(), f.condition(), f.update(), new Stmt.Block(loopBody(f.body().stmts(),
                        uses), f.body().pos()), f.pos()));
            }
        }
        return out;
    }

    private static List<Stmt> loopBody(List<Stmt> body, Map<String, Integer> uses) {
        return dropLastStores(intoLoops(body, uses, Set.of()), Set.of(), false);
    }

    /** Loop {@code s} with {@code l} declared where its body first assigns it, or null if it cannot be. */
    private static Stmt declareInBody(Stmt s, Stmt.Let l) {
        List<Stmt> body;
        Expr condition;
        if (s instanceof Stmt.While w) {
            body = w.body().stmts();
            condition = w.condition();
        } else if (s instanceof Stmt.For f && !f.init().stream().anyMatch(x -> mentions(x).contains(l.name()))
                && f.update().stream().noneMatch(x -> mentions(x).contains(l.name()))) {
            body = f.body().stmts();
            condition = f.condition();
        } else {
            return null;
        }
        if (condition != null && Exprs.vars(condition).contains(l.name())) {
            return null;
        }
        for (int j = 0; j < body.size(); j++) {
            if (!mentions(body.get(j)).contains(l.name())) {
                continue;
            }
            List<Stmt> inner = new ArrayList<>(body);
            if ((body.get(j) instanceof Stmt.While || body.get(j) instanceof Stmt.For)
                    && body.subList(j + 1, body.size()).stream().noneMatch(x -> mentions(x).contains(l.name()))) {
                // every mention is inside a nested loop: declared in that loop's body, deeper still
                // where it is only used in a loop there (a tangent local of an inner loop)
                Stmt deeper = declareInBody(body.get(j), l);
                if (deeper == null) {
                    return null;
                }
                inner.set(j, deeper);
            } else if (!(body.get(j) instanceof Stmt.Assign a) || !a.name().equals(l.name())
                    || Exprs.vars(a.value()).contains(l.name())) {
                return null; // read before assigned: the value crosses trips
            } else {
                inner.set(j, new Stmt.Let(l.name(), l.type(), a.value(), a.pos()));
            }
            Stmt.Block b = new Stmt.Block(inner, s instanceof Stmt.While w ? w.body().pos() : ((Stmt.For) s).body().pos());
            return s instanceof Stmt.While w ? new Stmt.While(w.condition(), b, w.pos())
                    : new Stmt.For(((Stmt.For) s).init(), condition, ((Stmt.For) s).update(), b, s.pos());
        }
        return null;
    }

    /**
     * Drops a store to a local nothing reads afterwards: one declared in {@code stmts} (its scope
     * ends with them), or, at the top level, any but {@code readAfter}.
     */
    private static List<Stmt> dropLastStores(List<Stmt> stmts, Set<String> readAfter, boolean topLevel) {
        Set<String> declaredHere = new HashSet<>();
        for (Stmt s : stmts) {
            if (s instanceof Stmt.Let l) {
                declaredHere.add(l.name());
            }
        }
        List<Set<String>> mentions = new ArrayList<>(stmts.size());
        for (Stmt s : stmts) {
            mentions.add(mentions(s));
        }
        List<Stmt> out = new ArrayList<>();
        for (int i = 0; i < stmts.size(); i++) {
            if (stmts.get(i) instanceof Stmt.Assign a && pure(a.value()) && !readAfter.contains(a.name())
                    && (topLevel || declaredHere.contains(a.name()))) {
                boolean later = false;
                for (int k = i + 1; k < stmts.size() && !later; k++) {
                    later = mentions.get(k).contains(a.name());
                }
                if (!later) {
                    continue;
                }
            }
            out.add(stmts.get(i));
        }
        return out;
    }

    // ------------------------------------------------------------------ 1. overwritten before read

    private static List<Stmt> dropOverwritten(List<Stmt> stmts) {
        List<Stmt> nested = new ArrayList<>(stmts.size());
        for (Stmt s : stmts) {
            nested.add(inner(s));
        }
        List<Set<String>> mentions = new ArrayList<>(nested.size());
        for (Stmt s : nested) {
            mentions.add(mentions(s));
        }
        List<Stmt> out = new ArrayList<>();
        for (int i = 0; i < nested.size(); i++) {
            if (nested.get(i) instanceof Stmt.Assign a && pure(a.value()) && overwrittenBeforeRead(a.name(), nested,
                    mentions, i + 1)) {
                continue;
            }
            out.add(nested.get(i));
        }
        return out;
    }

    private static boolean overwrittenBeforeRead(String name, List<Stmt> stmts, List<Set<String>> mentions, int from) {
        for (int k = from; k < stmts.size(); k++) {
            if (mentions.get(k).contains(name)) {
                return stmts.get(k) instanceof Stmt.Assign a && a.name().equals(name)
                        && !Exprs.vars(a.value()).contains(name);
            }
        }
        return false;
    }

    private static Stmt inner(Stmt s) {
        return switch (s) {
            case Stmt.If i -> new Stmt.If(i.condition(), block(i.then()), block(i.otherwise()), i.pos());
            case Stmt.While w -> new Stmt.While(w.condition(), block(w.body()), w.pos());
            case Stmt.For f -> new Stmt.For(f.init(), f.condition(), f.update(), block(f.body()), f.pos());
            case Stmt.Block b -> block(b);
            default -> s;
        };
    }

    private static Stmt.Block block(Stmt.Block b) {
        return new Stmt.Block(dropOverwritten(b.stmts()), b.pos());
    }

    // ------------------------------------------------------------------ 2. unread locals

    private static List<Stmt> dropUnread(List<Stmt> stmts, Set<String> readAfter) {
        Map<String, Integer> uses = new HashMap<>();
        countUses(stmts, uses);
        List<Stmt.Let> lets = new ArrayList<>();
        collectLets(stmts, lets);
        Set<String> unread = new HashSet<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Stmt.Let l : lets) {
                if (true && !unread.contains(l.name()) && uses.getOrDefault(l.name(), 0) == 0
                        && !readAfter.contains(l.name()) && (l.init() == null || pure(l.init()))) {
                    unread.add(l.name());
                    if (l.init() != null) {
                        for (String v : allReads(l.init())) {
                            uses.merge(v, -1, Integer::sum);
                        }
                    }
                    changed = true;
                }
            }
        }
        return unread.isEmpty() ? stmts : withoutLets(stmts, unread);
    }

    private static void collectLets(List<Stmt> stmts, List<Stmt.Let> into) {
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Let l -> into.add(l);
                case Stmt.Block b -> collectLets(b.stmts(), into);
                case Stmt.If i -> {
                    collectLets(i.then().stmts(), into);
                    collectLets(i.otherwise().stmts(), into);
                }
                case Stmt.While w -> collectLets(w.body().stmts(), into);
                case Stmt.For f -> collectLets(f.body().stmts(), into); // its init declares the counter
                default -> { }
            }
        }
    }

    private static List<Stmt> withoutLets(List<Stmt> stmts, Set<String> names) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Let l -> {
                    if (!names.contains(l.name())) {
                        out.add(l);
                    }
                }
                case Stmt.Block b -> out.add(new Stmt.Block(withoutLets(b.stmts(), names), b.pos()));
                case Stmt.If i -> out.add(new Stmt.If(i.condition(), new Stmt.Block(withoutLets(i.then().stmts(), names),
                        i.then().pos()), new Stmt.Block(withoutLets(i.otherwise().stmts(), names), i.otherwise().pos()),
                        i.pos()));
                case Stmt.While w -> out.add(new Stmt.While(w.condition(), new Stmt.Block(withoutLets(w.body().stmts(),
                        names), w.body().pos()), w.pos()));
                case Stmt.For f -> out.add(new Stmt.For(f.init(), f.condition(), f.update(),
                        new Stmt.Block(withoutLets(f.body().stmts(), names), f.body().pos()), f.pos()));
                default -> out.add(s);
            }
        }
        return out;
    }

    /** Counts every mention of a name, reads and assignments, declarations excluded. */
    private static void countUses(List<Stmt> stmts, Map<String, Integer> uses) {
        for (Stmt s : stmts) {
            for (String v : mentionList(s)) {
                uses.merge(v, 1, Integer::sum);
            }
        }
    }

    /** The names {@code s} mentions, each as often as a statement of it does (so that removal can subtract). */
    private static List<String> mentionList(Stmt s) {
        List<String> out = new ArrayList<>();
        switch (s) {
            case Stmt.Let l -> {
                if (l.init() != null) {
                    out.addAll(allReads(l.init()));
                }
            }
            case Stmt.Block b -> b.stmts().forEach(x -> out.addAll(mentionList(x)));
            case Stmt.If i -> {
                out.addAll(allReads(i.condition()));
                out.addAll(mentionList(i.then()));
                out.addAll(mentionList(i.otherwise()));
            }
            case Stmt.While w -> {
                out.addAll(allReads(w.condition()));
                out.addAll(mentionList(w.body()));
            }
            case Stmt.For f -> {
                f.init().forEach(x -> out.addAll(mentionList(x)));
                if (f.condition() != null) {
                    out.addAll(allReads(f.condition()));
                }
                f.update().forEach(x -> out.addAll(mentionList(x)));
                out.addAll(mentionList(f.body()));
            }
            default -> out.addAll(Exprs.vars(s));
        }
        return out;
    }

    private static List<String> allReads(Expr e) {
        return new ArrayList<>(Exprs.vars(e));
    }

    // ------------------------------------------------------------------ 3. declarations at first use

    private static List<Stmt> sink(List<Stmt> stmts, Set<String> readAfter) {
        List<Set<String>> mentions = new ArrayList<>(stmts.size());
        Map<String, List<Integer>> where = new HashMap<>();
        for (int i = 0; i < stmts.size(); i++) {
            Set<String> m = mentions(stmts.get(i));
            mentions.add(m);
            for (String n : m) {
                where.computeIfAbsent(n, k -> new ArrayList<>()).add(i);
            }
        }
        Map<Integer, List<Stmt.Let>> movedBefore = new LinkedHashMap<>();
        Map<Integer, Stmt.Let> mergedInto = new HashMap<>();
        Set<Integer> removed = new HashSet<>();
        for (int i = 0; i < stmts.size(); i++) {
            if (!(stmts.get(i) instanceof Stmt.Let l) || !isDefault(l.init())) {
                continue;
            }
            int first = -1;
            for (int k : where.getOrDefault(l.name(), List.of())) {
                if (k > i) {
                    first = k;
                    break;
                }
            }
            if (first < 0) {
                if (!readAfter.contains(l.name())) {
                    removed.add(i);
                }
                continue;
            }
            if (stmts.get(first) instanceof Stmt.Assign a && a.name().equals(l.name())
                    && !Exprs.vars(a.value()).contains(l.name()) && !mergedInto.containsKey(first)) {
                mergedInto.put(first, new Stmt.Let(l.name(), l.type(), a.value(), a.pos()));
                removed.add(i);
            } else if (first > i + 1) {
                movedBefore.computeIfAbsent(first, k -> new ArrayList<>()).add(l);
                removed.add(i);
            }
        }
        List<Stmt> out = new ArrayList<>();
        for (int i = 0; i < stmts.size(); i++) {
            out.addAll(movedBefore.getOrDefault(i, List.of()));
            if (mergedInto.containsKey(i)) {
                out.add(mergedInto.get(i));
            } else if (!removed.contains(i)) {
                out.add(stmts.get(i));
            }
        }
        return out;
    }

    /** {@code 0.0}, {@code 0}, {@code false}, {@code null}, {@code (short) 0}: what a local is declared with before use. */
    private static boolean isDefault(Expr init) {
        if (init instanceof Expr.Cast c) {
            return isDefault(c.operand());
        }
        return init instanceof Expr.Literal l && switch (l.text()) {
            case "0", "0.0", "0f", "0L", "false", "null" -> true;
            default -> false;
        };
    }

    // ------------------------------------------------------------------ shared

    /** Every name {@code s} reads, assigns or declares, at any depth. */
    private static Set<String> mentions(Stmt s) {
        Set<String> out = new HashSet<>(Exprs.vars(s));
        declared(s, out);
        return out;
    }

    private static void declared(Stmt s, Set<String> out) {
        switch (s) {
            case Stmt.Let l -> out.add(l.name());
            case Stmt.Block b -> b.stmts().forEach(x -> declared(x, out));
            case Stmt.If i -> {
                declared(i.then(), out);
                declared(i.otherwise(), out);
            }
            case Stmt.While w -> declared(w.body(), out);
            case Stmt.For f -> {
                f.init().forEach(x -> declared(x, out));
                declared(f.body(), out);
            }
            default -> { }
        }
    }

    /** Arithmetic, operations and derivative rules only: dropping it changes nothing else. */
    private static boolean pure(Expr e) {
        if (e instanceof Expr.Call c && !(c.callee() instanceof Callee.Known
                || c.callee() instanceof Callee.Static st && st.ownerQualifiedName().equals("dev.fluxion.Derivatives"))) {
            return false;
        }
        return e.children().stream().allMatch(Tidy::pure);
    }
}
