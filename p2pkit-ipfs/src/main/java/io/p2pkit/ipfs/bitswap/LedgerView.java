package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.identity.PeerId;

/**
 * What was exchanged with one peer, as Kubo's {@code bitswap ledger} shows.
 *
 * @param peer           the peer
 * @param bytesSent      bytes of blocks sent to it
 * @param blocksSent     blocks sent to it
 * @param bytesReceived  bytes of blocks received from it
 * @param blocksReceived blocks received from it
 * @param wants          its wants this node holds
 * @param queuedBytes    bytes queued for it and not yet written
 */
public record LedgerView(PeerId peer, long bytesSent, long blocksSent, long bytesReceived, long blocksReceived,
                         int wants, long queuedBytes) {
}
