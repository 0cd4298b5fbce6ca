package dev.fluxion.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file, parsed and validated, or built for writing.
 *
 * <p>The format (public spec, huggingface/safetensors): 8 bytes, an unsigned little-endian 64-bit
 * header length {@code N}; {@code N} bytes of UTF-8 JSON starting with <code>{</code>, possibly padded at
 * the end with spaces; then the data section. The JSON maps each tensor name to
 * <code>{"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}</code>, offsets in bytes
 * relative to the start of the data section, plus an optional {@code "__metadata__"} object of
 * string to string. The tensors' byte ranges must tile the data section exactly: no overlaps, no
 * holes, nothing left over.
 *
 * @param entries the tensors in header order
 * @param metadata the {@code __metadata__} strings (empty if absent)
 */
record Header(List<Entry> entries, Map<String, String> metadata) {
    /** The key of the optional string-to-string metadata object. */
    static final String METADATA_KEY = "__metadata__";

    /** Headers larger than this are refused before being read, as the reference implementation does. */
    static final long MAX_HEADER_BYTES = 100_000_000;

    /**
     * One tensor's header entry.
     *
     * @param name the key
     * @param type its element type
     * @param shape its shape (row-major)
     * @param begin first byte in the data section
     * @param end one past the last byte
     */
    record Entry(String name, StorageType type, int[] shape, long begin, long end) {}

    /**
     * Parses and validates a header against a data section of {@code dataBytes} bytes.
     *
     * @throws IllegalArgumentException saying what is wrong and, where it applies, under which key
     */
    static Header parse(byte[] json, long dataBytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the header is not valid UTF-8");
        }
        if (text.isEmpty() || text.charAt(0) != '{') {
            throw new IllegalArgumentException("the header does not begin with '{'");
        }
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the header is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("the header is not a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = (String) e.getKey();
            if (key.equals(METADATA_KEY)) {
                metadata = metadata(e.getValue());
            } else {
                entries.add(entry(key, e.getValue()));
            }
        }
        checkTiling(entries, dataBytes);
        return new Header(List.copyOf(entries), Map.copyOf(metadata));
    }

    private static Map<String, String> metadata(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("\"__metadata__\" must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new IllegalArgumentException("\"__metadata__\" value of \"" + e.getKey() + "\" is not a string");
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    private static Entry entry(String name, Object value) {
        if (!(value instanceof Map<?, ?> fields)) {
            throw new IllegalArgumentException("tensor \"" + name + "\": entry is not an object");
        }
        for (Object field : fields.keySet()) {
            if (!field.equals("dtype") && !field.equals("shape") && !field.equals("data_offsets")) {
                throw new IllegalArgumentException("tensor \"" + name + "\": unknown field \"" + field + "\"");
            }
        }
        if (!(fields.get("dtype") instanceof String dtypeName)) {
            throw new IllegalArgumentException("tensor \"" + name + "\": missing or non-string \"dtype\"");
        }
        StorageType type = StorageType.named(dtypeName);
        if (type == null) {
            throw new IllegalArgumentException("tensor \"" + name + "\": unsupported dtype \"" + dtypeName
                    + "\" (Fluxion reads " + StorageType.names() + ")");
        }
        List<Long> shapeList = integers(name, "shape", fields.get("shape"), -1);
        int[] shape = new int[shapeList.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            long s = shapeList.get(i);
            if (s < 0 || s > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor \"" + name + "\": shape " + shapeList + " has a size out of range");
            }
            shape[i] = (int) s;
            numel *= s; // both factors are below 2^31, so the product cannot overflow before the check
            if (numel > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor \"" + name + "\": shape " + shapeList
                        + " has more than 2^31-1 elements");
            }
        }
        List<Long> offsets = integers(name, "data_offsets", fields.get("data_offsets"), 2);
        long begin = offsets.get(0), end = offsets.get(1);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("tensor \"" + name + "\": data_offsets " + offsets + " are not a range");
        }
        if (end - begin != numel * type.bytes) {
            throw new IllegalArgumentException("tensor \"" + name + "\": data_offsets " + offsets + " span "
                    + (end - begin) + " bytes, but " + type + " of shape " + Arrays.toString(shape) + " needs "
                    + numel * type.bytes);
        }
        return new Entry(name, type, shape, begin, end);
    }

    private static List<Long> integers(String name, String field, Object value, int length) {
        if (!(value instanceof List<?> list) || (length >= 0 && list.size() != length)) {
            throw new IllegalArgumentException("tensor \"" + name + "\": \"" + field + "\" must be an array of "
                    + (length >= 0 ? length + " " : "") + "integers");
        }
        List<Long> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Long l)) {
                throw new IllegalArgumentException("tensor \"" + name + "\": \"" + field + "\" holds a non-integer");
            }
            out.add(l);
        }
        return out;
    }

    /** The byte ranges, sorted, must start at 0, touch end to end, and finish at the end of the data. */
    private static void checkTiling(List<Entry> entries, long dataBytes) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : sorted) {
            if (e.begin() < expected) {
                throw new IllegalArgumentException("tensor \"" + e.name() + "\": data_offsets [" + e.begin() + ", "
                        + e.end() + "] overlap the previous tensor's bytes (which end at " + expected + ")");
            }
            if (e.begin() > expected) {
                throw new IllegalArgumentException("tensor \"" + e.name() + "\": data_offsets [" + e.begin() + ", "
                        + e.end() + "] leave a hole after byte " + expected);
            }
            expected = e.end();
        }
        if (expected > dataBytes) {
            throw new IllegalArgumentException("data_offsets reach byte " + expected + " but the data section has only "
                    + dataBytes + " bytes (truncated file?)");
        }
        if (expected < dataBytes) {
            throw new IllegalArgumentException("the data section has " + (dataBytes - expected)
                    + " bytes after the last tensor that no tensor covers");
        }
    }

    /**
     * This header as the bytes of a file's header: the JSON, padded with spaces to a multiple of
     * 8 bytes so the data section starts aligned (allowed by the spec, done by the reference writer).
     */
    byte[] toBytes() {
        StringBuilder sb = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            sb.append(Json.quote(METADATA_KEY)).append(":{");
            boolean first = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                sb.append(first ? "" : ",").append(Json.quote(m.getKey())).append(':').append(Json.quote(m.getValue()));
                first = false;
            }
            sb.append('}');
        }
        for (Entry e : entries) {
            sb.append(sb.length() > 1 ? "," : "").append(Json.quote(e.name()))
                    .append(":{\"dtype\":\"").append(e.type().name()).append("\",\"shape\":[");
            for (int i = 0; i < e.shape().length; i++) {
                sb.append(i > 0 ? "," : "").append(e.shape()[i]);
            }
            sb.append("],\"data_offsets\":[").append(e.begin()).append(',').append(e.end()).append("]}");
        }
        sb.append('}');
        int length = sb.toString().getBytes(StandardCharsets.UTF_8).length;
        sb.append(" ".repeat((8 - length % 8) % 8));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
