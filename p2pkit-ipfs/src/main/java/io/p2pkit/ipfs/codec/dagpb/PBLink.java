package io.p2pkit.ipfs.codec.dagpb;

import io.p2pkit.core.multiformats.Cid;

import java.util.Objects;

/**
 * A DAG-PB link. {@code Name} and {@code Tsize} are optional in the format and an absent one is
 * not the same block as an empty or zero one, so both are nullable here; UnixFS always sets both,
 * which {@link #of(Cid, String, long)} does.
 *
 * @param hash  the CID linked to
 * @param name  the link's name, or null when absent (UnixFS: the file name in a directory, empty
 *              for the chunks of a file)
 * @param tsize the cumulative size of the linked DAG in bytes, or null when absent
 */
public record PBLink(Cid hash, String name, Long tsize) {
    /**
     * @throws IllegalArgumentException if {@code tsize} is negative or {@code name} is not valid
     *                                  Unicode text (an unpaired surrogate has no UTF-8 form)
     */
    public PBLink {
        Objects.requireNonNull(hash, "hash");
        if (tsize != null && tsize < 0) {
            throw new IllegalArgumentException("Tsize cannot be negative: " + tsize);
        }
        if (name != null) {
            for (int i = 0, n = name.length(); i < n; i++) {
                char c = name.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(name.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new IllegalArgumentException("link name has an unpaired surrogate at index " + i);
                }
            }
        }
    }

    /** @return a link with neither name nor size */
    public static PBLink of(Cid hash) {
        return new PBLink(hash, null, null);
    }

    /** @return a link with a name and a size, as UnixFS writes them */
    public static PBLink of(Cid hash, String name, long tsize) {
        return new PBLink(hash, name, tsize);
    }

    /** @return the name, or "" when absent (the order links sort in treats both alike) */
    public String nameOrEmpty() {
        return name == null ? "" : name;
    }
}
