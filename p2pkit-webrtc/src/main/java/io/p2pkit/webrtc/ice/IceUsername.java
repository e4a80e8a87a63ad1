package io.p2pkit.webrtc.ice;

import java.util.Optional;

/**
 * The USERNAME of a binding request a WebRTC-direct listener receives, {@code <listener ufrag>:<dialer
 * ufrag>} (RFC 8445 §7.2.2), read as the spec reads it. The listener's password always equals its
 * ufrag; the dialer's password is its ufrag in v1 and the part after {@code libp2p+webrtc+v2/} of
 * the listener's ufrag in v2. Anything else (no colon, bad characters, an unknown version) is refused.
 *
 * @param local          the listener's credentials
 * @param remoteUfrag    the dialer's ufrag
 * @param remotePassword the dialer's password
 */
public record IceUsername(IceCredentials local, String remoteUfrag, String remotePassword) {
    /** Parses a USERNAME; empty when it is not one a WebRTC-direct dialer sends. */
    public static Optional<IceUsername> parse(String username) {
        int colon = username.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String local = username.substring(0, colon);
        String remote = username.substring(colon + 1);
        if (!IceCredentials.isIceString(local, 4) || !IceCredentials.isIceString(remote, 4)) {
            return Optional.empty();
        }
        String remotePassword;
        if (local.startsWith(IceCredentials.PREFIX_V2)) {
            remotePassword = local.substring(IceCredentials.PREFIX_V2.length());
            if (!IceCredentials.isIceString(remotePassword, 22)) {
                return Optional.empty();
            }
        } else if (local.startsWith(IceCredentials.PREFIX_V1)) {
            remotePassword = remote;
        } else {
            return Optional.empty();
        }
        if (local.length() < 22) {
            return Optional.empty(); // the listener's password is its ufrag and needs 22 characters
        }
        return Optional.of(new IceUsername(new IceCredentials(local, local), remote, remotePassword));
    }
}
