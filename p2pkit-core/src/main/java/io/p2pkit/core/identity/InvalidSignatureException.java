package io.p2pkit.core.identity;

import io.p2pkit.core.DecodeException;

/**
 * A signed structure was well formed but its signature does not verify (or was made for another
 * domain). A {@link DecodeException}, so callers that only care whether input was acceptable
 * need no extra catch.
 */
public class InvalidSignatureException extends DecodeException {
    public InvalidSignatureException(String field, String message) {
        super(field, message);
    }
}
