package dev.fluxion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each image moves as a whole by the shifts the generator draws, the border filled; the same seed, the same batch. */
class RandomShiftTest {
    @Test
    void eachImageMovesByTheDrawnShiftAndTheBorderIsFilled() {
        float[] data = new float[2 * 2 * 4 * 5];
        for (int i = 0; i < data.length; i++) {
            data[i] = i + 1;
        }
        Tensor images = Tensor.fromArray(data, 2, 2, 4, 5);
        Tensor out = RandomShift.apply(images, 2, -9, new Random(7));
        Random draws = new Random(7);
        float[] o = out.toFloatArray();
        for (int i = 0; i < 2; i++) {
            int dy = draws.nextInt(5) - 2;
            int dx = draws.nextInt(5) - 2;
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 5; x++) {
                        int sy = y - dy;
                        int sx = x - dx;
                        float expected = sy < 0 || sy >= 4 || sx < 0 || sx >= 5 ? -9 : data[((i * 2 + c) * 4 + sy) * 5 + sx];
                        assertEquals(expected, o[((i * 2 + c) * 4 + y) * 5 + x], "image " + i + " channel " + c + " at " + y + "," + x);
                    }
                }
            }
        }
        assertArrayEquals(o, RandomShift.apply(images, 2, -9, new Random(7)).toFloatArray(), "the same seed, the same shifts");
        assertArrayEquals(data, RandomShift.apply(images, 0, -9, new Random(7)).toFloatArray(), "no shift: a copy");
    }

    @Test
    void badShapesAndShiftsAreClearErrors() {
        FluxionException e = assertThrows(FluxionException.class,
                () -> RandomShift.apply(Tensor.zeros(3, 28, 28), 2, 0, new Random(1)));
        assertTrue(e.getMessage().contains("must be 4-D [N, C, H, W], got shape [3, 28, 28]"), e.getMessage());
        e = assertThrows(FluxionException.class, () -> RandomShift.apply(Tensor.zeros(1, 1, 3, 3), 3, 0, new Random(1)));
        assertTrue(e.getMessage().contains("the largest shift must be in [0, 3)"), e.getMessage());
    }
}
