package io.p2pkit.webrtc.muxer;

import io.p2pkit.core.muxer.MuxedConnection;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.webrtc.datachannel.DataChannel;
import io.p2pkit.webrtc.datachannel.DataChannels;

import java.io.IOException;

/**
 * libp2p streams over WebRTC data channels: each stream is one channel opened with DCEP (an
 * empty label), framed as the libp2p WebRTC spec says. The channel agreed out of band for the
 * Noise handshake (id 0) is not a stream; use {@link DataChannels#negotiated(int)} for it.
 *
 * <pre>{@code
 * MuxedConnection c = new WebRtcMuxedConnection(channels, memory);
 * MuxedStream s = c.openStream();
 * }</pre>
 */
public final class WebRtcMuxedConnection implements MuxedConnection {
    private final DataChannels channels;
    private final MemoryScope memory;

    /** Streams over {@code channels}, their read buffers charged to {@code memory}. */
    public WebRtcMuxedConnection(DataChannels channels, MemoryScope memory) {
        this.channels = channels;
        this.memory = memory;
    }

    /**
     * Whether the remote has sent a FIN_ACK on any stream: then it knows the flag, and each FIN
     * of its own is acknowledged at once (see {@link WebRtcStream}).
     */
    private final java.util.concurrent.atomic.AtomicBoolean remoteAcksFin = new java.util.concurrent.atomic.AtomicBoolean();
    /** Whether an {@code init} channel was left to its dialer; only the first one is. */
    private final java.util.concurrent.atomic.AtomicBoolean initLeftOpen = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * The stream over the channel agreed out of band with id {@code id} (libp2p's Noise handshake
     * runs on channel 0 with the same framing as every other stream).
     */
    public MuxedStream negotiatedStream(int id) {
        return WebRtcStream.start(channels.negotiated(id), memory, remoteAcksFin);
    }

    @Override
    public MuxedStream openStream() throws IOException {
        return WebRtcStream.start(channels.open("", ""), memory, remoteAcksFin);
    }

    /**
     * The next channel the remote opened, as a stream. A channel labelled {@code init} is never a
     * stream: a browser-to-browser dialer opens it only so that its SDP offer has a data channel
     * section, and closes it itself once connected. It is left to the dialer: js-libp2p's dialer
     * waits for that channel's "open" event unless it is open when it looks, so a close from
     * this side that reaches Chromium before its connection reports "connected" leaves the dial
     * waiting for an event that has passed, until it times out. Only the first is left open; any
     * further {@code init} channel is closed at once.
     */
    @Override
    public MuxedStream acceptStream() throws IOException {
        while (true) {
            DataChannel c = channels.accept();
            if (c == null) {
                return null;
            }
            if (!c.label().equals("init")) {
                return WebRtcStream.start(c, memory, remoteAcksFin);
            }
            if (initLeftOpen.compareAndSet(false, true)) {
                Thread.ofVirtual().name("webrtc-init-channel-" + c.id()).start(() -> drainUntilClosed(c));
            } else {
                c.close(); // a dialer opens one: more would each hold a channel and a thread for nothing
            }
        }
    }

    /** Reads and drops what arrives on {@code c} (nothing, from a browser) until the dialer closes it. */
    private static void drainUntilClosed(DataChannel c) {
        try {
            while (c.receive() != null) {
                // nothing on this channel is for us; reading it gives its window credit back
            }
        } catch (IOException e) {
            // the connection ended
        }
    }

    @Override
    public boolean isClosed() {
        return channels.isClosed();
    }

    /** Shuts the SCTP association down; streams still open see their connection end. */
    @Override
    public void close() throws IOException {
        channels.close();
    }
}
