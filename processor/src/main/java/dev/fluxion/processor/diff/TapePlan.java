package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The tapes one method uses: a stack per kind of value, created at the top of the forward pass
 * and sized by {@link TapeCapacity}, and a reader per stack that the backward pass opens first.
 * Every push is counted ({@link PushCounts}) for the loop notes, the capacities and
 * {@link LoopFusion}.
 */
final class TapePlan {
    private final Names.Scope scope;
    private final Map<String, Type> types;
    private final Map<Tape, String> stacks = new EnumMap<>(Tape.class);
    private final Map<Tape, String> readers = new EnumMap<>(Tape.class);
    private final PushCounts pushes = new PushCounts();

    TapePlan(Names.Scope scope, Map<String, Type> types) {
        this.scope = scope;
        this.types = types;
    }

    PushCounts pushes() {
        return pushes;
    }

    /** {@code stack.push(value)} of a value of type {@code t}, counted. */
    Stmt push(Tape tape, Expr value, Type t, Pos at) {
        pushes.count(tape, t);
        return tape.push(stack(tape), value, at);
    }

    /** {@code reader.pop()} as a value of type {@code t}. */
    Expr pop(Tape tape, Type t) {
        return tape.pop(reader(tape), t);
    }

    /** Whether {@code name} is one of the stacks. */
    boolean isStack(String name) {
        return stacks.containsValue(name);
    }

    /** The forward pass's declarations of the stacks. */
    List<Stmt> create(TapeCapacity capacities) {
        List<Stmt> out = new ArrayList<>();
        stacks.forEach((tape, name) -> out.add(new Stmt.Let(name, tape.type(),
                tape.create(capacities.capacity(tape)), Pos.NONE)));
        return out;
    }

    /** The backward pass's first statements: a reader opened on each stack it pops. */
    List<Stmt> openReaders() {
        List<Stmt> out = new ArrayList<>();
        readers.forEach((tape, name) -> out.add(new Stmt.Let(name, tape.readerType(), tape.reader(stacks.get(tape)),
                Pos.NONE)));
        return out;
    }

    private String reader(Tape tape) {
        stack(tape);
        return readers.computeIfAbsent(tape, t -> scope.fresh(t.local + "_"));
    }

    private String stack(Tape tape) {
        return stacks.computeIfAbsent(tape, t -> {
            String name = scope.fresh(t.local);
            types.put(name, t.type());
            return name;
        });
    }
}
