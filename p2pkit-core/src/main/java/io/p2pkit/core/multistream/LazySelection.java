package io.p2pkit.core.multistream;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.muxer.StreamResetException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A dialer's stream whose protocol negotiation is pipelined with the first data, saving a round
 * trip when the listener is expected to support the first proposal.
 *
 * <ul>
 *   <li>The first write sends the header, the first proposal and the data in one write.</li>
 *   <li>The first read (or {@link #protocol()}) sends the header and proposal if nothing was
 *       written yet, then checks the listener's header and its answer.</li>
 *   <li>If the listener answers {@code na} and no application data has gone out yet, the
 *       remaining proposals are tried one round trip each, as {@link Multistream#select} does.
 *       If data has already gone out, the stream cannot be salvaged (the listener would read the
 *       data as proposals): reads fail with a {@link NegotiationException}. go-multistream's lazy
 *       client and rust-libp2p's {@code V1Lazy} likewise fail when an optimistic proposal is
 *       refused; the fallback before any data is this library's addition.</li>
 *   <li>Writes after the pipelined one do not wait for the listener's answer (a write-only
 *       stream never reads it), except while a fallback is possible, when they wait for the
 *       negotiation to finish so data cannot be mixed into proposals.</li>
 * </ul>
 */
public final class LazySelection implements Closeable {
    private static final System.Logger LOG = LazyLogger.of(LazySelection.class);

    /** At most this much data is copied into the write that carries the proposal; the rest follows at once. */
    static final int MAX_PIPELINED_BYTES = 16 * 1024;

    private final Multistream multistream;
    private final Duplex duplex;
    private final List<String> protocols;
    private final ReentrantLock negotiation = new ReentrantLock();
    private final Multistream.Dialer dialer;
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    private volatile boolean proposalSent;
    private volatile boolean dataSent;
    private volatile String agreed;
    private volatile IOException failure;

    LazySelection(Multistream multistream, Duplex duplex, List<String> protocols) {
        this.multistream = multistream;
        this.duplex = duplex;
        this.protocols = protocols;
        this.dialer = new Multistream.Dialer(duplex);
    }

    /** The application's input; the first read completes the negotiation. */
    public InputStream in() {
        return in;
    }

    /** The application's output; the first write carries the negotiation with it. */
    public OutputStream out() {
        return out;
    }

    /**
     * The agreed protocol, completing the negotiation (and waiting for the listener) if needed.
     *
     * @throws NegotiationException if the listener refused every proposal or misbehaved
     */
    public String protocol() throws IOException {
        return complete();
    }

    /**
     * Sends the header and proposal if nothing went out yet, waits for the listener's answer so
     * that it is not cut off mid-negotiation (as go-multistream does), then aborts the
     * underlying connection or stream if negotiation failed, or closes its output otherwise.
     */
    @Override
    public void close() throws IOException {
        try {
            complete();
        } catch (IOException e) {
            // closing goes ahead: the negotiation's outcome no longer matters
            LOG.log(System.Logger.Level.DEBUG, () -> "closing a stream whose negotiation failed: " + e);
        }
        if (failure != null) {
            duplex.abort().close();
        } else {
            duplex.out().close();
        }
    }

    /** Runs the read half of the negotiation once; later calls return its outcome. */
    private String complete() throws IOException {
        String p = agreed;
        if (p != null) {
            return p;
        }
        negotiation.lock();
        try {
            if (agreed != null) {
                return agreed;
            }
            if (failure != null) {
                throw failure;
            }
            try {
                agreed = multistream.withDeadline(duplex, this::readAnswers);
                return agreed;
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        } finally {
            negotiation.unlock();
        }
    }

    private String readAnswers() throws IOException {
        if (!proposalSent) {
            dialer.send(List.of(Multistream.PROTOCOL_ID, protocols.getFirst()));
            proposalSent = true;
        }
        boolean accepted;
        try {
            dialer.expectHeader();
            accepted = dialer.answer(protocols.getFirst());
        } catch (StreamResetException e) {
            // A listener that refused reads our pipelined data as proposals and resets; its
            // refusal may be lost with the reset, so the reset is reported as the refusal it is.
            throw asRefusal(e);
        }
        if (accepted) {
            return protocols.getFirst();
        }
        if (dataSent) {
            throw new NegotiationException("remote refused the protocol after data was sent with the proposal",
                    dialer.proposed, dialer.answers);
        }
        return dialer.proposeRest(protocols.subList(1, protocols.size()));
    }

    private void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (failure != null) {
            throw failure;
        }
        if (agreed != null || dataSent) {
            writeData(b, off, len);
            return;
        }
        int pipelined = 0;
        byte[] proposal = null;
        negotiation.lock();
        try {
            if (failure != null) {
                throw failure;
            }
            if (!proposalSent) {
                // The proposal and the start of the data are prepared under the lock but written
                // outside it: the write can block until the remote reads, and the remote may be
                // waiting for us to read its answer, which needs the lock.
                pipelined = Math.min(len, MAX_PIPELINED_BYTES);
                byte[] data = new byte[pipelined];
                System.arraycopy(b, off, data, 0, pipelined);
                // count the data as sent before writing: a partial write is still unsalvageable
                dataSent = len > 0;
                proposalSent = true;
                proposal = dialer.prepare(List.of(Multistream.PROTOCOL_ID, protocols.getFirst()), data);
            } else if (agreed == null) {
                // the proposal went out without data and a fallback may still follow
                complete();
            }
        } finally {
            negotiation.unlock();
        }
        if (proposal != null) {
            dialer.transmit(proposal);
        }
        if (len > pipelined) {
            dataSent = true;
            writeData(b, off + pipelined, len - pipelined);
        }
    }

    /**
     * Writes data after the proposal. A listener that refused reads our data as proposals and
     * resets the stream, which can reach a later write before any read: that reset is reported as
     * the refusal it is, as {@link #readAnswers} does.
     */
    private void writeData(byte[] b, int off, int len) throws IOException {
        try {
            duplex.out().write(b, off, len);
        } catch (StreamResetException e) {
            throw asRefusal(e);
        }
    }

    /** A reset before the listener accepted is its refusal; after, it is just a reset. */
    private IOException asRefusal(StreamResetException e) {
        if (agreed != null) {
            return e;
        }
        return new NegotiationException("the remote reset the stream before accepting the protocol",
                dialer.proposed, dialer.answers, false, e);
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            complete();
            return duplex.in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            complete();
            return duplex.in().read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return agreed == null ? 0 : duplex.in().available();
        }

        @Override
        public void close() throws IOException {
            duplex.in().close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            LazySelection.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            LazySelection.this.write(b, off, len);
        }

        /** Sends the header and proposal if nothing went out yet, then flushes. */
        @Override
        public void flush() throws IOException {
            if (!proposalSent) {
                negotiation.lock();
                try {
                    if (!proposalSent) {
                        dialer.send(List.of(Multistream.PROTOCOL_ID, protocols.getFirst()));
                        proposalSent = true;
                    }
                } finally {
                    negotiation.unlock();
                }
            }
            try {
                duplex.out().flush();
            } catch (StreamResetException e) {
                throw asRefusal(e);
            }
        }

        /**
         * Ends the output once the listener has accepted the protocol. Sending the end of the
         * stream together with the pipelined proposal and data is legal, but js-libp2p 3 then
         * fails the stream ("Cannot push data onto a stream that is closed": it puts the data
         * read past the proposal back onto a stream already ended). Waiting costs no extra round
         * trip for a request the listener answers without waiting for our end (identify), and one
         * for a request it answers only after it (perf), which is what go-libp2p pays anyway by
         * negotiating before its first write.
         */
        @Override
        public void close() throws IOException {
            flush();
            complete();
            duplex.out().close();
        }
    }
}
