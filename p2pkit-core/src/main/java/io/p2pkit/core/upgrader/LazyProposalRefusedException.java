package io.p2pkit.core.upgrader;

import io.p2pkit.core.multistream.NegotiationException;

/**
 * The listener refused the security protocol the dialer proposed optimistically, after the
 * handshake's first bytes were already sent. The connection is lost; dialing again without the
 * optimistic proposal will negotiate normally.
 */
public class LazyProposalRefusedException extends NegotiationException {
    public LazyProposalRefusedException(NegotiationException cause) {
        super("the remote refused " + cause.proposed() + " proposed optimistically", cause);
    }
}
