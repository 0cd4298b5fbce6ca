package dev.fluxion;

import java.util.Arrays;

/** This thread's chunk rows, one per slot, kept at {@link FusedLoop#CHUNK} elements. */
final class FusedRows {
    static final ThreadLocal<FusedRows> LOCAL = ThreadLocal.withInitial(FusedRows::new);
    private float[][] floats = new float[8][];
    private double[][] doubles = new double[8][];
    private final double[][] widened = new double[2][];

    /** An operand row of the current chunk: {@code f} or {@code d} read at {@code off + i·step}. */
    static final class Slot {
        float[] f;
        double[] d;
        int off;
        int step;
    }

    private Slot[] slots = new Slot[0];

    Slot[] slots(int n) {
        if (slots.length < n) {
            Slot[] more = Arrays.copyOf(slots, n);
            for (int i = slots.length; i < n; i++) {
                more[i] = new Slot();
            }
            slots = more;
        }
        for (int i = 0; i < n; i++) {
            slots[i].f = null;
            slots[i].d = null;
        }
        return slots;
    }

    float[] floats(int slot, int n) {
        if (slot >= floats.length) {
            floats = Arrays.copyOf(floats, slot * 2 + 1);
        }
        if (floats[slot] == null || floats[slot].length < n) {
            floats[slot] = new float[Math.max(n, FusedLoop.CHUNK)];
        }
        return floats[slot];
    }

    double[] doubles(int slot, int n) {
        if (slot >= doubles.length) {
            doubles = Arrays.copyOf(doubles, slot * 2 + 1);
        }
        if (doubles[slot] == null || doubles[slot].length < n) {
            doubles[slot] = new double[Math.max(n, FusedLoop.CHUNK)];
        }
        return doubles[slot];
    }

    private int[] index = new int[8];

    int[] index(int rank) {
        if (index.length < rank) {
            index = new int[rank];
        }
        return index;
    }

    double[] widened(int which) {
        if (widened[which] == null) {
            widened[which] = new double[FusedLoop.CHUNK];
        }
        return widened[which];
    }
}
