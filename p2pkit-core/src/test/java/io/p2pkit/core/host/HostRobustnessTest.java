package io.p2pkit.core.host;

import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.resource.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.p2pkit.core.host.HostTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A misbehaving remote loses its own connection or stream; the host keeps serving everyone else. */
class HostRobustnessTest {
    private final List<Host> hosts = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        hosts.forEach(Host::close);
    }

    private Host host() throws IOException {
        Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        hosts.add(h);
        return h;
    }

    private Socket raw(Host target) throws IOException {
        var addr = target.network().listenAddresses().get(0).toSocketAddress().orElseThrow();
        Socket s = new Socket();
        s.connect(new InetSocketAddress(addr.getAddress(), addr.getPort()), 5000);
        s.setSoTimeout(20_000);
        sockets.add(s);
        return s;
    }

    private static void assertServes(Host client, Host server) throws IOException {
        PingService ping = client.service(PingService.class).orElseThrow();
        // ping() returns only after the server echoed the 32 random bytes back unchanged; its
        // round trip is a real, positive duration.
        Duration rtt = ping.ping(new PeerInfo(server.peerId(), server.addresses()));
        assertTrue(rtt.isPositive() && rtt.compareTo(Duration.ofSeconds(20)) < 0, "round trip " + rtt);
    }

    /** Reads until the host closes the socket; fails if it stays open. */
    private static void assertClosedByHost(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // drain whatever the host says before it hangs up
            }
        } catch (java.net.SocketException reset) {
            // a reset is a close too
        }
    }

    @Test
    void garbageInsteadOfMultistreamClosesThatConnectionOnly() throws Exception {
        Host server = host();
        Host good = host();
        for (int i = 0; i < 5; i++) {
            Socket s = raw(server);
            byte[] junk = new byte[1000];
            new SplittableRandom(i).nextBytes(junk);
            OutputStream out = s.getOutputStream();
            out.write(junk);
            out.flush();
            assertClosedByHost(s);
        }
        assertServes(good, server);
        waitFor(() -> server.network().resources().transientScope().usage().isEmpty(), "transient scope empty");
    }

    @Test
    void oversizedMultistreamMessageClosesTheConnection() throws Exception {
        Host server = host();
        Socket s = raw(server);
        OutputStream out = s.getOutputStream();
        // header, then a proposal that announces 60000 bytes: over the 1024-byte cap
        out.write(new byte[]{0x13});
        out.write("/multistream/1.0.0\n".getBytes());
        out.write(new byte[]{(byte) 0xe0, (byte) 0xd4, 0x03});
        out.write(new byte[100]);
        out.flush();
        assertClosedByHost(s);
        assertServes(host(), server);
    }

    @Test
    void peerVanishingMidHandshakeIsCleanedUp() throws Exception {
        Host server = host();
        for (int i = 0; i < 5; i++) {
            Socket s = raw(server);
            OutputStream out = s.getOutputStream();
            out.write(new byte[]{0x13});
            out.write("/multistream/1.0.0\n".getBytes());
            out.write(new byte[]{0x07});
            out.write("/noise\n".getBytes());
            out.write(new byte[]{0x00, 0x20, 1, 2, 3}); // a Noise message cut short
            out.flush();
            s.close();
        }
        waitFor(() -> server.network().resources().system().usage().isEmpty(), "all half-open connections released");
        assertServes(host(), server);
    }

    @Test
    void halfOpenConnectionsBeyondTheHandshakeCapAreRefused() throws Exception {
        io.p2pkit.core.network.NetworkConfig d = io.p2pkit.core.network.NetworkConfig.defaults();
        Host server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").networkConfig(new io.p2pkit.core.network.NetworkConfig(
                d.dialTimeout(), d.upgradeTimeout(), d.peerDialTimeout(), d.dialStagger(), d.maxParallelDials(), 2)).build();
        hosts.add(server);
        // Two silent connections hold both handshake slots...
        Socket first = raw(server);
        Socket second = raw(server);
        waitFor(() -> server.network().resources().transientScope().used(Resource.INBOUND_CONNECTIONS) == 2,
                "two handshakes in progress");
        // ...so the next ones are closed on arrival instead of queueing.
        for (int i = 0; i < 3; i++) {
            assertClosedByHost(raw(server));
        }
        first.close();
        second.close();
        waitFor(() -> server.network().resources().system().usage().isEmpty(), "slots released");
        assertServes(host(), server);
    }

    @Test
    void aFloodOfStreamsDoesNotStopTheNode() throws Exception {
        Host server = host();
        server.setStreamHandler("/hang/1.0.0", s -> s.in().read()); // holds each stream open
        Host flooder = host();
        List<Stream> opened = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            try {
                Stream s = flooder.newStream(new PeerInfo(server.peerId(), server.addresses()), "/hang/1.0.0");
                s.out().write(0);
                s.out().flush();
                opened.add(s);
            } catch (IOException e) {
                // refused once the muxer's cap is reached: what a flooder should get
            }
        }
        // yamux caps inbound streams (1000 by default); the rest are refused or reset, not queued forever.
        waitFor(() -> server.network().resources().system().used(Resource.INBOUND_STREAMS) <= 1000 + 1,
                "inbound streams within the muxer's cap");
        // Streams wait in the transient scope, shared by every peer as go-libp2p's is, until their
        // protocol is agreed; a flood fills it for as long as its negotiations take, and a stream
        // arriving meanwhile is refused. Once they are done, others are served.
        waitFor(() -> server.network().resources().transientScope().used(Resource.INBOUND_STREAMS) == 0,
                "the flood's negotiations done");
        assertServes(host(), server);
        for (Stream s : opened) {
            s.reset();
        }
        waitFor(() -> server.network().resources().system().used(Resource.INBOUND_STREAMS) == 0,
                "the server released every stream");
        // the refused ones are released as their resets arrive, and identify's stream as it ends
        waitFor(() -> flooder.network().resources().system().used(Resource.OUTBOUND_STREAMS) == 0,
                "the flooder released every stream");
    }

    @Test
    void halfClosedStreamsKeepWorkingInTheOtherDirection() throws Exception {
        Host server = host();
        server.setStreamHandler("/count/1.0.0", s -> {
            byte[] all = s.in().readAllBytes(); // until the dialer half-closes
            s.out().write(Integer.toString(all.length).getBytes());
        });
        Host client = host();
        try (Stream s = client.newStream(new PeerInfo(server.peerId(), server.addresses()), "/count/1.0.0")) {
            s.out().write(new byte[12345]);
            s.closeWrite();
            assertEquals("12345", new String(s.in().readAllBytes()));
        }
    }
}
