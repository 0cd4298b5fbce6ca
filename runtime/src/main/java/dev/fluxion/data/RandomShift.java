package dev.fluxion.data;

import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.util.Arrays;
import java.util.Random;

/**
 * Data augmentation for images: each image of a batch moved by a random whole number of pixels
 * along each axis, the uncovered border filled with a constant, as torchvision's
 * {@code RandomAffine(degrees=0, translate=...)} with integer shifts. Draws two shifts per image from
 * the generator, so a generator seeded per epoch gives the same batches in a resumed run.
 */
public final class RandomShift {
    private RandomShift() {}

    /**
     * A copy of {@code images} with each image shifted by up to {@code max} pixels each way.
     *
     * @param images {@code [n, c, h, w]}
     * @param max the largest shift, in pixels, along each axis (0: a plain copy)
     * @param fill the value of uncovered pixels (the background: 0 for raw grey levels, or its
     *     standardised value)
     * @param rng the generator of the shifts
     * @return a new float32 tensor of the same shape
     */
    public static Tensor apply(Tensor images, int max, double fill, Random rng) {
        int[] s = images.shape();
        if (s.length != 4) {
            throw new FluxionException("RandomShift: images must be 4-D [N, C, H, W], got shape " + Arrays.toString(s));
        }
        if (max < 0 || max >= Math.min(s[2], s[3])) {
            throw new FluxionException("RandomShift: the largest shift must be in [0, " + Math.min(s[2], s[3])
                    + ") for images of shape " + Arrays.toString(s) + ", got " + max);
        }
        int n = s[0];
        int c = s[1];
        int h = s[2];
        int w = s[3];
        float[] in = images.toFloatArray();
        float[] out = new float[in.length];
        Arrays.fill(out, (float) fill);
        for (int i = 0; i < n; i++) {
            int dy = rng.nextInt(2 * max + 1) - max;
            int dx = rng.nextInt(2 * max + 1) - max;
            for (int ch = 0; ch < c; ch++) {
                int plane = (i * c + ch) * h * w;
                for (int y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
                    System.arraycopy(in, plane + (y - dy) * w + Math.max(0, -dx), out, plane + y * w + Math.max(0, dx),
                            w - Math.abs(dx));
                }
            }
        }
        return Tensor.fromArray(out, s);
    }
}
