package io.p2pkit.ipfs.bitswap;

import java.util.concurrent.atomic.LongAdder;

/** The service's running counts; {@link BitswapStats} is their snapshot. */
final class Counters {
    final LongAdder messagesReceived = new LongAdder();
    final LongAdder blocksReceived = new LongAdder();
    final LongAdder dataReceived = new LongAdder();
    final LongAdder unwantedBlocks = new LongAdder();
    final LongAdder unwantedData = new LongAdder();
    final LongAdder blocksSent = new LongAdder();
    final LongAdder dataSent = new LongAdder();
    final LongAdder messagesSent = new LongAdder();
    final LongAdder malformedMessages = new LongAdder();
    final LongAdder oversizedMessages = new LongAdder();
    final LongAdder refusedWants = new LongAdder();
    final LongAdder bigBlockWants = new LongAdder();
    final LongAdder memoryRefused = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    final LongAdder slowPeers = new LongAdder();
    final LongAdder droppedBytes = new LongAdder();
}
