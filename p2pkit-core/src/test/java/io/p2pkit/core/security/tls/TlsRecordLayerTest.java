package io.p2pkit.core.security.tls;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The record layer after the handshake, against a scripted peer that seals and opens records with
 * the same traffic secrets: application data, KeyUpdate, session tickets, alerts and bad records.
 */
@Timeout(30)
class TlsRecordLayerTest {
    private static final RecordProtection.Suite SUITE = RecordProtection.Suite.AES_128_GCM_SHA256;

    private MemoryConnection.Pair pair;
    private TlsRecordReader reader;
    private TlsRecordWriter writer;
    private Peer peer;

    static byte[] secret(int seed) {
        byte[] secret = new byte[SUITE.hashBytes];
        new SplittableRandom(seed).nextBytes(secret);
        return secret;
    }

    @BeforeEach
    void setUp() throws Exception {
        pair = MemoryConnection.pair(1 << 20);
        writer = new TlsRecordWriter(pair.responder(), MemoryScope.UNLIMITED);
        reader = new TlsRecordReader(pair.responder(), MemoryScope.UNLIMITED, writer);
        assertTrue(reader.protect(RecordProtection.opening(SUITE, secret(1))));
        writer.protect(RecordProtection.sealing(SUITE, secret(2)));
        peer = new Peer(pair.initiator().in(), pair.initiator().out(),
                RecordProtection.sealing(SUITE, secret(1)), RecordProtection.opening(SUITE, secret(2)));
    }

    @AfterEach
    void tearDown() throws IOException {
        pair.closeBoth();
    }

    /** The scripted other end. */
    record Peer(InputStream in, OutputStream out, RecordProtection sealer, RecordProtection opener) {
        void send(byte type, byte[] content) throws IOException {
            out.write(sealed(type, content));
            out.flush();
        }

        byte[] sealed(byte type, byte[] content) throws IOException {
            byte[] record = new byte[RecordProtection.HEADER_BYTES + content.length + 1 + RecordProtection.TAG_BYTES];
            sealer.seal(type, content, 0, content.length, record, 0);
            return record;
        }

        /** The next record's content type and content. */
        Record receive() throws IOException {
            byte[] header = in.readNBytes(RecordProtection.HEADER_BYTES);
            if (header.length < RecordProtection.HEADER_BYTES) {
                throw new EOFException();
            }
            int body = (header[3] & 0xFF) << 8 | header[4] & 0xFF;
            byte[] record = Arrays.copyOf(header, RecordProtection.HEADER_BYTES + body);
            assertEquals(body, in.readNBytes(record, RecordProtection.HEADER_BYTES, body));
            byte[] out = new byte[body];
            int opened = opener.open(record, 0, body, out, 0);
            return new Record((byte) (opened >>> 24), Arrays.copyOf(out, opened & 0xFFFFFF));
        }
    }

    record Record(byte type, byte[] content) {
    }

