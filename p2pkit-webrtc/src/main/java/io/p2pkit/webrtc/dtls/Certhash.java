package io.p2pkit.webrtc.dtls;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiaddr.Component;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Certificate fingerprints as WebRTC-direct addresses carry them: a multihash (sha2-256 is the
 * one every implementation supports) in multibase base64url after {@code /certhash/}.
 */
public final class Certhash {
    private Certhash() {
    }

    /** The sha2-256 multihash of a certificate's DER encoding. */
    public static Multihash fingerprint(byte[] der) {
        return Multihash.digest(Multicodec.SHA2_256, der);
    }

    /** {@code /certhash/u...} for this fingerprint. */
    public static String component(Multihash fingerprint) {
        return "/certhash/" + Multibase.encode(Multibase.Encoding.BASE64_URL, fingerprint.bytes());
    }

    /** Every {@code /certhash} in the address, decoded, in order. */
    public static List<Multihash> all(Multiaddr address) {
        List<Multihash> out = new ArrayList<>();
        for (Component c : address.components()) {
            if (c.protocol() == Protocol.CERTHASH) {
                out.add(Multihash.decode(c.value()));
            }
        }
        return out;
    }

    /** The first sha2-256 {@code /certhash} in the address, the one a dialer checks. */
    public static Optional<Multihash> sha256(Multiaddr address) {
        return all(address).stream().filter(m -> m.code() == Multicodec.SHA2_256 && m.length() == 32).findFirst();
    }

    /**
     * Parses a multibase certhash value (the text after {@code /certhash/}).
     *
     * @throws DecodeException if it is not a multibase multihash
     */
    public static Multihash parse(String text) {
        return Multihash.decode(Multibase.decode(text));
    }
}
