package io.p2pkit.node.cli.content;

import io.p2pkit.ipfs.path.GoPath;
import io.p2pkit.ipfs.path.IpfsUri;

import java.util.List;
import java.util.Optional;

/**
 * The argument of a command that takes one CID, not a path ({@code routing findprovs}, {@code
 * provide once}, {@code filestore ls}, …), given as a native URI: Kubo 0.43's {@code CidFromArg}
 * takes {@code ipfs://<cid>} and {@code ipfs:<cid>} as the CID and refuses a URI that points below
 * it or names an IPNS name. Other arguments stay with each command's own CID parsing, whose words
 * Kubo 0.39 shares.
 */
public final class CidArgument {
    private CidArgument() {
    }

    /**
     * @param arg the argument as given
     * @return for a native URI, the text of the CID it names, for the command's parser; empty for
     *         any other argument
     * @throws IllegalArgumentException with Kubo's words for a URI without a root, one below its
     *                                  root or one in the {@code /ipns/} namespace
     */
    public static Optional<String> rootOfUri(String arg) {
        if (!IpfsUri.isUri(arg)) {
            return Optional.empty();
        }
        String path = IpfsUri.toPath(arg);
        List<String> segments = GoPath.cleanNames(path);
        if (segments.size() < 2) {
            throw new IllegalArgumentException("invalid path " + GoQuote.quote(path) + ": path does not have enough components");
        }
        if (segments.get(0).equals("ipns")) {
            throw new IllegalArgumentException("invalid path " + GoQuote.quote(path) + ": path was expected to be immutable");
        }
        if (segments.size() > 2) {
            throw new IllegalArgumentException(GoQuote.quote(arg) + " points below a root CID, expected a single CID");
        }
        return Optional.of(segments.get(1));
    }
}
