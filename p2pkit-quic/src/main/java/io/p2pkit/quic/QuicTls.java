package io.p2pkit.quic;

import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicSslEngine;
import io.netty.handler.ssl.ClientAuth;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.security.tls.HostCertificate;
import io.p2pkit.core.security.tls.HostKeyManager;
import io.p2pkit.core.security.tls.PeerTrustManager;

import java.time.Clock;

/**
 * libp2p TLS inside QUIC (libp2p specs quic/README.md and tls/tls.md): ALPN {@code libp2p}, the
 * host's self-signed ECDSA P-256 certificate carrying the identity extension, mutual
 * authentication, and the peer's certificate checked by {@link PeerTrustManager} (with the expected
 * peer ID when dialing) instead of a chain to an authority.
 */
final class QuicTls {
    static final String ALPN = "libp2p";

    private final PeerTrustManager trustManager;
    private final QuicSslContext server;
    private final QuicSslContext client;

    QuicTls(PrivateKey identity, Clock clock) {
        HostCertificate certificate = HostCertificate.generate(identity);
        HostKeyManager keys = new HostKeyManager(certificate);
        this.trustManager = new PeerTrustManager(clock);
        this.server = QuicSslContextBuilder.forServer(keys, null).trustManager(trustManager)
                .clientAuth(ClientAuth.REQUIRE).applicationProtocols(ALPN).earlyData(false).build();
        this.client = QuicSslContextBuilder.forClient().keyManager(keys, null).trustManager(trustManager)
                .applicationProtocols(ALPN).earlyData(false).build();
    }

    PeerTrustManager trustManager() {
        return trustManager;
    }

    QuicSslEngine serverEngine(QuicChannel ch) {
        return server.newEngine(ch.alloc());
    }

    QuicSslEngine clientEngine(QuicChannel ch) {
        return client.newEngine(ch.alloc());
    }
}
