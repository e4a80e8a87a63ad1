package io.p2pkit.core.security.tls;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Looks at the dialer's ClientHello on the wire: what the spec demands of it. */
// a safety net against a hung handshake, not a timing assertion
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClientHelloTest {
    private static final int SERVER_NAME = 0;
    private static final int ALPN = 16;
    private static final int SUPPORTED_VERSIONS = 43;
    private static final int SUPPORTED_GROUPS = 10;
    private static final int SIGNATURE_ALGORITHMS = 13;
    private static final int KEY_SHARE = 51;

    @Test
    void offersTls13OnlyWithoutSniAndWithMuxersThenLibp2pInAlpn() throws Exception {
        TlsTransport dialer = new TlsTransport(PrivateKey.generateEd25519(), List.of("/yamux/1.0.0", "/mplex/6.7.0"));
        MemoryConnection.Pair pair = MemoryConnection.pair();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> outbound = threads.submit(() -> dialer.secureOutbound(pair.initiator(), null));
            Map<Integer, ByteBuffer> extensions;
            try {
                extensions = clientHelloExtensions(pair.responder().in());
            } finally {
                // the dialer waits for an answer: hang up in any case so that it ends
                pair.responder().close();
            }
            ExecutionException e = assertThrows(ExecutionException.class, () -> outbound.get(60, TimeUnit.SECONDS));
            assertInstanceOf(HandshakeException.class, e.getCause());

            assertFalse(extensions.containsKey(SERVER_NAME), "no SNI");
            assertEquals(List.of("/yamux/1.0.0", "/mplex/6.7.0", "libp2p"), alpn(extensions.get(ALPN)));
            ByteBuffer versions = extensions.get(SUPPORTED_VERSIONS);
            int length = versions.get() & 0xFF;
            assertEquals(2, length, "one version");
            assertEquals(0x0304, versions.getShort() & 0xFFFF, "TLS 1.3");

            assertEquals(32, sessionIdLength, "a random legacy_session_id, for middlebox compatibility");
            assertEquals(List.of(0x1301, 0x1303, 0x1302), suites);
            assertEquals(List.of(0x001D), u16List(extensions.get(SUPPORTED_GROUPS), 2), "x25519 only");
            ByteBuffer keyShare = extensions.get(KEY_SHARE);
            assertEquals(2 + 2 + 32, keyShare.getShort() & 0xFFFF, "one key share");
            assertEquals(0x001D, keyShare.getShort() & 0xFFFF);
            assertEquals(32, keyShare.getShort() & 0xFFFF);
            List<Integer> schemes = u16List(extensions.get(SIGNATURE_ALGORITHMS), 2);
            assertEquals(List.of(0x0403, 0x0503, 0x0603, 0x0807, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b),
                    schemes, "what we can verify in a CertificateVerify: no PKCS#1 v1.5, no SHA-1");
        }
    }

    private static List<Integer> u16List(ByteBuffer extension, int lengthBytes) {
        int length = lengthBytes == 2 ? extension.getShort() & 0xFFFF : extension.get() & 0xFF;
        List<Integer> values = new ArrayList<>();
        for (int i = 0; i < length / 2; i++) {
            values.add(extension.getShort() & 0xFFFF);
        }
        return values;
    }

    private int sessionIdLength;
    private List<Integer> suites;

    /** Reads one handshake record holding the ClientHello and returns its extensions by type. */
    private Map<Integer, ByteBuffer> clientHelloExtensions(InputStream in) throws Exception {
        byte[] header = in.readNBytes(5);
        assertEquals(22, header[0], "handshake record");
        int recordLength = ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
        ByteBuffer hello = ByteBuffer.wrap(in.readNBytes(recordLength));
        assertEquals(1, hello.get(), "ClientHello");
        int helloLength = ((hello.get() & 0xFF) << 16) | ((hello.get() & 0xFF) << 8) | (hello.get() & 0xFF);
        assertEquals(hello.remaining(), helloLength, "one record holds it");
        hello.position(hello.position() + 2 + 32); // legacy version, random
        sessionIdLength = hello.get() & 0xFF;
        skip(hello, sessionIdLength);
        suites = u16List(hello, 2);
        skip(hello, hello.get() & 0xFF); // compression methods
        int extensionsLength = hello.getShort() & 0xFFFF;
        int end = hello.position() + extensionsLength;
        Map<Integer, ByteBuffer> extensions = new HashMap<>();
        while (hello.position() < end) {
            int type = hello.getShort() & 0xFFFF;
            int length = hello.getShort() & 0xFFFF;
            extensions.put(type, hello.slice(hello.position(), length));
            hello.position(hello.position() + length);
        }
        assertTrue(extensions.containsKey(SUPPORTED_VERSIONS));
        return extensions;
    }

    private static void skip(ByteBuffer buffer, int length) {
        buffer.position(buffer.position() + length);
    }

    private static List<String> alpn(ByteBuffer extension) {
        int listLength = extension.getShort() & 0xFFFF;
        int end = extension.position() + listLength;
        List<String> protocols = new ArrayList<>();
        while (extension.position() < end) {
            byte[] name = new byte[extension.get() & 0xFF];
            extension.get(name);
            protocols.add(new String(name, StandardCharsets.US_ASCII));
        }
        return protocols;
    }
}
