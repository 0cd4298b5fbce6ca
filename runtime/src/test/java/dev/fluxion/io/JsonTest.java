package dev.fluxion.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict JSON reader of safetensors headers. */
class JsonTest {
    @Test
    void readsTheValuesAHeaderHolds() {
        Object v = Json.parse(" {\"a\": [1, -2, 0], \"b\": {\"c\": \"d\"}, \"t\": true, \"f\": false, \"n\": null}  ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -2L, 0L), m.get("a"));
        assertEquals(Map.of("c", "d"), m.get("b"));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertEquals(Boolean.FALSE, m.get("f"));
        assertSame(Json.NULL, m.get("n"));
        assertEquals(List.of("a", "b", "t", "f", "n"), List.copyOf(m.keySet()), "file order kept");
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
    }

    @Test
    void decodesEveryEscape() {
        assertEquals("q\"b\\s/\b\f\n\r\té😀", Json.parse("\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\""));
        String tricky = "tab\there \"quoted\" back\\slash\u0001";
        assertEquals(tricky, Json.parse(Json.quote(tricky)));
    }

    @Test
    void refusesWhatIsNotStrictJson() {
        for (String bad : new String[] {"{\"a\":1,}", "[1,]", "{'a':1}", "{\"a\":01}", "{\"a\":1.5}", "{\"a\":1e3}",
                "{\"a\":1} x", "{\"a\":1,\"a\":2}", "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "-",
                "{\"a\" 1}", "tru", "\"raw\ncontrol\"", "99999999999999999999", "{\"a\":[1 2]}", ""}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(100)));
        assertTrue(e.getMessage().startsWith("nesting deeper than 64"), e.getMessage());
    }
}
