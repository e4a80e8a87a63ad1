package io.p2pkit.quic;

import io.p2pkit.core.DecodeException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * First handler of a UDP socket that both listens and dials. Netty's server and client QUIC codecs
 * each want a socket of their own; here they share one (port reuse, as libp2p needs for hole
 * punching): the pipeline is {@code router, server codec, client entry, client codec}. Packets
 * whose destination connection ID is one this socket gave to a connection it dialed go to the client
 * codec, everything else (including every new inbound Initial) to the server codec. Writes of both
 * codecs leave through the server codec, which only batches and flushes them.
 */
final class PacketRouter extends ChannelInboundHandlerAdapter {
    /** The name of the pass-through handler just before the client codec. */
    static final String CLIENT_ENTRY = "quic-client-entry";
    /** The length of every connection ID this endpoint issues, client and server side alike. */
    static final int ID_LENGTH = 20;

    private final Set<ByteBuffer> dialedIds = ConcurrentHashMap.newKeySet();
    private final Runnable afterPackets;
    private volatile ChannelHandlerContext clientEntry;

    /**
     * @param afterPackets runs after each batch of received packets was handed to quiche and
     *                     before the codecs finish the batch (and let streams write again)
     */
    PacketRouter(Runnable afterPackets) {
        this.afterPackets = afterPackets;
    }

    /** Routes packets addressed to {@code id} to the client codec from now on. */
    void addDialed(byte[] id) {
        dialedIds.add(ByteBuffer.wrap(id.clone()));
    }

    /** Stops routing {@code id} to the client codec (its connection closed). */
    void removeDialed(byte[] id) {
        dialedIds.remove(ByteBuffer.wrap(id));
    }

    /** How many dialed connections' IDs are routed (for leak tests). */
    int dialedCount() {
        return dialedIds.size();
    }

    private ChannelHandlerContext clientEntry(ChannelHandlerContext ctx) {
        ChannelHandlerContext entry = clientEntry;
        if (entry == null) {
            entry = ctx.pipeline().context(CLIENT_ENTRY);
            clientEntry = entry;
        }
        return entry;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet && !dialedIds.isEmpty() && isForDialed(packet.content())) {
            ChannelHandlerContext entry = clientEntry(ctx);
            if (entry != null) {
                entry.fireChannelRead(msg);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private boolean isForDialed(ByteBuf content) {
        byte[] header = new byte[Math.min(content.readableBytes(), ConnectionIdPeek.MAX_HEADER_BYTES)];
        content.getBytes(content.readerIndex(), header);
        try {
            return dialedIds.contains(ByteBuffer.wrap(ConnectionIdPeek.destination(header, ID_LENGTH)));
        } catch (DecodeException e) {
            return false; // not QUIC: the server codec drops it
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        afterPackets.run();
        // the server codec does not pass this event on, so each codec gets it here
        ctx.fireChannelReadComplete();
        ChannelHandlerContext entry = clientEntry(ctx);
        if (entry != null) {
            entry.fireChannelReadComplete();
        }
    }

    /** The pass-through handler that marks where the client codec's part of the pipeline starts. */
    @ChannelHandler.Sharable
    static final class ClientEntry extends ChannelInboundHandlerAdapter {
        static final ClientEntry INSTANCE = new ClientEntry();

        private ClientEntry() {
        }
    }
}
