package dev.fluxion.processor.verify;

import java.util.Locale;

/** The {@code -Afluxion.verify} option: whether and how strictly gradients are verified. */
public enum VerifyMode {
    /** No verification. */
    OFF,
    /** Mismatches are errors; checks that cannot run are notes. */
    ON,
    /** Mismatches and checks that cannot run are errors. */
    STRICT;

    /** The mode an option value names; absent means {@link #ON}. */
    public static VerifyMode parse(String option) {
        if (option == null || option.isBlank()) {
            return ON;
        }
        return switch (option.trim().toLowerCase(Locale.ROOT)) {
            case "off", "false" -> OFF;
            case "strict" -> STRICT;
            default -> ON;
        };
    }
}
