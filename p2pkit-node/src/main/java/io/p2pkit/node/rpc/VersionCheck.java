package io.p2pkit.node.rpc;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.kad.KadDht;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeVersion;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kubo's {@code version/check}: this node's version against the versions its DHT routing table's
 * peers announce in identify's agent version, as Kubo's {@code DetectNewKuboVersion} does, with
 * p2pkit's agent ({@code p2pkit/<version>}) in place of Kubo's ({@code kubo/<version>/…}). Peers
 * with another agent, or a pre-release or build version ({@code 0.2.0-SNAPSHOT}), are not sampled;
 * the node counts itself as one sample.
 */
final class VersionCheck {
    /** Kubo's {@code Version.SwarmCheckPercentThreshold} default. */
    static final long DEFAULT_MIN_PERCENT = 5;
    /** The first segment of the agent version of the peers compared with. */
    static final String AGENT = "p2pkit";

    private VersionCheck() {
    }

    /**
     * @param minPercent the share of samples (1 to 100) with a greater version that makes an update
     *                   available; 0 for the default
     * @return Kubo's {@code {"UpdateAvailable","RunningVersion","GreatestVersion","PeersSampled","WithGreaterVersion"}}
     */
    static Map<String, Object> check(Node node, long minPercent) {
        ReleaseVersion ours = ReleaseVersion.parse(NodeVersion.get()).orElseThrow(() -> RpcError.failed(
                "could not parse our own version " + io.p2pkit.node.cli.content.GoQuote.quote(NodeVersion.get())
                        + ": Malformed version: " + NodeVersion.get())).core();
        KadDht dht = node.dht().orElseThrow(() -> RpcError.failed(
                "could not perform version check due to missing or incompatible DHT configuration"));
        ReleaseVersion greatest = ours;
        int sampled = 1; // this node, as Kubo counts itself (and never divides by zero)
        int greater = 0;
        for (var entry : dht.routingTable().entries()) {
            ReleaseVersion theirs = peerVersion(node, entry.peer());
            if (theirs == null) {
                continue;
            }
            sampled++;
            if (ours.compareTo(theirs) < 0) {
                greater++;
            }
            if (theirs.compareTo(greatest) > 0) {
                greatest = theirs;
            }
        }
        if (minPercent < 1 || minPercent > 100) {
            if (minPercent != 0) {
                throw RpcError.failed("Version.SwarmCheckPercentThreshold must be between 1 and 100");
            }
            minPercent = DEFAULT_MIN_PERCENT;
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("UpdateAvailable", (double) greater / sampled >= minPercent / 100.0);
        o.put("RunningVersion", ours.toString());
        o.put("GreatestVersion", greatest.toString());
        o.put("PeersSampled", sampled);
        o.put("WithGreaterVersion", greater);
        return o;
    }

    /** The release core of a p2pkit peer's agent version ({@code p2pkit/0.2.0}), or null when it is not sampled. */
    private static ReleaseVersion peerVersion(Node node, PeerId peer) {
        String agent = node.host().peerStore().agentVersion(peer).orElse(null);
        if (agent == null) {
            return null;
        }
        String[] segments = agent.split("/", -1);
        if (segments.length < 2 || !segments[0].equals(AGENT)) {
            return null;
        }
        return ReleaseVersion.parse(segments[1]).filter(ReleaseVersion::release).map(ReleaseVersion::core).orElse(null);
    }
}
