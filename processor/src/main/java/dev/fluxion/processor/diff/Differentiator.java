package dev.fluxion.processor.diff;

import dev.fluxion.processor.Messages;
import dev.fluxion.processor.check.Diagnostic;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.opt.CommonSubexpressions;
import dev.fluxion.processor.opt.DeadCode;
import java.util.List;
import java.util.function.Consumer;
import javax.tools.Diagnostic.Kind;

/**
 * The diff and opt phases for one method: straight-line bodies go through {@link Linearizer},
 * {@link CommonSubexpressions}, {@link ReverseMode} and {@link DeadCode}; bodies with loops,
 * branches or early returns through {@link StructuredReverse}, which also reports, as a note on
 * each loop, what its backward pass keeps per iteration.
 */
public final class Differentiator {
    private Differentiator() {}

    /** The derived method; loop notes go to {@code notes}. */
    public static DerivedMethod derive(MethodIr ir, Consumer<Diagnostic> notes) {
        if (!Boolean.getBoolean("fluxion.oneEngine") && !StructuredReverse.needed(ir)) {
            return DeadCode.apply(ReverseMode.reverse(CommonSubexpressions.apply(Linearizer.linearize(ir))));
        }
        StructuredReverse.Result r = StructuredReverse.reverse(ir);
        for (StructuredReverse.LoopNote n : r.notes()) {
            notes.accept(new Diagnostic(Kind.NOTE, Messages.LOOP_TAPE, n.pos(), List.of(n.perIteration())));
        }
        return r.method();
    }
}
