package dev.fluxion.data;

import dev.fluxion.DType;
import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Tensors from IDX files, the format of the MNIST and Fashion-MNIST distributions
 * ({@code train-images-idx3-ubyte.gz}), gzip-compressed or not.
 *
 * <p>An IDX file is a big-endian magic number {@code 0x00 0x00 TYPE RANK}, {@code RANK} big-endian
 * 32-bit sizes, then the elements, big-endian, row-major. Element types and the dtype they load
 * as: {@code 0x08} unsigned byte, {@code 0x09} signed byte, {@code 0x0B} 16-bit integer and
 * {@code 0x0D} float32 as {@code FLOAT32}; {@code 0x0C} 32-bit integer and {@code 0x0E} float64 as
 * {@code FLOAT64} (all exact).
 *
 * <pre>{@code
 * Tensor images = Idx.read(Path.of("train-images-idx3-ubyte.gz")).div(255);   // [60000, 28, 28]
 * Tensor labels = Idx.read(Path.of("train-labels-idx1-ubyte.gz"));            // [60000]
 * }</pre>
 */
public final class Idx {
    private Idx() {}

    /**
     * Reads an IDX file; gzip is recognised by its magic bytes, whatever the file's name.
     *
     * @param file the file
     * @return the tensor, contiguous
     * @throws FluxionException naming the file if it cannot be read, has a bad magic number or an
     *     unknown type, is truncated, or has bytes after the data
     */
    public static Tensor read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            try (InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw) {
                return read(in, file.toString());
            }
        } catch (IOException e) {
            throw new FluxionException("Idx.read: cannot read " + file + ": " + e, e);
        }
    }

    /**
     * Reads an uncompressed IDX stream to its end.
     *
     * @param stream the bytes
     * @param source what to call the stream in error messages
     * @return the tensor
     * @throws IOException if the stream fails
     * @throws FluxionException naming {@code source} for a malformed or truncated stream
     */
    public static Tensor read(InputStream stream, String source) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(stream, 1 << 16));
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new FluxionException("Idx.read " + source + ": too short for the 4-byte magic number");
        }
        int type = (magic >>> 8) & 0xFF;
        int rank = magic & 0xFF;
        if ((magic >>> 16) != 0) {
            throw new FluxionException("Idx.read " + source + ": bad magic number 0x" + Integer.toHexString(magic)
                    + " (an IDX file starts with two zero bytes)");
        }
        int bytes = switch (type) {
            case 0x08, 0x09 -> 1;
            case 0x0B -> 2;
            case 0x0C, 0x0D -> 4;
            case 0x0E -> 8;
            default -> throw new FluxionException("Idx.read " + source + ": unknown element type 0x"
                    + Integer.toHexString(type));
        };
        int[] shape = new int[rank];
        long n = 1;
        try {
            for (int d = 0; d < rank; d++) {
                shape[d] = in.readInt();
                if (shape[d] < 0) {
                    throw new FluxionException("Idx.read " + source + ": negative size in shape " + Arrays.toString(shape));
                }
                n *= shape[d];
                if (n > Integer.MAX_VALUE) {
                    throw new FluxionException("Idx.read " + source + ": shape has more than 2^31-1 elements");
                }
            }
            double[] values = new double[(int) n];
            byte[] buffer = new byte[(int) Math.min(n * bytes, 1 << 20)];
            java.nio.ByteBuffer view = java.nio.ByteBuffer.wrap(buffer); // big-endian by default
            for (int done = 0; done < n; ) {
                int count = (int) Math.min(n - done, buffer.length / bytes);
                in.readFully(buffer, 0, count * bytes);
                view.clear();
                for (int i = 0; i < count; i++) {
                    values[done + i] = switch (type) {
                        case 0x08 -> view.get() & 0xFF;
                        case 0x09 -> view.get();
                        case 0x0B -> view.getShort();
                        case 0x0C -> view.getInt();
                        case 0x0D -> view.getFloat();
                        default -> view.getDouble();
                    };
                }
                done += count;
            }
            if (in.read() != -1) {
                throw new FluxionException("Idx.read " + source + ": bytes after the " + n + " elements of shape "
                        + Arrays.toString(shape));
            }
            Tensor t = Tensor.fromArray(values, shape);
            return type == 0x0C || type == 0x0E ? t : t.to(DType.FLOAT32);
        } catch (EOFException e) {
            throw new FluxionException("Idx.read " + source + ": truncated: shape " + Arrays.toString(shape)
                    + " needs " + n * bytes + " bytes of data");
        }
    }
}
