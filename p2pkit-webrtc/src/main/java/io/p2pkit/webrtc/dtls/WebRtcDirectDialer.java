package io.p2pkit.webrtc.dtls;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.webrtc.ice.IceControllingCheck;
import io.p2pkit.webrtc.ice.IceCredentials;
import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.mux.UdpPeer;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

/**
 * Dials a WebRTC-direct address up to DTLS: a UDP socket of its own, ICE as the controlling agent
 * with fresh credentials (v1 by default: the listener's ufrag and password are the same random
 * string as ours), then
 * a DTLS 1.2 client handshake that accepts only the certificate named by the address's sha2-256
 * {@code /certhash}. Once connected it keeps sending a binding request every 4 to 6 seconds (consent
 * freshness, RFC 7675) until the association closes, and closes it when none was answered for 30 seconds.
 */
public final class WebRtcDirectDialer {
    private static final int QUEUE_CAPACITY = 256;

    private final WebRtcCertificate certificate;
    private final int version;
    private final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());

    /** A dialer that shows this certificate (a fresh one per dial is what browsers do) and sends v1 credentials. */
    public WebRtcDirectDialer(WebRtcCertificate certificate) {
        this(certificate, 1);
    }

    /**
     * A dialer that shows this certificate and sends credentials of this version of the spec's
     * scheme: 1 (one random string as both sides' ufrag and password; go-libp2p's default) or 2
     * (the dialer's password rides in the listener's ufrag, {@code libp2p+webrtc+v2/<password>}).
     */
    public WebRtcDirectDialer(WebRtcCertificate certificate, int version) {
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("WebRTC-direct credentials are version 1 or 2, not " + version);
        }
        this.certificate = certificate;
        this.version = version;
    }

    /**
     * Dials {@code address} ({@code /ip4|ip6/…/udp/…/webrtc-direct/certhash/…}, an optional
     * {@code /p2p} is ignored) and returns the association once DTLS is up.
     *
     * @throws IllegalArgumentException if the address is not WebRTC-direct with a sha2-256 certhash
     * @throws TimeoutException         if ICE or DTLS did not finish within {@code timeout}
     * @throws IOException              if DTLS failed, for example on a certificate mismatch
     */
    public DtlsAssociation dial(Multiaddr address, Duration timeout)
            throws IOException, TimeoutException, InterruptedException {
        return dial(address, timeout, MemoryScope.UNLIMITED);
    }

    /**
     * Dials as {@link #dial(Multiaddr, Duration)} does, charging the datagrams that wait for DTLS
     * (and, through {@link DtlsAssociation#memory()}, what SCTP holds above it) to {@code memory}:
     * the span the network opened for the connection.
     */
    public DtlsAssociation dial(Multiaddr address, Duration timeout, MemoryScope memory)
            throws IOException, TimeoutException, InterruptedException {
        if (!address.hasProtocol(Protocol.WEBRTC_DIRECT) || !address.hasProtocol(Protocol.UDP)) {
            throw new IllegalArgumentException("not a WebRTC-direct address: " + address);
        }
        Multihash expected = Certhash.sha256(address)
                .orElseThrow(() -> new IllegalArgumentException("no sha2-256 certhash in " + address));
        InetSocketAddress remote = address.decapsulate(Protocol.WEBRTC_DIRECT).toSocketAddress()
                .orElseThrow(() -> new IllegalArgumentException("no IP and UDP port in " + address));
        Instant deadline = Instant.now().plus(timeout);
        IceCredentials local = version == 1 ? IceCredentials.randomV1() : IceCredentials.randomV2();
        IceCredentials listener = version == 1 ? local : local.v2Listener();
        IceControllingCheck check = new IceControllingCheck(local, listener, remote);
        InetAddress any = remote.getAddress() instanceof Inet6Address
                ? InetAddress.getByName("::") : InetAddress.getByName("0.0.0.0");
        UdpMux mux = UdpMux.open(new InetSocketAddress(any, 0), check, 1, QUEUE_CAPACITY);
        try {
            check.run(mux, deadline);
            UdpPeer peer = mux.register(remote, memory).orElseThrow(() -> new IOException("the dialer's socket closed"));
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0) {
                throw new TimeoutException("no time left for DTLS with " + remote);
            }
            WebRtcDtlsClient client = new WebRtcDtlsClient(crypto, certificate, expected, (int) left);
            DTLSTransport transport = new DTLSClientProtocol().connect(client, peer);
            check.keepAlive(mux);
            return new DtlsAssociation(transport, true, certificate.fingerprint(), expected, remote, mux.localAddress(), mux,
                    memory, null);
        } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
            mux.close();
            throw e;
        }
    }
}
