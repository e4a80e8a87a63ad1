package io.p2pkit.core.multistream;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The dialer's side of multistream-select fed arbitrary listener replies. Each target works out
 * from the replies alone what a correct dialer must do (which protocol it agrees on, or that it
 * fails, and how many proposals it sends) and checks the dialer did exactly that: the same
 * outcome, exactly those bytes written, nothing read past the listener's last answer, and no
 * exception but {@link NegotiationException}.
 */
class MultistreamDialerFuzzTest {
    private static final List<String> PROTOCOLS = List.of("/a", "/b/1.0.0", "/c", "/yamux/1.0.0");
    /** What a lazy dialer's application writes first or next. */
    private static final byte[] DATA = "request".getBytes();
    private static final byte[] MORE = "more".getBytes();

    /**
     * {@link Multistream#select}: byte 0 picks how many of {@link #PROTOCOLS} are proposed (1 to
     * 4), the rest is what the listener sends.
     */
    @FuzzTest(maxDuration = "30s")
    void select(byte[] input) throws IOException {
        List<String> proposals = proposals(input);
        byte[] replies = replies(input);
        Expected expected = Expected.of(replies, proposals, false);
        Wire wire = new Wire(replies);
        try {
            String chosen = new Multistream().select(wire.duplex(), proposals);
            assertEquals(expected.chosen(), chosen);
        } catch (NegotiationException e) {
            assertNull(expected.chosen(), "refused, but the listener accepted " + expected.chosen() + ": " + e);
            assertEquals(proposals.subList(0, expected.sent()), e.proposed());
            assertFalse(e.timedOut());
        }
        assertArrayEquals(proposalBytes(proposals, expected.sent(), null), wire.written());
        wire.assertUnread(replies, expected);
        assertEquals(0, wire.aborts.get());
    }

    /**
     * {@link Multistream#selectLazily}: byte 0 bits 0-1 pick how many protocols are proposed,
     * bits 2-3 what the application does first: 0 read, 1 write (the data goes out with the
     * proposal, so a refusal cannot fall back), 2 flush, 3 close. The rest is what the listener
     * sends.
     */
    @FuzzTest(maxDuration = "30s")
    void selectLazily(byte[] input) throws IOException {
        List<String> proposals = proposals(input);
        int action = input.length == 0 ? 0 : (input[0] >> 2) & 3;
        byte[] replies = replies(input);
        Expected expected = Expected.of(replies, proposals, action == 1);
        Wire wire = new Wire(replies);
        LazySelection lazy = new Multistream().selectLazily(wire.duplex(), proposals);
        IOException failure = null;
        byte[] read = null;
        switch (action) {
            case 0 -> {
                try {
                    read = lazy.in().readAllBytes();
                } catch (NegotiationException e) {
                    failure = e;
                }
            }
            case 1 -> lazy.out().write(DATA);
            case 2 -> lazy.out().flush();
            default -> lazy.close();
        }
        if (failure == null) {
            try {
                assertEquals(expected.chosen(), lazy.protocol());
            } catch (NegotiationException e) {
                failure = e;
            }
        }
        if (failure != null) {
            assertNull(expected.chosen(), "refused, but the listener accepted " + expected.chosen() + ": " + failure);
            IOException first = failure;
            assertSame(first, assertThrows(NegotiationException.class, lazy::protocol), "the refusal is final");
            assertArrayEquals(proposalBytes(proposals, expected.sent(), action == 1 ? DATA : null), wire.written());
            assertEquals(action == 3 ? 1 : 0, wire.aborts.get(), "closing a refused stream aborts it");
            return;
        }
        assertNotNull(expected.chosen(), "accepted, but the listener refused");
        if (read == null) {
            read = lazy.in().readAllBytes();
        }
        assertArrayEquals(Arrays.copyOfRange(replies, expected.consumed(), replies.length), read,
                "the application reads what follows the listener's answer");
        if (action != 3) {
            lazy.out().write(MORE); // after agreement, data goes straight out
        }
        byte[] sent = proposalBytes(proposals, expected.sent(), action == 1 ? DATA : null);
        assertArrayEquals(action == 3 ? sent : concat(sent, MORE), wire.written());
        assertEquals(0, wire.aborts.get());
        assertEquals(action == 3, wire.outClosed, "closing an agreed stream closes its output");
    }

