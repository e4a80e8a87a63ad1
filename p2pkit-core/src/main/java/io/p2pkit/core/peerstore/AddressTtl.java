package io.p2pkit.core.peerstore;

import java.time.Duration;

/** How long the peerstore keeps addresses learnt in different ways (go-libp2p's values). */
public final class AddressTtl {
    /** Addresses that never expire (configured peers, bootstrap). */
    public static final Duration PERMANENT = Duration.ofSeconds(Long.MAX_VALUE / 4);
    /** Addresses of a peer we are connected to: kept while connected, then lowered to {@link #RECENTLY_CONNECTED}. */
    public static final Duration CONNECTED = PERMANENT.minusSeconds(1);
    /** Addresses of a peer we were connected to recently. */
    public static final Duration RECENTLY_CONNECTED = Duration.ofMinutes(15);
    /** Addresses learnt from a third party (a DHT response, for example). */
    public static final Duration TEMPORARY = Duration.ofMinutes(2);
    /** Addresses of a content provider. */
    public static final Duration PROVIDER = Duration.ofMinutes(30);

    private AddressTtl() {
    }
}
