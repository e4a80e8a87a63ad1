package io.p2pkit.core.resource;

/**
 * Priorities of memory reservations, as in go-libp2p: a reservation of priority {@code p} succeeds
 * only while the scope stays under {@code (p + 1) / 256} of its memory limit, so that optional
 * buffers give way before essential ones.
 */
public final class MemoryPriority {
    /** May use up to about 40 % of the limit. */
    public static final int LOW = 101;
    /** May use up to about 60 % of the limit. */
    public static final int MEDIUM = 152;
    /** May use up to about 80 % of the limit. */
    public static final int HIGH = 203;
    /** May use the whole limit. */
    public static final int ALWAYS = 255;

    private MemoryPriority() {
    }
}
