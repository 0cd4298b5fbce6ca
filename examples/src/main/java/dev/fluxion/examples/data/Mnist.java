package dev.fluxion.examples.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;

/**
 * Reads MNIST in its IDX format, gzipped or not: the 10,000-digit sample shipped with the examples,
 * or the full-size files given by path.
 *
 * @param images {@code count × 784} grey levels scaled to [0, 1], row-major
 * @param labels {@code count} digits 0–9
 */
public record Mnist(float[] images, int[] labels) {
    /** Pixels per image. */
    public static final int PIXELS = 28 * 28;

    /** Number of images. */
    public int count() {
        return labels.length;
    }

    /** The sample of 10,000 digits shipped as a resource of the examples. */
    public static Mnist sample() {
        String base = "/dev/fluxion/examples/data/mnist-10k/";
        try (InputStream images = resource(base + "images-idx3-ubyte.gz");
                InputStream labels = resource(base + "labels-idx1-ubyte.gz")) {
            return read(images, labels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads an images file and a labels file; each may be gzipped. */
    public static Mnist read(InputStream images, InputStream labels) throws IOException {
        DataInputStream in = new DataInputStream(maybeGunzip(images));
        int magic = in.readInt();
        if (magic != 0x00000803) {
            throw new IOException("not an IDX image file: magic " + Integer.toHexString(magic));
        }
        int count = in.readInt();
        int rows = in.readInt();
        int cols = in.readInt();
        if (rows * cols != PIXELS) {
            throw new IOException("expected 28×28 images, found " + rows + "×" + cols);
        }
        byte[] raw = in.readNBytes(count * PIXELS);
        if (raw.length != count * PIXELS) {
            throw new IOException("image file truncated: " + raw.length + " of " + count * PIXELS + " bytes");
        }
        float[] pixels = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            pixels[i] = (raw[i] & 0xff) / 255f;
        }
        DataInputStream lin = new DataInputStream(maybeGunzip(labels));
        int lmagic = lin.readInt();
        if (lmagic != 0x00000801) {
            throw new IOException("not an IDX label file: magic " + Integer.toHexString(lmagic));
        }
        int lcount = lin.readInt();
        if (lcount != count) {
            throw new IOException(count + " images but " + lcount + " labels");
        }
        byte[] rawLabels = lin.readNBytes(count);
        int[] digits = new int[count];
        for (int i = 0; i < count; i++) {
            digits[i] = rawLabels[i] & 0xff;
        }
        return new Mnist(pixels, digits);
    }

    private static InputStream maybeGunzip(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in) : in;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = Mnist.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("missing resource " + name);
        }
        return in;
    }
}
