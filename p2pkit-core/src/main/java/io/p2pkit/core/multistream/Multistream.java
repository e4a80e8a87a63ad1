package io.p2pkit.core.multistream;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * multistream-select 1.0: agrees on a protocol over a connection (security, muxer) or a muxed
 * stream (application protocol). Messages are a varint length, UTF-8 text and a newline; both
 * sides first send the header {@value #PROTOCOL_ID}, then the dialer proposes protocols one at a
 * time and the listener echoes the one it accepts or answers {@code na}.
 *
 * <p>Blocking; call from a virtual thread. With a {@link NegotiationTimer} every negotiation
 * has a deadline after which its connection or stream is aborted.
 */
public final class Multistream {
    /** The header both sides send first. */
    public static final String PROTOCOL_ID = "/multistream/1.0.0";
    /** The listener's refusal of a proposal. */
    public static final String NOT_AVAILABLE = "na";
    /** The dialer's request for the list of supported protocols. */
    public static final String LIST = "ls";
    /** How many messages a listener reads after the header before giving up on a dialer. */
    public static final int MAX_ROUNDS = 32;

    private final NegotiationTimer timer;

    /** Negotiations without a deadline (tests, or callers that bound time themselves). */
    public Multistream() {
        this.timer = null;
    }

    /** Negotiations bounded by {@code timer}. */
    public Multistream(NegotiationTimer timer) {
        this.timer = Objects.requireNonNull(timer, "timer");
    }

    /**
     * As the dialer, proposes {@code protocols} in order and returns the first one the listener
     * accepts. The header and the first proposal go out in one write, saving a round trip.
     *
     * @throws NegotiationException if none is accepted (listing proposals and answers), the
     *         remote breaks the protocol, goes away, or the deadline passes
     */
    public String select(Duplex duplex, List<String> protocols) throws IOException {
        List<String> proposals = checkProposals(protocols);
        return withDeadline(duplex, () -> {
            Dialer dialer = new Dialer(duplex);
            dialer.send(List.of(PROTOCOL_ID, proposals.getFirst()));
            dialer.expectHeader();
            if (dialer.answer(proposals.getFirst())) {
                return proposals.getFirst();
            }
            return dialer.proposeRest(proposals.subList(1, proposals.size()));
        });
    }

    /**
     * As the listener, answers proposals until one is in {@code supported}, and returns it.
     * {@code ls} is answered with {@code supported} in its iteration order.
     */
    public String negotiate(Duplex duplex, Collection<String> supported) throws IOException {
        Set<String> set = Set.copyOf(supported);
        return negotiate(duplex, set::contains, List.copyOf(supported));
    }

    /**
     * As the listener, answers proposals until {@code supported} accepts one, and returns it.
     * Unknown proposals get {@code na}; {@code ls} gets {@code advertised}. A dialer gets at
     * most {@link #MAX_ROUNDS} messages.
     *
     * @throws NegotiationException if the dialer sends a wrong header, malformed or oversized
     *         messages, too many rounds, goes away, or the deadline passes
     */
    public String negotiate(Duplex duplex, Predicate<String> supported, List<String> advertised)
            throws IOException {
        Objects.requireNonNull(supported, "supported");
        byte[] listAnswer = Message.frame(Message.encodeList(List.copyOf(advertised)));
        return withDeadline(duplex, () -> {
            List<String> received = new ArrayList<>();
            try {
                try {
                    write(duplex.out(), Message.encode(PROTOCOL_ID));
                } catch (IOException e) {
                    // the dialer may have sent everything and closed its side; reading decides
                }
                String header = Message.read(duplex.in());
                if (!header.equals(PROTOCOL_ID)) {
                    throw new NegotiationException("remote does not speak " + PROTOCOL_ID,
                            List.of(), List.of(header));
                }
                for (int round = 0; round < MAX_ROUNDS; round++) {
                    String token = Message.read(duplex.in());
                    received.add(token);
                    if (token.equals(LIST)) {
                        write(duplex.out(), listAnswer);
                    } else if (!token.equals(NOT_AVAILABLE) && supported.test(token)) {
                        write(duplex.out(), Message.encode(token));
                        return token;
                    } else {
                        write(duplex.out(), Message.encode(NOT_AVAILABLE));
                    }
                }
                throw new NegotiationException("dialer sent more than " + MAX_ROUNDS
                        + " messages without agreeing on a protocol", received, List.of());
            } catch (NegotiationException e) {
                throw e;
            } catch (IOException e) {
                throw new NegotiationException("connection failed during negotiation (dialer proposed "
                        + received + ")", e);
            }
        });
    }

    /** As the dialer, asks the listener which protocols it supports ({@code ls}). */
    public List<String> list(Duplex duplex) throws IOException {
        return withDeadline(duplex, () -> {
            Dialer dialer = new Dialer(duplex);
            dialer.send(List.of(PROTOCOL_ID, LIST));
            dialer.expectHeader();
            try {
                return Message.decodeList(Message.readBody(duplex.in(), Message.MAX_LIST_BYTES));
            } catch (EOFException e) {
                throw new NegotiationException("remote closed before answering ls", e);
            }
        });
    }

    /**
     * As the dialer, returns at once a stream that negotiates lazily: its first write sends the
     * header, the first proposal and the data in one write; its first read checks the
     * listener's header and echo. See {@link LazySelection} for what happens on refusal.
     */
    public LazySelection selectLazily(Duplex duplex, List<String> protocols) {
        return new LazySelection(this, duplex, checkProposals(protocols));
    }

    <T> T withDeadline(Duplex duplex, NegotiationTimer.Step<T> step) throws IOException {
        return timer == null ? step.run() : timer.run(duplex.abort(), step);
    }

    static void write(OutputStream out, byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private static List<String> checkProposals(List<String> protocols) {
        List<String> copy = List.copyOf(protocols);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("no protocols to propose");
        }
        for (String p : copy) {
            int size = p.getBytes(StandardCharsets.UTF_8).length + 1;
            if (size > Message.MAX_MESSAGE_BYTES) {
                throw new IllegalArgumentException("protocol ID longer than "
                        + (Message.MAX_MESSAGE_BYTES - 1) + " bytes: " + p.substring(0, 40) + "...");
            }
            if (p.equals(NOT_AVAILABLE) || p.equals(LIST) || p.equals(PROTOCOL_ID)) {
                throw new IllegalArgumentException("reserved word is not a protocol: " + p);
            }
        }
        return copy;
    }

    /** The dialer's side of the exchange, recording proposals and answers for error messages. */
    static final class Dialer {
        private final Duplex duplex;
        final List<String> proposed = new ArrayList<>();
        final List<String> answers = new ArrayList<>();

        Dialer(Duplex duplex) {
            this.duplex = duplex;
        }

        /** Sends messages in one write; protocol IDs among them count as proposals. */
        void send(List<String> messages) throws IOException {
            send(messages, new byte[0]);
        }

        /** Sends messages and then {@code data} in one write. */
        void send(List<String> messages, byte[] data) throws IOException {
            transmit(prepare(messages, data));
        }

        /**
         * Records the proposals among {@code messages} and returns the bytes that carry them and
         * {@code data}, for {@link #transmit}: the lazy dialer records under its lock but writes
         * outside it, since a write can block until the remote reads.
         */
        byte[] prepare(List<String> messages, byte[] data) {
            for (String m : messages) {
                if (!m.equals(PROTOCOL_ID) && !m.equals(LIST)) {
                    proposed.add(m);
                }
            }
            byte[] framed = Message.encodeAll(messages);
            byte[] all = new byte[framed.length + data.length];
            System.arraycopy(framed, 0, all, 0, framed.length);
            System.arraycopy(data, 0, all, framed.length, data.length);
            return all;
        }

        /** Writes and flushes bytes made by {@link #prepare}. */
        void transmit(byte[] bytes) throws IOException {
            try {
                write(duplex.out(), bytes);
            } catch (IOException e) {
                throw failure("connection failed while proposing", e);
            }
        }

        void expectHeader() throws IOException {
            String header = read();
            if (!header.equals(PROTOCOL_ID)) {
                answers.add(header);
                throw new NegotiationException("remote does not speak " + PROTOCOL_ID, proposed, answers);
            }
        }

        /** Reads the answer to {@code protocol}: true if echoed, false on {@code na}. */
        boolean answer(String protocol) throws IOException {
            String reply = read();
            answers.add(reply);
            if (reply.equals(protocol)) {
                return true;
            }
            if (reply.equals(NOT_AVAILABLE)) {
                return false;
            }
            throw new NegotiationException("unexpected answer to a proposal", proposed, answers);
        }

        /** Proposes each of {@code rest} in turn, one round trip each. */
        String proposeRest(List<String> rest) throws IOException {
            for (String p : rest) {
                send(List.of(p));
                if (answer(p)) {
                    return p;
                }
            }
            throw new NegotiationException("remote supports none of the proposed protocols", proposed, answers);
        }

        private String read() throws IOException {
            try {
                return Message.read(duplex.in());
            } catch (NegotiationException e) {
                throw new NegotiationException(e.getMessage(), proposed, answers, false, e.getCause());
            } catch (IOException e) {
                throw failure(e instanceof EOFException ? "remote closed during negotiation"
                        : "connection failed during negotiation", e);
            }
        }

        private NegotiationException failure(String message, IOException cause) {
            return new NegotiationException(message, proposed, answers, false, cause);
        }
    }
}
