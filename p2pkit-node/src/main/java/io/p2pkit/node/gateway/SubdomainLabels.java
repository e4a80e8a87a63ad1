package io.p2pkit.node.gateway;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multicodec;

import java.util.Optional;

/**
 * The DNS label a content root takes on a subdomain gateway (ipfs/specs subdomain-gateway): a
 * CIDv1 in base32 ({@code /ipfs/}) or a libp2p-key CIDv1 in base36 ({@code /ipns/} keys), re-encoded
 * in base36 when base32 is over 63 characters; a DNSLink name as is, or inlined into one label
 * ({@code -} doubled, {@code .} to {@code -}).
 */
final class SubdomainLabels {
    static final int MAX_LABEL = 63;

    private SubdomainLabels() {
    }

    /**
     * The label for {@code root} under {@code namespace}.
     *
     * @param inline whether a DNSLink name is inlined into one label
     * @throws GatewayException 400 when it is not valid or cannot fit a DNS label
     */
    static String label(String namespace, String root, boolean inline) {
        if (namespace.equals("ipns")) {
            Optional<Cid> key = key(root);
            if (key.isPresent()) {
                return fit(key.get(), key.get().toString(Multibase.Encoding.BASE36));
            }
            if (!inline) {
                return root;
            }
            String label = inlineDnsLink(root);
            if (label.length() > MAX_LABEL) {
                throw GatewayException.badRequest("DNSLink representation incompatible with DNS label length limit of "
                        + MAX_LABEL + ": " + label);
            }
            return label;
        }
        Cid cid;
        try {
            cid = Cid.parse(root);
        } catch (IllegalArgumentException e) {
            throw GatewayException.badRequest("invalid path \"/" + namespace + "/" + GatewayHandler.abbreviate(root)
                    + "\": " + e.getMessage());
        }
        Cid v1 = cid.version() == 0 ? Cid.v1(Multicodec.DAG_PB, cid.multihash()) : cid;
        return fit(v1, v1.toString(Multibase.Encoding.BASE32));
    }

    /** {@code text} when it fits, else the CID in base36 when that fits. */
    static String fit(Cid cid, String text) {
        if (text.length() <= MAX_LABEL) {
            return text;
        }
        String base36 = cid.toString(Multibase.Encoding.BASE36);
        if (base36.length() <= MAX_LABEL) {
            return base36;
        }
        throw GatewayException.badRequest("CID incompatible with DNS label length limit of " + MAX_LABEL + ": " + base36);
    }

    /** An IPNS key as a libp2p-key CIDv1: a peer ID (base58 or CID) or a CID of another codec; empty for a DNSLink name. */
    static Optional<Cid> key(String root) {
        try {
            return Optional.of(PeerId.parse(root).toCid());
        } catch (IllegalArgumentException e) {
            try {
                return Optional.of(Cid.v1(Multicodec.LIBP2P_KEY, Cid.parse(root).multihash()));
            } catch (IllegalArgumentException notCid) {
                return Optional.empty();
            }
        }
    }

    /** {@code en.wikipedia-on-ipfs.org} → {@code en-wikipedia--on--ipfs-org}. */
    static String inlineDnsLink(String fqdn) {
        return fqdn.replace("-", "--").replace('.', '-');
    }

    /** The inverse of {@link #inlineDnsLink}. */
    static String dnsLinkOfLabel(String label) {
        StringBuilder b = new StringBuilder(label.length());
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c == '-' && i + 1 < label.length() && label.charAt(i + 1) == '-') {
                b.append('-');
                i++;
            } else {
                b.append(c == '-' ? '.' : c);
            }
        }
        return b.toString();
    }
}
