package dev.fluxion.cuda;

import dev.fluxion.Device;

import dev.fluxion.cuda.nativ.CudaLibraryNotFoundException;
import dev.fluxion.cuda.nativ.Driver;
import dev.fluxion.cuda.nativ.LibraryLocator;

/**
 * The entry point of the CUDA backend: whether it is usable here, and the devices.
 *
 * <p>The driver is bound on first use; when it is missing (or finds no device) {@link #available()}
 * is false and {@link #unavailableReason()} says why, naming every place searched. The JVM needs
 * {@code --enable-native-access=ALL-UNNAMED} (or this jar's {@code Enable-Native-Access} manifest
 * entry when it is the executable jar) to make the FFM downcalls without a warning.
 */
public final class Cuda {

    private Cuda() {
    }

    /** The outcome of binding the driver: a runtime, or the reason there is none. */
    sealed interface Probe permits Ready, Unavailable {
    }

    record Ready(CudaRuntime runtime) implements Probe {
    }

    record Unavailable(String reason) implements Probe {
    }

    private static final class Holder {
        static final Probe PROBE = probe(LibraryLocator.system(), true);
    }

    /** A probe that replaces the system's, for tests with a stand-in driver (null: the system's). */
    private static volatile Probe override;

    static void useForTesting(Probe probe) {
        override = probe;
    }

    private static Probe current() {
        Probe p = override;
        return p != null ? p : Holder.PROBE;
    }

    /** Binds the driver found by {@code locator} and counts the devices. */
    static Probe probe(LibraryLocator locator, boolean trySystemLoader) {
        try {
            Driver driver = new Driver(locator, trySystemLoader);
            driver.init();
            int count = driver.deviceCount();
            if (count == 0) {
                return new Unavailable("no CUDA device: the driver (" + driver.origin() + ") reports none");
            }
            return new Ready(new CudaRuntime(driver, locator, count));
        } catch (CudaLibraryNotFoundException e) {
            return new Unavailable("no CUDA driver: " + e.getMessage());
        } catch (CudaException | UnsatisfiedLinkError e) {
            return new Unavailable("the CUDA driver did not start: " + e.getMessage());
        }
    }

    /** Whether a CUDA driver and at least one device are usable. */
    public static boolean available() {
        return current() instanceof Ready;
    }

    /** Why CUDA is not usable (every place searched for a missing library); empty when it is. */
    public static String unavailableReason() {
        return current() instanceof Unavailable(String reason) ? reason : "";
    }

    /** The number of CUDA devices (0 when CUDA is not available). */
    public static int deviceCount() {
        return current() instanceof Ready(CudaRuntime r) ? r.deviceCount() : 0;
    }

    /** The device's name, e.g. {@code NVIDIA H100 80GB HBM3}. */
    public static String deviceName(Device device) {
        return context(device).name();
    }

    /** The device's compute capability as major·10 + minor (90 for an H100). */
    public static int computeCapability(Device device) {
        return context(device).computeCapability();
    }

    /** Waits for the work this thread queued on {@code device}. */
    public static void synchronize(Device device) {
        DeviceContext ctx = context(device);
        ctx.runtime().driver().streamSynchronize(ctx.stream());
    }

    /** Frees every cached block of {@code device} back to the driver ({@code torch.cuda.empty_cache()}). */
    public static void emptyCache(Device device) {
        context(device).allocator().emptyCache();
    }

    /** The caching allocator of {@code device}, for its statistics. */
    public static CachingAllocator allocator(Device device) {
        return context(device).allocator();
    }

    /**
     * Lets float32 GEMMs use TF32 tensor cores (off by default, as PyTorch's
     * {@code torch.backends.cuda.matmul.allow_tf32}); applies to this thread's cuBLAS handles.
     */
    public static void allowTf32(boolean allow) {
        CudaRuntime.allowTf32(allow);
    }

    /** The runtime, or a {@link CudaException} saying why there is none. */
    static CudaRuntime runtime() {
        return switch (current()) {
            case Ready(CudaRuntime r) -> r;
            case Unavailable(String reason) -> throw new CudaException(reason);
        };
    }

    /** The context of a CUDA device. */
    static DeviceContext context(Device device) {
        if (!device.isCuda()) {
            throw new IllegalArgumentException("not a CUDA device: " + device);
        }
        return runtime().context(device.index());
    }
}
