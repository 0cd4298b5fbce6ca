package dev.fluxion.kernel;

/**
 * Whether the JDK Vector API ({@code jdk.incubator.vector}) is present in this JVM.
 *
 * <p>Decided once, at class initialisation. Classes that reference the Vector API are only loaded
 * when {@link #AVAILABLE} is true, so the plain-Java fallback runs on a JVM started without
 * {@code --add-modules=jdk.incubator.vector}.
 */
public final class Vectors {
    /** True when {@code jdk.incubator.vector} is in the boot layer and can be used. */
    public static final boolean AVAILABLE = detect();

    private Vectors() {}

    private static boolean detect() {
        if (Boolean.getBoolean("fluxion.noVector")) {
            return false;
        }
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }
}
