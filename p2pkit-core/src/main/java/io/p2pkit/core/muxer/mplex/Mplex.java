package io.p2pkit.core.muxer.mplex;

import io.p2pkit.core.muxer.MuxedConnection;
import io.p2pkit.core.muxer.Muxer;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.transport.RawConnection;

import java.io.IOException;
import java.util.Objects;

/** The mplex stream multiplexer, {@value #PROTOCOL_ID}. */
public final class Mplex implements Muxer {
    /** The multistream protocol ID of mplex. */
    public static final String PROTOCOL_ID = "/mplex/6.7.0";

    private final MplexConfig config;

    /** mplex with {@link MplexConfig#DEFAULT} limits. */
    public Mplex() {
        this(MplexConfig.DEFAULT);
    }

    /** mplex with the given limits. */
    public Mplex(MplexConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    /** Starts the connection's read loop on a virtual thread. mplex streams do not depend on the role. */
    @Override
    public MuxedConnection wrap(RawConnection connection, boolean initiator) throws IOException {
        return MplexConnection.start(connection, config, MemoryScope.UNLIMITED);
    }

    /**
     * Starts the connection's read loop; every received payload is reserved in {@code memory}
     * until it is read. mplex has no flow control, so a refused reservation resets that stream
     * (as a full receive buffer does) with the limit error, and the connection lives on.
     */
    @Override
    public MuxedConnection wrap(RawConnection connection, boolean initiator, MemoryScope memory) throws IOException {
        return MplexConnection.start(connection, config, Objects.requireNonNull(memory, "memory"));
    }

    @Override
    public String toString() {
        return "Mplex" + config;
    }
}
