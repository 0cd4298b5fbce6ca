package dev.fluxion.processor.verify;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Stmts;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The places in a method's own body where its path can fork: every {@code if}, every {@code ?:}
 * and every loop, each with the outcomes it can statically have (both directions of a condition;
 * a loop's exits: its condition turning false, a {@code break} of its own, a {@code return} from
 * inside it). Found once per method; the {@link PathRecorder} maps what the interpreter runs back
 * onto these sites by node identity, so two textually equal conditions stay two sites.
 * {@code &&} and {@code ||} are not forks here: their operands' outcomes are not tracked.
 */
final class BranchSites {
    /** How a site came out on one evaluation. */
    enum Outcome {
        TRUE("true"), FALSE("false"),
        EXIT_CONDITION("exit when its condition is false"), EXIT_BREAK("exit by break"),
        EXIT_RETURN("exit by return"),
        /** Trip-count classes: part of a path, not counted among the static directions. */
        TRIPS_0("0 iterations"), TRIPS_1("1 iteration"), TRIPS_MANY("several iterations");

        final String words;

        Outcome(String words) {
            this.words = words;
        }

        boolean isExit() {
            return this == EXIT_CONDITION || this == EXIT_BREAK || this == EXIT_RETURN;
        }

        static Outcome trips(int n) {
            return n == 0 ? TRIPS_0 : n == 1 ? TRIPS_1 : TRIPS_MANY;
        }
    }

    enum Kind { IF, CONDITIONAL, LOOP }

    /** One fork: its number in source order, its node, where it is and what it can do. */
    record Site(int id, Kind kind, Pos pos, String condition, Set<Outcome> possible) {
        String describe(Outcome o) {
            String where = pos == null || pos.line() <= 0 ? "" : " (line " + pos.line() + ")";
            String what = switch (kind) {
                case IF -> "if (" + text() + ") " + o.words;
                case CONDITIONAL -> "(" + text() + ") ? : " + o.words;
                case LOOP -> "the loop" + (text().isEmpty() ? "" : " `" + brief(text()) + "`") + " " + o.words;
            };
            return what + where;
        }

        private String text() {
            return condition == null ? "" : brief(condition);
        }

        private static String brief(String s) {
            String one = s.strip().replaceAll("\\s+", " ");
            return one.length() <= 40 ? one : one.substring(0, 37) + "...";
        }
    }

    /** A direction of one site: what coverage counts. */
    record Direction(int site, Outcome outcome) {}

    private final Map<Object, Site> byNode = new IdentityHashMap<>();
    private final List<Site> sites = new ArrayList<>();

    private BranchSites() {}

    static BranchSites of(MethodIr m) {
        BranchSites s = new BranchSites();
        s.block(m.body().stmts());
        return s;
    }

    /** The site {@code node} is, or null (a node of another method). */
    Site site(Object node) {
        return byNode.get(node);
    }

    List<Site> all() {
        return sites;
    }

    boolean isEmpty() {
        return sites.isEmpty();
    }

    /** Every statically possible direction (condition outcomes and loop exits). */
    List<Direction> directions() {
        List<Direction> out = new ArrayList<>();
        for (Site s : sites) {
            for (Outcome o : s.possible()) {
                out.add(new Direction(s.id(), o));
            }
        }
        return out;
    }

    /**
     * The branch directions and loop exits of {@code path} in source order, for a message:
     * {@code , taking if (x > 0) true (line 7), if (x > 1) false (line 7)}; empty for no forks.
     */
    String describe(Set<Direction> path) {
        List<String> parts = new ArrayList<>();
        for (Site s : sites) {
            for (Outcome o : Outcome.values()) {
                if (s.possible().contains(o) && path.contains(new Direction(s.id(), o))) {
                    parts.add(s.describe(o));
                }
            }
        }
        if (parts.isEmpty()) {
            return "";
        }
        int shown = Math.min(parts.size(), 6);
        return ", taking " + String.join(", ", parts.subList(0, shown)) + (shown < parts.size() ? ", ..." : "");
    }

    private void add(Object node, Kind kind, Pos pos, Expr condition, Set<Outcome> possible) {
        String text = condition == null ? null : render(condition);
        Site site = new Site(sites.size(), kind, pos, text, possible);
        sites.add(site);
        byNode.put(node, site);
    }

