package io.p2pkit.core.perf;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.multistream.NegotiationException;
import io.p2pkit.core.network.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerfServiceTest {
    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void closeHosts() {
        hosts.forEach(Host::close);
    }

    private Host host(boolean perf, String security) throws IOException {
        Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").security(security).perf(perf).build();
        hosts.add(h);
        return h;
    }

    private static Connection connect(Host from, Host to) throws IOException {
        return from.connect(new PeerInfo(to.peerId(), to.addresses()));
    }

    @ParameterizedTest
    @CsvSource({
            "noise, 0, 0",
            "noise, 0, 1",
            "noise, 1, 0",
            "noise, 3000000, 0",
            "noise, 0, 3000000",
            "noise, 1000003, 2000001",
            "tls, 2000000, 2000000",
    })
    void movesExactlyTheBytesAskedFor(String security, long upload, long download) throws Exception {
        Host server = host(true, security);
        Host client = host(false, security);
        PerfService perf = client.service(PerfService.class).orElse(PerfService.client(client));
        PerfResult r = perf.measure(connect(client, server), upload, download, PerfListener.NONE);
        assertEquals(upload, r.uploadBytes());
        assertEquals(download, r.downloadBytes());
        assertFalse(r.total().isNegative());
        assertFalse(r.download().isNegative());
    }

    @Test
    void bothSidesCanServeAndMeasureOnOneConnection() throws Exception {
        Host a = host(true, "noise");
        Host b = host(true, "noise");
        Connection ab = connect(a, b);
        assertEquals(70_000, a.service(PerfService.class).orElseThrow().measure(ab, 70_000, 70_000, PerfListener.NONE).downloadBytes());
        // b reuses the connection a opened: the other direction on the same connection.
        Connection ba = b.connect(a.peerId());
        assertEquals(ab.remotePeer(), b.peerId());
        assertEquals(5, b.service(PerfService.class).orElseThrow().measure(ba, 9, 5, PerfListener.NONE).downloadBytes());
    }

    @Test
    void offByDefault() throws Exception {
        Host server = host(false, "noise");
        Host client = host(false, "noise");
        assertTrue(server.service(PerfService.class).isEmpty());
        assertFalse(server.protocols().contains(PerfService.PROTOCOL_ID));
        IOException e = assertThrows(IOException.class,
                () -> PerfService.client(client).measure(connect(client, server), 10, 10, PerfListener.NONE));
        assertInstanceOf(NegotiationException.class, e);
    }

    @ParameterizedTest
    @CsvSource({"1", "-1", "-1000"})
    void serverSendingTheWrongCountIsAClearError(int delta) throws Exception {
        Host server = host(false, "noise");
        server.setStreamHandler(PerfService.PROTOCOL_ID, s -> {
            long asked = PerfWire.readRequest(s.in());
            s.in().transferTo(java.io.OutputStream.nullOutputStream());
            s.out().write(new byte[(int) (asked + delta)]);
            s.closeWrite();
        });
        Host client = host(false, "noise");
        PerfException e = assertThrows(PerfException.class,
                () -> PerfService.client(client).measure(connect(client, server), 100, 5000, PerfListener.NONE));
        assertTrue(e.getMessage().contains("5000"), e.getMessage());
    }

    @Test
    void shortRequestMakesTheServerResetTheStream() throws Exception {
        Host server = host(true, "noise");
        Host client = host(false, "noise");
        try (Stream s = client.newStream(connect(client, server), PerfService.PROTOCOL_ID)) {
            s.out().write(new byte[] {0, 0, 1});
            s.closeWrite();
            // The server gives up on the stream: nothing but a reset (or end of stream) comes back.
            try {
                assertEquals(0, s.in().readAllBytes().length);
            } catch (IOException expected) {
                // reset
            }
        }
        // The server is still fine afterwards.
        assertEquals(7, PerfService.client(client).measure(connect(client, server), 3, 7, PerfListener.NONE).downloadBytes());
    }

    @Test
    void reportsProgressPerInterval() {
        long[] now = {0};
        List<PerfProgress> seen = new CopyOnWriteArrayList<>();
        ProgressMeter m = new ProgressMeter(PerfProgress.Phase.DOWNLOAD, seen::add, () -> now[0], 1_000_000_000L);
        m.add(100);
        now[0] = 999_999_999L;
        m.add(100);
        assertTrue(seen.isEmpty());
        now[0] = 1_500_000_000L;
        m.add(50);
        assertEquals(List.of(new PerfProgress(PerfProgress.Phase.DOWNLOAD, 1.5, 0, 250)), seen);
        assertEquals(250 / 1.5, seen.get(0).bytesPerSecond(), 1e-9);
        now[0] = 2_500_000_000L;
        m.add(10);
        assertEquals(new PerfProgress(PerfProgress.Phase.DOWNLOAD, 1.0, 0, 10), seen.get(1));
    }

    @Test
    void requestEncodingRoundTripsAndRejectsNegatives() throws Exception {
        for (long v : new long[] {0, 1, 255, 256, 1L << 40, Long.MAX_VALUE}) {
            assertEquals(v, PerfWire.readRequest(new java.io.ByteArrayInputStream(PerfWire.encodeRequest(v))));
        }
        assertEquals("[0, 0, 0, 0, 0, 0, 1, 0]", java.util.Arrays.toString(PerfWire.encodeRequest(256)));
        assertThrows(IllegalArgumentException.class, () -> PerfWire.encodeRequest(-1));
    }
}
