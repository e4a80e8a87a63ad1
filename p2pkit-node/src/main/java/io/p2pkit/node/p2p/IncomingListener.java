package io.p2pkit.node.p2p;

import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * {@code p2p listen} (Kubo's {@code remoteListener}): each libp2p stream of its protocol is joined
 * to a new TCP connection to the target. Closing it only stops new streams, as in Kubo.
 */
final class IncomingListener implements P2pListener {
    /** How long the TCP connection to the target may take. */
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final String protocol;
    private final Multiaddr self;
    private final Multiaddr target;
    private final InetSocketAddress targetSocket;
    private final boolean reportPeerId;

    IncomingListener(String protocol, PeerId self, Multiaddr target, InetSocketAddress targetSocket,
                     boolean reportPeerId) {
        this.protocol = protocol;
        this.self = Multiaddr.parse("/p2p/" + self);
        this.target = target;
        this.targetSocket = targetSocket;
        this.reportPeerId = reportPeerId;
    }

    /** Joins {@code stream} to a new connection to the target, until both are done; resets it when the target cannot be reached. */
    void handle(Stream stream, StreamRegistry registry) {
        Socket socket = new Socket();
        PeerId peer = stream.remotePeer();
        try {
            socket.connect(targetSocket, CONNECT_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            if (reportPeerId) {
                // Kubo's --report-peer-id: the remote's ID and a newline before any of its data
                socket.getOutputStream().write((peer + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            closeQuietly(socket);
            stream.reset();
            return;
        }
        MountedStream mounted = new MountedStream(protocol, Multiaddr.parse("/p2p/" + peer), target, peer, socket,
                stream, registry);
        if (!registry.register(mounted)) {
            closeQuietly(socket);
            stream.reset();
            return;
        }
        mounted.run();
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // it was being given up anyway
        }
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public Multiaddr listenAddress() {
        return self;
    }

    @Override
    public Multiaddr targetAddress() {
        return target;
    }

    @Override
    public String key() {
        return protocol;
    }

    @Override
    public void close() {
        // nothing to release: the node's handler stops matching the protocol once it is unlisted
    }
}