    private void block(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            stmt(s);
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
            case Stmt.Block b -> block(b.stmts());
            case Stmt.If i -> {
                add(i, Kind.IF, i.pos(), i.condition(), EnumSet.of(Outcome.TRUE, Outcome.FALSE));
                expr(i.condition());
                block(i.then().stmts());
                block(i.otherwise().stmts());
            }
            case Stmt.While w -> loop(w, w.condition(), w.body(), w.pos());
            case Stmt.DoWhile d -> loop(d, d.condition(), d.body(), d.pos());
            case Stmt.For f -> {
                block(f.init());
                loop(f, f.condition(), f.body(), f.pos());
                block(f.update());
            }
            case Stmt.Break b -> { }
            case Stmt.Continue c -> { }
            case Stmt.Unsupported u -> { }
        }
    }

    private void loop(Stmt node, Expr condition, Stmt.Block body, Pos pos) {
        Set<Outcome> exits = EnumSet.noneOf(Outcome.class);
        if (condition != null && !(condition instanceof Expr.Literal l && l.text().equals("true"))) {
            exits.add(Outcome.EXIT_CONDITION);
        }
        if (breaks(body.stmts())) {
            exits.add(Outcome.EXIT_BREAK);
        }
        if (Stmts.returns(body.stmts())) {
            exits.add(Outcome.EXIT_RETURN);
        }
        add(node, Kind.LOOP, pos, condition, exits);
        expr(condition);
        block(body.stmts());
    }

    private void expr(Expr e) {
        if (e == null) {
            return;
        }
        if (e instanceof Expr.Conditional c) {
            add(c, Kind.CONDITIONAL, c.pos(), c.condition(), EnumSet.of(Outcome.TRUE, Outcome.FALSE));
        }
        for (Expr child : e.children()) {
            expr(child);
        }
    }

    /** A condition as short Java-like text for messages ({@code x > 1}, {@code s < -limit}). */
    static String render(Expr e) {
        return switch (e) {
            case Expr.Var v -> v.name();
            case Expr.Literal l -> l.text();
            case Expr.FieldRead f -> String.join(".", f.path());
            case Expr.Binary b -> wrap(b.left(), b.op(), false) + " " + b.op().symbol() + " "
                    + wrap(b.right(), b.op(), true);
            case Expr.Unary u -> u.op().symbol() + (u.operand() instanceof Expr.Binary ? "(" + render(u.operand()) + ")"
                    : render(u.operand()));
            case Expr.ArrayRead a -> render(a.array()) + "[" + render(a.index()) + "]";
            case Expr.ArrayLength a -> render(a.array()) + ".length";
            case Expr.Cast c -> render(c.operand());
            case Expr.Call c -> switch (c.callee()) {
                case dev.fluxion.processor.ir.Callee.Known k ->
                        (k.op().style() == dev.fluxion.processor.ir.Op.Style.MATH ? "Math." : "") + k.op().javaName();
                case dev.fluxion.processor.ir.Callee.User u -> u.method().name();
                case dev.fluxion.processor.ir.Callee.Static st -> st.name();
                case dev.fluxion.processor.ir.Callee.Instance i -> i.name();
            } + "(...)";
            default -> "...";
        };
    }

    /** An operand, in parentheses where Java's precedence needs them. */
    private static String wrap(Expr e, Expr.BinOp parent, boolean right) {
        if (!(e instanceof Expr.Binary b)) {
            return render(e);
        }
        int inner = precedence(b.op());
        int outer = precedence(parent);
        boolean needed = inner < outer || (right && inner == outer);
        return needed ? "(" + render(e) + ")" : render(e);
    }

    private static int precedence(Expr.BinOp op) {
        return op.precedence();
    }

    /** Whether a {@code break} in {@code stmts} leaves the loop they are the body of. */
    private static boolean breaks(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            boolean found = switch (s) {
                case Stmt.Break b -> true;
                case Stmt.Block b -> breaks(b.stmts());
                case Stmt.If i -> breaks(i.then().stmts()) || breaks(i.otherwise().stmts());
                default -> false; // a nested loop's breaks are its own
            };
            if (found) {
                return true;
            }
        }
        return false;
    }

}
