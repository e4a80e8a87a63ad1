package io.p2pkit.webrtc.muxer;

import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.webrtc.datachannel.DataChannels;
import io.p2pkit.webrtc.dtls.DtlsAssociation;
import io.p2pkit.webrtc.dtls.WebRtcCertificate;
import io.p2pkit.webrtc.dtls.WebRtcDirectDialer;
import io.p2pkit.webrtc.dtls.WebRtcDirectListener;
import io.p2pkit.webrtc.sctp.CountingMemory;
import io.p2pkit.webrtc.sctp.SctpConfig;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The two halves of WebRTC-direct joined: ICE-lite and DTLS over loopback UDP
 * ({@code io.p2pkit.webrtc.dtls}), SCTP, data channels and libp2p's framed streams on top.
 */
@Timeout(120)
class StreamsOverDtlsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void framedStreamsRunOverSctpOverDtls() throws Exception {
        CountingMemory dialerMemory = new CountingMemory();
        CountingMemory listenerMemory = new CountingMemory();
        try (WebRtcDirectListener listener = WebRtcDirectListener.listen(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), WebRtcCertificate.generate());
             DtlsAssociation dialed = new WebRtcDirectDialer(WebRtcCertificate.generate()).dial(listener.multiaddr(), TIMEOUT);
             DtlsAssociation accepted = listener.accept(TIMEOUT).orElseThrow()) {
            DataChannels dc = DataChannels.start(dialed.transport(), dialed.isDialer(), SctpConfig.defaults(),
                    dialerMemory, Set.of(0));
            DataChannels lc = DataChannels.start(accepted.transport(), accepted.isDialer(), SctpConfig.defaults(),
                    listenerMemory, Set.of(0));
            dc.awaitEstablished(TIMEOUT);
            lc.awaitEstablished(TIMEOUT);
            WebRtcMuxedConnection d = new WebRtcMuxedConnection(dc, dialerMemory);
            WebRtcMuxedConnection l = new WebRtcMuxedConnection(lc, listenerMemory);

            // channel 0, where Noise would run
            MuxedStream d0 = d.negotiatedStream(0);
            MuxedStream l0 = l.negotiatedStream(0);
            d0.out().write(dialed.noisePrologue());
            assertArrayEquals(accepted.noisePrologue(), l0.in().readNBytes(accepted.noisePrologue().length));

            WebRtcMuxedConnectionTest.echo(l);
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int seed = i;
                threads.add(Thread.ofVirtual().start(() -> {
                    try (MuxedStream s = d.openStream()) {
                        assertEquals(0, s.id() % 2, "the dialer is the DTLS client: even ids");
                        byte[] data = new byte[256 * 1024];
                        new Random(seed).nextBytes(data);
                        Thread writer = Thread.ofVirtual().start(() -> {
                            try {
                                s.out().write(data);
                                s.closeWrite();
                            } catch (IOException e) {
                                errors.add(e);
                            }
                        });
                        assertArrayEquals(data, s.in().readAllBytes());
                        writer.join(TIMEOUT);
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(60));
            }
            assertEquals(List.of(), errors);
            d.close();
            Await.until("the listener's side ends too", lc::isClosed, TIMEOUT);
            assertNull(dc.failure());
            assertNull(lc.failure(), "a clean SHUTDOWN over DTLS");
            Await.until("memory given back", () -> dialerMemory.reserved() == 0 && listenerMemory.reserved() == 0, TIMEOUT);
        }
    }
}
