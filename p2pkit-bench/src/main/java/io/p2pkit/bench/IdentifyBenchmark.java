package io.p2pkit.bench;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identify.IdentifyMessage;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.core.multiaddr.Multiaddr;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Identify messages as a typical node sends them: an Ed25519 key, four listen addresses, ten
 * protocols, an observed address, versions and a signed peer record (about 600 bytes).
 * Decoding parses every address; the peer record stays opaque bytes, as in the message itself.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class IdentifyBenchmark {
    private IdentifyMessage message;
    private byte[] encoded;

    @Setup
    public void setup() {
        PrivateKey key = PrivateKey.generateEd25519();
        List<Multiaddr> addrs = List.of(
                Multiaddr.parse("/ip4/192.0.2.42/tcp/4001"),
                Multiaddr.parse("/ip4/192.0.2.42/udp/4001/quic-v1"),
                Multiaddr.parse("/ip6/2001:db8::42/tcp/4001"),
                Multiaddr.parse("/ip6/2001:db8::42/udp/4001/quic-v1"));
        List<String> protocols = List.of("/ipfs/id/1.0.0", "/ipfs/id/push/1.0.0", "/ipfs/ping/1.0.0",
                "/ipfs/kad/1.0.0", "/libp2p/circuit/relay/0.2.0/stop", "/libp2p/autonat/1.0.0",
                "/libp2p/dcutr", "/meshsub/1.1.0", "/meshsub/1.0.0", "/ipfs/bitswap/1.2.0");
        byte[] record = new PeerRecord(key.publicKey().toPeerId(), 1, addrs).seal(key).marshal();
        message = new IdentifyMessage(key.publicKey().marshal(), addrs, protocols,
                Multiaddr.parse("/ip4/198.51.100.7/tcp/53122"), "ipfs/0.1.0", "p2pkit/0.1.0", record);
        encoded = message.encode();
    }

    @Benchmark
    public byte[] encode() {
        return message.encode();
    }

    @Benchmark
    public IdentifyMessage decode() {
        return IdentifyMessage.decode(encoded);
    }
}
