package dev.fluxion.processor.fuzz;

import java.util.Random;

/**
 * Random sources from seeds. {@code java.util.Random}'s first outputs for neighbouring seeds are
 * nearly equal, so consecutive program seeds would make long runs of look-alike programs; each
 * seed is first scrambled (SplitMix64's finaliser).
 */
final class Seeds {
    private Seeds() {
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static Random random(long seed) {
        return new Random(mix(seed + 0x9e3779b97f4a7c15L));
    }
}
