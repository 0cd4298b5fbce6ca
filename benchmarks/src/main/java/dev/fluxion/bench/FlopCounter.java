package dev.fluxion.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Flop counter that JMH divides by the measured time: with the seconds time unit every benchmark
 * here uses, its {@code gflops} row reads directly in GFLOP/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class FlopCounter {
    /** Billions of floating-point operations done in this iteration. */
    public double gflops;

    @Setup(Level.Iteration)
    public void reset() {
        gflops = 0;
    }
}
