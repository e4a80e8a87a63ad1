package io.p2pkit.webrtc.dtls;

import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.mux.UdpPeer;
import io.p2pkit.webrtc.mux.UdpRelay;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * DTLS for browser-to-browser WebRTC ({@code /webrtc}): after ICE selected a pair on a socket of
 * this connection's own, the side the SDP made DTLS client or server runs the handshake and
 * accepts the remote only if its certificate's SHA-256 is the fingerprint of the remote's SDP
 * (which came over the authenticated relayed connection, so no Noise is needed).
 */
public final class WebRtcPeerDtls {
    private static final BcTlsCrypto CRYPTO = new BcTlsCrypto(new SecureRandom());

    private WebRtcPeerDtls() {
    }

    /**
     * Runs the handshake with {@code remote} on {@code mux}, which the association owns from then
     * on (closing the association closes it; a failure closes it too).
     *
     * @param client      whether we are the DTLS client ({@code a=setup:active})
     * @param certificate our certificate, whose fingerprint our SDP announced
     * @param expected    the SHA-256 multihash of the remote's certificate, from its SDP
     * @param memory      where the datagrams waiting for DTLS (and what SCTP holds above it) are charged
     * @param span        the span opened for an inbound connection, which the association then owns
     *                    (closes with itself), or null
     * @throws IOException if the handshake failed or the remote showed another certificate
     */
    public static DtlsAssociation handshake(UdpMux mux, InetSocketAddress remote, boolean client,
                                            WebRtcCertificate certificate, Multihash expected, Duration timeout,
                                            MemoryScope memory, ConnectionSpan span)
            throws IOException {
        return handshake(mux, remote, null, client, certificate, expected, timeout, memory, span);
    }

    /**
     * As {@link #handshake(UdpMux, InetSocketAddress, boolean, WebRtcCertificate, Multihash,
     * Duration, MemoryScope, ConnectionSpan)}, with every datagram to {@code remote} going through
     * {@code via} (the TURN allocation of the selected pair's relay candidate) when it is not null.
     */
    public static DtlsAssociation handshake(UdpMux mux, InetSocketAddress remote, UdpRelay via, boolean client,
                                            WebRtcCertificate certificate, Multihash expected, Duration timeout,
                                            MemoryScope memory, ConnectionSpan span)
            throws IOException {
        try {
            UdpPeer peer = mux.register(remote, memory, via).orElseThrow(() -> new IOException("the socket closed"));
            int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            DTLSTransport transport;
            if (client) {
                transport = new DTLSClientProtocol().connect(new WebRtcDtlsClient(CRYPTO, certificate, expected, millis), peer);
            } else {
                WebRtcDtlsServer server = new WebRtcDtlsServer(CRYPTO, certificate, millis);
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                protocol.setVerifyRequests(false); // ICE already proved the address answers
                transport = protocol.accept(server, peer);
                if (!expected.equals(server.remoteFingerprint())) {
                    transport.close();
                    throw new IOException("the DTLS client's certificate is not the one its SDP announced");
                }
            }
            return new DtlsAssociation(transport, client, certificate.fingerprint(), expected, remote,
                    mux.localAddress(), mux, memory, span);
        } catch (IOException | RuntimeException e) {
            mux.close();
            throw e;
        }
    }
}
