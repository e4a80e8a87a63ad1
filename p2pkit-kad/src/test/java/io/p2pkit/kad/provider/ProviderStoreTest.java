package io.p2pkit.kad.provider;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderStoreTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        Instant now = T0;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static byte[] key(int i) {
        return Multihash.digest(Multicodec.SHA2_256, new byte[] {(byte) i, (byte) (i >> 8)}).bytes();
    }

    private static PeerId peer(SplittableRandom r) {
        byte[] d = new byte[32];
        r.nextBytes(d);
        return PeerId.fromMultihash(Multihash.of(Multicodec.SHA2_256, d));
    }

    @Test
    void restartKeepsRecordsAndOwnProvides(@TempDir Path dir) throws Exception {
        ManualClock clock = new ManualClock();
        SplittableRandom r = new SplittableRandom(1);
        PeerId a = peer(r);
        PeerId b = peer(r);
        Path file = dir.resolve("providers.log");
        try (ProviderStore s = ProviderStore.open(file, clock, ProviderStore.Limits.defaults())) {
            assertTrue(s.addProvider(key(1), a));
            assertTrue(s.addProvider(key(1), b));
            assertTrue(s.addProvider(key(2), a));
            s.addLocal(key(3));
            s.addLocal(key(4));
            s.removeLocal(key(4));
        }
        try (ProviderStore s = ProviderStore.open(file, clock, ProviderStore.Limits.defaults())) {
            assertEquals(List.of(a, b), s.providers(key(1)));
            assertEquals(List.of(a), s.providers(key(2)));
            assertEquals(1, s.localKeys().size());
            assertEquals(ByteBuffer.wrap(key(3)), ByteBuffer.wrap(s.localKeys().get(0)));
            clock.now = T0.plus(Duration.ofHours(48));
            assertEquals(List.of(), s.providers(key(1)));
        }
        // Expired records are not even loaded.
        try (ProviderStore s = ProviderStore.open(file, clock, ProviderStore.Limits.defaults())) {
            assertEquals(0, s.size());
        }
    }

    @Test
    void forgettingOwnProvidesKeepsTheOthersRecords(@TempDir Path dir) throws Exception {
        ManualClock clock = new ManualClock();
        PeerId a = peer(new SplittableRandom(2));
        Path file = dir.resolve("providers.log");
        try (ProviderStore s = ProviderStore.open(file, clock, ProviderStore.Limits.defaults())) {
            assertTrue(s.addProvider(key(1), a));
            s.addLocal(key(2));
            s.addLocal(key(3));
            assertEquals(2, s.forgetLocal());
            assertEquals(0, s.forgetLocal());
            assertEquals(List.of(), s.localKeys());
        }
        try (ProviderStore s = ProviderStore.open(file, clock, ProviderStore.Limits.defaults())) {
            assertEquals(List.of(), s.localKeys());
            assertEquals(List.of(a), s.providers(key(1)));
        }
    }

    @Test
    void limitsPerPeerPerKeyAndInAll() {
        SplittableRandom r = new SplittableRandom(2);
        ProviderStore s = ProviderStore.inMemory(Clock.fixed(T0, ZoneOffset.UTC), new ProviderStore.Limits(Duration.ofHours(48), 10, 3, 2));
        PeerId flooder = peer(r);
        assertTrue(s.addProvider(key(1), flooder));
        assertTrue(s.addProvider(key(2), flooder));
        assertTrue(s.addProvider(key(3), flooder));
        assertFalse(s.addProvider(key(4), flooder), "per-peer limit");
        assertTrue(s.addProvider(key(1), flooder), "refreshing an existing record is fine");
        assertTrue(s.addProvider(key(1), peer(r)));
        assertFalse(s.addProvider(key(1), peer(r)), "per-key limit");
        for (int i = 10; s.size() < 10; i++) {
            assertTrue(s.addProvider(key(i), peer(r)));
        }
        assertFalse(s.addProvider(key(99), peer(r)), "total limit");
    }

    @Test
    void compactionKeepsOnlyLiveRecords(@TempDir Path dir) throws Exception {
        ManualClock clock = new ManualClock();
        SplittableRandom r = new SplittableRandom(3);
        Path file = dir.resolve("p.log");
        PeerId keep = peer(r);
        try (ProviderStore s = ProviderStore.open(file, clock, ProviderStore.Limits.defaults())) {
            for (int i = 0; i < 2000; i++) {
                s.addProvider(key(i), peer(r));
            }
            clock.now = T0.plus(Duration.ofHours(47));
            s.addProvider(key(5000), keep);
            s.addLocal(key(6000));
            clock.now = T0.plus(Duration.ofHours(48));
            s.collectGarbage();
            assertEquals(1, s.size());
            assertEquals(2, s.logFrames());
            s.addProvider(key(7000), keep);
        }
        try (ProviderStore s = ProviderStore.open(file, clock, ProviderStore.Limits.defaults())) {
            assertEquals(List.of(keep), s.providers(key(5000)));
            assertEquals(List.of(keep), s.providers(key(7000)));
            assertEquals(1, s.localKeys().size());
        }
    }

    /** Writes {@code n} frames and returns the payloads and the byte offset where each frame ends. */
    private static List<byte[]> writeLog(Path file, int n) throws Exception {
        List<byte[]> payloads = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(4);
        try (ProviderLog log = ProviderLog.open(file).log()) {
            for (int i = 0; i < n; i++) {
                byte[] p = new byte[1 + r.nextInt(40)];
                r.nextBytes(p);
                payloads.add(p);
                log.append(List.of(p));
            }
        }
        return payloads;
    }

    @Test
    void truncationAtEveryOffsetLosesOnlyTheTornTail(@TempDir Path dir) throws Exception {
        Path original = dir.resolve("orig.log");
        List<byte[]> payloads = writeLog(original, 12);
        byte[] bytes = Files.readAllBytes(original);
        for (int cut = 0; cut <= bytes.length; cut++) {
            Path f = dir.resolve("cut.log");
            Files.write(f, java.util.Arrays.copyOf(bytes, cut));
            int complete = 0;
            int end = 0;
            for (byte[] p : payloads) {
                if (end + 8 + p.length > cut) {
                    break;
                }
                end += 8 + p.length;
                complete++;
            }
            ProviderLog.Opened o = ProviderLog.open(f);
            try {
                assertEquals(complete, o.payloads().size(), "cut at " + cut);
                for (int i = 0; i < complete; i++) {
                    assertEquals(ByteBuffer.wrap(payloads.get(i)), ByteBuffer.wrap(o.payloads().get(i)));
                }
                // The torn tail is cut off, so the next append lands after the last good frame.
                o.log().append(List.of(new byte[] {42}));
            } finally {
                o.log().close();
            }
            ProviderLog.Opened again = ProviderLog.open(f);
            again.log().close();
            assertEquals(complete + 1, again.payloads().size(), "cut at " + cut);
        }
    }

    @Test
    void corruptionAtEveryByteLoadsNothingInvalid(@TempDir Path dir) throws Exception {
        Path original = dir.resolve("orig.log");
        List<byte[]> payloads = writeLog(original, 8);
        byte[] bytes = Files.readAllBytes(original);
        for (int at = 0; at < bytes.length; at++) {
            byte[] bad = bytes.clone();
            bad[at] ^= 0x5A;
            Path f = dir.resolve("bad.log");
            Files.write(f, bad);
            int frame = 0;
            int end = 0;
            while (end + 8 + payloads.get(frame).length <= at) {
                end += 8 + payloads.get(frame).length;
                frame++;
            }
            ProviderLog.Opened o = ProviderLog.open(f);
            o.log().close();
            // Every frame before the damaged one is kept; the damaged one and all after are dropped.
            assertEquals(frame, o.payloads().size(), "corrupted byte " + at);
            for (int i = 0; i < frame; i++) {
                assertEquals(ByteBuffer.wrap(payloads.get(i)), ByteBuffer.wrap(o.payloads().get(i)));
            }
        }
    }
}
