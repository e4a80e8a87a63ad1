package io.p2pkit.ipfs.path;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A content path: a namespace, a root CID and the segments below it, as in
 * {@code /ipfs/bafy…/docs/readme.md} or {@code /ipld/bafy…/a/0/b}.
 *
 * <p>{@code /ipfs/} paths follow UnixFS names through DAG-PB nodes (a segment names a link), as
 * Kubo does; {@code /ipld/} paths walk the data model everywhere (through DAG-PB as
 * {@code Links/0/Hash}). In DAG-CBOR and DAG-JSON both walk the data model: map keys and list
 * indexes, crossing links into the blocks they name.
 *
 * @param namespace the namespace
 * @param root      the CID the path starts at
 * @param segments  the segments below the root (none empty, none {@code .} or {@code ..}, none
 *                  holding a {@code /})
 */
public record IpfsPath(Namespace namespace, Cid root, List<String> segments) {
    /** The longest path text {@link #parse} accepts, in characters. */
    public static final int MAX_LENGTH = 64 * 1024;

    /** Where a path's segments are resolved. */
    public enum Namespace {
        /** Names through DAG-PB (UnixFS), the data model elsewhere. */
        IPFS("ipfs"),
        /** The data model everywhere. */
        IPLD("ipld");

        private final String prefix;

        Namespace(String prefix) {
            this.prefix = prefix;
        }

        /** @return the namespace as written in a path, e.g. {@code "ipfs"} */
        public String prefix() {
            return prefix;
        }
    }

    /**
     * @throws IllegalArgumentException when a segment is empty, {@code .}, {@code ..} or holds a {@code /}
     */
    public IpfsPath {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(root, "root");
        segments = List.copyOf(segments);
        for (String s : segments) {
            String problem = problem(s);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
    }

    /** @return the path {@code /ipfs/<root>/<segments…>} */
    public static IpfsPath of(Cid root, String... segments) {
        return new IpfsPath(Namespace.IPFS, root, List.of(segments));
    }

    /**
     * Parses {@code /ipfs/<cid>[/segment…]}, {@code /ipld/<cid>[/…]} or a bare {@code <cid>[/…]}
     * (read as {@code /ipfs/}). Empty segments (a trailing or doubled slash) are dropped.
     *
     * @throws DecodeException (field {@code "path"}) when the text is not such a path: an unknown
     *                         or unresolvable namespace ({@code /ipns/} needs name resolution), an
     *                         invalid CID, a {@code .} or {@code ..} segment, over {@link #MAX_LENGTH}
     */
    public static IpfsPath parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() > MAX_LENGTH) {
            throw new DecodeException("path", "longer than " + MAX_LENGTH + " characters");
        }
        String[] parts = text.split("/", -1);
        int i = 0;
        Namespace ns = Namespace.IPFS;
        if (text.startsWith("/")) {
            String prefix = parts.length > 1 ? parts[1] : "";
            ns = switch (prefix) {
                case "ipfs" -> Namespace.IPFS;
                case "ipld" -> Namespace.IPLD;
                case "ipns" -> throw new DecodeException("path", "/ipns/ paths name a key or DNS name, which must be resolved to an /ipfs/ path first");
                case "" -> throw new DecodeException("path", "\"" + abbreviate(text) + "\" has no namespace (expected /ipfs/<cid>/…)");
                default -> throw new DecodeException("path", "unknown namespace /" + abbreviate(prefix) + "/ (expected /ipfs/ or /ipld/)");
            };
            i = 2;
        }
        if (i >= parts.length || parts[i].isEmpty()) {
            throw new DecodeException("path", "\"" + abbreviate(text) + "\" has no root CID");
        }
        Cid root;
        try {
            root = Cid.parse(parts[i]);
        } catch (IllegalArgumentException e) {
            throw new DecodeException("path", "\"" + abbreviate(parts[i]) + "\" is not a CID: " + e.getMessage(), e);
        }
        List<String> segments = new ArrayList<>();
        for (int j = i + 1; j < parts.length; j++) {
            if (parts[j].isEmpty()) {
                continue;
            }
            String problem = problem(parts[j]);
            if (problem != null) {
                throw new DecodeException("path", "segment " + segments.size() + ": " + problem);
            }
            segments.add(parts[j]);
        }
        return new IpfsPath(ns, root, segments);
    }

    /** @return this path with one more segment */
    public IpfsPath resolve(String segment) {
        List<String> s = new ArrayList<>(segments);
        s.add(segment);
        return new IpfsPath(namespace, root, s);
    }

    /** @return {@code /<namespace>/<root>/<segments joined by />} */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append('/').append(namespace.prefix).append('/').append(root);
        for (String s : segments) {
            sb.append('/').append(s);
        }
        return sb.toString();
    }

    private static String problem(String segment) {
        if (segment.isEmpty()) {
            return "empty segment";
        }
        if (segment.equals(".") || segment.equals("..")) {
            return "\"" + segment + "\" segments are not allowed in content paths";
        }
        if (segment.indexOf('/') >= 0) {
            return "a segment cannot hold a '/'";
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
