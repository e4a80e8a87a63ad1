package io.p2pkit.webrtc.transport;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ReadyConnection;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A WebRTC-direct listener's first stream waits for the dialer's first channel (for at most
 * {@link WebRtcDirectConnection#DIALER_READY_WAIT}): the listener finishes Noise first, and a
 * dialer such as rust-libp2p's takes channels only once its own handshake has returned.
 */
@Timeout(60)
class WebRtcDirectFirstStreamTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Multiaddr LISTEN = Multiaddr.parse("/ip4/127.0.0.1/udp/0/webrtc-direct");

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closing.add(c);
        return c;
    }

    private record Pair(ReadyConnection dialed, ReadyConnection accepted) {
    }

    private Pair connect() throws Exception {
        PrivateKey listenerKey = PrivateKey.generateEd25519();
        WebRtcDirectTransport listening = closeLater(new WebRtcDirectTransport(listenerKey));
        WebRtcDirectTransport dialing = closeLater(new WebRtcDirectTransport(PrivateKey.generateEd25519()));
        Listener listener = closeLater(listening.listen(LISTEN));
        PeerId listenerPeer = listenerKey.publicKey().toPeerId();
        ReadyConnection dialed = closeLater(dialing.dial(listener.address(), listenerPeer, TIMEOUT));
        ReadyConnection accepted = closeLater((ReadyConnection) listener.accept());
        return new Pair(dialed, accepted);
    }

    @Test
    void theListenersFirstChannelReachesTheDialerOnlyAfterTheDialerOpenedOne() throws Exception {
        Pair p = connect();
        AtomicBoolean dialerOpened = new AtomicBoolean();
        CompletableFuture<Boolean> seenAfterDialerOpened = CompletableFuture.supplyAsync(() -> {
            try {
                MuxedStream fromListener = p.dialed().acceptStream();
                boolean after = dialerOpened.get();
                assertArrayEquals(new byte[] {1}, fromListener.in().readNBytes(1));
                return after;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        AtomicReference<Thread> opener = new AtomicReference<>();
        CompletableFuture<Void> listenerOpens = CompletableFuture.runAsync(() -> {
            opener.set(Thread.currentThread());
            try {
                MuxedStream s = p.accepted().openStream();
                s.out().write(1);
                s.out().flush();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Await.until("the listener waits in openStream for the dialer's first channel", () -> {
            Thread t = opener.get();
            return t != null && t.getState() == Thread.State.TIMED_WAITING;
        }, TIMEOUT);
        dialerOpened.set(true);
        MuxedStream fromDialer = p.dialed().openStream();
        fromDialer.out().write(2);
        fromDialer.out().flush();

        listenerOpens.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(seenAfterDialerOpened.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                "the listener's channel came before the dialer had opened one");
        MuxedStream atListener = p.accepted().acceptStream();
        assertArrayEquals(new byte[] {2}, atListener.in().readNBytes(1));
    }

    @Test
    void aDialerThatOpensNothingOnlyDelaysTheListenersFirstStream() throws Exception {
        Pair p = connect();
        MuxedStream s = p.accepted().openStream();
        s.out().write(new byte[] {3, 4});
        s.out().flush();
        MuxedStream atDialer = p.dialed().acceptStream();
        assertArrayEquals(new byte[] {3, 4}, atDialer.in().readNBytes(2));

        // later streams do not wait at all, and the dialer's own streams never did
        MuxedStream second = p.accepted().openStream();
        second.out().write(5);
        second.out().flush();
        assertArrayEquals(new byte[] {5}, p.dialed().acceptStream().in().readNBytes(1));
    }
}
