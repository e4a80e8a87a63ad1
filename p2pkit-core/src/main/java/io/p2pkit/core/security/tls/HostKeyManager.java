package io.p2pkit.core.security.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * Offers the host's one certificate to a JSSE-style TLS engine (QUIC's), on both sides of a
 * handshake and whatever certificate authorities the peer names (libp2p peers name none). libp2p
 * TLS over TCP does not use it: its own handshake ({@link Tls13Handshake}) presents the
 * certificate itself.
 */
public final class HostKeyManager extends X509ExtendedKeyManager {
    /** The one alias. */
    static final String ALIAS = "libp2p";
    /** The certificate key's type as JSSE names it; some engines name TLS 1.3 key types with their curve. */
    private static final Set<String> KEY_TYPES = Set.of("EC", "EC/secp256r1");

    private final HostCertificate certificate;
    private final PrivateKey signingKey;

    /** @param certificate the one certificate to offer */
    public HostKeyManager(HostCertificate certificate) {
        this.certificate = certificate;
        this.signingKey = certificate.certificateKey();
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return chooseClientAlias(keyTypes, issuers, null);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServerAlias(keyType, issuers, null);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        if (keyTypes != null) {
            for (String keyType : keyTypes) {
                if (KEY_TYPES.contains(keyType)) {
                    return ALIAS;
                }
            }
        }
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return KEY_TYPES.contains(keyType) ? ALIAS : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return KEY_TYPES.contains(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return getClientAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? new X509Certificate[] {certificate.certificate()} : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? signingKey : null;
    }
}
