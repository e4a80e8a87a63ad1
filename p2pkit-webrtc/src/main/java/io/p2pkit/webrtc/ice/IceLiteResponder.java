package io.p2pkit.webrtc.ice;

import io.p2pkit.webrtc.stun.StunMessage;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The listener's ICE-lite side (RFC 8445 §2.5): it answers binding requests whose USERNAME names a
 * WebRTC-direct ufrag and whose MESSAGE-INTEGRITY checks with the password that ufrag implies,
 * and offers one check back ({@link Answer#checkBack()}) for the listener to send to a new dialer. A request that fails any check gets no answer at all, so a
 * stranger learns nothing and cannot use the listener to amplify traffic. Stateless: one
 * responder serves every dialer on a socket.
 */
public final class IceLiteResponder {
    /**
     * An answered request: who asked, with which credentials, the response to send back, and a
     * binding request to the dialer. pion's controlling agent (go-libp2p) nominates a pair at once
     * when the remote checks it too, and otherwise only on its next check tick, 200 ms later; so
     * the listener sends this once to each new dialer. Its success response needs no handling.
     */
    public record Answer(InetSocketAddress from, IceUsername username, boolean useCandidate, byte[] response,
                         byte[] checkBack) {
    }

    /** The PRIORITY of the check back: a host candidate's, as the dialer's own checks carry. */
    private static final long PRIORITY = IceControllingCheck.PRIORITY;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A responder; it holds no state, so one serves a whole socket. */
    public IceLiteResponder() {
    }

    /**
     * The answer to a request received from {@code from}, or empty when the request must be dropped
     * (not a binding request, no or bad USERNAME, MESSAGE-INTEGRITY or FINGERPRINT, or a sender
     * that does not claim the controlling role).
     */
    public Optional<Answer> answer(StunMessage request, InetSocketAddress from) {
        if (request.type() != StunMessage.BINDING_REQUEST || !request.hasFingerprint()
                || request.iceControlling().isEmpty()) {
            return Optional.empty();
        }
        Optional<IceUsername> username = request.username().flatMap(IceUsername::parse);
        if (username.isEmpty()) {
            return Optional.empty();
        }
        IceCredentials local = username.get().local();
        if (!request.checkIntegrity(local.key())) {
            return Optional.empty();
        }
        byte[] response = StunMessage.builder(StunMessage.BINDING_SUCCESS, request.transactionId())
                .xorMappedAddress(from)
                .encode(local.key(), true);
        IceUsername u = username.get();
        byte[] tid = new byte[12];
        RANDOM.nextBytes(tid);
        byte[] checkBack = StunMessage.builder(StunMessage.BINDING_REQUEST, tid)
                .username(u.remoteUfrag() + ":" + local.ufrag())
                .priority(PRIORITY)
                .iceControlled(RANDOM.nextLong())
                .encode(new IceCredentials(u.remoteUfrag(), u.remotePassword()).key(), true);
        return Optional.of(new Answer(from, u, request.useCandidate(), response, checkBack));
    }
}