    private static byte[] data(int size, int seed) {
        byte[] data = new byte[size];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    private byte[] readExactly(int size, int chunk) throws IOException {
        byte[] got = new byte[size];
        int done = 0;
        while (done < size) {
            int n = reader.read(got, done, Math.min(chunk, size - done));
            assertTrue(n > 0, "read " + n);
            done += n;
        }
        return got;
    }

    @Test
    void applicationDataBothWaysInRecordsOfAtMost16KiB() throws Exception {
        byte[] full = data(RecordProtection.MAX_PLAINTEXT, 1);
        peer.send(RecordProtection.APPLICATION_DATA, full);
        peer.send(RecordProtection.APPLICATION_DATA, new byte[0]);
        peer.send(RecordProtection.APPLICATION_DATA, "small".getBytes());
        // a large read takes the first record directly, small reads come from the plaintext buffer
        assertArrayEquals(full, readExactly(full.length, 64 * 1024));
        assertArrayEquals("small".getBytes(), readExactly(5, 2));

        byte[] sent = data(40_000, 2);
        writer.write(sent, 0, sent.length);
        writer.write(sent, 0, 10);
        writer.flush();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        while (received.size() < sent.length + 10) {
            Record record = peer.receive();
            assertEquals(RecordProtection.APPLICATION_DATA, record.type());
            assertTrue(record.content().length <= RecordProtection.MAX_PLAINTEXT);
            received.write(record.content());
        }
        byte[] expected = Arrays.copyOf(sent, sent.length + 10);
        System.arraycopy(sent, 0, expected, sent.length, 10);
        assertArrayEquals(expected, received.toByteArray());
    }

    /** RFC 8446 §4.6.3: a KeyUpdate moves the peer's key; update_requested is answered with ours. */
    @Test
    void aRequestedKeyUpdateIsFollowedAndAnswered() throws Exception {
        peer.send(RecordProtection.APPLICATION_DATA, "before".getBytes());
        peer.send(RecordProtection.HANDSHAKE, new byte[] {24, 0, 0, 1, 1});
        peer.sealer().update();
        peer.send(RecordProtection.APPLICATION_DATA, "after".getBytes());
        assertArrayEquals("beforeafter".getBytes(), readExactly(11, 64 * 1024));

        Record answer = peer.receive();
        assertEquals(RecordProtection.HANDSHAKE, answer.type());
        assertArrayEquals(new byte[] {24, 0, 0, 1, 0}, answer.content());
        peer.opener().update();
        writer.write("under the new key".getBytes(), 0, 17);
        writer.flush();
        assertArrayEquals("under the new key".getBytes(), peer.receive().content());
    }

    /** After its limit of records under one key, the writer sends a KeyUpdate and moves on (§5.5). */
    @Test
    void theWriterUpdatesItsKeyAfterItsLimitOfRecords() throws Exception {
        writer.recordsPerKey(2);
        for (int i = 0; i < 5; i++) {
            writer.write(new byte[] {(byte) i}, 0, 1);
            writer.flush();
        }
        for (int i = 0; i < 5; i++) {
            if (i == 2 || i == 4) {
                Record update = peer.receive();
                assertEquals(RecordProtection.HANDSHAKE, update.type());
                assertArrayEquals(new byte[] {24, 0, 0, 1, 0}, update.content());
                peer.opener().update();
            }
            assertArrayEquals(new byte[] {(byte) i}, peer.receive().content());
        }
    }

    /** Session tickets are ignored, also when one spans records; update_not_requested gets no answer. */
    @Test
    void ticketsAreSkippedAndAnUnrequestedKeyUpdateIsNotAnswered() throws Exception {
        byte[] ticket = new byte[4 + 300];
        ticket[0] = 4;
        ticket[2] = 300 >>> 8;
        ticket[3] = (byte) 300;
        peer.send(RecordProtection.HANDSHAKE, Arrays.copyOfRange(ticket, 0, 100));
        peer.send(RecordProtection.HANDSHAKE, Arrays.copyOfRange(ticket, 100, ticket.length));
        peer.send(RecordProtection.HANDSHAKE, new byte[] {24, 0, 0, 1, 0});
        peer.sealer().update();
        peer.send(RecordProtection.APPLICATION_DATA, "data".getBytes());
        assertArrayEquals("data".getBytes(), readExactly(4, 1));
        // the first record the peer receives is data under the unchanged key
        writer.write("reply".getBytes(), 0, 5);
        writer.flush();
        Record record = peer.receive();
        assertEquals(RecordProtection.APPLICATION_DATA, record.type());
        assertArrayEquals("reply".getBytes(), record.content());
    }

    /** close_notify ends the input only (RFC 8446 §6.1): this side may still write. */
    @Test
    void closeNotifyEndsTheInputButNotTheOutput() throws Exception {
        peer.send(RecordProtection.APPLICATION_DATA, "last".getBytes());
        peer.send(RecordProtection.ALERT, new byte[] {1, 0});
        assertArrayEquals("last".getBytes(), readExactly(4, 100));
        assertEquals(-1, reader.read(new byte[10], 0, 10));
        assertEquals(-1, reader.read(new byte[10], 0, 10));
        writer.write("still".getBytes(), 0, 5);
        writer.flush();
        assertArrayEquals("still".getBytes(), peer.receive().content());
    }

    @Test
    void aBadRecordFailsEveryReadAndIsAnsweredWithAnAlert() throws Exception {
        byte[] record = peer.sealed(RecordProtection.APPLICATION_DATA, "tampered".getBytes());
        record[RecordProtection.HEADER_BYTES] ^= 1;
        peer.out().write(record);
        peer.out().flush();
        IOException first = assertThrows(IOException.class, () -> reader.read(new byte[100], 0, 100));
        assertTrue(first.getMessage().contains("bad_record_mac"), first.getMessage());
        assertSame(first, assertThrows(IOException.class, () -> reader.read(new byte[100], 0, 100)));
        Record alert = peer.receive();
        assertEquals(RecordProtection.ALERT, alert.type());
        assertArrayEquals(new byte[] {TlsAlert.FATAL, TlsAlert.BAD_RECORD_MAC}, alert.content());
        assertThrows(IOException.class, () -> writer.write(new byte[1], 0, 1));
    }

    @Test
    void aFatalAlertFromThePeerNamesIt() throws Exception {
        peer.send(RecordProtection.ALERT, new byte[] {2, 40});
        IOException e = assertThrows(IOException.class, () -> reader.read(new byte[100], 0, 100));
        assertTrue(e.getMessage().contains("handshake_failure"), e.getMessage());
    }

    @Test
    void malformedRecordsAreRefusedByName() throws Exception {
        assertRefused(new byte[] {RecordProtection.HANDSHAKE, 3, 3, 0, 1, 0}, "unexpected_message");
        assertRefused(new byte[] {RecordProtection.APPLICATION_DATA, 3, 3, (byte) 0x41, 1}, "record_overflow");
        assertRefused(peer.sealed(RecordProtection.HANDSHAKE, new byte[] {24, 0, 0, 1, 0, 4}), "unexpected_message");
        assertRefused(peer.sealed(RecordProtection.HANDSHAKE, new byte[] {24, 0, 0, 1, 2}), "illegal_parameter");
        assertRefused(peer.sealed(RecordProtection.HANDSHAKE, new byte[] {13, 0, 0, 0}), "unexpected_message");
        assertRefused(peer.sealed(RecordProtection.CHANGE_CIPHER_SPEC, new byte[] {1}), "unexpected_message");
        assertRefused(peer.sealed(RecordProtection.ALERT, new byte[] {1, 0, 0}), "decode_error");
    }

    /**
     * Sends {@code wire} on a fresh record layer and expects its first read to fail naming
     * {@code name}. A sealed {@code wire} must be the first record of the peer it came from, so that
     * its sequence number is the fresh reader's.
     */
    private void assertRefused(byte[] wire, String name) throws Exception {
        tearDown();
        setUp();
        peer.out().write(wire);
        peer.out().flush();
        IOException e = assertThrows(IOException.class, () -> reader.read(new byte[100], 0, 100));
        assertTrue(e.getMessage().contains(name), name + ": " + e.getMessage());
    }

    @Test
    void theRawStreamEndingInsideARecordIsTruncation() throws Exception {
        byte[] record = peer.sealed(RecordProtection.APPLICATION_DATA, "cut".getBytes());
        peer.out().write(record, 0, record.length - 1);
        peer.out().flush();
        pair.initiator().closeWrite();
        assertInstanceOf(EOFException.class, assertThrows(IOException.class, () -> reader.read(new byte[100], 0, 100)));
    }
}
