package io.p2pkit.ipfs.codec;

/**
 * A value that a codec cannot write: a map that is not a DAG-PB node, a DAG-JSON map that would
 * read back as a link, a structure nested past the depth cap. The message says which codec and why.
 */
public class EncodeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String codec;

    /**
     * @param codec   the codec's name, e.g. {@code "dag-pb"}
     * @param message what could not be written
     */
    public EncodeException(String codec, String message) {
        super(codec + ": " + message);
        this.codec = codec;
    }

    /** @return the codec's name */
    public String codec() {
        return codec;
    }
}
