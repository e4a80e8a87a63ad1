package io.p2pkit.webrtc.dtls;

import io.p2pkit.core.multiformats.Multihash;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.util.Hashtable;

/**
 * The listener's DTLS 1.2 server: shows the listener's certificate, requires one from the client
 * and accepts any (the dialer is authenticated later by Noise, which binds this fingerprint),
 * and echoes one SRTP profile. It records the client certificate's fingerprint.
 */
final class WebRtcDtlsServer extends DefaultTlsServer {
    private final BcTlsCrypto crypto;
    private final WebRtcCertificate certificate;
    private final int timeoutMillis;
    private int srtpProfile = -1;
    private volatile Multihash remoteFingerprint;

    WebRtcDtlsServer(BcTlsCrypto crypto, WebRtcCertificate certificate, int timeoutMillis) {
        super(crypto);
        this.crypto = crypto;
        this.certificate = certificate;
        this.timeoutMillis = timeoutMillis;
    }

    Multihash remoteFingerprint() {
        return remoteFingerprint;
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
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return certificate.signer(context, crypto);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered != null) {
            srtpProfile = DtlsProfiles.select(offered);
        }
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = super.getServerExtensions();
        if (srtpProfile >= 0) {
            TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {srtpProfile}, TlsUtils.EMPTY_BYTES));
        }
        return extensions;
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
        return new CertificateRequest(types, TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "WebRTC needs a client certificate");
        }
        remoteFingerprint = Certhash.fingerprint(clientCertificate.getCertificateAt(0).getEncoded());
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return timeoutMillis;
    }
}
