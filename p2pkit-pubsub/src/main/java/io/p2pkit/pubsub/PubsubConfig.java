package io.p2pkit.pubsub;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Settings shared by floodsub and gossipsub: message policy, caps and queue sizes, time and
 * randomness. Build with {@link #builder()}; every value has the go-libp2p-pubsub default where
 * go has one.
 */
public final class PubsubConfig {
    private final SignaturePolicy signaturePolicy;
    private final MessageIdFunction messageIdFunction;
    private final int maxMessageBytes;
    private final RpcLimits rpcLimits;
    private final Duration seenTtl;
    private final boolean seenSliding;
    private final Duration heartbeatInterval;
    private final boolean manualHeartbeat;
    private final int controlQueueCapacity;
    private final int messageQueueCapacity;
    private final int subscriptionBuffer;
    private final int maxPendingValidations;
    private final int validationConcurrency;
    private final int maxTopicsPerPeer;
    private final int commandQueueCapacity;
    private final boolean publishToZeroPeers;
    private final Clock clock;
    private final Random random;

    private PubsubConfig(Builder b) {
        this.signaturePolicy = b.signaturePolicy;
        this.messageIdFunction = b.messageIdFunction != null ? b.messageIdFunction
                : MessageIdFunction.defaultFor(b.signaturePolicy);
        this.maxMessageBytes = b.maxMessageBytes;
        this.rpcLimits = b.rpcLimits.maxRpcBytes() < b.maxMessageBytes + 4096
                ? b.rpcLimits.withMaxRpcBytes(b.maxMessageBytes + 4096) : b.rpcLimits;
        this.seenTtl = b.seenTtl;
        this.seenSliding = b.seenSliding;
        this.heartbeatInterval = b.heartbeatInterval;
        this.manualHeartbeat = b.manualHeartbeat;
        this.controlQueueCapacity = b.controlQueueCapacity;
        this.messageQueueCapacity = b.messageQueueCapacity;
        this.subscriptionBuffer = b.subscriptionBuffer;
        this.maxPendingValidations = b.maxPendingValidations;
        this.validationConcurrency = b.validationConcurrency;
        this.maxTopicsPerPeer = b.maxTopicsPerPeer;
        this.commandQueueCapacity = b.commandQueueCapacity;
        this.publishToZeroPeers = b.publishToZeroPeers;
        this.clock = b.clock;
        this.random = b.random;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static PubsubConfig defaults() {
        return builder().build();
    }

    /** Which messages are produced and accepted (default strict sign). */
    public SignaturePolicy signaturePolicy() {
        return signaturePolicy;
    }

    /** How message IDs are computed (default: {@link MessageIdFunction#defaultFor}). */
    public MessageIdFunction messageIdFunction() {
        return messageIdFunction;
    }

    /** Largest message data accepted or published (default 1 MiB). */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Decoding caps; the frame cap is raised to fit {@link #maxMessageBytes()} plus headers. */
    public RpcLimits rpcLimits() {
        return rpcLimits;
    }

    /** How long a message ID is remembered as seen (default 2 minutes). */
    public Duration seenTtl() {
        return seenTtl;
    }

    /**
     * Whether a message ID's time starts again each time it is seen (go-libp2p-pubsub's
     * {@code LastSeen}, Kubo's default) rather than only when first seen (the default here).
     */
    public boolean seenSliding() {
        return seenSliding;
    }

    /** The heartbeat period (default 1 s). */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** Whether heartbeats run only when {@link PubSub#heartbeat()} is called (tests). */
    public boolean manualHeartbeat() {
        return manualHeartbeat;
    }

    /** RPCs waiting in a peer's priority (control) lane before new ones are dropped. */
    public int controlQueueCapacity() {
        return controlQueueCapacity;
    }

    /** Messages waiting in a peer's forwarding lane before new ones are dropped. */
    public int messageQueueCapacity() {
        return messageQueueCapacity;
    }

    /** Messages a subscription buffers for a slow reader before dropping new ones. */
    public int subscriptionBuffer() {
        return subscriptionBuffer;
    }

    /** Messages waiting for validation before new ones are ignored. */
    public int maxPendingValidations() {
        return maxPendingValidations;
    }

    /** Validators running at once. */
    public int validationConcurrency() {
        return validationConcurrency;
    }

    /** Topics one peer may be subscribed to; further subscriptions are ignored. */
    public int maxTopicsPerPeer() {
        return maxTopicsPerPeer;
    }

    /** Commands queued for the router's owner thread before readers block. */
    public int commandQueueCapacity() {
        return commandQueueCapacity;
    }

    /**
     * Whether publishing to a topic no known peer subscribes to goes ahead (default true, as in
     * go-libp2p-pubsub: the message is delivered locally and kept for gossip). When false such a
     * publish fails with {@link PublishException.Reason#NO_PEERS}, as js-libp2p's gossipsub does by
     * default ({@code allowPublishToZeroTopicPeers}).
     */
    public boolean publishToZeroPeers() {
        return publishToZeroPeers;
    }

    /** The clock for TTLs, backoffs and scores. */
    public Clock clock() {
        return clock;
    }

    /** The randomness for peer selection (seed it in tests). */
    public Random random() {
        return random;
    }

    @Override
    public String toString() {
        return "PubsubConfig[" + signaturePolicy + ", maxMessageBytes=" + maxMessageBytes + ", heartbeat="
                + heartbeatInterval + ", seenTtl=" + seenTtl + "]";
    }

    /** Builds a {@link PubsubConfig}. */
    public static final class Builder {
        private SignaturePolicy signaturePolicy = SignaturePolicy.STRICT_SIGN;
        private MessageIdFunction messageIdFunction;
        private int maxMessageBytes = 1 << 20;
        private RpcLimits rpcLimits = RpcLimits.DEFAULT;
        private Duration seenTtl = Duration.ofMinutes(2);
        private boolean seenSliding;
        private Duration heartbeatInterval = Duration.ofSeconds(1);
        private boolean manualHeartbeat;
        private int controlQueueCapacity = 256;
        private int messageQueueCapacity = 1024;
        private int subscriptionBuffer = 1024;
        private int maxPendingValidations = 1024;
        private int validationConcurrency = 64;
        private int maxTopicsPerPeer = 1024;
        private int commandQueueCapacity = 4096;
        private boolean publishToZeroPeers = true;
        private Clock clock = Clock.systemUTC();
        private Random random = new Random();

        private Builder() {
        }

        /** Sets the signature policy. */
        public Builder signaturePolicy(SignaturePolicy policy) {
            this.signaturePolicy = Objects.requireNonNull(policy);
            return this;
        }

        /** Sets the message-ID function. */
        public Builder messageIdFunction(MessageIdFunction f) {
            this.messageIdFunction = Objects.requireNonNull(f);
            return this;
        }

        /** Sets the largest message data size. */
        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = positive(bytes);
            return this;
        }

        /** Sets the decoding caps. */
        public Builder rpcLimits(RpcLimits limits) {
            this.rpcLimits = Objects.requireNonNull(limits);
            return this;
        }

        /** Sets the seen-cache TTL. */
        public Builder seenTtl(Duration ttl) {
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("the seen-messages TTL must be positive: " + ttl);
            }
            this.seenTtl = ttl;
            return this;
        }

        /** Whether a seen ID's time starts again each time it is seen (last-seen) or only when first seen (first-seen, the default). */
        public Builder seenSliding(boolean sliding) {
            this.seenSliding = sliding;
            return this;
        }

        /** Sets the heartbeat period. */
        public Builder heartbeatInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("heartbeat interval must be positive");
            }
            this.heartbeatInterval = interval;
            return this;
        }

        /** Heartbeats only on {@link PubSub#heartbeat()} (for deterministic tests). */
        public Builder manualHeartbeat(boolean manual) {
            this.manualHeartbeat = manual;
            return this;
        }

        /** Sets the per-peer control lane capacity in RPCs. */
        public Builder controlQueueCapacity(int n) {
            this.controlQueueCapacity = positive(n);
            return this;
        }

        /** Sets the per-peer message lane capacity in messages. */
        public Builder messageQueueCapacity(int n) {
            this.messageQueueCapacity = positive(n);
            return this;
        }

        /** Sets the per-subscription buffer. */
        public Builder subscriptionBuffer(int n) {
            this.subscriptionBuffer = positive(n);
            return this;
        }

        /** Sets how many messages may wait for validation. */
        public Builder maxPendingValidations(int n) {
            this.maxPendingValidations = positive(n);
            return this;
        }

        /** Sets how many validators run at once. */
        public Builder validationConcurrency(int n) {
            this.validationConcurrency = positive(n);
            return this;
        }

        /** Sets how many topics one peer may be subscribed to. */
        public Builder maxTopicsPerPeer(int n) {
            this.maxTopicsPerPeer = positive(n);
            return this;
        }

        /** Sets the owner thread's command queue capacity. */
        public Builder commandQueueCapacity(int n) {
            this.commandQueueCapacity = positive(n);
            return this;
        }

        /** Sets whether a publish to a topic without known subscribers goes ahead (see {@link PubsubConfig#publishToZeroPeers()}). */
        public Builder publishToZeroPeers(boolean allowed) {
            this.publishToZeroPeers = allowed;
            return this;
        }

        /** Sets the clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Sets the randomness source. */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random);
            return this;
        }

        /** The configuration. */
        public PubsubConfig build() {
            return new PubsubConfig(this);
        }

        private static int positive(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("must be positive: " + n);
            }
            return n;
        }
    }
}
