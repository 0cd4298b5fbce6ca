package dev.fluxion.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.DType;
import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader and writer against the public format spec, byte by byte. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    /** A file assembled from the spec by hand: length prefix, JSON header, raw little-endian data. */
    @Test
    void readsAFileBuiltByteByByteFromTheSpec() {
        String json = "{\"__metadata__\":{\"who\":\"spec\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]}}";
        byte[] header = json.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        int n = header.length;
        // N as an unsigned little-endian 64-bit integer
        file.writeBytes(new byte[] {(byte) n, (byte) (n >> 8), 0, 0, 0, 0, 0, 0});
        file.writeBytes(header);
        file.writeBytes(new byte[] {0x00, 0x00, (byte) 0x80, 0x3F}); // 1.0f = 0x3F800000
        file.writeBytes(new byte[] {0x00, 0x00, 0x20, (byte) 0xC0}); // -2.5f = 0xC0200000
        file.writeBytes(new byte[] {0x07, 0x01, 0, 0, 0, 0, 0, 0}); // 263 = 0x0107
        SafeTensors.Contents c = SafeTensors.fromBytes(file.toByteArray(), "spec.safetensors");
        assertEquals(List.of("w", "n"), List.copyOf(c.tensors().keySet()));
        Tensor w = c.tensors().get("w");
        assertEquals(DType.FLOAT32, w.dtype());
        assertArrayEquals(new int[] {2}, w.shape());
        assertArrayEquals(new float[] {1.0f, -2.5f}, w.toFloatArray());
        Tensor count = c.tensors().get("n");
        assertEquals(DType.INT64, count.dtype());
        assertEquals(0, count.dim());
        assertEquals(263.0, count.item());
        assertEquals(Map.of("who", "spec"), c.metadata());
    }

    @Test
    void writesTheLayoutTheSpecDescribes() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.of(1.0f, -2.5f));
        tensors.put("b", Tensor.of(0.5));
        byte[] bytes = SafeTensors.toBytes(tensors, Map.of());
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = in.getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        // Header in the map's order; data widest type first, so the F64 is 8-aligned.
        assertEquals("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                + "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", header.stripTrailing());
        assertTrue(header.substring(header.stripTrailing().length()).chars().allMatch(ch -> ch == ' '));
        assertEquals(8 + n + 16, bytes.length);
        in.position(8 + (int) n);
        assertEquals(0.5, in.getDouble());
        assertEquals(1.0f, in.getFloat());
        assertEquals(-2.5f, in.getFloat());
    }

    @Test
    void roundTripsEveryDtypeViewsScalarsEmptiesAndMetadata() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("f32.transposed", Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).t());
        tensors.put("f64", Tensor.of(Math.PI, -0.0, Double.MIN_VALUE, Double.MAX_VALUE));
        tensors.put("i64", Tensor.of(3.0, -7.0, 9007199254740992.0).to(DType.INT64));
        tensors.put("bool", Tensor.of(1f, -1f, 2f).gt(0));
        tensors.put("scalar", Tensor.scalar(2.5, DType.FLOAT32));
        tensors.put("empty", Tensor.zeros(0, 3));
        tensors.put("naïve \"quoted\" name", Tensor.of(Float.NaN, Float.NEGATIVE_INFINITY));
        Path file = dir.resolve("all.safetensors");
        SafeTensors.save(file, tensors, Map.of("format", "pt", "note", "line\nbreak"));
        SafeTensors.Contents back = SafeTensors.read(file);
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.tensors().keySet()));
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor got = back.tensors().get(e.getKey());
            assertEquals(e.getValue().dtype(), got.dtype(), e.getKey());
            assertArrayEquals(e.getValue().shape(), got.shape(), e.getKey());
            assertArrayEquals(e.getValue().toDoubleArray(), got.toDoubleArray(), e.getKey());
        }
        assertEquals(Map.of("format", "pt", "note", "line\nbreak"), back.metadata());
    }

    @Test
    void readsAFileWrittenByNumpy() throws IOException {
        byte[] bytes;
        try (InputStream in = SafeTensorsTest.class.getResourceAsStream("numpy_fixture.safetensors")) {
            bytes = in.readAllBytes();
        }
        SafeTensors.Contents c = SafeTensors.fromBytes(bytes, "numpy_fixture.safetensors");
        Map<String, Tensor> t = c.tensors();
        float[] w = new float[6];
        for (int k = 0; k < 6; k++) {
            w[k] = k / 4f - 1;
        }
        assertArrayEquals(new int[] {2, 3}, t.get("fc1.weight").shape());
        assertArrayEquals(w, t.get("fc1.weight").toFloatArray());
        assertArrayEquals(new float[] {0.1f, -0.2f}, t.get("fc1.bias").toFloatArray());
        assertEquals(DType.FLOAT64, t.get("scale").dtype());
        assertArrayEquals(new double[] {-1, -0.5, 0, 0.5, 1}, t.get("scale").toDoubleArray());
        assertEquals(123456789012.0, t.get("bn.num_batches_tracked").item());
        assertEquals(0, t.get("bn.num_batches_tracked").dim());
        assertArrayEquals(new double[] {3, -1, 0, 9}, t.get("labels").toDoubleArray());
        assertEquals(DType.BOOL, t.get("mask").dtype());
        assertArrayEquals(new double[] {1, 0, 1}, t.get("mask").toDoubleArray());
        assertEquals(DType.FLOAT32, t.get("half").dtype());
        assertArrayEquals(new float[] {0.5f, -2f, 65504f}, t.get("half").toFloatArray());
        assertArrayEquals(new int[] {0, 4}, t.get("empty").shape());
        assertEquals("np", c.metadata().get("format"));
    }

    @Test
    void readsBf16AndNarrowIntegers() {
        String json = "{\"h\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"u\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[4,6]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[6,10]}}";
        ByteBuffer b = file(json, 10);
        b.putShort((short) 0x3FC0).putShort((short) 0xC100); // bf16 1.5, -8
        b.put((byte) 200).put((byte) 7).putInt(-123456);
        Map<String, Tensor> t = SafeTensors.fromBytes(b.array(), "x").tensors();
        assertArrayEquals(new float[] {1.5f, -8f}, t.get("h").toFloatArray());
        assertArrayEquals(new double[] {200, 7}, t.get("u").toDoubleArray());
        assertArrayEquals(new double[] {-123456}, t.get("i").toDoubleArray());
    }

    // ---------------------------------------------------------------- corrupt files

    @Test
    void rejectsATooShortFile() {
        assertRejected(new byte[] {1, 2, 3}, "too short");
    }

    @Test
    void rejectsAHeaderLengthBeyondTheFile() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000);
        assertRejected(b.array(), "header length 1000 is beyond the end of the file");
        ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1);
        assertRejected(huge.array(), "header length 18446744073709551615 is beyond the end");
    }

    @Test
    void rejectsBadJson() {
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", 4).array(), "not valid JSON");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],}}", 4).array(), "not valid JSON");
        assertRejected(file("[1]", 0).array(), "does not begin with '{'");
        assertRejected(file("{\"a\":1,\"a\":2}", 0).array(), "duplicate key \"a\"");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4).array(),
                "only integers");
        byte[] badUtf8 = file("{\"\u00e9\":{}}", 0).array();
        badUtf8[10] = (byte) 0xFF;
        assertRejected(badUtf8, "not valid UTF-8");
    }

    @Test
    void rejectsBadEntries() {
        assertRejected(file("{\"a\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4).array(),
                "tensor \"a\": unsupported dtype \"F128\"");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4).array(),
                "tensor \"a\": shape [-1] has a size out of range");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4).array(),
                "tensor \"a\": \"data_offsets\" must be an array of 2 integers");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4).array(),
                "tensor \"a\": unknown field \"x\"");
        assertRejected(file("{\"__metadata__\":{\"k\":1}}", 0).array(), "\"__metadata__\" value of \"k\" is not a string");
    }

    @Test
    void rejectsAByteCountThatDisagreesWithDtypeAndShape() {
        assertRejected(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8).array(),
                "tensor \"a\": data_offsets [0, 8] span 8 bytes, but F64 of shape [2] needs 16");
    }

    @Test
    void rejectsOverlapsHolesTruncationAndTrailingBytes() {
        String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertRejected(file(overlap, 8).array(), "tensor \"b\": data_offsets [4, 8] overlap");
        String hole = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertRejected(file(hole, 12).array(), "tensor \"b\": data_offsets [8, 12] leave a hole after byte 4");
        String one = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertRejected(file(one, 5).array(), "data_offsets reach byte 8 but the data section has only 5 bytes");
        assertRejected(file(one, 12).array(), "4 bytes after the last tensor");
    }

    @Test
    void rejectsATruncatedSavedFileNamingTheFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafeTensors.save(file, Map.of("w", Tensor.ones(4, 4)));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        FluxionException e = assertThrows(FluxionException.class, () -> SafeTensors.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void rejectsBoolBytesOtherThanZeroAndOne() {
        ByteBuffer b = file("{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
        b.put((byte) 1).put((byte) 2);
        assertRejected(b.array(), "tensor \"m\": BOOL byte 2 is neither 0 nor 1");
    }

    @Test
    void loadingAMissingFileNamesIt() {
        Path missing = dir.resolve("nope.safetensors");
        FluxionException e = assertThrows(FluxionException.class, () -> SafeTensors.load(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    // ---------------------------------------------------------------- atomic save

    @Test
    void aSaveThatFailsHalfWayLeavesThePreviousFileAndNoTemporary() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        SafeTensors.save(file, Map.of("w", Tensor.of(1f, 2f)));
        byte[] before = Files.readAllBytes(file);
        SafeTensors.StreamWrapper diskFullAfter20Bytes = out -> new FilterOutputStream(out) {
            int written;

            @Override
            public void write(int b) throws IOException {
                if (++written > 20) {
                    throw new IOException("No space left on device");
                }
                super.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) {
                    write(b[off + i]);
                }
            }
        };
        FluxionException e = assertThrows(FluxionException.class,
                () -> SafeTensors.write(file, Map.of("w", Tensor.ones(100)), Map.of(), diskFullAfter20Bytes));
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aSaveIntoAMissingDirectoryFailsClearlyAndCreatesNothing() {
        Path file = dir.resolve("no/such/dir/x.safetensors");
        FluxionException e = assertThrows(FluxionException.class, () -> SafeTensors.save(file, Map.of("w", Tensor.ones(1))));
        assertTrue(e.getMessage().contains("cannot write " + file), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("no")));
    }

    @Test
    void savingRejectsNullTensorsAndReservedNames() {
        Map<String, Tensor> withNull = new LinkedHashMap<>();
        withNull.put("w", null);
        assertThrows(FluxionException.class, () -> SafeTensors.save(dir.resolve("a"), withNull));
        assertThrows(FluxionException.class, () -> SafeTensors.save(dir.resolve("b"), Map.of("__metadata__", Tensor.ones(1))));
        assertThrows(FluxionException.class, () -> SafeTensors.save(dir.resolve("c"), Map.of("", Tensor.ones(1))));
        assertTrue(Files.notExists(dir.resolve("a")));
    }

    /** A buffer holding the length prefix and {@code json}, positioned at the data section of {@code dataBytes}. */
    private static ByteBuffer file(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b;
    }

    private static void assertRejected(byte[] bytes, String expected) {
        FluxionException e = assertThrows(FluxionException.class, () -> SafeTensors.fromBytes(bytes, "bad.safetensors"));
        assertTrue(e.getMessage().startsWith("SafeTensors.load bad.safetensors: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
