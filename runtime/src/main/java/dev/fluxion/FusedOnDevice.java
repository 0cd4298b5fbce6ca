package dev.fluxion;

/**
 * A fused group ({@link Fused#map}) over device tensors: its body goes to the device's backend as
 * one kernel ({@link DeviceBackend#fused}) where the CPU's one-pass path would take it too (every
 * operand a tensor on one device, one floating dtype, the body's shapes broadcasting); anything else
 * runs the ops one by one on the device, which is what the unfused code does, errors included.
 */
final class FusedOnDevice {
    private FusedOnDevice() {}

    /** Whether any operand lives on a device (then the group runs there, or fails as its ops would). */
    static boolean anyOnDevice(Tensor[] in) {
        for (Tensor t : in) {
            if (t.buffer != null) {
                return true;
            }
        }
        return false;
    }

    /** The value of {@code body} in one kernel, or null where the ops should run one by one. */
    static Tensor run(FusedExpr body, double[] scalars, Tensor[] in) {
        Device device = in[0].device();
        DType dtype = in[0].dtype;
        for (Tensor t : in) {
            if (t.buffer == null || !t.device().equals(device) || t.dtype != dtype || !dtype.isFloatingPoint()) {
                return null; // a CPU scalar, mixed devices or dtypes, integers: op by op, as unfused
            }
        }
        if (FusedLoop.bodyShape(body, in) == null) {
            return null;
        }
        Tensor out = Devices.backend("fused", device).fused(body, scalars, in);
        return out == null ? null : Tensor.checked("fused", out);
    }
}
