package dev.fluxion;

/**
 * Where a tensor lives: the host ({@link #cpu()}) or a CUDA device ({@link #cuda(int)}).
 *
 * @param kind the kind of device
 * @param index the CUDA ordinal; 0 for the CPU
 */
public record Device(Kind kind, int index) {

    /** The kinds of device. */
    public enum Kind { CPU, CUDA }

    private static final Device CPU = new Device(Kind.CPU, 0);

    public Device {
        if (index < 0 || (kind == Kind.CPU && index != 0)) {
            throw new IllegalArgumentException("no device " + kind.name().toLowerCase() + ":" + index);
        }
    }

    /** The host. */
    public static Device cpu() {
        return CPU;
    }

    /** CUDA device 0. */
    public static Device cuda() {
        return cuda(0);
    }

    /** CUDA device {@code index} (its ordinal, as {@code cuDeviceGet} numbers them). */
    public static Device cuda(int index) {
        return new Device(Kind.CUDA, index);
    }

    /** Whether this is a CUDA device. */
    public boolean isCuda() {
        return kind == Kind.CUDA;
    }

    /** PyTorch's spelling: {@code cpu}, {@code cuda:0}. */
    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
