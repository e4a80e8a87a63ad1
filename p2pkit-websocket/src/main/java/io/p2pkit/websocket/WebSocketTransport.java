package io.p2pkit.websocket;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.LeanInputStream;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.core.transport.ByteStreamConnection;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

/**
 * WebSocket transport: {@code /ip4|ip6|dns|dns4|dns6/…/tcp/PORT/ws}, and over TLS {@code /wss},
 * {@code /tls/ws} or {@code /tls/sni/NAME/ws}. The connection it yields carries the libp2p
 * byte stream in binary messages; the upgrader then secures and muxes it like TCP.
 *
 * <p>Dialing wss verifies the server certificate by the usual X.509 rules (chain to a trusted
 * CA, the name from {@code /sni} or {@code /dns*}, or else the IP address, in its subject
 * alternative names) with the client {@link SSLContext} given (by default the system trust
 * store). Listening on wss needs a server context ({@link WssTls#serverContext}).
 */
public final class WebSocketTransport implements Transport {
    private final WebSocketConfig config;
    private final SSLContext serverTls;
    private final SSLContext clientTls;

    /** A ws-only transport with default limits; dialing wss uses the system trust store. */
    public WebSocketTransport() {
        this(WebSocketConfig.defaults(), null, null);
    }

    /**
     * @param config    limits and buffers
     * @param serverTls the context for wss listeners (certificate and key), or null for none
     * @param clientTls the context for dialing wss (trust store), or null for the system's
     */
    public WebSocketTransport(WebSocketConfig config, SSLContext serverTls, SSLContext clientTls) {
        this.config = config;
        this.serverTls = serverTls;
        this.clientTls = clientTls;
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return WsAddress.parse(address.withoutPeerId()).isPresent();
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return WsAddress.parse(address).filter(a -> a.literal() != null && (!a.secure() || serverTls != null)).isPresent();
    }

    @Override
    public ByteStreamConnection dial(Multiaddr address, Duration timeout) throws IOException {
        WsAddress a = WsAddress.parse(address.withoutPeerId())
                .orElseThrow(() -> new IOException("not a WebSocket address: " + address));
        long deadline = System.nanoTime() + timeout.toNanos();
        InetSocketAddress target = a.resolve();
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(target, millisLeft(deadline));
            Multiaddr local = Multiaddr.of((InetSocketAddress) socket.getLocalSocketAddress(), "tcp").encapsulate(a.connectionSuffix());
            Multiaddr remote = Multiaddr.of(target, "tcp").encapsulate(a.connectionSuffix());
            Socket s = socket;
            socket.setSoTimeout(millisLeft(deadline));
            if (a.secure()) {
                s = startClientTls(socket, a, target);
            }
            InputStream in = new LeanInputStream(s.getInputStream(), config.readBufferBytes());
            Handshake.client(in, s.getOutputStream(), a.hostHeader(), "/");
            s.setSoTimeout(0);
            return new WebSocketConnection(s, in, true, config, local, remote);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private SSLSocket startClientTls(Socket socket, WsAddress a, InetSocketAddress target) throws IOException {
        SSLContext ctx = clientTls != null ? clientTls : WssTls.systemClientContext();
        String peerHost = a.sni() != null ? a.sni() : target.getAddress().getHostAddress();
        SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(socket, peerHost, target.getPort(), true);
        SSLParameters params = ssl.getSSLParameters();
        // Check the name (or IP address) against the certificate, as a browser would.
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (a.sni() != null) {
            params.setServerNames(List.of(new SNIHostName(a.sni())));
        }
        params.setApplicationProtocols(new String[] {"http/1.1"});
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        return ssl;
    }

    @Override
    public Listener listen(Multiaddr address) throws IOException {
        WsAddress a = WsAddress.parse(address).filter(x -> x.literal() != null)
                .orElseThrow(() -> new IOException("WebSocket cannot listen on " + address));
        if (a.secure() && serverTls == null) {
            throw new IOException("listening on " + address + " needs a certificate and key (wss)");
        }
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(a.literal(), 1024);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        return new WebSocketListener(server, a.suffix(), a.secure() ? serverTls : null, config);
    }

    private static int millisLeft(long deadline) throws java.net.SocketTimeoutException {
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new java.net.SocketTimeoutException("WebSocket dial timed out");
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    @Override
    public String toString() {
        return "websocket transport" + (serverTls != null ? " (wss listening)" : "");
    }
}
