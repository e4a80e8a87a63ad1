package io.p2pkit.core.reqres;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multistream.NegotiationException;
import io.p2pkit.core.network.Connection;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One request, one response, one stream: the requester opens a stream, writes the request and
 * half-closes; the server reads it, runs its {@link RequestHandler} and writes the response.
 * Messages are varint-length-prefixed by default, their sizes checked before anything is
 * allocated, every exchange runs under a timeout, and inbound requests are limited per peer and
 * overall (excess streams are reset at once, never queued). A stream per request, as
 * rust-libp2p's {@code request_response}.
 *
 * <pre>{@code
 * var echo = RequestResponse.attach(server, "/myapp/echo/1.0.0", Codec.bytes(), Codec.bytes(),
 *         RequestResponseConfig.defaults());
 * echo.serve((from, request) -> request);
 * byte[] answer = RequestResponse.attach(client, "/myapp/echo/1.0.0").request(server.peerId(), hello);
 * }</pre>
 *
 * <p>{@link #request} blocks, as every protocol call in p2pkit does: call it from a virtual thread,
 * or from several for requests in parallel (up to {@link RequestResponseConfig#maxOutbound()}).
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
public final class RequestResponse<Q, R> implements Closeable {
    private static final System.Logger LOG = LazyLogger.of(RequestResponse.class);

    private final Host host;
    private final String protocol;
    private final Codec<Q> requests;
    private final Codec<R> responses;
    private final RequestResponseConfig config;
    private final Semaphore outbound;
    private final Semaphore inbound;
    private final Map<PeerId, Integer> inboundPerPeer = new ConcurrentHashMap<>();
    private final List<Consumer<RequestResponseException>> failureListeners = new CopyOnWriteArrayList<>();
    private volatile RequestHandler<Q, R> handler;

    private RequestResponse(Host host, String protocol, Codec<Q> requests, Codec<R> responses,
                            RequestResponseConfig config) {
        this.host = Objects.requireNonNull(host, "host");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.requests = Objects.requireNonNull(requests, "requests");
        this.responses = Objects.requireNonNull(responses, "responses");
        this.config = Objects.requireNonNull(config, "config");
        this.outbound = new Semaphore(config.maxOutbound());
        this.inbound = new Semaphore(config.maxInbound());
    }

    /**
     * The protocol {@code protocol} on {@code host}, closed with it. It only requests until
     * {@link #serve} is called.
     */
    public static <Q, R> RequestResponse<Q, R> attach(Host host, String protocol, Codec<Q> requests,
                                                      Codec<R> responses, RequestResponseConfig config) {
        RequestResponse<Q, R> rr = new RequestResponse<>(host, protocol, requests, responses, config);
        host.addService(rr);
        return rr;
    }

    /** A protocol of raw byte messages with the default limits. */
    public static RequestResponse<byte[], byte[]> attach(Host host, String protocol) {
        return attach(host, protocol, Codec.bytes(), Codec.bytes(), RequestResponseConfig.defaults());
    }

    /** The protocol ID. */
    public String protocol() {
        return protocol;
    }

    /** The limits in force. */
    public RequestResponseConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ serving

    /** Answers inbound requests with {@code h} from now on (replacing an earlier handler). */
    public RequestResponse<Q, R> serve(RequestHandler<Q, R> h) {
        this.handler = Objects.requireNonNull(h, "handler");
        host.setStreamHandler(protocol, this::serveStream, config.limitedConnections());
        return this;
    }

    /** Stops answering: the protocol is no longer offered. Requests can still be made. */
    public void stopServing() {
        if (handler != null) {
            handler = null;
            host.removeStreamHandler(protocol);
        }
    }

    /**
     * Tells {@code listener} of every inbound exchange that failed on this side: a request too
     * large or malformed, one refused over the concurrency limits, a handler that threw, a timeout.
     * Listeners run on the stream's thread and must be quick.
     */
    public void onInboundFailure(Consumer<RequestResponseException> listener) {
        failureListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void serveStream(Stream s) throws RequestResponseException {
        PeerId peer = s.remotePeer();
        if (!inbound.tryAcquire()) {
            throw failed(new RequestResponseException.Refused(protocol, peer,
                    "refused: " + config.maxInbound() + " inbound requests in flight already"));
        }
        try {
            if (!acquirePeerSlot(peer)) {
                throw failed(new RequestResponseException.Refused(protocol, peer,
                        "refused: the peer has " + config.maxInboundPerPeer() + " requests in flight already"));
            }
            try {
                answer(s);
            } catch (RequestResponseException.Timeout e) {
                throw e; // reported by the timer when it fired
            } catch (RequestResponseException e) {
                throw failed(e);
            } finally {
                releasePeerSlot(peer);
            }
        } finally {
            inbound.release();
        }
    }

    private boolean acquirePeerSlot(PeerId peer) {
        AtomicBoolean acquired = new AtomicBoolean();
        inboundPerPeer.compute(peer, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= config.maxInboundPerPeer()) {
                return n;
            }
            acquired.set(true);
            return now + 1;
        });
        return acquired.get();
    }

    private void releasePeerSlot(PeerId peer) {
        inboundPerPeer.computeIfPresent(peer, (k, n) -> n <= 1 ? null : n - 1);
    }

    private void answer(Stream s) throws RequestResponseException {
        PeerId peer = s.remotePeer();
        AtomicBoolean timedOut = new AtomicBoolean();
        var timer = host.scheduler().schedule(() -> {
            timedOut.set(true);
            s.reset();
            host.spawn("reqres-timeout", () -> failed(timeout(peer, "answering")));
        }, config.timeout().toNanos(), TimeUnit.NANOSECONDS);
        try {
            byte[] bytes = Framer.read(s.in(), config.framing(), config.maxRequestBytes(), protocol, peer, "request");
            if (bytes == null) {
                throw new RequestResponseException.Malformed(protocol, peer, "the stream ended before the request", null);
            }
            Q request = decode(requests, bytes, peer, "request");
            RequestHandler<Q, R> h = handler;
            if (h == null) {
                throw new RequestResponseException.Refused(protocol, peer, "refused: no longer serving");
            }
            R response;
            try {
                response = h.handle(s.connection(), request);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RequestResponseException.HandlerFailed(protocol, peer, e);
            } catch (Exception e) {
                throw timedOut.get() ? timeout(peer, "the handler") : new RequestResponseException.HandlerFailed(protocol, peer, e);
            }
            if (timedOut.get()) {
                throw timeout(peer, "the handler"); // the stream is reset already; the handler is not interrupted
            }
            byte[] out = encode(responses, response, peer, "response", config.maxResponseBytes());
            Framer.write(s.out(), config.framing(), out);
            s.closeWrite();
        } catch (RequestResponseException e) {
            throw timedOut.get() && !(e instanceof RequestResponseException.Timeout) ? timeout(peer, "the exchange") : e;
        } catch (IOException e) {
            throw timedOut.get() ? timeout(peer, "the exchange")
                    : new RequestResponseException.RemoteReset(protocol, peer, "the stream failed while answering: " + e, e);
        } finally {
            timer.cancel(false);
        }
    }

    private RequestResponseException failed(RequestResponseException e) {
        LOG.log(System.Logger.Level.DEBUG, () -> "inbound " + e.getMessage());
        for (Consumer<RequestResponseException> l : failureListeners) {
            try {
                l.accept(e);
            } catch (RuntimeException bug) {
                LOG.log(System.Logger.Level.WARNING, "inbound failure listener of " + protocol + " failed", bug);
            }
        }
        return e;
    }

    // ------------------------------------------------------------------ requesting

    /** Asks {@code peer} (connected, or with addresses in the peerstore) within the configured timeout. */
    public R request(PeerId peer, Q request) throws IOException {
        return request(new PeerInfo(peer, List.of()), request, config.timeout());
    }

    /** Asks {@code peer}, connecting to it first if needed, within the configured timeout. */
    public R request(PeerInfo peer, Q request) throws IOException {
        return request(peer, request, config.timeout());
    }

    /**
     * Asks {@code peer}, connecting to it first if needed. The timeout runs from the start of the
     * call; dialing is bounded by the dialer's own timeouts too.
     *
     * @throws RequestResponseException (one of its subclasses) when the exchange fails
     * @throws IOException              when the peer cannot be reached (a
     *                                  {@link io.p2pkit.core.network.LimitedConnectionException} when only a
     *                                  limited connection can be had and the config does not allow them)
     */
    public R request(PeerInfo peer, Q request, Duration timeout) throws IOException {
        return exchange(peer.peerId(), request, timeout, null, peer);
    }

    /** Asks over {@code connection} (the auth protocol does, on the connection it authorizes). */
    public R request(Connection connection, Q request, Duration timeout) throws IOException {
        return exchange(connection.remotePeer(), request, timeout, connection, null);
    }

    private R exchange(PeerId peer, Q request, Duration timeout, Connection connection, PeerInfo info)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] bytes = encode(requests, request, peer, "request", config.maxRequestBytes());
        try {
            if (!outbound.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new RequestResponseException.Timeout(protocol, peer, "no outbound slot within " + timeout + ": "
                        + config.maxOutbound() + " requests in flight");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for an outbound slot");
        }
        try {
            Stream s;
            try {
                s = connection != null
                        ? host.newStream(connection, config.limitedConnections(), protocol)
                        : host.newStream(info, config.limitedConnections(), protocol);
            } catch (NegotiationException e) {
                throw refusal(peer, e);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                s.reset();
                throw timeout(peer, "connecting");
            }
            return ask(s, bytes, left);
        } finally {
            outbound.release();
        }
    }

    private R ask(Stream s, byte[] bytes, long timeoutNanos) throws RequestResponseException {
        PeerId peer = s.remotePeer();
        AtomicBoolean timedOut = new AtomicBoolean();
        var timer = host.scheduler().schedule(() -> {
            timedOut.set(true);
            s.reset();
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        try {
            // A round trip before the request: a pipelined request that the remote accepts and
            // then resets (over its limits, say) would look like a refused protocol.
            s.awaitProtocol();
            Framer.write(s.out(), config.framing(), bytes);
            s.closeWrite(); // the server reads the request to its end
            byte[] answer = Framer.read(s.in(), config.framing(), config.maxResponseBytes(), protocol, peer, "response");
            if (answer == null) {
                throw new RequestResponseException.RemoteReset(protocol, peer,
                        "the remote closed the stream without answering", null);
            }
            R response = decode(responses, answer, peer, "response");
            try {
                s.close();
            } catch (IOException e) {
                // the answer is in; a stream failing as it closes does not undo it
                LOG.log(System.Logger.Level.DEBUG, () -> "closing " + s + " after its response: " + e);
            }
            return response;
        } catch (RequestResponseException e) {
            s.reset();
            throw timedOut.get() ? timeout(peer, "waiting for the response") : e;
        } catch (NegotiationException e) {
            s.reset();
            throw timedOut.get() || e.timedOut() ? timeout(peer, "negotiating the protocol") : refusal(peer, e);
        } catch (IOException e) {
            s.reset();
            throw timedOut.get() ? timeout(peer, "waiting for the response")
                    : new RequestResponseException.RemoteReset(protocol, peer, "the stream failed: " + e, e);
        } catch (RuntimeException e) {
            s.reset(); // a codec's bug: the stream must not outlive it
            throw e;
        } finally {
            timer.cancel(false);
        }
    }

    /** An explicit {@code na} is an unsupported protocol; a reset before acceptance may be a refusal of the request. */
    private RequestResponseException refusal(PeerId peer, NegotiationException e) {
        if (e.answers().contains("na")) {
            return new RequestResponseException.UnsupportedProtocol(protocol, peer, e);
        }
        return new RequestResponseException.RemoteReset(protocol, peer,
                "the remote reset the stream before accepting the protocol: " + e.getMessage(), e);
    }

    private RequestResponseException.Timeout timeout(PeerId peer, String during) {
        return new RequestResponseException.Timeout(protocol, peer, "timed out after " + config.timeout()
                + " (" + during + ")");
    }

    private <T> T decode(Codec<T> codec, byte[] bytes, PeerId peer, String what) throws RequestResponseException {
        try {
            return codec.decode(bytes);
        } catch (DecodeException e) {
            throw new RequestResponseException.Malformed(protocol, peer, "malformed " + what + ": " + e.getMessage(), e);
        }
    }

    private <T> byte[] encode(Codec<T> codec, T value, PeerId peer, String what, int limit)
            throws RequestResponseException {
        byte[] bytes = codec.encode(Objects.requireNonNull(value, what));
        if (bytes.length > limit) {
            throw new RequestResponseException.TooLarge(protocol, peer, what, bytes.length, limit);
        }
        return bytes;
    }

    /** Stops serving; requests in flight finish or time out. */
    @Override
    public void close() {
        stopServing();
    }

    @Override
    public String toString() {
        return "RequestResponse[" + protocol + "]";
    }
}
