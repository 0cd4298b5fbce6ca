package dev.fluxion.cuda;

import dev.fluxion.Device;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceTest {

    @Test
    void devicesPrintAsPyTorchAndCompareByValue() {
        assertEquals("cpu", Device.cpu().toString());
        assertEquals("cuda:0", Device.cuda().toString());
        assertEquals("cuda:3", Device.cuda(3).toString());
        assertEquals(Device.cuda(0), Device.cuda());
        assertTrue(Device.cuda(1).isCuda());
        assertFalse(Device.cpu().isCuda());
    }

    @Test
    void negativeOrdinalsAndNumberedCpusAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Device.cuda(-1));
        assertThrows(IllegalArgumentException.class, () -> new Device(Device.Kind.CPU, 1));
    }

    @Test
    void broadcastSuffixRule() {
        assertTrue(Checks.isSuffix(new int[] {4}, new int[] {3, 4}));
        assertTrue(Checks.isSuffix(new int[] {1, 4}, new int[] {3, 4}));
        assertTrue(Checks.isSuffix(new int[] {}, new int[] {3, 4}));
        assertFalse(Checks.isSuffix(new int[] {3}, new int[] {3, 4}));
        assertFalse(Checks.isSuffix(new int[] {2, 3, 4}, new int[] {3, 4}));
    }
}
