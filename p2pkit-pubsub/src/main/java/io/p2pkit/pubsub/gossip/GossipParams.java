package io.p2pkit.pubsub.gossip;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.pubsub.score.PeerScoreParams;
import io.p2pkit.pubsub.score.PeerScoreThresholds;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Gossipsub parameters, defaulting to go-libp2p-pubsub's: D = 6, D_lo = 5, D_hi = 12, D_lazy = 6,
 * D_score = 4, D_out = 2, history 5 / gossip 3, fanout TTL 60 s, prune backoff 1 min. Build with
 * {@link #builder()}. Scoring is off unless {@link Builder#scoring} is given.
 */
public final class GossipParams {
    final int d;
    final int dLo;
    final int dHi;
    final int dLazy;
    final int dScore;
    final int dOut;
    final int historyLength;
    final int historyGossip;
    final Duration fanoutTtl;
    final Duration pruneBackoff;
    final Duration unsubscribeBackoff;
    final Duration graftFloodThreshold;
    final double gossipFactor;
    final int maxIHaveLength;
    final int maxIHaveMessages;
    final Duration iwantFollowupTime;
    final int gossipRetransmission;
    final boolean floodPublish;
    final int prunePeers;
    final int opportunisticGraftTicks;
    final int opportunisticGraftPeers;
    final int directConnectTicks;
    final List<PeerInfo> directPeers;
    final int idontwantThreshold;
    final int maxIDontWantMessages;
    final int maxMessageCacheEntries;
    final PeerScoreParams scoreParams;
    final PeerScoreThresholds thresholds;
    final List<String> protocols;

    private GossipParams(Builder b) {
        d = b.d;
        dLo = b.dLo;
        dHi = b.dHi;
        dLazy = b.dLazy;
        dScore = b.dScore;
        dOut = b.dOut;
        historyLength = b.historyLength;
        historyGossip = b.historyGossip;
        fanoutTtl = b.fanoutTtl;
        pruneBackoff = b.pruneBackoff;
        unsubscribeBackoff = b.unsubscribeBackoff;
        graftFloodThreshold = b.graftFloodThreshold;
        gossipFactor = b.gossipFactor;
        maxIHaveLength = b.maxIHaveLength;
        maxIHaveMessages = b.maxIHaveMessages;
        iwantFollowupTime = b.iwantFollowupTime;
        gossipRetransmission = b.gossipRetransmission;
        floodPublish = b.floodPublish;
        prunePeers = b.prunePeers;
        opportunisticGraftTicks = b.opportunisticGraftTicks;
        opportunisticGraftPeers = b.opportunisticGraftPeers;
        directConnectTicks = b.directConnectTicks;
        directPeers = List.copyOf(b.directPeers);
        idontwantThreshold = b.idontwantThreshold;
        maxIDontWantMessages = b.maxIDontWantMessages;
        maxMessageCacheEntries = b.maxMessageCacheEntries;
        scoreParams = b.scoreParams;
        thresholds = b.thresholds;
        protocols = List.copyOf(b.protocols);
        if (!(dLo <= d && d <= dHi) || dScore > d || dOut >= dLo || dOut > d / 2 || historyGossip > historyLength
                || historyGossip < 1 || d < 1) {
            throw new IllegalArgumentException("need D_lo <= D <= D_hi, D_score <= D, D_out < D_lo and D_out <= D/2, "
                    + "1 <= history gossip <= history length");
        }
    }

    /** The defaults. */
    public static GossipParams defaults() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The target mesh degree D. */
    public int d() {
        return d;
    }

    /** The mesh degree D_lo below which the heartbeat grafts more peers. */
    public int dLo() {
        return dLo;
    }

    /** Whether peer scoring is on. */
    public boolean scoring() {
        return scoreParams != null;
    }

    /** The score thresholds (meaningful when scoring is on). */
    public PeerScoreThresholds thresholds() {
        return thresholds;
    }

    /** The protocols offered, most preferred first. */
    public List<String> protocols() {
        return protocols;
    }

    @Override
    public String toString() {
        return "GossipParams[D=" + d + " lo=" + dLo + " hi=" + dHi + " lazy=" + dLazy + " score=" + dScore + " out=" + dOut
                + ", history " + historyLength + "/" + historyGossip + ", scoring " + (scoring() ? "on" : "off") + "]";
    }

    /** Builds {@link GossipParams}. */
    public static final class Builder {
        private int d = 6;
        private int dLo = 5;
        private int dHi = 12;
        private int dLazy = 6;
        private int dScore = 4;
        private int dOut = 2;
        private int historyLength = 5;
        private int historyGossip = 3;
        private Duration fanoutTtl = Duration.ofSeconds(60);
        private Duration pruneBackoff = Duration.ofMinutes(1);
        private Duration unsubscribeBackoff = Duration.ofSeconds(10);
        private Duration graftFloodThreshold = Duration.ofSeconds(10);
        private double gossipFactor = 0.25;
        private int maxIHaveLength = 5000;
        private int maxIHaveMessages = 10;
        private Duration iwantFollowupTime = Duration.ofSeconds(3);
        private int gossipRetransmission = 3;
        private boolean floodPublish = true;
        private int prunePeers = 16;
        private int opportunisticGraftTicks = 60;
        private int opportunisticGraftPeers = 2;
        private int directConnectTicks = 300;
        private List<PeerInfo> directPeers = List.of();
        private int idontwantThreshold = 1024;
        private int maxIDontWantMessages = 1000;
        private int maxMessageCacheEntries = 100_000;
        private PeerScoreParams scoreParams;
        private PeerScoreThresholds thresholds = PeerScoreThresholds.DEFAULT;
        private List<String> protocols = List.of(GossipRouter.MESHSUB_V12, GossipRouter.MESHSUB_V11,
                GossipRouter.MESHSUB_V10, GossipRouter.FLOODSUB);

        private Builder() {
        }

        /** Sets D, D_lo and D_hi. */
        public Builder degree(int d, int dLo, int dHi) {
            this.d = d;
            this.dLo = dLo;
            this.dHi = dHi;
            return this;
        }

        /** Sets D_lazy, the minimum number of peers gossiped to per topic. */
        public Builder dLazy(int dLazy) {
            this.dLazy = dLazy;
            return this;
        }

        /** Sets D_score and D_out. */
        public Builder retention(int dScore, int dOut) {
            this.dScore = dScore;
            this.dOut = dOut;
            return this;
        }

        /** Sets the message cache history length and how many windows are gossiped. */
        public Builder history(int length, int gossip) {
            this.historyLength = length;
            this.historyGossip = gossip;
            return this;
        }

        /** Sets the fanout TTL. */
        public Builder fanoutTtl(Duration ttl) {
            this.fanoutTtl = Objects.requireNonNull(ttl);
            return this;
        }

        /** Sets the backoff after a PRUNE, and after leaving a topic. */
        public Builder backoff(Duration prune, Duration unsubscribe) {
            this.pruneBackoff = Objects.requireNonNull(prune);
            this.unsubscribeBackoff = Objects.requireNonNull(unsubscribe);
            return this;
        }

        /** Sets the share of non-mesh peers gossiped to (adaptive gossip emission). */
        public Builder gossipFactor(double factor) {
            this.gossipFactor = factor;
            return this;
        }

        /** Sets the IHAVE caps: IDs asked per peer per heartbeat, and IHAVE messages accepted per peer per heartbeat. */
        public Builder ihaveLimits(int maxLength, int maxMessages) {
            this.maxIHaveLength = maxLength;
            this.maxIHaveMessages = maxMessages;
            return this;
        }

        /** Sets how long a peer has to answer an IWANT before it is penalised. */
        public Builder iwantFollowupTime(Duration t) {
            this.iwantFollowupTime = Objects.requireNonNull(t);
            return this;
        }

        /** Sets whether own messages go to every topic peer above the publish threshold (default true). */
        public Builder floodPublish(boolean flood) {
            this.floodPublish = flood;
            return this;
        }

        /** Sets the number of peers offered in a PRUNE. */
        public Builder prunePeers(int n) {
            this.prunePeers = n;
            return this;
        }

        /** Sets how often (in heartbeats) opportunistic grafting runs and how many peers it grafts. */
        public Builder opportunisticGraft(int ticks, int peers) {
            this.opportunisticGraftTicks = ticks;
            this.opportunisticGraftPeers = peers;
            return this;
        }

        /** Sets the direct peers: always sent every message, never in the mesh, reconnected when lost. */
        public Builder directPeers(List<PeerInfo> peers) {
            this.directPeers = List.copyOf(peers);
            return this;
        }

        /** Sets the message size from which IDONTWANT is sent (v1.2). */
        public Builder idontwantThreshold(int bytes) {
            this.idontwantThreshold = bytes;
            return this;
        }

        /** Sets the message cache cap. */
        public Builder maxMessageCacheEntries(int n) {
            this.maxMessageCacheEntries = n;
            return this;
        }

        /** Turns peer scoring on. */
        public Builder scoring(PeerScoreParams params, PeerScoreThresholds thresholds) {
            this.scoreParams = Objects.requireNonNull(params);
            this.thresholds = Objects.requireNonNull(thresholds);
            return this;
        }

        /** Sets the offered protocols (for example only {@code /meshsub/1.0.0}). */
        public Builder protocols(List<String> protocols) {
            if (protocols.isEmpty()) {
                throw new IllegalArgumentException("no protocol");
            }
            this.protocols = List.copyOf(protocols);
            return this;
        }

        /** The parameters. */
        public GossipParams build() {
            return new GossipParams(this);
        }
    }
}
