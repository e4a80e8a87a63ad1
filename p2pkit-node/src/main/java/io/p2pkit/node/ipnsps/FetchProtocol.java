package io.p2pkit.node.ipnsps;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;
import io.p2pkit.core.reqres.Codec;
import io.p2pkit.core.reqres.RequestResponse;
import io.p2pkit.core.reqres.RequestResponseConfig;
import io.p2pkit.kad.record.IpnsRecord;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code /libp2p/fetch/0.0.1}, as go-libp2p-pubsub-router speaks it: a late joiner of a record's
 * topic asks each peer it meets there for the latest value of the record's key. One length-prefixed
 * {@code FetchRequest{string identifier = 1}} each way is answered by one
 * {@code FetchResponse{StatusCode status = 1 (OK 0, NOT_FOUND 1, ERROR 2); bytes data = 2}}.
 * The identifier is the binary record key ({@code /ipns/} + peer ID bytes), so it is kept as bytes,
 * never read as UTF-8.
 */
final class FetchProtocol {
    /** The protocol ID. */
    static final String ID = "/libp2p/fetch/0.0.1";
    /** go-libp2p-pubsub-router's bound on one exchange. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The largest request taken: an identifier is a short key. */
    private static final int MAX_REQUEST = 1024;
    /** The largest response taken: a record, its status and framing. */
    private static final int MAX_RESPONSE = IpnsRecord.MAX_BYTES + 64;
    private static final int NOT_FOUND = 1;

    private final RequestResponse<byte[], Response> rr;

    /** A value, or none (NOT_FOUND, or ERROR). */
    record Response(int status, byte[] data) {
        static Response of(Optional<byte[]> value) {
            return value.map(v -> new Response(0, v)).orElseGet(() -> new Response(NOT_FOUND, new byte[0]));
        }

        byte[] encode() {
            ProtobufWriter w = new ProtobufWriter();
            if (status != 0) {
                w.varint(1, status);
            }
            if (data.length > 0) {
                w.bytes(2, data);
            }
            return w.toByteArray();
        }

        static Response decode(byte[] bytes) {
            int status = 0;
            byte[] data = new byte[0];
            ProtobufReader r = new ProtobufReader(bytes, "FetchResponse");
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> status = (int) r.varint();
                    case 2 -> data = r.bytes();
                    default -> r.skip();
                }
            }
            return new Response(status, data);
        }
    }

    private FetchProtocol(RequestResponse<byte[], Response> rr) {
        this.rr = rr;
    }

    /** The protocol on {@code host}, answering each key with what {@code local} holds for it. */
    static FetchProtocol attach(Host host, Function<byte[], Optional<byte[]>> local) {
        RequestResponse<byte[], Response> rr = RequestResponse.attach(host, ID,
                Codec.of(FetchProtocol::encodeRequest, FetchProtocol::decodeRequest),
                Codec.of(Response::encode, Response::decode),
                RequestResponseConfig.defaults().withTimeout(TIMEOUT).withMaxSizes(MAX_REQUEST, MAX_RESPONSE));
        rr.serve((from, key) -> Response.of(local.apply(key)));
        return new FetchProtocol(rr);
    }

    static byte[] encodeRequest(byte[] key) {
        return new ProtobufWriter().bytes(1, key).toByteArray();
    }

    static byte[] decodeRequest(byte[] bytes) {
        byte[] key = new byte[0]; // proto3 leaves an empty identifier out
        ProtobufReader r = new ProtobufReader(bytes, "FetchRequest");
        while (r.next()) {
            if (r.field() == 1) {
                key = r.bytes();
            } else {
                r.skip();
            }
        }
        return key;
    }

    /**
     * Asks {@code peer} for the value of {@code key}.
     *
     * @return the value, empty when the peer has none
     * @throws IOException when the exchange fails
     */
    Optional<byte[]> fetch(PeerId peer, byte[] key) throws IOException {
        Response r = rr.request(peer, key);
        return r.status() == 0 ? Optional.of(r.data()) : Optional.empty();
    }

    /** Stops answering. */
    void close() {
        rr.close();
    }
}
