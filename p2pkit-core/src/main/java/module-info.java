/**
 * p2pkit's core: multiformats, keys and peer IDs, and the libp2p connection stack (transports,
 * security, muxers, multistream-select, the host and its network, resource accounting, identify,
 * ping, perf, metrics). The exported packages are the API; docs/ARCHITECTURE.md lists them. The
 * swarm (the network's implementation), the upgrader, the buffer pool and the cache of verified
 * bytes are internal; the lazy logger is shared with p2pkit's own modules only.
 */
@SuppressWarnings("module") // the modules named below are compiled after this one
module io.p2pkit.core {
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.util;
    requires java.naming;       // DNS TXT records (/dnsaddr) through JNDI
    requires java.management;   // the process's file-descriptor limit scales the default limits
    requires jdk.management;

    exports io.p2pkit.core;
    exports io.p2pkit.core.auth;
    exports io.p2pkit.core.connmgr;
    exports io.p2pkit.core.crypto;
    exports io.p2pkit.core.dns;
    exports io.p2pkit.core.host;
    exports io.p2pkit.core.identify;
    exports io.p2pkit.core.identity;
    exports io.p2pkit.core.metrics;
    exports io.p2pkit.core.multiaddr;
    exports io.p2pkit.core.multiformats;
    exports io.p2pkit.core.multistream;
    exports io.p2pkit.core.muxer;
    exports io.p2pkit.core.muxer.mplex;
    exports io.p2pkit.core.muxer.yamux;
    exports io.p2pkit.core.network;
    exports io.p2pkit.core.network.dial;
    exports io.p2pkit.core.peerstore;
    exports io.p2pkit.core.perf;
    exports io.p2pkit.core.ping;
    exports io.p2pkit.core.pnet;
    exports io.p2pkit.core.protobuf;
    exports io.p2pkit.core.reputation;
    exports io.p2pkit.core.reqres;
    exports io.p2pkit.core.resource;
    exports io.p2pkit.core.security;
    exports io.p2pkit.core.security.noise;
    exports io.p2pkit.core.security.plaintext;
    exports io.p2pkit.core.security.tls;
    exports io.p2pkit.core.transport;
    exports io.p2pkit.core.transport.memory;
    exports io.p2pkit.core.transport.tcp;
    exports io.p2pkit.core.version;

    exports io.p2pkit.core.logging to io.p2pkit.bench, io.p2pkit.discovery, io.p2pkit.ipfs, io.p2pkit.kad,
            io.p2pkit.nat, io.p2pkit.node, io.p2pkit.pubsub, io.p2pkit.quic, io.p2pkit.webrtc,
            io.p2pkit.websocket, io.p2pkit.webtransport;
}
