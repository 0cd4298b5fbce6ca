package dev.fluxion.processor.fuzz;

import dev.fluxion.processor.fuzz.Ast.*;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reduces a failing program to a small one that fails the same way: deletes statements, replaces
 * an {@code if} by one of its branches or drops its else, a loop by its body, lowers loop bounds,
 * replaces an expression by one of its operands or a constant, a condition by one side, and drops
 * the helper. Greedy: the first one-step candidate that is still valid and still fails the same way
 * is taken, until none is. Candidates are judged in batches (one compilation each).
 */
final class Shrinker {
    private static final int BATCH = 12;
    private static final int MAX_ROUNDS = 150;

    private Shrinker() {
    }

    /**
     * The smallest program found. {@code judge} compiles and checks a batch, returning each
     * program's failure (null where it passes), in order.
     */
    static Program shrink(Program start, Failure failure, Function<List<Program>, List<Failure>> judge) {
        Program best = start;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<Program> candidates = new ArrayList<>();
            for (Program c : candidates(best)) {
                if (Validator.check(c) == null && Rewrite.size(c) < Rewrite.size(best)) {
                    candidates.add(c);
                }
            }
            Program next = null;
            for (int from = 0; from < candidates.size() && next == null; from += BATCH) {
                List<Program> batch = new ArrayList<>();
                for (int i = from; i < Math.min(candidates.size(), from + BATCH); i++) {
                    batch.add(Rewrite.rename(candidates.get(i), start.main().name() + "s" + round + "c" + i));
                }
                List<Failure> results = judge.apply(batch);
                for (int i = 0; i < batch.size(); i++) {
                    if (failure.sameAs(results.get(i))) {
                        next = candidates.get(from + i);
                        break;
                    }
                }
            }
            if (next == null) {
                return best;
            }
            best = next;
        }
        return best;
    }

    /** Every one-step reduction of {@code p}, coarse ones first. */
    static List<Program> candidates(Program p) {
        Set<Program> out = new LinkedHashSet<>();
        if (!p.helpers().isEmpty()) {
            out.add(withoutHelpers(p));
        }
        for (List<Stmt> body : blockVariants(p.main().body())) {
            out.add(p.withMain(p.main().withBody(body)));
        }
        for (int h = 0; h < p.helpers().size(); h++) {
            Method helper = p.helpers().get(h);
            for (List<Stmt> body : blockVariants(helper.body())) {
                List<Method> hs = new ArrayList<>(p.helpers());
                hs.set(h, helper.withBody(body));
                out.add(p.withHelpers(hs));
            }
        }
        List<Program> sorted = new ArrayList<>(out);
        sorted.sort((a, b) -> Integer.compare(Rewrite.size(a), Rewrite.size(b)));
        return sorted;
    }

    private static Program withoutHelpers(Program p) {
        List<Stmt> body = Rewrite.map(p.main().body(), e -> e instanceof Call c ? c.args().get(0) : e);
        return new Program(p.main().withBody(body), List.of(), p.arrayLength(), p.seed());
    }

    private static List<List<Stmt>> blockVariants(List<Stmt> block) {
        List<List<Stmt>> out = new ArrayList<>();
        for (int i = 0; i < block.size(); i++) {
            List<Stmt> b = new ArrayList<>(block);
            b.remove(i);
            out.add(b);
        }
        for (int i = 0; i < block.size(); i++) {
            for (List<Stmt> replacement : stmtVariants(block.get(i))) {
                List<Stmt> b = new ArrayList<>(block.subList(0, i));
                b.addAll(replacement);
                b.addAll(block.subList(i + 1, block.size()));
                out.add(b);
            }
        }
        return out;
    }

    private static List<List<Stmt>> stmtVariants(Stmt s) {
        List<List<Stmt>> out = new ArrayList<>();
        switch (s) {
            case Decl d -> {
                for (Expr e : exprVariants(d.init())) {
                    out.add(List.of(new Decl(d.name(), d.tensor(), e)));
                }
            }
            case ArrDecl d -> { }
            case ArrWrite w -> {
                out.add(List.of());
                if (!w.op().equals("=")) {
                    out.add(List.of(new ArrWrite(w.array(), w.index(), "=", w.value())));
                }
                for (Expr e : exprVariants(w.value())) {
                    out.add(List.of(new ArrWrite(w.array(), w.index(), w.op(), e)));
                }
            }
            case Assign a -> {
                out.add(List.of(new Decl(a.name() + "_", false, a.value()))); // frees the target's declaration
                if (!a.op().equals("=")) {
                    out.add(List.of(new Assign(a.name(), "=", a.value())));
                }
                for (Expr e : exprVariants(a.value())) {
                    out.add(List.of(new Assign(a.name(), a.op(), e)));
                }
            }
            case If i -> {
                out.add(i.then());
                out.add(i.orElse());
                if (!i.orElse().isEmpty()) {
                    out.add(List.of(new If(i.cond(), i.then(), List.of())));
                }
                for (Cond c : condVariants(i.cond())) {
                    out.add(List.of(new If(c, i.then(), i.orElse())));
                }
                for (List<Stmt> t : blockVariants(i.then())) {
                    out.add(List.of(new If(i.cond(), t, i.orElse())));
                }
                for (List<Stmt> e : blockVariants(i.orElse())) {
                    out.add(List.of(new If(i.cond(), i.then(), e)));
                }
            }
            case For f -> {
                out.add(f.body());
                if (!f.bound().equals("1")) {
                    out.add(List.of(new For(f.counter(), f.bound().matches("\\d+")
                            ? Integer.toString(Integer.parseInt(f.bound()) - 1) : "2", f.body())));
                }
                for (List<Stmt> b : blockVariants(f.body())) {
                    out.add(List.of(new For(f.counter(), f.bound(), b)));
                }
            }
            case While w -> {
                out.add(w.body());
                if (w.trips() > 1) {
                    out.add(List.of(new While(w.counter(), w.trips() - 1, w.body())));
                }
                for (List<Stmt> b : blockVariants(w.body())) {
                    out.add(List.of(new While(w.counter(), w.trips(), b)));
                }
            }
            case DoWhile w -> {
                out.add(w.body());
                if (w.trips() > 1) {
                    out.add(List.of(new DoWhile(w.counter(), w.trips() - 1, w.body())));
                }
                out.add(List.of(new While(w.counter(), w.trips(), w.body())));
                for (List<Stmt> b : blockVariants(w.body())) {
                    out.add(List.of(new DoWhile(w.counter(), w.trips(), b)));
                }
            }
            case DataWhile w -> {
                out.add(w.body());
                if (w.cap() > 1) {
                    out.add(List.of(new DataWhile(w.counter(), w.cond(), w.cap() - 1, w.body())));
                }
                out.add(List.of(new While(w.counter(), w.cap(), w.body())));
                for (Cond c : condVariants(w.cond())) {
                    out.add(List.of(new DataWhile(w.counter(), c, w.cap(), w.body())));
                }
                for (List<Stmt> b : blockVariants(w.body())) {
                    out.add(List.of(new DataWhile(w.counter(), w.cond(), w.cap(), b)));
                }
            }
            case Break b -> {
            }
            case Continue c -> {
            }
            case Return r -> {
                for (Expr e : exprVariants(r.value())) {
                    out.add(List.of(new Return(e)));
                }
            }
        }
        return out;
    }

    private static List<Cond> condVariants(Cond c) {
        List<Cond> out = new ArrayList<>();
        switch (c) {
            case Cmp cmp -> {
                for (Expr e : exprVariants(cmp.a())) {
                    out.add(new Cmp(e, cmp.op(), cmp.b()));
                }
                for (Expr e : exprVariants(cmp.b())) {
                    out.add(new Cmp(cmp.a(), cmp.op(), e));
                }
            }
            case IntCmp ic -> {
            }
            case And and -> {
                out.add(and.a());
                out.add(and.b());
            }
        }
        return out;
    }

    private static List<Expr> exprVariants(Expr e) {
        List<Expr> out = new ArrayList<>(Rewrite.children(e));
        if (e instanceof Ternary t) {
            for (Cond c : condVariants(t.cond())) {
                out.add(new Ternary(c, t.a(), t.b()));
            }
        }
        if (!(e instanceof Num)) {
            out.add(new Num(1.0));
        }
        if (e instanceof Bin b && b.op() == '+' && b.a() instanceof Num && b.b() instanceof Bin sq && sq.op() == '*'
                && sq.a().equals(sq.b())) {
            for (Expr k : exprVariants(sq.a())) { // 1 + v * v stays a square: keeps log and sqrt in their domain
                out.add(new Bin('+', b.a(), new Bin('*', k, k)));
            }
            return out;
        }
        List<Expr> kids = Rewrite.children(e);
        for (int i = 0; i < kids.size(); i++) {
            for (Expr k : exprVariants(kids.get(i))) {
                List<Expr> replaced = new ArrayList<>(kids);
                replaced.set(i, k);
                out.add(Rewrite.withChildren(e, replaced));
            }
        }
        return out;
    }
}
