package io.p2pkit.core.security.tls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TLS 1.3 handshake messages a libp2p handshake exchanges (RFC 8446 §4): encoders for what
 * this side sends and strict decoders for what the peer sends. Decoders check every length and
 * throw a {@link FatalAlert} (decode_error for bad framing, illegal_parameter or
 * unsupported_extension for values RFC 8446 forbids), never an unchecked exception.
 */
final class HandshakeMessages {
    static final int CLIENT_HELLO = 1;
    static final int SERVER_HELLO = 2;
    static final int ENCRYPTED_EXTENSIONS = 8;
    static final int CERTIFICATE = 11;
    static final int CERTIFICATE_REQUEST = 13;
    static final int CERTIFICATE_VERIFY = 15;
    static final int FINISHED = 20;
    /** The synthetic message that replaces the first ClientHello in the transcript after a HelloRetryRequest (§4.4.1). */
    static final int MESSAGE_HASH = 254;

    static final int EXT_SUPPORTED_GROUPS = 10;
    static final int EXT_SIGNATURE_ALGORITHMS = 13;
    static final int EXT_ALPN = 16;
    static final int EXT_PRE_SHARED_KEY = 41;
    static final int EXT_SUPPORTED_VERSIONS = 43;
    static final int EXT_COOKIE = 44;
    static final int EXT_KEY_SHARE = 51;

    static final int TLS_1_2 = 0x0303;
    static final int TLS_1_3 = 0x0304;
    static final int X25519 = 0x001D;
    static final int X25519_KEY_BYTES = 32;

    /** Caps on a message's body: a certificate of {@link PeerCertificate#MAX_ENCODED_BYTES} and a little framing. */
    static final int MAX_CERTIFICATE_MESSAGE = PeerCertificate.MAX_ENCODED_BYTES + 1024;
    static final int MAX_OTHER_MESSAGE = 16 * 1024;

