package io.p2pkit.ipfs.ipld;

/** The kinds of the IPLD data model, one per {@link Node} type. */
public enum Kind {
    NULL("null"),
    BOOLEAN("boolean"),
    INTEGER("integer"),
    FLOAT("float"),
    STRING("string"),
    BYTES("bytes"),
    LIST("list"),
    MAP("map"),
    LINK("link");

    private final String label;

    Kind(String label) {
        this.label = label;
    }

    /** @return the lower-case name used in error messages, e.g. {@code "map"} */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