    /**
     * {@link Multistream#list}: the input is what the listener sends. What the dialer lists must
     * be exactly what the listener's answer encodes (it re-encodes to the same bytes), and nothing
     * behind the answer is read.
     */
    @FuzzTest(maxDuration = "30s")
    void list(byte[] input) throws IOException {
        Wire wire = new Wire(input);
        List<String> listed;
        try {
            listed = new Multistream().list(wire.duplex());
        } catch (NegotiationException e) {
            assertEquals(List.of(), e.proposed());
            assertArrayEquals(Message.encodeAll(List.of(Multistream.PROTOCOL_ID, Multistream.LIST)), wire.written());
            return;
        }
        assertArrayEquals(Message.encodeAll(List.of(Multistream.PROTOCOL_ID, Multistream.LIST)), wire.written());
        byte[] header = Message.encode(Multistream.PROTOCOL_ID);
        byte[] answer = Message.frame(Message.encodeList(listed));
        assertArrayEquals(concat(header, answer), Arrays.copyOf(input, Math.min(input.length, header.length + answer.length)),
                "the listing re-encodes to the listener's answer");
        assertArrayEquals(Arrays.copyOfRange(input, header.length + answer.length, input.length), wire.unread());
    }

    /**
     * What a correct dialer makes of {@code replies}: the protocol agreed on (null for a
     * failure), how many proposals it sent, and how many reply bytes it read.
     */
    private record Expected(String chosen, int sent, int consumed) {
        /**
         * Reads the replies the way the protocol says: the header, then an answer per proposal,
         * each the proposal echoed or {@code na}. After data went out with the first proposal
         * ({@code pipelined}), a refusal cannot be followed by another proposal.
         */
        static Expected of(byte[] replies, List<String> proposals, boolean pipelined) {
            ByteArrayInputStream in = new ByteArrayInputStream(replies);
            int sent = 1; // the header and the first proposal go out before anything is read
            try {
                if (!Message.read(in).equals(Multistream.PROTOCOL_ID)) {
                    return new Expected(null, sent, -1);
                }
                for (int i = 0; ; i++) {
                    String answer = Message.read(in);
                    if (answer.equals(proposals.get(i))) {
                        return new Expected(answer, sent, replies.length - in.available());
                    }
                    if (!answer.equals(Multistream.NOT_AVAILABLE) || pipelined || sent == proposals.size()) {
                        return new Expected(null, sent, -1);
                    }
                    sent++;
                }
            } catch (IOException e) {
                return new Expected(null, sent, -1); // malformed or cut short
            }
        }
    }

    /** The listener's replies to read, and what the dialer writes, aborts and closes. */
    private static final class Wire {
        private final ByteArrayInputStream in;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void close() {
                outClosed = true;
            }
        };
        final AtomicInteger aborts = new AtomicInteger();
        boolean outClosed;

        Wire(byte[] replies) {
            this.in = new ByteArrayInputStream(replies);
        }

        Duplex duplex() {
            return new Duplex(in, out, aborts::incrementAndGet);
        }

        byte[] written() {
            return out.toByteArray();
        }

        byte[] unread() {
            return in.readAllBytes();
        }

        /** After an agreement, everything behind the listener's answer is still unread. */
        void assertUnread(byte[] replies, Expected expected) {
            if (expected.chosen() != null) {
                assertArrayEquals(Arrays.copyOfRange(replies, expected.consumed(), replies.length), unread());
            }
        }
    }

    private static List<String> proposals(byte[] input) {
        int count = input.length == 0 ? 1 : (input[0] & 3) + 1;
        return PROTOCOLS.subList(0, count);
    }

    private static byte[] replies(byte[] input) {
        return input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
    }

    /** The header and the first {@code sent} proposals as the dialer writes them, {@code data} after the first. */
    private static byte[] proposalBytes(List<String> proposals, int sent, byte[] data) {
        List<String> first = new ArrayList<>(List.of(Multistream.PROTOCOL_ID, proposals.getFirst()));
        byte[] bytes = Message.encodeAll(first);
        if (data != null) {
            bytes = concat(bytes, data);
        }
        for (int i = 1; i < sent; i++) {
            bytes = concat(bytes, Message.encode(proposals.get(i)));
        }
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
