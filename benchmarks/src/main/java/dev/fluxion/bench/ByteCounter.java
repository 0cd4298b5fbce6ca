package dev.fluxion.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Memory-traffic counter that JMH divides by the measured time: with the seconds time unit its
 * {@code gbytes} row reads directly in GB/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ByteCounter {
    /** Billions of bytes read and written in this iteration. */
    public double gbytes;

    @Setup(Level.Iteration)
    public void reset() {
        gbytes = 0;
    }
}
