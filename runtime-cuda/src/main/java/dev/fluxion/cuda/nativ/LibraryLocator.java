package dev.fluxion.cuda.nativ;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a CUDA shared library ({@code libcuda}, {@code libcublas}, {@code libnvrtc}) on this machine.
 *
 * <p>The places searched, in order:
 * <ol>
 *   <li>{@code FLUXION_CUDA_PATH} (environment) and the {@code fluxion.cuda.path} system property:
 *       directories separated by {@code :};
 *   <li>{@code LD_LIBRARY_PATH};
 *   <li>{@code CUDA_HOME} and {@code CUDA_PATH} ({@code lib64}, {@code lib});
 *   <li>the toolkit's and the distribution's standard locations ({@code /usr/local/cuda/lib64},
 *       {@code /usr/lib/x86_64-linux-gnu}, ...);
 *   <li>the NVIDIA wheels of Python environments ({@code site-packages/nvidia/*&#47;lib}) under
 *       {@code VIRTUAL_ENV}, {@code CONDA_PREFIX}, {@code ~/.local} and the system prefixes.
 * </ol>
 * In the first directory holding {@code lib<name>.so} or {@code lib<name>.so.<version>} the highest
 * version wins. The locator is a value built from an environment map so that tests can hand it a
 * fake layout.
 */
public final class LibraryLocator {

    /** The standard library directories of the toolkit and the distribution. */
    public static final List<Path> STANDARD_DIRS = List.of(
            Path.of("/usr/local/cuda/lib64"),
            Path.of("/usr/local/cuda/targets/x86_64-linux/lib"),
            Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib64"),
            Path.of("/usr/lib/wsl/lib"));

    /** Prefixes whose {@code lib/python3*}/{site,dist}-packages may hold NVIDIA wheels. */
    public static final List<Path> STANDARD_PYTHON_PREFIXES = List.of(
            Path.of("/usr/local"), Path.of("/usr"), Path.of("/opt/conda"));

    private final List<Path> directories;

    private LibraryLocator(List<Path> directories) {
        this.directories = List.copyOf(directories);
    }

    /** The locator of this process: its environment, system properties and the standard places. */
    public static LibraryLocator system() {
        return fromEnvironment(System.getenv(), System.getProperty("fluxion.cuda.path", ""),
                Path.of(System.getProperty("user.home", "/nonexistent")), STANDARD_DIRS, STANDARD_PYTHON_PREFIXES);
    }

    /**
     * A locator over the given environment.
     *
     * @param env the environment variables to read
     * @param extraPath the {@code fluxion.cuda.path} property (may be empty)
     * @param home the user's home directory (for {@code ~/.local})
     * @param standardDirs the toolkit and distribution directories
     * @param pythonPrefixes prefixes searched for Python environments
     */
    public static LibraryLocator fromEnvironment(Map<String, String> env, String extraPath, Path home,
                                                 List<Path> standardDirs, List<Path> pythonPrefixes) {
        SequencedSet<Path> dirs = new LinkedHashSet<>();
        splitInto(env.get("FLUXION_CUDA_PATH"), dirs);
        splitInto(extraPath, dirs);
        splitInto(env.get("LD_LIBRARY_PATH"), dirs);
        for (String var : List.of("CUDA_HOME", "CUDA_PATH")) {
            String root = env.get(var);
            if (root != null && !root.isBlank()) {
                dirs.add(Path.of(root, "lib64"));
                dirs.add(Path.of(root, "lib"));
            }
        }
        dirs.addAll(standardDirs);
        List<Path> prefixes = new ArrayList<>();
        for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String p = env.get(var);
            if (p != null && !p.isBlank()) {
                prefixes.add(Path.of(p));
            }
        }
        prefixes.add(home.resolve(".local"));
        prefixes.addAll(pythonPrefixes);
        for (Path prefix : prefixes) {
            for (Path sitePackages : sitePackagesUnder(prefix)) {
                dirs.addAll(nvidiaWheelLibDirs(sitePackages));
            }
        }
        return new LibraryLocator(new ArrayList<>(dirs));
    }

    /** A locator over exactly these directories. */
    public static LibraryLocator of(List<Path> directories) {
        return new LibraryLocator(directories);
    }

    /** The directories searched, in order (those that do not exist included: they are reported). */
    public List<Path> directories() {
        return directories;
    }

    /**
     * The library {@code lib<name>.so[.version]} in the first directory that has one, the highest
     * version there; empty when no directory has it.
     */
    public Optional<Path> find(String name) {
        Pattern pattern = Pattern.compile("lib" + Pattern.quote(name) + "\\.so(\\.\\d+)*");
        for (Path dir : directories) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                Optional<Path> best = files
                        .filter(f -> pattern.matcher(f.getFileName().toString()).matches())
                        .max(Comparator.comparing(f -> versionOf(f.getFileName().toString(), name), LibraryLocator::compareVersions));
                if (best.isPresent()) {
                    return best;
                }
            } catch (IOException e) {
                // an unreadable directory is the same as an absent one; it stays in the report
            }
        }
        return Optional.empty();
    }

    /** The version numbers after {@code lib<name>.so}: {@code libcublas.so.12.4.5} → [12, 4, 5]. */
    static int[] versionOf(String fileName, String name) {
        String rest = fileName.substring(("lib" + name + ".so").length());
        if (rest.isEmpty()) {
            return new int[0];
        }
        String[] parts = rest.substring(1).split("\\.");
        int[] v = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = Integer.parseInt(parts[i]);
        }
        return v;
    }

    private static int compareVersions(int[] a, int[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return Integer.compare(a.length, b.length);
    }

    private static void splitInto(String pathList, SequencedSet<Path> out) {
        if (pathList == null) {
            return;
        }
        for (String s : pathList.split(File.pathSeparator)) {
            if (!s.isBlank()) {
                out.add(Path.of(s));
            }
        }
    }

    /** {@code prefix/lib/python3.*}/{site,dist}-packages, plus {@code prefix/lib/python3/dist-packages}. */
    static List<Path> sitePackagesUnder(Path prefix) {
        List<Path> out = new ArrayList<>();
        Path lib = prefix.resolve("lib");
        if (!Files.isDirectory(lib)) {
            return out;
        }
        try (DirectoryStream<Path> pythons = Files.newDirectoryStream(lib, "python3*")) {
            for (Path python : sorted(pythons)) {
                for (String kind : List.of("site-packages", "dist-packages")) {
                    Path sp = python.resolve(kind);
                    if (Files.isDirectory(sp)) {
                        out.add(sp);
                    }
                }
            }
        } catch (IOException e) {
            // unreadable: nothing found there
        }
        return out;
    }

    /** {@code site-packages/nvidia/<package>/lib} for every NVIDIA wheel installed there. */
    static List<Path> nvidiaWheelLibDirs(Path sitePackages) {
        List<Path> out = new ArrayList<>();
        Path nvidia = sitePackages.resolve("nvidia");
        if (!Files.isDirectory(nvidia)) {
            return out;
        }
        try (DirectoryStream<Path> packages = Files.newDirectoryStream(nvidia)) {
            for (Path pkg : sorted(packages)) {
                Path lib = pkg.resolve("lib");
                if (Files.isDirectory(lib)) {
                    out.add(lib);
                }
            }
        } catch (IOException e) {
            // unreadable: nothing found there
        }
        return out;
    }

    private static List<Path> sorted(DirectoryStream<Path> stream) {
        List<Path> list = new ArrayList<>();
        stream.forEach(list::add);
        list.sort(Comparator.naturalOrder());
        return list;
    }
}
