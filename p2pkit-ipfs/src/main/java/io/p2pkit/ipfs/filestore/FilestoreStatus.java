package io.p2pkit.ipfs.filestore;

/**
 * What {@code filestore verify} found for a block, with boxo's codes and words.
 */
public enum FilestoreStatus {
    /** The block can be read back from its file. */
    OK(0, "ok"),
    /** The file could not be read for another reason than its absence. */
    FILE_ERROR(10, "error"),
    /** The file is not there. */
    FILE_NOT_FOUND(11, "no-file"),
    /** The file's bytes at the block's range no longer hash to the block. */
    FILE_CHANGED(12, "changed"),
    /** The reference itself is damaged. */
    OTHER_ERROR(20, "ERROR"),
    /** No reference for the CID asked about. */
    KEY_NOT_FOUND(30, "missing");

    private final int code;
    private final String word;

    FilestoreStatus(int code, String word) {
        this.code = code;
        this.word = word;
    }

    /** @return boxo's number, the {@code Status} of the JSON output */
    public int code() {
        return code;
    }

    /**
     * @param code boxo's number
     * @return its status
     * @throws IllegalArgumentException when boxo has no such status
     */
    public static FilestoreStatus of(int code) {
        for (FilestoreStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("no filestore status " + code);
    }

    /** @return whether {@code verify --remove-bad-blocks} removes such a reference (all but ok and ERROR, as Kubo) */
    public boolean removable() {
        return this != OK && this != OTHER_ERROR;
    }

    /** @return the word the text output shows */
    public String word() {
        return word;
    }
}
