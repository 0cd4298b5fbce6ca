package dev.fluxion.nn;

import java.util.List;

/**
 * What {@link Module#loadStateDict(java.util.Map, boolean)} could not match, as PyTorch's
 * {@code _IncompatibleKeys}.
 *
 * @param missingKeys keys of the module's state dict that the loaded map lacks (left unchanged)
 * @param unexpectedKeys keys of the loaded map that the module does not have (ignored)
 */
public record IncompatibleKeys(List<String> missingKeys, List<String> unexpectedKeys) {
    /** Copies both lists. */
    public IncompatibleKeys {
        missingKeys = List.copyOf(missingKeys);
        unexpectedKeys = List.copyOf(unexpectedKeys);
    }

    /** Whether every key matched. */
    public boolean isEmpty() {
        return missingKeys.isEmpty() && unexpectedKeys.isEmpty();
    }
}
