package io.p2pkit.webrtc.dtls;

import io.p2pkit.core.multiformats.Multihash;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.util.Hashtable;

/**
 * The dialer's DTLS 1.2 client: offers SRTP profiles, shows its own certificate, and accepts the
 * server only if the SHA-256 of its certificate is the {@code /certhash} of the dialed address.
 */
final class WebRtcDtlsClient extends DefaultTlsClient {
    private final BcTlsCrypto crypto;
    private final WebRtcCertificate certificate;
    private final Multihash expected;
    private final int timeoutMillis;

    WebRtcDtlsClient(BcTlsCrypto crypto, WebRtcCertificate certificate, Multihash expected, int timeoutMillis) {
        super(crypto);
        this.crypto = crypto;
        this.certificate = certificate;
        this.expected = expected;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return DtlsProfiles.CIPHER_SUITES.clone();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = super.getClientExtensions();
        TlsSRTPUtils.addUseSRTPExtension(extensions, DtlsProfiles.offered());
        return extensions;
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                var chain = serverCertificate.getCertificate();
                if (chain == null || chain.isEmpty()) {
                    throw new TlsFatalAlert(AlertDescription.bad_certificate, "no server certificate");
                }
                byte[] der = chain.getCertificateAt(0).getEncoded();
                Multihash actual = Multihash.digest(expected.code(), der);
                if (!actual.equals(expected)) {
                    throw new TlsFatalAlert(AlertDescription.bad_certificate,
                            "the server certificate does not match the certhash of the dialed address");
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                return certificate.signer(context, crypto);
            }
        };
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return timeoutMillis;
    }
}
