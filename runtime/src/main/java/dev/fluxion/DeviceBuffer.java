package dev.fluxion;

/**
 * The memory behind a tensor that lives on a device other than the CPU, owned by the
 * {@link DeviceBackend} that made it. A device tensor is a view (shape, strides, offset in
 * elements) over one buffer, as a CPU tensor is a view over its {@code float[]}/{@code double[]}.
 */
public interface DeviceBuffer {

    /** The device the memory is on. */
    Device device();
}
