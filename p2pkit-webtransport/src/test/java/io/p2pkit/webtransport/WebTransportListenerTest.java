package io.p2pkit.webtransport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.transport.Listener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The listener's HTTP/3 side against a bare Netty QUIC client speaking HTTP/3 by hand. */
class WebTransportListenerTest {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final WebTransportTransport transport = new WebTransportTransport(PrivateKey.generateEd25519());

    @AfterEach
    void close() {
        transport.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** Collects what one stream receives, as HTTP/3 frames after {@code skip} leading bytes. */
    private static final class Frames extends ChannelInboundHandlerAdapter {
        final CompletableFuture<Http3Frame> first = new CompletableFuture<>();
        final Http3Frame.Reader reader = new Http3Frame.Reader();
        int skip;

        Frames(int skip) {
            this.skip = skip;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            int from = Math.min(skip, bytes.length);
            skip -= from;
            Http3Frame f = reader.feed(java.util.Arrays.copyOfRange(bytes, from, bytes.length));
            if (f != null) {
                first.complete(f);
            }
        }
    }

    private QuicChannel connect(InetSocketAddress to, Frames control) throws Exception {
        Channel udp = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new QuicClientCodecBuilder()
                        .sslContext(QuicSslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                                .applicationProtocols("h3").build())
                        .maxIdleTimeout(10, TimeUnit.SECONDS).initialMaxData(1 << 20)
                        .initialMaxStreamDataBidirectionalLocal(1 << 20).initialMaxStreamDataUnidirectional(1 << 20)
                        .initialMaxStreamsUnidirectional(8).datagram(4, 4).build())
                .bind(0).sync().channel();
        return QuicChannel.newBootstrap(udp).remoteAddress(to).handler(new ChannelInboundHandlerAdapter())
                .streamHandler(control).connect().get(10, TimeUnit.SECONDS);
    }

    private static byte[] request(List<Qpack.Field> fields) {
        return Http3Frame.encode(Http3Frame.HEADERS, Qpack.encode(fields));
    }

    private static List<Qpack.Field> connect(String path) {
        return List.of(new Qpack.Field(":method", "CONNECT"), new Qpack.Field(":protocol", "webtransport"),
                new Qpack.Field(":scheme", "https"), new Qpack.Field(":authority", "localhost"),
                new Qpack.Field(":path", path));
    }

    private static String status(QuicChannel quic, byte[] request) throws Exception {
        Frames response = new Frames(0);
        QuicStreamChannel s = quic.createStream(QuicStreamType.BIDIRECTIONAL, response).get(10, TimeUnit.SECONDS);
        s.writeAndFlush(Unpooled.wrappedBuffer(request)).sync();
        Http3Frame f = response.first.get(10, TimeUnit.SECONDS);
        assertEquals(Http3Frame.HEADERS, f.type());
        return Qpack.decode(f.payload()).getFirst().value();
    }

    @Test
    void sendsTheSettingsWebTransportClientsRequireAndAcceptsTheLibp2pConnect() throws Exception {
        Listener l = transport.listen(io.p2pkit.core.multiaddr.Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1/webtransport"));
        InetSocketAddress at = l.address().toSocketAddress().orElseThrow();
        Frames control = new Frames(1); // the stream type byte, 0x00
        QuicChannel quic = connect(at, control);
        Http3Frame settings = control.first.get(10, TimeUnit.SECONDS);
        assertEquals(Http3Frame.SETTINGS, settings.type());
        Map<Long, Long> s = Http3Frame.decodeSettings(settings.payload());
        assertEquals(1L, s.get(0x08L), "extended CONNECT");
        assertEquals(1L, s.get(0x33L), "HTTP datagrams");
        assertEquals(1L, s.get(0x2b603742L), "WebTransport, draft 02");
        assertEquals(0L, s.get(0x01L), "no QPACK dynamic table");
        assertEquals("404", status(quic, request(connect("/somewhere/else"))));
        assertEquals("200", status(quic, request(connect(WebTransportSession.PATH))));
        quic.close().sync();
        l.close();
    }

    @Test
    void aMalformedRequestClosesItsConnectionOnlyAndTheListenerGoesOn() throws Exception {
        Listener l = transport.listen(io.p2pkit.core.multiaddr.Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1/webtransport"));
        InetSocketAddress at = l.address().toSocketAddress().orElseThrow();
        QuicChannel bad = connect(at, new Frames(1));
        QuicStreamChannel s = bad.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter())
                .get(10, TimeUnit.SECONDS);
        ByteArrayOutputStream garbage = new ByteArrayOutputStream();
        garbage.writeBytes(Http3Frame.encode(Http3Frame.HEADERS, new byte[] {0x05, 0x00, (byte) 0x80})); // a dynamic-table reference
        s.writeAndFlush(Unpooled.wrappedBuffer(garbage.toByteArray())).sync();
        assertTrue(bad.closeFuture().await(10, TimeUnit.SECONDS), "the connection with malformed HTTP/3 is closed");
        QuicChannel good = connect(at, new Frames(1));
        assertEquals("200", status(good, request(connect(WebTransportSession.PATH))));
        good.close().sync();
        l.close();
    }
}
