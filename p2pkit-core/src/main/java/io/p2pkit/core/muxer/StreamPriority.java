package io.p2pkit.core.muxer;

/**
 * A stream's share of its connection's send capacity when several streams of that connection have
 * data to send at once: a weight from {@value #MIN_WEIGHT} to {@value #MAX_WEIGHT}. Under
 * contention each stream gets bytes in proportion to its weight, and a small write of a heavier
 * stream goes ahead of the queued writes of lighter ones; no stream is starved, a light one just
 * gets a smaller share. Without contention the weight changes nothing.
 *
 * <p>Three named levels cover most uses, four times apart:
 * {@link #LOW} (4), {@link #NORMAL} (16, every stream's default) and {@link #HIGH} (64);
 * {@link #weight(int)} gives any other weight. Priorities are local: they order what this side
 * sends and are not told to the remote.
 *
 * <pre>{@code
 * Stream s = host.newStream(peer, "/myapp/sync/1.0.0");
 * s.setPriority(StreamPriority.LOW);   // bulk transfer: yield to everything else
 * }</pre>
 *
 * @param weight the stream's weight, {@value #MIN_WEIGHT} to {@value #MAX_WEIGHT}
 */
public record StreamPriority(int weight) {
    /** The smallest weight. */
    public static final int MIN_WEIGHT = 1;
    /** The largest weight. */
    public static final int MAX_WEIGHT = 256;
    /** For bulk transfers that should yield to everything else: weight 4. */
    public static final StreamPriority LOW = new StreamPriority(4);
    /** Every stream's priority until changed: weight 16. */
    public static final StreamPriority NORMAL = new StreamPriority(16);
    /** For small, latency-sensitive requests and control messages: weight 64. */
    public static final StreamPriority HIGH = new StreamPriority(64);

    /** Checks the weight's range. */
    public StreamPriority {
        if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("stream weight must be " + MIN_WEIGHT + " to " + MAX_WEIGHT + ": " + weight);
        }
    }

    /** The priority of weight {@code weight}, {@value #MIN_WEIGHT} to {@value #MAX_WEIGHT}. */
    public static StreamPriority weight(int weight) {
        return switch (weight) {
            case 4 -> LOW;
            case 16 -> NORMAL;
            case 64 -> HIGH;
            default -> new StreamPriority(weight);
        };
    }

    @Override
    public String toString() {
        return switch (weight) {
            case 4 -> "LOW";
            case 16 -> "NORMAL";
            case 64 -> "HIGH";
            default -> "weight " + weight;
        };
    }
}
