package io.p2pkit.node.exchange;

import io.p2pkit.ipfs.bitswap.BitswapConfig;
import io.p2pkit.kad.Mode;

import java.util.Locale;
import java.util.Optional;

/**
 * A node's part in a network of p2pkit nodes, as a named preset of settings (each can still be
 * set on its own):
 *
 * <table>
 * <caption>What each role sets</caption>
 * <tr><th>role</th><th>DHT</th><th>serves blocks</th><th>announces</th><th>connections (low/high)</th><th>Bitswap per peer</th></tr>
 * <tr><td>master</td><td>server</td><td>yes</td><td>all blocks</td><td>default</td><td>1,024 wants, 4 MiB queued</td></tr>
 * <tr><td>worker</td><td>auto</td><td>yes (and keeps what it fetches)</td><td>pinned DAGs</td><td>default</td><td>1,024 wants, 4 MiB queued</td></tr>
 * <tr><td>leecher</td><td>client</td><td>no</td><td>nothing</td><td>32 / 64</td><td>(does not serve)</td></tr>
 * </table>
 *
 * <p>A master will also offer relay service to the others once circuit relay exists.
 */
public enum Role {
    MASTER(Mode.SERVER, true, ReprovideStrategy.ALL, Optional.empty()),
    WORKER(Mode.AUTO, true, ReprovideStrategy.PINNED, Optional.empty()),
    LEECHER(Mode.CLIENT, false, ReprovideStrategy.NONE, Optional.of(new int[]{32, 64}));

    private final Mode dht;
    private final boolean serve;
    private final ReprovideStrategy strategy;
    private final Optional<int[]> connections;

    Role(Mode dht, boolean serve, ReprovideStrategy strategy, Optional<int[]> connections) {
        this.dht = dht;
        this.serve = serve;
        this.strategy = strategy;
        this.connections = connections;
    }

    /**
     * @param name master, worker or leecher
     * @return the role
     * @throws IllegalArgumentException for another name
     */
    public static Role parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "master" -> MASTER;
            case "worker" -> WORKER;
            case "leecher" -> LEECHER;
            default -> throw new IllegalArgumentException("the role is master, worker or leecher, not '" + name + "'");
        };
    }

    /** The DHT mode. */
    public Mode dhtMode() {
        return dht;
    }

    /** What it announces. */
    public ReprovideStrategy strategy() {
        return strategy;
    }

    /** Its Bitswap settings. */
    public BitswapConfig bitswap() {
        return BitswapConfig.defaults().withServe(serve);
    }

    /** Its connection manager watermarks (low, high), when the role sets them. */
    public Optional<int[]> connectionWatermarks() {
        return connections.map(int[]::clone);
    }
}