    /** ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest") (§4.1.3). */
    static final byte[] HELLO_RETRY_REQUEST_RANDOM = hex(
            "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

    private HandshakeMessages() {
    }

    /** The largest body accepted for a message of {@code type}. */
    static int maxBody(int type) {
        return type == CERTIFICATE ? MAX_CERTIFICATE_MESSAGE : MAX_OTHER_MESSAGE;
    }

    static String name(int type) {
        return switch (type) {
            case CLIENT_HELLO -> "ClientHello";
            case SERVER_HELLO -> "ServerHello";
            case 4 -> "NewSessionTicket";
            case ENCRYPTED_EXTENSIONS -> "EncryptedExtensions";
            case CERTIFICATE -> "Certificate";
            case CERTIFICATE_REQUEST -> "CertificateRequest";
            case CERTIFICATE_VERIFY -> "CertificateVerify";
            case FINISHED -> "Finished";
            case 24 -> "KeyUpdate";
            default -> "handshake message " + type;
        };
    }

    /** A whole message: type, 24-bit length, body. */
    static byte[] message(int type, byte[] body) {
        return new WireWriter().u8(type).vector(3, body).toByteArray();
    }

    // ---- ClientHello (§4.1.2) ----

    /**
     * A decoded ClientHello. Lists are null when their extension is absent; {@code keyShares}
     * keeps the client's order.
     */
    record ClientHello(byte[] random, byte[] sessionId, List<Integer> cipherSuites, List<Integer> versions,
                       List<Integer> groups, Map<Integer, byte[]> keyShares, List<Integer> signatureSchemes,
                       List<String> alpn) {
    }

    /**
     * Encodes our ClientHello: TLS 1.3 only, x25519 only, no SNI, no PSK. {@code keyShare} null
     * sends an empty key_share (a test-only way to provoke a HelloRetryRequest).
     */
    static byte[] clientHello(byte[] random, byte[] sessionId, int[] suites, byte[] keyShare,
                              int[] signatureSchemes, List<String> alpn) {
        WireWriter w = new WireWriter().u8(CLIENT_HELLO).open(3);
        w.u16(TLS_1_2).bytes(random).vector(1, sessionId);
        w.open(2);
        for (int suite : suites) {
            w.u16(suite);
        }
        w.close();
        w.u8(1).u8(0); // legacy_compression_methods: null only
        w.open(2);
        w.u16(EXT_SUPPORTED_VERSIONS).open(2).open(1).u16(TLS_1_3).close().close();
        w.u16(EXT_SUPPORTED_GROUPS).open(2).open(2).u16(X25519).close().close();
        w.u16(EXT_KEY_SHARE).open(2).open(2);
        if (keyShare != null) {
            w.u16(X25519).vector(2, keyShare);
        }
        w.close().close();
        w.u16(EXT_SIGNATURE_ALGORITHMS).open(2).open(2);
        for (int scheme : signatureSchemes) {
            w.u16(scheme);
        }
        w.close().close();
        if (!alpn.isEmpty()) {
            w.u16(EXT_ALPN).open(2).open(2);
            for (String protocol : alpn) {
                w.vector(1, protocol.getBytes(StandardCharsets.UTF_8));
            }
            w.close().close();
        }
        w.close();
        return w.close().toByteArray();
    }

    /** Decodes a ClientHello's body. */
    static ClientHello decodeClientHello(byte[] body) throws FatalAlert {
        WireReader r = new WireReader(body, "ClientHello");
        r.u16(); // legacy_version: ignored when supported_versions is present (§4.2.1), checked by the caller
        byte[] random = r.bytes(32);
        byte[] sessionId = r.vector(1, 0, 32);
        WireReader suitesReader = r.sub(2, 2, 0xFFFE);
        if (suitesReader.remaining() % 2 != 0) {
            throw suitesReader.malformed("cipher_suites of odd length");
        }
        List<Integer> suites = u16List(suitesReader);
        byte[] compression = r.vector(1, 1, 255);
        if (compression.length != 1 || compression[0] != 0) {
            throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "ClientHello offers compression methods other than null");
        }
        Map<Integer, WireReader> extensions = extensions(r.sub(2, 0, 0xFFFF), "ClientHello");
        r.end();
        WireReader psk = extensions.get(EXT_PRE_SHARED_KEY);
        if (psk != null && lastKey(extensions) != EXT_PRE_SHARED_KEY) {
            throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "ClientHello's pre_shared_key is not its last extension");
        }
        List<Integer> versions = null;
        WireReader e = extensions.get(EXT_SUPPORTED_VERSIONS);
        if (e != null) {
            WireReader list = e.sub(1, 2, 254);
            versions = u16List(list);
            e.end();
        }
        List<Integer> groups = null;
        e = extensions.get(EXT_SUPPORTED_GROUPS);
        if (e != null) {
            groups = u16List(e.sub(2, 2, 0xFFFF));
            e.end();
        }
        Map<Integer, byte[]> keyShares = null;
        e = extensions.get(EXT_KEY_SHARE);
        if (e != null) {
            keyShares = new LinkedHashMap<>();
            WireReader list = e.sub(2, 0, 0xFFFF);
            e.end();
            while (list.hasRemaining()) {
                int group = list.u16();
                byte[] key = list.vector(2, 1, 0xFFFF);
                if (keyShares.put(group, key) != null) {
                    throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "ClientHello offers two key shares for group " + group);
                }
            }
        }
        List<Integer> schemes = null;
        e = extensions.get(EXT_SIGNATURE_ALGORITHMS);
        if (e != null) {
            schemes = u16List(e.sub(2, 2, 0xFFFE));
            e.end();
        }
        List<String> alpn = null;
        e = extensions.get(EXT_ALPN);
        if (e != null) {
            alpn = protocolNames(e, "ClientHello");
        }
        return new ClientHello(random, sessionId, suites, versions, groups, keyShares, schemes, alpn);
    }

    // ---- ServerHello and HelloRetryRequest (§4.1.3, §4.1.4) ----

    /**
     * A decoded ServerHello or HelloRetryRequest. {@code version} is -1 without supported_versions;
     * {@code keyShare} is null in a HelloRetryRequest, which names only {@code group}.
     */
    record ServerHello(byte[] random, byte[] sessionId, int cipherSuite, int version, int group, byte[] keyShare,
                       boolean retryRequest) {
    }

    static byte[] serverHello(byte[] random, byte[] sessionId, int suite, byte[] keyShare) {
        WireWriter w = new WireWriter().u8(SERVER_HELLO).open(3);
        w.u16(TLS_1_2).bytes(random).vector(1, sessionId).u16(suite).u8(0);
        w.open(2);
        w.u16(EXT_SUPPORTED_VERSIONS).open(2).u16(TLS_1_3).close();
        w.u16(EXT_KEY_SHARE).open(2).u16(X25519);
        if (keyShare != null) {
            w.vector(2, keyShare);
        }
        w.close();
        w.close();
        return w.close().toByteArray();
    }

    /** A HelloRetryRequest asking for an x25519 key share. */
    static byte[] helloRetryRequest(byte[] sessionId, int suite) {
        return serverHello(HELLO_RETRY_REQUEST_RANDOM, sessionId, suite, null);
    }

    /** Decodes a ServerHello's body; a HelloRetryRequest is recognised by its random. */
    static ServerHello decodeServerHello(byte[] body) throws FatalAlert {
        WireReader r = new WireReader(body, "ServerHello");
        int legacyVersion = r.u16();
        byte[] random = r.bytes(32);
        boolean retry = Arrays.equals(random, HELLO_RETRY_REQUEST_RANDOM);
        byte[] sessionId = r.vector(1, 0, 32);
        int suite = r.u16();
        int compression = r.u8();
        Map<Integer, WireReader> extensions = r.hasRemaining() ? extensions(r.sub(2, 0, 0xFFFF), "ServerHello") : Map.of();
        r.end();
        if (legacyVersion != TLS_1_2) {
            throw new FatalAlert(TlsAlert.PROTOCOL_VERSION, "ServerHello with legacy_version " + hex16(legacyVersion));
        }
        if (compression != 0) {
            throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "ServerHello selects compression method " + compression);
        }
        int version = -1;
        int group = -1;
        byte[] keyShare = null;
        for (Map.Entry<Integer, WireReader> entry : extensions.entrySet()) {
            WireReader e = entry.getValue();
            switch (entry.getKey()) {
                case EXT_SUPPORTED_VERSIONS -> version = e.u16();
                case EXT_KEY_SHARE -> {
                    group = e.u16();
                    if (!retry) {
                        keyShare = e.vector(2, 1, 0xFFFF);
                    }
                }
                // a HelloRetryRequest may carry a cookie, which we would have to echo; we never need one
                default -> throw new FatalAlert(TlsAlert.UNSUPPORTED_EXTENSION, (retry ? "HelloRetryRequest" : "ServerHello")
                        + " with extension " + entry.getKey() + " we did not offer");
            }
            e.end();
        }
        return new ServerHello(random, sessionId, suite, version, group, keyShare, retry);
    }

    // ---- EncryptedExtensions (§4.3.1) ----

    static byte[] encryptedExtensions(String alpn) {
        WireWriter w = new WireWriter().u8(ENCRYPTED_EXTENSIONS).open(3).open(2);
        if (alpn != null) {
            w.u16(EXT_ALPN).open(2).open(2).vector(1, alpn.getBytes(StandardCharsets.UTF_8)).close().close();
        }
        return w.close().close().toByteArray();
    }

    /** Decodes EncryptedExtensions: the protocol ALPN selected, or null. */
    static String decodeEncryptedExtensions(byte[] body) throws FatalAlert {
        WireReader r = new WireReader(body, "EncryptedExtensions");
        Map<Integer, WireReader> extensions = extensions(r.sub(2, 0, 0xFFFF), "EncryptedExtensions");
        r.end();
        String alpn = null;
        for (Map.Entry<Integer, WireReader> entry : extensions.entrySet()) {
            switch (entry.getKey()) {
                case EXT_ALPN -> {
                    List<String> names = protocolNames(entry.getValue(), "EncryptedExtensions");
                    if (names.size() != 1) {
                        throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "server selected " + names.size()
                                + " ALPN protocols");
                    }
                    alpn = names.get(0);
                }
                // a server may tell its preferred groups (§4.2.7); informational only
                case EXT_SUPPORTED_GROUPS -> {
                }
                default -> throw new FatalAlert(TlsAlert.UNSUPPORTED_EXTENSION,
                        "EncryptedExtensions with extension " + entry.getKey() + " we did not offer");
            }
        }
        return alpn;
    }

    // ---- CertificateRequest (§4.3.2) ----

    static byte[] certificateRequest(int[] signatureSchemes) {
        WireWriter w = new WireWriter().u8(CERTIFICATE_REQUEST).open(3);
        w.u8(0); // empty certificate_request_context
        w.open(2).u16(EXT_SIGNATURE_ALGORITHMS).open(2).open(2);
        for (int scheme : signatureSchemes) {
            w.u16(scheme);
        }
        w.close().close().close();
        return w.close().toByteArray();
    }

    /** A decoded CertificateRequest: its context and the server's signature_algorithms. */
    record CertificateRequest(byte[] context, List<Integer> signatureSchemes) {
    }

    static CertificateRequest decodeCertificateRequest(byte[] body) throws FatalAlert {
        WireReader r = new WireReader(body, "CertificateRequest");
        byte[] context = r.vector(1, 0, 255);
        Map<Integer, WireReader> extensions = extensions(r.sub(2, 2, 0xFFFF), "CertificateRequest");
        r.end();
        WireReader e = extensions.get(EXT_SIGNATURE_ALGORITHMS);
        if (e == null) {
            throw new FatalAlert(TlsAlert.MISSING_EXTENSION, "CertificateRequest without signature_algorithms");
        }
        List<Integer> schemes = u16List(e.sub(2, 2, 0xFFFE));
        e.end();
        // other extensions (certificate_authorities, oid_filters, signature_algorithms_cert) restrict
        // nothing a libp2p certificate could satisfy otherwise
        return new CertificateRequest(context, schemes);
    }

    // ---- Certificate (§4.4.2) ----

    static byte[] certificate(byte[] context, byte[] der) {
        WireWriter w = new WireWriter().u8(CERTIFICATE).open(3);
        w.vector(1, context).open(3);
        if (der != null) {
            w.vector(3, der).u16(0); // no extensions in the entry
        }
        return w.close().close().toByteArray();
    }

    /** A decoded Certificate: the request context and the DER certificates (X.509 only). */
    record Certificate(byte[] context, List<byte[]> certificates) {
    }

    static Certificate decodeCertificate(byte[] body) throws FatalAlert {
        WireReader r = new WireReader(body, "Certificate");
        byte[] context = r.vector(1, 0, 255);
        WireReader list = r.sub(3, 0, 0xFFFFFF);
        r.end();
        List<byte[]> certificates = new ArrayList<>(1);
        while (list.hasRemaining()) {
            certificates.add(list.vector(3, 1, 0xFFFFFF));
            Map<Integer, WireReader> extensions = extensions(list.sub(2, 0, 0xFFFF), "Certificate entry");
            if (!extensions.isEmpty()) {
                // we requested neither OCSP status nor SCTs
                throw new FatalAlert(TlsAlert.UNSUPPORTED_EXTENSION, "Certificate entry with extension "
                        + extensions.keySet().iterator().next() + " we did not offer");
            }
        }
        return new Certificate(context, certificates);
    }

    // ---- CertificateVerify (§4.4.3) ----

    static byte[] certificateVerify(int scheme, byte[] signature) {
        return new WireWriter().u8(CERTIFICATE_VERIFY).open(3).u16(scheme).vector(2, signature).close().toByteArray();
    }

    record CertificateVerify(int scheme, byte[] signature) {
    }

    static CertificateVerify decodeCertificateVerify(byte[] body) throws FatalAlert {
        WireReader r = new WireReader(body, "CertificateVerify");
        int scheme = r.u16();
        byte[] signature = r.vector(2, 1, 0xFFFF);
        r.end();
        return new CertificateVerify(scheme, signature);
    }

    // ---- Finished (§4.4.4) ----

    static byte[] finished(byte[] verifyData) {
        return message(FINISHED, verifyData);
    }

    static byte[] decodeFinished(byte[] body, int hashBytes) throws FatalAlert {
        if (body.length != hashBytes) {
            throw new FatalAlert(TlsAlert.DECODE_ERROR, "malformed Finished: " + body.length + " bytes of verify_data, expected "
                    + hashBytes);
        }
        return body;
    }

    // ---- helpers ----

    /** An extension block by type, in order; a type seen twice is illegal_parameter (§4.2). */
    private static Map<Integer, WireReader> extensions(WireReader block, String message) throws FatalAlert {
        Map<Integer, WireReader> extensions = new LinkedHashMap<>();
        while (block.hasRemaining()) {
            int type = block.u16();
            WireReader data = block.sub(2, 0, 0xFFFF);
            if (extensions.put(type, data) != null) {
                throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, message + " repeats extension " + type);
            }
        }
        return extensions;
    }

    private static int lastKey(Map<Integer, WireReader> map) {
        int last = -1;
        for (int key : map.keySet()) {
            last = key;
        }
        return last;
    }

    private static List<Integer> u16List(WireReader r) throws FatalAlert {
        if (r.remaining() % 2 != 0) {
            throw r.malformed("list of 16-bit values of odd length");
        }
        List<Integer> values = new ArrayList<>(r.remaining() / 2);
        while (r.hasRemaining()) {
            values.add(r.u16());
        }
        return values;
    }

    private static List<String> protocolNames(WireReader e, String message) throws FatalAlert {
        WireReader list = e.sub(2, 2, 0xFFFF);
        e.end();
        List<String> names = new ArrayList<>();
        while (list.hasRemaining()) {
            names.add(new String(list.vector(1, 1, 255), StandardCharsets.UTF_8));
        }
        return names;
    }

    static String hex16(int value) {
        return String.format("0x%04x", value);
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
