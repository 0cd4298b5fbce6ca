package dev.fluxion.io;

import dev.fluxion.DType;
import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes tensors in the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format, the checkpoint format of the PyTorch ecosystem that holds only data: loading never runs
 * code (unlike a pickled {@code torch.save} file).
 *
 * <p>A file is an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
 * shape and byte range, and the raw little-endian row-major data. Files written here load with
 * {@code safetensors.torch.load_file} and {@code safetensors.numpy.load_file}; files written by
 * those load here.
 *
 * <pre>{@code
 * SafeTensors.save(Path.of("model.safetensors"), model.stateDict());
 * model.loadStateDict(SafeTensors.load(Path.of("model.safetensors")));
 * }</pre>
 *
 * <p>Fluxion writes {@code FLOAT32} as {@code F32}, {@code FLOAT64} as {@code F64}, {@code INT64}
 * as {@code I64} and {@code BOOL} as {@code BOOL}. It reads those, and also {@code F16} and
 * {@code BF16} (as float32, exactly) and {@code I32}, {@code I16}, {@code I8}, {@code U8} (as int64).
 *
 * <p>Loading validates the whole file before returning anything and throws a
 * {@link FluxionException} naming the file (and the tensor, where one is at fault) for: a header
 * length beyond the file, a header that is not UTF-8 JSON starting with <code>{</code>, unknown fields
 * or dtypes, shapes or offsets that are not non-negative integers, a byte range whose length does
 * not match dtype × shape, byte ranges that overlap, leave holes or run past the end (a truncated
 * file), and bytes after the last tensor. Saving writes a temporary file in the target's directory
 * and moves it over the target in one atomic step, so a failed save leaves the previous file (or
 * no file) and never a half-written one.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /**
     * What a file holds: its tensors in header order, and its {@code __metadata__} strings.
     *
     * @param tensors the tensors by name, in the order of the file's header
     * @param metadata the free-form string metadata (empty if the file has none)
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        /** Copies both maps, keeping the tensors' order. */
        public Contents {
            tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Map.copyOf(metadata);
        }
    }

    /**
     * Writes {@code tensors} to {@code file} with no metadata; see {@link #save(Path, Map, Map)}.
     *
     * @param file the file to create or replace
     * @param tensors the tensors by name
     * @throws FluxionException for a null tensor or a bad name, or if the file cannot be written
     */
    public static void save(Path file, Map<String, ? extends Tensor> tensors) {
        save(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} and {@code metadata} to {@code file} atomically: the bytes go to a
     * temporary file in the same directory, which is flushed to disk and then moved over
     * {@code file}. If anything fails, the temporary file is deleted and {@code file} is left as it
     * was. The header lists the tensors in the map's iteration order; their data is laid out
     * widest element type first so that each is aligned to its element size. Each tensor is
     * written as its dense row-major copy (views and non-contiguous tensors are fine).
     *
     * @param file the file to create or replace
     * @param tensors the tensors by name; a name must not be empty or {@code "__metadata__"}
     * @param metadata free-form strings stored under {@code "__metadata__"}
     * @throws FluxionException for a null tensor or a bad name, or if the file cannot be written
     *     (with the I/O error as its cause)
     */
    public static void save(Path file, Map<String, ? extends Tensor> tensors, Map<String, String> metadata) {
        write(file, tensors, metadata, out -> out);
    }

    /** An {@link OutputStream} decorator, so that tests can make a save fail half-way. */
    @FunctionalInterface
    interface StreamWrapper {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    static void write(Path file, Map<String, ? extends Tensor> tensors, Map<String, String> metadata,
            StreamWrapper wrapper) {
        byte[] bytes = toBytes(file.toString(), tensors, metadata);
        Path dir = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                    OutputStream out = wrapper.wrap(Channels.newOutputStream(channel))) {
                out.write(bytes);
                out.flush();
                // On disk before the move, so that a crash just after it cannot expose an empty file.
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // Same directory, so this only happens on unusual file systems: replace as best we can.
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw new FluxionException("SafeTensors.save: cannot write " + file + ": " + e, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The original error is the one to report.
                }
            }
        }
    }

    /**
     * The bytes of a safetensors file holding {@code tensors} and {@code metadata}.
     *
     * @param tensors the tensors by name, written in iteration order
     * @param metadata free-form strings stored under {@code "__metadata__"}
     * @return the complete file contents
     * @throws FluxionException for a null tensor, an empty name or the name {@code "__metadata__"}
     */
    public static byte[] toBytes(Map<String, ? extends Tensor> tensors, Map<String, String> metadata) {
        return toBytes("<bytes>", tensors, metadata);
    }

    private static byte[] toBytes(String where, Map<String, ? extends Tensor> tensors, Map<String, String> metadata) {
        List<String> names = new ArrayList<>();
        List<Tensor> values = new ArrayList<>();
        for (Map.Entry<String, ? extends Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals(Header.METADATA_KEY)) {
                throw new FluxionException("SafeTensors.save " + where + ": invalid tensor name \"" + name + "\"");
            }
            if (e.getValue() == null) {
                throw new FluxionException("SafeTensors.save " + where + ": tensor \"" + name + "\" is null");
            }
            names.add(name);
            values.add(e.getValue());
        }
        // The data goes widest element type first (stable otherwise), as the reference writer lays it
        // out: the data section starts 8-aligned, so every tensor is then aligned to its element size
        // and readers may map it without copying. The header keeps the caller's order.
        List<Integer> dataOrder = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            dataOrder.add(i);
        }
        dataOrder.sort(java.util.Comparator.comparingInt(i -> -StorageType.forWriting(values.get(i).dtype()).bytes));
        long[] begin = new long[values.size()];
        long offset = 0;
        for (int i : dataOrder) {
            begin[i] = offset;
            offset += (long) values.get(i).numel() * StorageType.forWriting(values.get(i).dtype()).bytes;
        }
        List<Header.Entry> entries = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Tensor t = values.get(i);
            StorageType type = StorageType.forWriting(t.dtype());
            entries.add(new Header.Entry(names.get(i), type, t.shape(), begin[i], begin[i] + (long) t.numel() * type.bytes));
        }
        byte[] header = new Header(entries, new LinkedHashMap<>(metadata)).toBytes();
        long total = 8 + header.length + offset;
        if (total > Integer.MAX_VALUE - 16) {
            throw new FluxionException("SafeTensors.save " + where + ": " + total + " bytes is more than Fluxion writes in one file (2 GiB)");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length).put(header);
        for (int i : dataOrder) {
            writeData(out, values.get(i));
        }
        return out.array();
    }

    private static void writeData(ByteBuffer out, Tensor t) {
        switch (t.dtype()) {
            case FLOAT32 -> {
                for (float v : t.toFloatArray()) {
                    out.putFloat(v);
                }
            }
            case FLOAT64 -> {
                for (double v : t.toDoubleArray()) {
                    out.putDouble(v);
                }
            }
            case INT64 -> {
                for (double v : t.toDoubleArray()) {
                    out.putLong((long) v);
                }
            }
            case BOOL -> {
                for (double v : t.toDoubleArray()) {
                    out.put((byte) (v != 0 ? 1 : 0));
                }
            }
        }
    }

    /**
     * Reads every tensor of a safetensors file, in header order.
     *
     * @param file the file
     * @return a new mutable map from name to tensor (contiguous, in the dtype of {@link StorageType})
     * @throws FluxionException naming the file and, where one is at fault, the tensor, if the file
     *     cannot be read or is not a valid safetensors file
     */
    public static LinkedHashMap<String, Tensor> load(Path file) {
        return new LinkedHashMap<>(read(file).tensors());
    }

    /**
     * Reads a safetensors file: its tensors and its metadata.
     *
     * @param file the file
     * @return the tensors (header order) and metadata
     * @throws FluxionException naming the file and, where one is at fault, the tensor
     */
    public static Contents read(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 16) {
                throw new FluxionException("SafeTensors.load " + file + ": " + size + " bytes is more than Fluxion reads (2 GiB)");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FluxionException("SafeTensors.load: cannot read " + file + ": " + e, e);
        } catch (UncheckedIOException e) {
            throw new FluxionException("SafeTensors.load: cannot read " + file + ": " + e.getCause(), e);
        }
        return fromBytes(bytes, file.toString());
    }

    /**
     * Parses the bytes of a safetensors file.
     *
     * @param bytes the complete file contents
     * @param source what to call the bytes in error messages (a file name, say)
     * @return the tensors (header order) and metadata
     * @throws FluxionException naming {@code source} and, where one is at fault, the tensor
     */
    public static Contents fromBytes(byte[] bytes, String source) {
        if (bytes.length < 8) {
            throw new FluxionException("SafeTensors.load " + source + ": " + bytes.length
                    + " bytes is too short for the 8-byte header length (truncated file?)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = in.getLong();
        if (headerLength < 0 || headerLength > bytes.length - 8L) {
            throw new FluxionException("SafeTensors.load " + source + ": header length "
                    + Long.toUnsignedString(headerLength) + " is beyond the end of the file (" + bytes.length
                    + " bytes; truncated or not a safetensors file?)");
        }
        if (headerLength > Header.MAX_HEADER_BYTES) {
            throw new FluxionException("SafeTensors.load " + source + ": header length " + headerLength
                    + " exceeds the limit of " + Header.MAX_HEADER_BYTES + " bytes");
        }
        byte[] json = new byte[(int) headerLength];
        in.get(json);
        int dataStart = 8 + (int) headerLength;
        Header header;
        try {
            header = Header.parse(json, bytes.length - (long) dataStart);
        } catch (IllegalArgumentException e) {
            throw new FluxionException("SafeTensors.load " + source + ": " + e.getMessage(), e);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Header.Entry e : header.entries()) {
            in.position(dataStart + (int) e.begin());
            try {
                tensors.put(e.name(), decode(in, e));
            } catch (IllegalArgumentException ex) {
                throw new FluxionException("SafeTensors.load " + source + ": tensor \"" + e.name() + "\": "
                        + ex.getMessage(), ex);
            }
        }
        return new Contents(tensors, header.metadata());
    }

    private static Tensor decode(ByteBuffer in, Header.Entry e) {
        int n = (int) ((e.end() - e.begin()) / e.type().bytes);
        if (e.type() == StorageType.F32) {
            float[] values = new float[n];
            in.asFloatBuffer().get(values);
            return Tensor.fromArray(values, e.shape());
        }
        double[] values = new double[n];
        if (e.type() == StorageType.F64) {
            in.asDoubleBuffer().get(values);
        } else {
            for (int i = 0; i < n; i++) {
                values[i] = e.type().read(in);
            }
        }
        Tensor t = Tensor.fromArray(values, e.shape());
        return e.type().loadsAs == DType.FLOAT64 ? t : t.to(e.type().loadsAs);
    }
}
