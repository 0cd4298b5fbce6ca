package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The pushes {@link ReverseMode} emits, per tape, counted statically: what a loop's backward
 * pass saves per iteration (the compile-time note) and whether a loop saves nothing (so it may
 * run fused, {@link LoopFusion}).
 */
final class PushCounts {
    private final Map<Tape, Integer> pushes = new EnumMap<>(Tape.class);
    private int tensors;

    /** The counts at one point, to compare later counts with. */
    record Mark(Map<Tape, Integer> pushes, int tensors) {}

    Mark mark() {
        return new Mark(new EnumMap<>(pushes), tensors);
    }

    /** One push of a value of type {@code t} on {@code tape}. */
    void count(Tape tape, Type t) {
        pushes.merge(tape, 1, Integer::sum);
        if (t.isTensor()) {
            tensors++;
        }
    }

    /** The pushes on {@code tape} since {@code mark}. */
    int since(Mark mark, Tape tape) {
        return pushes.getOrDefault(tape, 0) - mark.pushes().getOrDefault(tape, 0);
    }

    /** Whether nothing was pushed since {@code mark}. */
    boolean noneSince(Mark mark) {
        return pushes.equals(mark.pushes()) && tensors == mark.tensors();
    }

    /** {@code 1 double and 1 int}: what was pushed since {@code mark}, or {@code nothing}. */
    String describeSince(Mark mark) {
        List<String> parts = new ArrayList<>();
        int newTensors = tensors - mark.tensors();
        for (Tape tape : Tape.values()) {
            int n = pushes.getOrDefault(tape, 0) - mark.pushes().getOrDefault(tape, 0);
            if (tape == Tape.OBJECTS) {
                n -= newTensors;
            }
            if (n > 0) {
                parts.add(n + " " + tape.noun + (n == 1 ? "" : "s"));
            }
        }
        if (newTensors > 0) {
            parts.add(newTensors + " Tensor" + (newTensors == 1 ? "" : "s"));
        }
        return parts.isEmpty() ? "nothing" : String.join(" and ", parts);
    }
}
