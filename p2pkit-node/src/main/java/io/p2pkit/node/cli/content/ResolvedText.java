package io.p2pkit.node.cli.content;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.path.ResolvedPath;

import java.util.List;

/**
 * Where a path leads, written as Kubo's {@code resolve} writes it: {@code /<namespace>/<cid>}
 * and what is left of the path inside that block. The CID takes the multibase of the CID the
 * argument starts with, a CIDv0 result then written as CIDv1 ({@code /ipfs/bafy…/a} gives
 * {@code bafy…}, as Kubo's encoder from the path); after a CIDv0, an {@code /ipns/} name or
 * anything else, version 0 stays {@code Qm…} and version 1 is base32.
 */
public final class ResolvedText {
    private ResolvedText() {
    }

    /**
     * @param given    the argument as given
     * @param resolved where the argument (or the {@code /ipfs/} path its name led to) leads
     * @return the path text
     */
    public static String of(String given, ResolvedPath resolved) {
        StringBuilder b = new StringBuilder().append('/').append(resolved.path().namespace().prefix()).append('/')
                .append(encode(given, resolved.cid()));
        resolved.remainder().forEach(s -> b.append('/').append(s));
        return b.toString();
    }

    /** A path without segments: its root, whose block Kubo does not read to resolve it. */
    public static ResolvedPath unread(IpfsPath path) {
        return new ResolvedPath(path, path.root(), List.of(), new Link(path.root()));
    }

    /** {@code cid} in the encoding Kubo derives from {@code given}. */
    static String encode(String given, Cid cid) {
        if (given.startsWith("/ipns/")) {
            return cid.toString();
        }
        String[] parts = given.split("/", 4);
        String first = !parts[0].isEmpty() ? parts[0] : parts.length >= 3 ? parts[2] : "";
        try {
            if (Cid.parse(first).version() == 0) {
                return cid.toString();
            }
            return cid.toV1().toString(Multibase.encodingOf(first));
        } catch (IllegalArgumentException e) {
            return cid.toString(); // no CID there: Kubo keeps its default encoder
        }
    }
}
