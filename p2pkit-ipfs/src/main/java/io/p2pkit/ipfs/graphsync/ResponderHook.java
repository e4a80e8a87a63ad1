package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.ipld.Node;

import java.util.Map;

/**
 * Lets the application pause responses this node serves, as go-graphsync's outgoing-block and
 * request-updated hooks do: asked before each block is sent, the hook may pause the response
 * there; the requester is then sent what the response holds so far with status 15
 * (RequestPaused), and the response goes on when the application calls
 * {@link GraphSync#unpause} or the requester sends an update the hook accepts. A paused response
 * ends when the requester cancels it.
 *
 * <pre>{@code
 * gs.responderHook(new ResponderHook() {
 *     public boolean pauseBefore(Served r, Cid block, long blocks, long bytes) {
 *         return bytes >= 8 << 20;                       // after 8 MiB, until unpaused
 *     }
 *     public boolean unpauseOnUpdate(Served r, Map<String, Node> extensions) {
 *         return extensions.containsKey("example/paid"); // or gs.unpause(peer, id)
 *     }
 * });
 * }</pre>
 */
public interface ResponderHook {
    /** Pauses nothing. */
    ResponderHook NONE = new ResponderHook() {
    };

    /**
     * A request being answered.
     *
     * @param peer       who asked
     * @param id         the request ID, as hex (what {@link GraphSync#unpause} takes)
     * @param root       the root asked for
     * @param extensions the request's extensions
     */
    record Served(PeerId peer, String id, Cid root, Map<String, Node> extensions) {
        /** Copies the extensions. */
        public Served {
            extensions = Map.copyOf(extensions);
        }
    }

    /**
     * Called on the response's thread before a block is sent (not for blocks held back).
     *
     * @param request the request
     * @param block   the block about to be sent
     * @param blocks  blocks this response has sent so far
     * @param bytes   their bytes
     * @return true to pause the response before this block
     */
    default boolean pauseBefore(Served request, Cid block, long blocks, long bytes) {
        return false;
    }

    /**
     * Called when the requester sends an update for a paused response.
     *
     * @param request    the request
     * @param extensions the update's extensions
     * @return true to unpause the response
     */
    default boolean unpauseOnUpdate(Served request, Map<String, Node> extensions) {
        return false;
    }
}
