package dev.fluxion.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * The on-disk cache of compiled kernels: {@code <dir>/sm_<cc>/<name>-<hash>.ptx}, the hash a SHA-256
 * of the source, the compiler options and the compiler's identity, so that a changed kernel, a
 * different device or another NVRTC compiles afresh. Files are written to a temporary name and
 * moved into place, so concurrent processes never read half a file.
 */
public final class KernelCache {

    private final Path dir;

    public KernelCache(Path dir) {
        this.dir = dir;
    }

    /** {@code fluxion.cuda.cacheDir}, else {@code $XDG_CACHE_HOME/fluxion/cuda}, else {@code ~/.cache/fluxion/cuda}. */
    public static KernelCache system() {
        String prop = System.getProperty("fluxion.cuda.cacheDir");
        if (prop != null && !prop.isBlank()) {
            return new KernelCache(Path.of(prop));
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new KernelCache(base.resolve("fluxion").resolve("cuda"));
    }

    /** The cache's directory. */
    public Path directory() {
        return dir;
    }

    /** The file that holds (or will hold) the PTX of {@code source} compiled for {@code computeCapability}. */
    public Path fileFor(String name, String source, String compilerKey, int computeCapability) {
        return dir.resolve("sm_" + computeCapability).resolve(name + "-" + hash(source + "\u0000" + compilerKey) + ".ptx");
    }

    /** The cached PTX, or {@code compile}'s result, stored for next time. */
    public String ptx(String name, String source, String compilerKey, int computeCapability, Supplier<String> compile) {
        Path file = fileFor(name, source, compilerKey, computeCapability);
        if (Files.isRegularFile(file)) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                // unreadable: compile again
            }
        }
        String ptx = compile.get();
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), name, ".tmp");
            Files.writeString(tmp, ptx, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // a read-only cache still works, it just compiles every run
        } catch (UncheckedIOException e) {
            // as above
        }
        return ptx;
    }

    static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
