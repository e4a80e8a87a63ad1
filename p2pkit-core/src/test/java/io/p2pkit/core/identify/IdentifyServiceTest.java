package io.p2pkit.core.identify;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.Envelope;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentifyServiceTest {
    @Test
    void aPeersSignedRecordIsVerifiedOnceAcrossItsConnections() throws Exception {
        try (Host a = Host.builder().build();
             Host b = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            IdentifyService identify = a.service(IdentifyService.class).orElseThrow();
            for (int i = 0; i < 3; i++) {
                Connection c = a.connect(new PeerInfo(b.peerId(), b.addresses()));
                IdentifyResult r = identify.awaitIdentified(c, Duration.ofSeconds(10));
                assertTrue(r.signedPeerRecord().isPresent());
                assertEquals(b.addresses(), r.listenAddrs());
                c.close();
            }
            assertEquals(1, identify.verifiedRecords());
        }
    }

    /**
     * A push and an answer to a request that meet while the record is not yet made must send the
     * same record: two records of one address set cost every peer a second verification (this
     * race failed the test above under CI's load).
     */
    @Test
    void answersMadeAtOnceCarryOneRecord() throws Exception {
        try (Host a = Host.builder().build();
             Host b = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            Connection c = a.connect(new PeerInfo(b.peerId(), b.addresses()));
            for (int round = 0; round < 20; round++) {
                IdentifyResponder fresh = new IdentifyResponder(b, new IdentifyObservers());
                int threads = 8;
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<byte[]>> sent = new ArrayList<>();
                try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                    for (int i = 0; i < threads; i++) {
                        sent.add(pool.submit(() -> {
                            start.await(10, TimeUnit.SECONDS);
                            return fresh.ownMessage(c).signedPeerRecord();
                        }));
                    }
                    byte[] first = sent.get(0).get(10, TimeUnit.SECONDS);
                    for (Future<byte[]> f : sent) {
                        assertArrayEquals(first, f.get(10, TimeUnit.SECONDS));
                    }
                }
            }
        }
    }

    @Test
    void aRecordWhoseSignatureFailsIsRefusedEveryTimeAndNotRemembered() throws Exception {
        try (Host h = Host.builder().build()) {
            IdentifyService identify = h.service(IdentifyService.class).orElseThrow();
            PrivateKey key = PrivateKey.generateEd25519();
            PeerRecord record = new PeerRecord(key.publicKey().toPeerId(), 1,
                    List.of(Multiaddr.parse("/ip4/192.0.2.1/tcp/4001")));
            byte[] good = record.seal(key).marshal();
            byte[] bad = good.clone();
            bad[bad.length - 1] ^= 1; // the signature is the last field
            for (int i = 0; i < 2; i++) {
                assertThrows(IllegalArgumentException.class, () -> identify.openRecord(bad));
            }
            assertEquals(0, identify.verifiedRecords());
            IdentifyService.SignedRecord first = identify.openRecord(good);
            assertEquals(record, first.record());
            assertEquals(Envelope.open(good, PeerRecord.DOMAIN), first.envelope());
            assertSame(first, identify.openRecord(good.clone()));
            assertEquals(1, identify.verifiedRecords());
        }
    }
}
