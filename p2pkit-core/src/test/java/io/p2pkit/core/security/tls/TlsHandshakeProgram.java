package io.p2pkit.core.security.tls;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;

/**
 * A program that uses p2pkit's TLS as a library user would: two hosts, one TLS connection, one
 * ping. {@link TlsQuietTest} runs it in a fresh JVM and reads what it prints.
 */
public final class TlsHandshakeProgram {
    private TlsHandshakeProgram() {
    }

    public static void main(String[] args) throws Exception {
        try (Host server = Host.builder().security("tls").listen("/ip4/127.0.0.1/tcp/0").build();
             Host client = Host.builder().security("tls").build()) {
            PeerInfo target = new PeerInfo(server.peerId(), server.addresses());
            Connection c = client.connect(target);
            client.service(PingService.class).orElseThrow().ping(target);
            System.out.println("handshake ok: " + c.security());
        }
    }
}
