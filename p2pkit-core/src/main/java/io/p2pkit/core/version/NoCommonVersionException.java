package io.p2pkit.core.version;

import io.p2pkit.core.multistream.NegotiationException;

import java.util.List;

/**
 * A peer speaks no version of a protocol family this node speaks: known from identify before any
 * stream was opened (then {@link #proposed()} is empty), or every proposal was refused.
 */
public final class NoCommonVersionException extends NegotiationException {
    private static final long serialVersionUID = 1L;

    NoCommonVersionException(String message, List<String> proposed, List<String> answers) {
        super(message, proposed, answers);
    }
}
