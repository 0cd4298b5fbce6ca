package dev.fluxion.io;

import dev.fluxion.DType;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The element types of the safetensors format that Fluxion reads, with their size in bytes and
 * the Fluxion dtype they load as. Fluxion writes {@code F32}, {@code F64}, {@code I64} and
 * {@code BOOL}; it also reads half precision ({@code F16}, {@code BF16}, widened exactly to
 * float32) and the narrower integers ({@code I32}, {@code I16}, {@code I8}, {@code U8}, as int64),
 * which PyTorch checkpoints commonly hold.
 */
enum StorageType {
    F64(8, DType.FLOAT64),
    F32(4, DType.FLOAT32),
    F16(2, DType.FLOAT32),
    BF16(2, DType.FLOAT32),
    I64(8, DType.INT64),
    I32(4, DType.INT64),
    I16(2, DType.INT64),
    I8(1, DType.INT64),
    U8(1, DType.INT64),
    BOOL(1, DType.BOOL);

    final int bytes;
    final DType loadsAs;

    StorageType(int bytes, DType loadsAs) {
        this.bytes = bytes;
        this.loadsAs = loadsAs;
    }

    /** The type named {@code name} in a header ({@code "F32"}), or null if Fluxion does not read it. */
    static @Nullable StorageType named(String name) {
        for (StorageType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The type Fluxion writes for {@code dtype}. */
    static StorageType forWriting(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> F32;
            case FLOAT64 -> F64;
            case INT64 -> I64;
            case BOOL -> BOOL;
        };
    }

    /** A readable list of the names, for error messages. */
    static String names() {
        StringBuilder sb = new StringBuilder();
        for (StorageType t : values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(t.name());
        }
        return sb.toString();
    }

    /**
     * Reads {@code n} little-endian elements from {@code in} (positioned at the first) as doubles,
     * the common currency of the decoders below. BOOL must be 0 or 1.
     *
     * @throws IllegalArgumentException for a BOOL byte other than 0 or 1, or an int64 beyond ±2⁵³
     *     (Fluxion keeps int64 values in doubles, where larger ones would silently round)
     */
    double read(ByteBuffer in) {
        return switch (this) {
            case F64 -> in.getDouble();
            case F32 -> in.getFloat();
            case F16 -> Float.float16ToFloat(in.getShort());
            case BF16 -> Float.intBitsToFloat((in.getShort() & 0xFFFF) << 16);
            case I64 -> {
                long v = in.getLong();
                if (Math.abs(v) > (1L << 53)) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "int64 value %d is beyond ±2^53, which Fluxion cannot hold exactly", v));
                }
                yield v;
            }
            case I32 -> in.getInt();
            case I16 -> in.getShort();
            case I8 -> in.get();
            case U8 -> in.get() & 0xFF;
            case BOOL -> {
                byte b = in.get();
                if (b != 0 && b != 1) {
                    throw new IllegalArgumentException("BOOL byte " + (b & 0xFF) + " is neither 0 nor 1");
                }
                yield b;
            }
        };
    }
}
