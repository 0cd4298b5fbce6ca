package dev.fluxion.cuda.nativ;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A loaded shared library and the downcall handles made from its symbols.
 *
 * <p>Loading uses {@code dlopen} through {@link SymbolLookup#libraryLookup}; the library stays loaded
 * for the life of the process (global arena), as a driver library must.
 */
public final class NativeLibrary {

    private static final Linker LINKER = Linker.nativeLinker();

    private final String name;
    private final String origin;
    private final SymbolLookup lookup;

    private NativeLibrary(String name, String origin, SymbolLookup lookup) {
        this.name = name;
        this.origin = origin;
        this.lookup = lookup;
    }

    /**
     * Loads {@code lib<name>}: the file the locator finds, else the system loader's {@code soname}
     * (which sees {@code ld.so.cache}); throws {@link CudaLibraryNotFoundException} naming every
     * place searched when neither has it.
     */
    public static NativeLibrary load(String name, String soname, LibraryLocator locator, boolean trySystemLoader) {
        Optional<Path> found = locator.find(name);
        if (found.isPresent()) {
            try {
                return new NativeLibrary(name, found.get().toString(),
                        SymbolLookup.libraryLookup(found.get(), Arena.global()));
            } catch (IllegalArgumentException e) {
                throw new CudaLibraryNotFoundException(name, locator.directories(),
                        "found " + found.get() + " but dlopen failed: " + e.getMessage());
            }
        }
        String note = "system loader (dlopen \"" + soname + "\"): not tried";
        if (trySystemLoader) {
            try {
                return new NativeLibrary(name, soname, SymbolLookup.libraryLookup(soname, Arena.global()));
            } catch (IllegalArgumentException e) {
                note = "system loader (dlopen \"" + soname + "\", ld.so.cache): not found";
            }
        }
        throw new CudaLibraryNotFoundException(name, locator.directories(), note);
    }

    /** Where the library was loaded from: a path, or the soname given to the system loader. */
    public String origin() {
        return origin;
    }

    /** A downcall handle to {@code symbol}; an {@link UnsatisfiedLinkError} names a missing one. */
    public MethodHandle function(String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment address = lookup.find(symbol).orElseThrow(() -> new UnsatisfiedLinkError(
                "lib" + name + " (" + origin + ") has no symbol " + symbol + ": too old a version?"));
        return LINKER.downcallHandle(address, descriptor, options);
    }
}
