package io.p2pkit.webrtc.datachannel;

import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.webrtc.sctp.LossyLink;
import io.p2pkit.webrtc.sctp.SctpAssociation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * At most {@link DataChannels#MAX_UNACKNOWLEDGED_OPENS} channels opened by this side await their
 * DCEP ACK. The remote is a bare SCTP association that acknowledges an OPEN only when the test
 * says so, as pion's or webrtc-rs's accept loop does once it gets to the stream.
 */
@Timeout(30)
class UnacknowledgedOpensTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Long enough for an open that did not wait to have returned. */
    private static final long STILL_WAITING_MS = 300;

    /** Records the DATA_CHANNEL_OPENs that arrive and answers none of them by itself. */
    private static final class SilentRemote implements SctpAssociation.Handler {
        final BlockingQueue<Integer> opens = new LinkedBlockingQueue<>();
        volatile SctpAssociation association;

        @Override
        public void onMessage(int streamId, long ppid, byte[] data) {
            association.release(data.length);
            if (ppid == Dcep.PPID_DCEP) {
                opens.add(streamId);
            }
        }

        @Override
        public void onIncomingReset(int streamId) {
        }

        @Override
        public void onOutgoingReset(int streamId) {
        }

        @Override
        public void onClosed(IOException cause) {
        }

        void acknowledge(int streamId) throws IOException {
            association.send(streamId, Dcep.PPID_DCEP, Dcep.ack(), false);
        }
    }

    @Test
    void anOpenBeyondTheLimitWaitsForAnAckOrAResetAndFailsWhenTheAssociationEnds() throws Exception {
        LossyLink link = LossyLink.perfect();
        DataChannels channels = DataChannels.start(link.a(), true, DataChannelsTest.FAST, MemoryScope.UNLIMITED,
                Set.of(0));
        SilentRemote remote = new SilentRemote();
        remote.association = SctpAssociation.create(link.b(), DataChannelsTest.FAST, MemoryScope.UNLIMITED, remote);
        remote.association.begin();
        channels.awaitEstablished(WAIT);

        List<DataChannel> awaiting = new ArrayList<>();
        for (int i = 0; i < DataChannels.MAX_UNACKNOWLEDGED_OPENS; i++) {
            awaiting.add(channels.open("", ""));
        }
        for (DataChannel c : awaiting) {
            assertEquals(c.id(), remote.opens.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the remote got each OPEN");
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<DataChannel> afterAck = pool.submit(() -> channels.open("", ""));
            assertThrows(TimeoutException.class, () -> afterAck.get(STILL_WAITING_MS, TimeUnit.MILLISECONDS),
                    "an open beyond the limit waits");
            remote.acknowledge(awaiting.get(3).id());
            assertNotNull(afterAck.get(WAIT.toMillis(), TimeUnit.MILLISECONDS), "an ACK frees a place");

            Future<DataChannel> afterReset = pool.submit(() -> channels.open("", ""));
            assertThrows(TimeoutException.class, () -> afterReset.get(STILL_WAITING_MS, TimeUnit.MILLISECONDS));
            remote.association.resetStream(awaiting.get(5).id()); // how a remote refuses a channel
            assertNotNull(afterReset.get(WAIT.toMillis(), TimeUnit.MILLISECONDS), "a reset frees a place too");

            Future<DataChannel> afterEnd = pool.submit(() -> channels.open("", ""));
            assertThrows(TimeoutException.class, () -> afterEnd.get(STILL_WAITING_MS, TimeUnit.MILLISECONDS));
            remote.association.abort("gone");
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> afterEnd.get(WAIT.toMillis(), TimeUnit.MILLISECONDS), "an open fails once the association ended");
            assertInstanceOf(IOException.class, e.getCause());
        }
    }
}
