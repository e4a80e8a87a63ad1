package io.p2pkit.interop;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One JSON line printed by a peer program: its {@code "event"} type and all its fields.
 *
 * @param type   the value of the {@code "event"} member
 * @param fields every member of the line, including {@code "event"}
 */
public record PeerEvent(String type, Map<String, Object> fields) {
    /**
     * Makes an event; the fields are copied.
     *
     * @param type   the event type
     * @param fields the event's members
     */
    public PeerEvent {
        Objects.requireNonNull(type, "type");
        fields = Map.copyOf(nullsAsMissing(fields));
    }

    /**
     * Reads a peer's output line.
     *
     * @param line one line of a peer's standard output
     * @return the event
     * @throws io.p2pkit.core.DecodeException if the line is not a JSON object with a string "event"
     */
    public static PeerEvent parse(String line) {
        Map<String, Object> m = Json.parseObject(line);
        if (!(m.get("event") instanceof String type)) {
            throw new io.p2pkit.core.DecodeException("event", "line has no string \"event\" member");
        }
        return new PeerEvent(type, m);
    }

    // Map.copyOf refuses null values; a JSON null is treated like an absent member.
    private static Map<String, Object> nullsAsMissing(Map<String, Object> fields) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>();
        fields.forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v);
            }
        });
        return copy;
    }

    /**
     * A string member.
     *
     * @param name the member name
     * @return its value, or {@code null} when absent or not a string
     */
    public String string(String name) {
        return fields.get(name) instanceof String s ? s : null;
    }

    /**
     * A boolean member.
     *
     * @param name the member name
     * @return its value, or {@code false} when absent or not a boolean
     */
    public boolean bool(String name) {
        return Boolean.TRUE.equals(fields.get(name));
    }

    /**
     * A numeric member.
     *
     * @param name the member name
     * @return its value, or {@code null} when absent or not a number
     */
    public Number number(String name) {
        return fields.get(name) instanceof Number n ? n : null;
    }

    /**
     * An array member of strings.
     *
     * @param name the member name
     * @return its string items (others skipped); empty when absent
     */
    public List<String> strings(String name) {
        if (!(fields.get(name) instanceof List<?> items)) {
            return List.of();
        }
        return items.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }

    @Override
    public String toString() {
        return type + fields;
    }

    /**
     * Checks a {@code ping} event. A peer prints it only after its ping protocol got its 32 random
     * bytes back unchanged (a mismatch is an {@code error} event, which fails the wait for this
     * one); what is left to check is the round trip it measured: a number, not negative (js-libp2p
     * counts whole milliseconds, so loopback may give 0) and within the step's deadline.
     *
     * @param deadline how long the step may take
     * @return the round trip in milliseconds
     */
    public double pingRoundTrip(java.time.Duration deadline) {
        if (!"ping".equals(type)) {
            throw new AssertionError("not a ping event: " + this);
        }
        Number rtt = number("rttMillis");
        if (rtt == null || !(rtt.doubleValue() >= 0 && rtt.doubleValue() <= deadline.toMillis())) {
            throw new AssertionError("ping round trip should be 0.." + deadline.toMillis() + " ms: " + this);
        }
        return rtt.doubleValue();
    }
}
