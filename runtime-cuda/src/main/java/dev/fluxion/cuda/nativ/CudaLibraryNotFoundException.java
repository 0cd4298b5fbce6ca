package dev.fluxion.cuda.nativ;

import java.nio.file.Path;
import java.util.List;

/** A CUDA library was not found: the message names the library and every place searched. */
public final class CudaLibraryNotFoundException extends RuntimeException {

    private final String library;
    private final List<Path> searched;

    public CudaLibraryNotFoundException(String library, List<Path> searched, String systemLoaderNote) {
        super(message(library, searched, systemLoaderNote));
        this.library = library;
        this.searched = List.copyOf(searched);
    }

    /** The library's name, e.g. {@code cublas}. */
    public String library() {
        return library;
    }

    /** The directories searched, in order. */
    public List<Path> searched() {
        return searched;
    }

    private static String message(String library, List<Path> searched, String systemLoaderNote) {
        StringBuilder sb = new StringBuilder("lib").append(library).append(".so could not be loaded. Searched:");
        for (Path p : searched) {
            sb.append("\n  ").append(p);
        }
        sb.append("\n  ").append(systemLoaderNote);
        sb.append("\nInstall the CUDA toolkit or the NVIDIA wheels (pip install nvidia-cublas nvidia-cuda-nvrtc),"
                + " or point FLUXION_CUDA_PATH (or -Dfluxion.cuda.path) at the directory holding it.");
        return sb.toString();
    }
}
