package io.p2pkit.ipfs.path;

/**
 * Native IPFS URIs as a command's input: {@code ipfs://<cid>/a}, {@code ipns://<name>/a},
 * {@code ipld://<cid>/a} and the forms without {@code //} ({@code ipfs:<cid>}), read as the content
 * paths they stand for, as Kubo 0.43 reads them (boxo's {@code NewPathFromURI}). The scheme is
 * matched without regard to ASCII case (RFC 3986); what follows it is kept byte for byte, since a
 * CIDv0 root and a DNSLink name are case-sensitive.
 *
 * <p>Only input boundaries (a user's argument) should read URIs: a DNSLink record or an IPNS
 * record's value must stay a strict content path.
 */
public final class IpfsUri {
    private static final String[] NAMESPACES = {"ipfs", "ipns", "ipld"};

    private IpfsUri() {
    }

    /**
     * @param text an argument as given
     * @return whether it starts with one of the three schemes and its colon
     */
    public static boolean isUri(String text) {
        return namespace(text) != null;
    }

    /**
     * @param text an argument as given
     * @return the content path a URI stands for ({@code ipfs://<cid>/a} is {@code /ipfs/<cid>/a}),
     *         or {@code text} itself when it is no such URI. An empty rest ({@code ipfs://}) gives
     *         {@code /ipfs/}, which no path parser takes.
     */
    public static String toPath(String text) {
        String namespace = namespace(text);
        if (namespace == null) {
            return text;
        }
        String rest = text.substring(namespace.length() + 1);
        if (rest.startsWith("//")) {
            rest = rest.substring(2); // the authority's separator is optional
        }
        return "/" + namespace + "/" + rest;
    }

    private static String namespace(String text) {
        for (String ns : NAMESPACES) {
            if (text.length() > ns.length() && text.charAt(ns.length()) == ':' && text.regionMatches(true, 0, ns, 0, ns.length())
                    && ascii(text, ns.length())) {
                return ns;
            }
        }
        return null;
    }

    /** {@code regionMatches} ignoring case also folds non-ASCII letters; the scheme must be ASCII. */
    private static boolean ascii(String text, int length) {
        for (int i = 0; i < length; i++) {
            if (text.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }
}
