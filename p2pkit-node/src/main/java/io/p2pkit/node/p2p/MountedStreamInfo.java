package io.p2pkit.node.p2p;

import io.p2pkit.core.multiaddr.Multiaddr;

/**
 * One entry of {@code p2p stream ls}.
 *
 * @param id       the handler ID ({@code p2p stream close} takes it), from 0 in the order streams came
 * @param protocol the libp2p protocol
 * @param origin   where the connection came from: the TCP client's address, or {@code /p2p/<peer>}
 * @param target   where it goes: {@code /p2p/<peer>}, or the listener's TCP target
 */
public record MountedStreamInfo(long id, String protocol, Multiaddr origin, Multiaddr target) {
}
