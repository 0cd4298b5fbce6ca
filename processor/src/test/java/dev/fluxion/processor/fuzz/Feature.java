package dev.fluxion.processor.fuzz;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What the generator may use. A test enables a set; the constructs of a feature that is off never
 * appear, so a known engine bug can be kept out of a build that must pass while the fuzzer still
 * covers everything else.
 */
enum Feature {
    /** {@code for (int i = 0; i < 3; i++)} and {@code i < x.length}. */
    FOR,
    /** {@code while (k < 3)} with a counter. */
    WHILE,
    /** {@code do { } while (k < 3)}. */
    DO_WHILE,
    /** {@code while (s < 4 && k < cap)}: the trip count depends on the inputs. */
    DATA_WHILE,
    /** More than one loop in a method (one after the other, or nested with {@link #NESTED_LOOPS}). */
    SEVERAL_LOOPS,
    /**
     * A top-level loop holding a branch or a loop may start with an accumulation ({@code s += t}).
     * Off: such a loop starts with an empty {@code if}, which keeps one-pass fGrad's fusion analysis
     * from crashing on it (issue 10 #6).
     */
    FUSED_LOOP_WITH_BRANCHES,
    /** A loop inside a loop. */
    NESTED_LOOPS,
    /** {@code if} (and {@code else}) outside loops. */
    IF,
    /** {@code if} inside a loop. */
    IF_IN_LOOP,
    /** {@code if} inside an {@code if} inside a loop (issue 10, reproducer 1). */
    NESTED_IF_IN_LOOP,
    /** {@code if} inside an {@code if} outside loops. */
    NESTED_IF,
    /** {@code c ? a : b}. */
    TERNARY,
    /** {@code c ? a : b} inside a loop. */
    TERNARY_IN_LOOP,
    /** {@code break} in a loop. */
    BREAK,
    /** {@code continue} in a loop. */
    CONTINUE,
    /** An early {@code return} outside loops. */
    EARLY_RETURN,
    /** An early {@code return} inside a loop. */
    RETURN_IN_LOOP,
    /** {@code v = ...} on a local declared earlier. */
    REASSIGN,
    /** {@code s += ...}, {@code -=}, {@code *=}. */
    COMPOUND,
    /** Reassignment and compound assignment outside loop bodies too (else only inside them). */
    ASSIGN_OUTSIDE_LOOPS,
    /** {@code Math.exp, log, sin, cos, tanh, sqrt, pow, atan, hypot}. */
    MATH,
    /** {@code Math.abs, max, min} (kinks). */
    KINKS,
    /** {@code Math.pow(v, 2.0)} with a base that may be 0. */
    POW_ANY_BASE,
    /** {@code double[]} parameters and {@code x[i]}. */
    ARRAYS,
    /** A local {@code double[] w = new double[n]} written element by element ({@code w[i] = ...}, {@code w[i] += ...}). */
    LOCAL_ARRAYS,
    /** {@code @NoGrad double} parameters. */
    NOGRAD,
    /** Calls to a helper {@code @Differentiable} method of the same class. */
    CALLS,
    /** Calls to a helper inside a loop. */
    CALLS_IN_LOOP,
    /** A component of the helper's generated gradient, {@code CGrad.hGrad(a, b).u()} (nested differentiation). */
    NESTED_CALLS,
    /**
     * Other spellings of the same program ({@code Printer}): some {@code if}s as {@code switch} on an
     * int, some element writes as {@code w[p++] = v} / {@code w[--p] = v}.
     */
    SPELLINGS,
    /** Tensor programs. */
    TENSOR,
    /** Double parameters and loop counters in tensor programs: {@code x.times(s)}, {@code x.plus(i)}. */
    TENSOR_SCALARS,
    /** Tensor programs with loops. */
    TENSOR_LOOP,
    /** {@code matmul} in tensor programs. */
    TENSOR_MATMUL,
    /** {@code sum(dim)}, {@code mean(dim, true)} in tensor programs. */
    TENSOR_REDUCE_DIM;

    /** Every feature. */
    static Set<Feature> all() {
        return EnumSet.allOf(Feature.class);
    }

    /**
     * Parses {@code all}, a comma-separated list, or {@code all-X,Y} (everything but X and Y).
     */
    static Set<Feature> parse(String spec) {
        String s = spec.trim();
        if (s.equalsIgnoreCase("all")) {
            return all();
        }
        if (s.toLowerCase(Locale.ROOT).startsWith("all-")) {
            Set<Feature> set = all();
            for (String name : s.substring(4).split(",")) {
                set.remove(valueOf(name.trim().toUpperCase(Locale.ROOT)));
            }
            return set;
        }
        Set<Feature> set = EnumSet.noneOf(Feature.class);
        for (String name : s.split(",")) {
            if (!name.isBlank()) {
                set.add(valueOf(name.trim().toUpperCase(Locale.ROOT)));
            }
        }
        return set;
    }
}
