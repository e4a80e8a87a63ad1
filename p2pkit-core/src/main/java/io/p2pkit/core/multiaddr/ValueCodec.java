package io.p2pkit.core.multiaddr;

/**
 * Converts one protocol's value between its text form and its raw bytes. Implementations are
 * stateless and shared; they throw {@link io.p2pkit.core.DecodeException} for bad input.
 */
interface ValueCodec {
    /** Parses the text form of a value into raw bytes that {@link #validate} accepts. */
    byte[] parse(String text);

    /** Prints raw bytes (already validated) in the canonical text form. */
    String format(byte[] src, int offset, int length);

    /** Checks that raw bytes received from outside are a well-formed value. */
    void validate(byte[] src, int offset, int length);
}
