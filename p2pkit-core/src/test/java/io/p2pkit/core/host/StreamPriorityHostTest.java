package io.p2pkit.core.host;

import io.p2pkit.core.muxer.StreamPriority;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Stream#setPriority} through the host, on both sides of a stream, for each muxer that honours it. */
class StreamPriorityHostTest {
    private static final String ECHO = "/test/priority-echo/1.0.0";
    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void closeHosts() {
        hosts.forEach(Host::close);
    }

    private Host host(String muxer, AtomicReference<StreamPriority> seenByHandler) throws IOException {
        Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").security("noise").muxers(muxer).build();
        h.setStreamHandler(ECHO, s -> {
            s.setPriority(StreamPriority.HIGH);
            seenByHandler.set(s.priority());
            s.in().transferTo(s.out());
        });
        hosts.add(h);
        return h;
    }

    @ParameterizedTest
    @ValueSource(strings = {"yamux", "mplex"})
    void openerAndHandlerSetPrioritiesAndDataStillFlows(String muxer) throws Exception {
        AtomicReference<StreamPriority> seenByHandler = new AtomicReference<>();
        Host a = host(muxer, new AtomicReference<>());
        Host b = host(muxer, seenByHandler);
        byte[] data = new byte[300 * 1024];
        new SplittableRandom(3).nextBytes(data);
        try (Stream s = a.newStream(new PeerInfo(b.peerId(), b.addresses()), ECHO)) {
            assertEquals(StreamPriority.NORMAL, s.priority());
            s.setPriority(StreamPriority.weight(2));
            assertEquals(2, s.priority().weight());
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.out().write(data);
                    s.setPriority(StreamPriority.LOW); // changed mid-stream
                    s.closeWrite();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertArrayEquals(data, s.in().readAllBytes());
            Await.join(writer);
            assertEquals(StreamPriority.LOW, s.priority());
        }
        assertEquals(StreamPriority.HIGH, seenByHandler.get());
    }
}
