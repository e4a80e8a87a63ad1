package io.p2pkit.ipfs.bitswap;

/**
 * A snapshot of what Bitswap did since it started (Kubo's {@code bitswap stat}, and what a
 * hostile peer cost).
 *
 * @param blocksReceived    wanted blocks received
 * @param dataReceived      their bytes
 * @param unwantedBlocks    blocks nobody here wanted (duplicates, unsolicited, or bytes that do not hash to a wanted CID)
 * @param unwantedData      their bytes
 * @param blocksSent        blocks sent
 * @param dataSent          their bytes
 * @param messagesReceived  messages read
 * @param messagesSent      messages written
 * @param malformedMessages messages that did not decode (the stream was reset)
 * @param oversizedMessages messages over 4 MiB (the stream was reset)
 * @param refusedWants      wants dropped because a peer's wantlist, or its queue of unsent HAVE and
 *                          DONT_HAVE answers, was full
 * @param bigBlockWants     wants for blocks over the block limit, answered DONT_HAVE
 * @param memoryRefused     blocks not queued, and messages not read (their stream was reset), because the
 *                          resource manager refused their memory
 * @param sendFailures      messages that could not be sent
 * @param slowPeers         streams reset because the peer did not read
 * @param droppedBytes      queued bytes dropped with a failed or reset stream
 * @param wantlist          blocks this node wants now
 * @param peers             peers with a ledger
 */
public record BitswapStats(long blocksReceived, long dataReceived, long unwantedBlocks, long unwantedData,
                           long blocksSent, long dataSent, long messagesReceived, long messagesSent,
                           long malformedMessages, long oversizedMessages, long refusedWants, long bigBlockWants,
                           long memoryRefused, long sendFailures, long slowPeers, long droppedBytes,
                           int wantlist, int peers) {
}
