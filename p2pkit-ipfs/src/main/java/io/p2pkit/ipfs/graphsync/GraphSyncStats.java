package io.p2pkit.ipfs.graphsync;

/**
 * What GraphSync did so far.
 *
 * @param requestsServed     requests answered to the end (any final status)
 * @param requestsBusy       requests answered 31 (over the request limits)
 * @param requestsRejected   requests refused (30: not serving; 32: an invalid selector or a walk over its caps)
 * @param requestsCancelled  requests the peer cancelled while served
 * @param blocksSent         blocks sent
 * @param bytesSent          bytes of blocks sent
 * @param blocksReceived     blocks received, checked and stored by this node's requests
 * @param bytesReceived      bytes of those blocks
 * @param malformedMessages  messages that did not decode (their stream was reset)
 * @param oversizedMessages  messages over 4 MiB (their stream was reset)
 * @param unknownResponses   responses for requests this node did not make (or no longer waits for)
 * @param outsideSelection   blocks or links a peer sent that the selector does not reach, or out of traversal order
 * @param memoryRefused      requests served that the resource manager refused memory for (answered 31), and
 *                           responses received that it refused memory for (the request failed)
 * @param blocksNotSent      blocks served requests reached but did not send, as their do-not-send-cids or
 *                           do-not-send-first-blocks extension asked
 */
public record GraphSyncStats(long requestsServed, long requestsBusy, long requestsRejected, long requestsCancelled,
                             long blocksSent, long bytesSent, long blocksReceived, long bytesReceived,
                             long malformedMessages, long oversizedMessages, long unknownResponses, long outsideSelection,
                             long memoryRefused, long blocksNotSent) {
}
