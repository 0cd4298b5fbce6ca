package dev.fluxion;

import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;

import org.jspecify.annotations.Nullable;

/**
 * Finds the {@link DeviceBackend} of a device and checks that an op's operands share one device;
 * also the handful of accessors a backend needs to make and read device tensors.
 *
 * <p>Backends are looked up once per device kind with {@link ServiceLoader}. A missing backend, or
 * one that cannot run here (no driver), is an error naming what is missing.
 */
public final class Devices {
    private static final Map<Device.Kind, DeviceBackend> BACKENDS = new EnumMap<>(Device.Kind.class);

    private Devices() {}

    // ---------------------------------------------------------------- for backends

    /** A contiguous device tensor of {@code shape} over {@code buffer} (for backends). */
    public static Tensor wrap(DeviceBuffer buffer, DType dtype, int[] shape) {
        int[] s = shape.clone();
        return new Tensor(dtype, buffer, s, dev.fluxion.kernel.StridedLoop.contiguousStrides(s), 0);
    }

    /** A device tensor viewing {@code buffer} with {@code strides} and {@code offset}, in elements (for backends). */
    public static Tensor wrap(DeviceBuffer buffer, DType dtype, int[] shape, int[] strides, int offset) {
        return new Tensor(dtype, buffer, shape.clone(), strides.clone(), offset);
    }

    /** The device memory behind {@code t}, or null for a CPU tensor (for backends). */
    public static @Nullable DeviceBuffer buffer(Tensor t) {
        return t.buffer;
    }

    /** The index of {@code t}'s first element in its storage, in elements (for backends). */
    public static int offset(Tensor t) {
        return t.offset;
    }

    /** The error for a primitive that {@code device}'s backend does not run. */
    public static FluxionException unsupported(String op, Device device) {
        return new FluxionException(op + ": not supported on " + device + " yet; move the operands to the CPU with"
                + " .cpu() for this op (and back with .to(" + deviceSpelling(device) + "))");
    }

    // ---------------------------------------------------------------- lookup

    /** The backend of {@code device}, or an error naming what is missing. */
    static DeviceBackend backend(String op, Device device) {
        DeviceBackend b;
        synchronized (BACKENDS) {
            b = BACKENDS.get(device.kind());
            if (b == null) {
                b = load(device.kind());
                if (b != null) {
                    BACKENDS.put(device.kind(), b);
                }
            }
        }
        if (b == null) {
            throw new FluxionException(op + ": no backend for " + device + " on the class path; add the dependency "
                    + "dev.fluxion:fluxion-cuda (module runtime-cuda), which runs tensors on CUDA through the FFM API "
                    + "(the CPU runtime has no native code)");
        }
        String reason = b.unavailableReason();
        if (!reason.isEmpty()) {
            throw new FluxionException(op + ": " + device + " is not usable here: " + reason);
        }
        return b;
    }

    private static @Nullable DeviceBackend load(Device.Kind kind) {
        for (DeviceBackend candidate : ServiceLoader.load(DeviceBackend.class, Devices.class.getClassLoader())) {
            if (candidate.kind() == kind) {
                return candidate;
            }
        }
        return null;
    }

    /** The backend holding device tensor {@code t}. */
    static DeviceBackend backendOf(String op, Tensor t) {
        return backend(op, t.device());
    }

    /** A CPU copy of {@code t} (itself when it is on the CPU). */
    static Tensor toHost(Tensor t) {
        return t.buffer == null ? t : backendOf("cpu", t).toHost(t);
    }

    // ---------------------------------------------------------------- device checks

    /**
     * The one device of an op's operands; a 0-dim CPU tensor goes with a device tensor as a scalar
     * (as in PyTorch). Any other mix is an error naming the op and both devices.
     */
    static Device common(String op, Tensor a, Tensor b) {
        Device da = a.device(), db = b.device();
        if (da.equals(db)) {
            return da;
        }
        if (a.buffer == null && a.shape.length == 0) {
            return db;
        }
        if (b.buffer == null && b.shape.length == 0) {
            return da;
        }
        throw new FluxionException(op + ": expected all tensors on one device, but found " + da + " and " + db
                + " (shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape) + "); move one with .to("
                + deviceSpelling(da.isCuda() ? da : db) + ") or .cpu()");
    }

    /** {@link #common} over three operands: every pair must agree. */
    static Device common(String op, Tensor a, Tensor b, Tensor c) {
        Device ab = common(op, a, b), bc = common(op, b, c), ac = common(op, a, c);
        return ab.isCuda() ? ab : bc.isCuda() ? bc : ac;
    }

    private static String deviceSpelling(Device device) {
        return device.isCuda() ? "Device.cuda(" + device.index() + ")" : "Device.cpu()";
    }
}
