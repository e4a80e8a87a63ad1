package io.p2pkit.nat.autonat;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.reqres.RequestResponse;
import io.p2pkit.core.reqres.RequestResponseException;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** The AutoNAT v1 client: asks one server to dial us back on our addresses. */
final class AutoNatV1Client {
    private final Host host;
    private final Duration timeout;
    private final RequestResponse<V1Message, V1Message> exchange;

    AutoNatV1Client(Host host, Duration timeout) {
        this.host = host;
        this.timeout = timeout;
        this.exchange = AutoNatV1Server.exchange(host);
    }

    /**
     * Asks {@code server} to dial us on {@code addresses}.
     *
     * @throws IOException when the exchange fails or the answer is malformed
     */
    V1Message.DialResponse dialBack(PeerId server, List<Multiaddr> addresses) throws IOException {
        V1Message.Dial request = new V1Message.Dial(host.peerId().bytes(), addresses);
        if (request.encode().length > V1Message.MAX_BYTES) {
            request = new V1Message.Dial(host.peerId().bytes(), addresses.subList(0, Math.min(addresses.size(), 16)));
        }
        try {
            if (!(exchange.request(new PeerInfo(server, List.of()), request, timeout) instanceof V1Message.DialResponse r)) {
                throw new DecodeException("autonat", "expected a dial response");
            }
            return r;
        } catch (DecodeException | RequestResponseException.Malformed e) {
            throw new IOException("autonat v1: bad answer from " + server + ": " + e.getMessage(), e);
        }
    }
}
