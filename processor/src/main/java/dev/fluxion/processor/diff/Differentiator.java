package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.Messages;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javax.tools.Diagnostic.Kind;

/**
 * The diff and opt phases for one method, the same for every body: {@link Lowering} and
 * {@link Flattener} normalise it (straight-line code is the case with no loop or branch), then
 * {@link ReverseMode} derives it and reports, as a note on each loop, what its backward pass keeps
 * per iteration.
 */
public final class Differentiator {
    private Differentiator() {}

    /** The derived method; loop notes go to {@code notes}. */
    public static DerivedMethod derive(MethodIr ir, Consumer<Diagnostic> notes) {
        return derive(ir, Set.of(), notes);
    }

    /**
     * The derived method, whose calls to the methods in {@code checkpointed} (keys) keep the
     * callee's arguments instead of its pullback ({@code RecursionChecker.checkpointedCallees}).
     */
    public static DerivedMethod derive(MethodIr ir, Set<String> checkpointed, Consumer<Diagnostic> notes) {
        ReverseMode.Result r = ReverseMode.reverse(ir, checkpointed);
        for (ReverseMode.LoopNote n : r.notes()) {
            notes.accept(new Diagnostic(Kind.NOTE, Messages.LOOP_TAPE, n.pos(), List.of(n.perIteration())));
        }
        return r.method();
    }
}
