package dev.fluxion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.DType;
import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV and IDX readers against files written byte by byte. */
class ReadersTest {
    @TempDir
    Path dir;

    @Test
    void csvWithHeader() throws IOException {
        Path f = dir.resolve("moons.csv");
        Files.writeString(f, "\uFEFFx1, x2 ,label\n0.5,-1e-3,1\n\n\"2\",NaN,0\r\n-inf,3.25,1\n");
        Csv.Table t = Csv.read(f, true);
        assertEquals(List.of("x1", "x2", "label"), t.columns());
        assertArrayEquals(new int[] {3, 3}, t.values().shape());
        assertEquals(DType.FLOAT32, t.values().dtype());
        assertArrayEquals(new float[] {0.5f, -1e-3f, 1, 2, Float.NaN, 0, Float.NEGATIVE_INFINITY, 3.25f, 1},
                t.values().toFloatArray());
        assertArrayEquals(new float[] {1, 0, 1}, t.column("label").toFloatArray());
    }

    @Test
    void csvWithoutHeaderSemicolonsFloat64() throws IOException {
        Path f = dir.resolve("t.csv");
        Files.writeString(f, "1;2\n3;0.1\n");
        Csv.Table t = Csv.read(f, false, ';', DType.FLOAT64);
        assertEquals(List.of("0", "1"), t.columns());
        assertArrayEquals(new double[] {1, 2, 3, 0.1}, t.values().toDoubleArray());
    }

    @Test
    void csvErrorsNameFileLineAndColumn() throws IOException {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "a,b\n1,2\n3,oops\n");
        FluxionException e = assertThrows(FluxionException.class, () -> Csv.read(f, true));
        assertEquals("Csv.read " + f + ":3: column 2 holds \"oops\", which is not a number", e.getMessage());
        Files.writeString(f, "1,2\n3\n");
        e = assertThrows(FluxionException.class, () -> Csv.read(f, false));
        assertEquals("Csv.read " + f + ":2: 1 cells, expected 2", e.getMessage());
        Files.writeString(f, "1,,2\n");
        assertThrows(FluxionException.class, () -> Csv.read(f, false));
        Files.writeString(f, "0x1p3\n");
        assertThrows(FluxionException.class, () -> Csv.read(f, false));
    }

    /** An MNIST-style file: magic 0x00000803 (unsigned bytes, rank 3), sizes, pixels. */
    private static byte[] idxImages(int n, int h, int w) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000803);
        out.writeInt(n);
        out.writeInt(h);
        out.writeInt(w);
        for (int i = 0; i < n * h * w; i++) {
            out.writeByte((i * 37) % 256);
        }
        return bytes.toByteArray();
    }

    @Test
    void idxUnsignedBytesPlainAndGzipped() throws IOException {
        byte[] raw = idxImages(2, 3, 4);
        Path plain = dir.resolve("images-idx3-ubyte");
        Files.write(plain, raw);
        Path gz = dir.resolve("images-idx3-ubyte.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(raw);
        }
        float[] expected = new float[24];
        for (int i = 0; i < 24; i++) {
            expected[i] = (i * 37) % 256; // values above 127 prove the bytes are read unsigned
        }
        for (Path f : List.of(plain, gz)) {
            Tensor t = Idx.read(f);
            assertArrayEquals(new int[] {2, 3, 4}, t.shape());
            assertEquals(DType.FLOAT32, t.dtype());
            assertArrayEquals(expected, t.toFloatArray());
        }
    }

    @Test
    void idxWiderTypesAreBigEndian() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000C01); // int32, rank 1
        out.writeInt(2);
        out.writeInt(-70000);
        out.writeInt(123456789);
        Tensor ints = Idx.read(new java.io.ByteArrayInputStream(bytes.toByteArray()), "ints");
        assertEquals(DType.FLOAT64, ints.dtype());
        assertArrayEquals(new double[] {-70000, 123456789}, ints.toDoubleArray());
        bytes.reset();
        out.writeInt(0x00000E01); // float64, rank 1
        out.writeInt(1);
        out.writeDouble(-0.1);
        assertEquals(-0.1, Idx.read(new java.io.ByteArrayInputStream(bytes.toByteArray()), "d").item());
    }

    @Test
    void idxRejectsTruncatedTrailingAndBadMagic() throws IOException {
        byte[] raw = idxImages(2, 2, 2);
        Path f = dir.resolve("x.idx");
        Files.write(f, Arrays.copyOf(raw, raw.length - 1));
        FluxionException e = assertThrows(FluxionException.class, () -> Idx.read(f));
        assertTrue(e.getMessage().startsWith("Idx.read " + f + ": truncated: shape [2, 2, 2] needs 8 bytes"), e.getMessage());
        Files.write(f, Arrays.copyOf(raw, raw.length + 1));
        e = assertThrows(FluxionException.class, () -> Idx.read(f));
        assertTrue(e.getMessage().contains("bytes after the 8 elements"), e.getMessage());
        raw[0] = 1;
        Files.write(f, raw);
        e = assertThrows(FluxionException.class, () -> Idx.read(f));
        assertTrue(e.getMessage().contains("bad magic number"), e.getMessage());
        raw[0] = 0;
        raw[2] = 0x0A;
        Files.write(f, raw);
        e = assertThrows(FluxionException.class, () -> Idx.read(f));
        assertTrue(e.getMessage().contains("unknown element type 0xa"), e.getMessage());
        Path gz = dir.resolve("t.gz");
        byte[] good = idxImages(4, 4, 4);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(z)) {
            out.write(good);
        }
        Files.write(gz, Arrays.copyOf(z.toByteArray(), z.size() / 2));
        assertThrows(FluxionException.class, () -> Idx.read(gz));
    }
}
