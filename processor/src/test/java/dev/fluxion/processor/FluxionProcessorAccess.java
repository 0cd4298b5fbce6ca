package dev.fluxion.processor;

import dev.fluxion.processor.ir.MethodIr;
import java.util.function.Consumer;

/** Lets tests in other packages observe the parsed IR. */
public final class FluxionProcessorAccess {
    private FluxionProcessorAccess() {}

    /** A processor that hands each parsed method to {@code hook}. */
    public static FluxionProcessor withHook(Consumer<MethodIr> hook) {
        return new FluxionProcessor(hook);
    }
}
