package io.p2pkit.nat.autonat;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.protobuf.LengthPrefixed;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** The AutoNAT v1 client: asks one server to dial us back on our addresses. */
final class AutoNatV1Client {
    private final Host host;
    private final Duration timeout;

    AutoNatV1Client(Host host, Duration timeout) {
        this.host = host;
        this.timeout = timeout;
    }

    /**
     * Asks {@code server} to dial us on {@code addresses}.
     *
     * @throws IOException when the exchange fails or the answer is malformed
     */
    V1Message.DialResponse dialBack(PeerId server, List<Multiaddr> addresses) throws IOException {
        try (Stream s = host.newStream(server, AutoNatV1Server.PROTOCOL)) {
            Deadline deadline = new Deadline(host, s, timeout);
            try {
                byte[] request = new V1Message.Dial(host.peerId().bytes(), addresses).encode();
                if (request.length > V1Message.MAX_BYTES) {
                    request = new V1Message.Dial(host.peerId().bytes(),
                            addresses.subList(0, Math.min(addresses.size(), 16))).encode();
                }
                LengthPrefixed.write(s.out(), request);
                s.closeWrite();
                byte[] bytes = LengthPrefixed.read(s.in(), V1Message.MAX_BYTES);
                if (bytes == null) {
                    throw new IOException("autonat v1: " + server + " closed the stream without answering");
                }
                if (!(V1Message.decode(bytes) instanceof V1Message.DialResponse r)) {
                    throw new DecodeException("autonat", "expected a dial response");
                }
                return r;
            } catch (DecodeException e) {
                s.reset();
                throw new IOException("autonat v1: bad answer from " + server + ": " + e.getMessage(), e);
            } finally {
                deadline.close();
            }
        }
    }
}
