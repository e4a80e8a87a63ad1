package io.p2pkit.quic.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.p2pkit.quic.QuicConfig;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The UDP sockets and packet settings of a QUIC-based transport (QUIC, WebTransport), so that both
 * send and receive alike: on Linux with epoll, many packets per system call (UDP GSO out,
 * {@code recvmmsg} in) and IPv6 sockets that are IPv6-only; elsewhere NIO, one datagram per call.
 * Shared with the WebTransport module (a qualified export), not API.
 */
public final class UdpSockets {
    /** The initial congestion window, in packets (quic-go's; quiche's default is 10). */
    private static final int INITIAL_WINDOW_PACKETS = 32;
    /** The most packets quiche hands the kernel in one GSO send (Linux allows 64 segments). */
    private static final int GSO_SEGMENTS = 32;
    /** The most datagrams one {@code recvmmsg} reads on the epoll transport. */
    private static final int RECV_BATCH = 16;
    /**
     * The most datagrams read (in {@code recvmmsg} batches) before quiche sends what they call for
     * (ACKs, window updates) and streams' readers are woken: Netty's default, 16, meant one batch
     * per event-loop turn, each with its ACK send and reader wake-up (docs/QUIC.md, "Datagrams per
     * event-loop turn").
     */
    private static final int DATAGRAMS_PER_TURN = 128;
    /** Linux's setsockopt(IPPROTO_IPV6 = 41, IPV6_V6ONLY = 26), which Netty has no named option for. */
    private static final IntegerUnixChannelOption IPV6_V6ONLY = new IntegerUnixChannelOption("IPV6_V6ONLY", 41, 26);
    /** The smallest UDP payload QUIC allows (RFC 9000 §14): no path-MTU discovery at this size. */
    private static final int MIN_UDP_PAYLOAD = 1200;

    private UdpSockets() {
    }

    /**
     * Whether sockets for {@code config} run on epoll with UDP GSO; only then are IPv6 sockets
     * IPv6-only, so that {@code /ip6/::/udp/P} can share port P with {@code /ip4/0.0.0.0/udp/P}.
     */
    public static boolean segmentOffload(QuicConfig config) {
        return config.segmentOffload() && Epoll.isAvailable();
    }

    /** The I/O handlers of the transport's event loop: epoll with offload, NIO without. */
    public static IoHandlerFactory ioHandlers(boolean offload) {
        return offload ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /**
     * A bootstrap for a UDP socket on {@code address}. An IPv4 address gets an IPv4 socket: Java's
     * default is a dual-stack IPv6 socket, whose wildcard made a listener on 0.0.0.0 announce the
     * host's IPv6 addresses instead of its IPv4 ones. An IPv6 socket is IPv6-only on epoll; NIO
     * cannot set IPV6_V6ONLY, so there it stays dual-stack (docs/QUIC.md).
     */
    public static Bootstrap bootstrap(EventLoopGroup group, InetSocketAddress address, QuicConfig config,
                                      ByteBufAllocator allocator, boolean offload) {
        SocketProtocolFamily family = address.getAddress() instanceof Inet4Address
                ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
        Bootstrap b = new Bootstrap().group(group)
                .channelFactory(() -> offload ? new EpollDatagramChannel(family) : new NioDatagramChannel(family))
                .option(ChannelOption.SO_RCVBUF, config.udpReceiveBuffer())
                .option(ChannelOption.SO_SNDBUF, config.udpSendBuffer())
                .option(ChannelOption.ALLOCATOR, allocator);
        if (offload && family == SocketProtocolFamily.INET6) {
            b.option(IPV6_V6ONLY, 1);
        }
        if (offload) {
            // recvmmsg: up to RECV_BATCH datagrams per system call, each at most maxUdpPayload bytes
            // (what the transport parameters allow the peer to send)
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, config.maxUdpPayload())
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(config.maxUdpPayload() * RECV_BATCH)
                            .maxMessagesPerRead(DATAGRAMS_PER_TURN));
        }
        return b;
    }

    /** Sets {@code config}'s timers, windows and packet sizes on a codec, as both transports use them. */
    public static <B extends QuicCodecBuilder<B>> B settings(B builder, QuicConfig config) {
        return builder.maxIdleTimeout(config.maxIdleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(config.connectionWindow())
                .initialMaxStreamDataBidirectionalLocal(config.streamWindow())
                .initialMaxStreamDataBidirectionalRemote(config.streamWindow())
                .initialMaxStreamsBidirectional(config.maxStreamsPerConnection())
                .activeMigration(false)
                // starts at 1200 bytes and probes upwards: fewer packets, each with its own crypto and send
                .maxSendUdpPayloadSize(config.maxUdpPayload())
                .maxRecvUdpPayloadSize(config.maxUdpPayload())
                .discoverPmtu(config.maxUdpPayload() > MIN_UDP_PAYLOAD)
                // fewer FINs wait for window room at the start of a transfer
                .initialCongestionWindowPackets(INITIAL_WINDOW_PACKETS);
    }

    /**
     * With offload, the packets quiche makes in one turn leave as one {@code sendmsg} with
     * UDP_SEGMENT instead of one {@code sendto} each; without it, Netty's default (one datagram per
     * packet). For {@code QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR}.
     */
    public static SegmentedDatagramPacketAllocator segments(boolean offload) {
        return offload ? EpollQuicUtils.newSegmentedAllocator(GSO_SEGMENTS) : SegmentedDatagramPacketAllocator.NONE;
    }
}
