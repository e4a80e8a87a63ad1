package io.p2pkit.core.muxer;

import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.transport.RawConnection;

import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A stream multiplexer such as yamux or mplex, identified by its multistream protocol ID: it turns
 * one secured byte pipe into a {@link MuxedConnection} of many streams. A host takes any through
 * its {@link Factory}.
 */
public interface Muxer {
    /** The protocol ID negotiated for it, for example {@code /yamux/1.0.0}. */
    String protocolId();

    /**
     * Starts multiplexing over a secured connection. The muxer owns {@code connection} from now
     * on and closes it when the muxed connection closes.
     *
     * @param initiator whether this side dialed (it decides, for example, odd or even stream IDs)
     */
    MuxedConnection wrap(RawConnection connection, boolean initiator) throws IOException;

    /**
     * Starts multiplexing as {@link #wrap(RawConnection, boolean)}, charging the muxer's receive
     * buffers to {@code memory} before they are allocated. Muxers that buffer nothing of their own
     * ignore it (the default).
     */
    default MuxedConnection wrap(RawConnection connection, boolean initiator, MemoryScope memory) throws IOException {
        return wrap(connection, initiator);
    }

    /**
     * Makes a muxer for a host. {@code HostBuilder.muxer} takes one per muxer, in preference order,
     * for example {@code Yamux.factory(YamuxConfig.defaults())} or {@code scheduler -> new Mplex()}.
     */
    @FunctionalInterface
    interface Factory {
        /**
         * A new muxer for a host.
         *
         * @param scheduler the host's scheduler, for the muxer's timers (keep-alive); tasks must be short
         */
        Muxer create(ScheduledExecutorService scheduler);
    }
}
