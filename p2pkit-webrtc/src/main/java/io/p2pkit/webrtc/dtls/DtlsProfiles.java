package io.p2pkit.webrtc.dtls;

import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;

/**
 * What both DTLS roles offer. Cipher suites: ECDHE with ECDSA, the ones browsers and pion share.
 * use_srtp: WebRTC stacks (pion, browsers) fail a DTLS association that negotiated no SRTP
 * profile even when only data channels run over it, so both roles offer or echo one.
 */
final class DtlsProfiles {
    static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    };

    static final int[] SRTP_PROFILES = {
        SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM,
        SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
    };

    /** Handshakes give up after this long when no deadline is given. */
    static final int DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private DtlsProfiles() {
    }

    static UseSRTPData offered() {
        return new UseSRTPData(SRTP_PROFILES.clone(), TlsUtils.EMPTY_BYTES);
    }

    /** Our first preference the client also offered, or -1. */
    static int select(UseSRTPData offered) {
        for (int mine : SRTP_PROFILES) {
            for (int theirs : offered.getProtectionProfiles()) {
                if (mine == theirs) {
                    return mine;
                }
            }
        }
        return -1;
    }
}
