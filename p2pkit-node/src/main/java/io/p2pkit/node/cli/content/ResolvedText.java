package io.p2pkit.node.cli.content;

import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.path.ResolvedPath;
import io.p2pkit.node.multiformats.CidEncoder;

import java.util.List;
import java.util.function.Supplier;

/**
 * Where a path leads, written as Kubo's {@code resolve} writes it: {@code /<namespace>/<cid>}
 * and what is left of the path inside that block. Without {@code --cid-base}, the CID takes the
 * multibase of the CID the argument starts with, a CIDv0 result then written as CIDv1
 * ({@code /ipfs/bafy…/a} gives {@code bafy…}, Kubo's encoder from the path), and after a CIDv0
 * Kubo's default form (CIDv0 {@code Qm…}, CIDv1 base32) whatever {@code --upgrade-cidv0-in-output}
 * says; with {@code --cid-base}, after an {@code /ipns/} name or where no CID starts the argument,
 * the options' encoder writes it.
 */
public final class ResolvedText {
    private ResolvedText() {
    }

    /**
     * @param resolved where the argument (or the {@code /ipfs/} path its name led to) leads
     * @param enc      the encoder Kubo's {@code resolve} uses for the argument: {@link #encoder}
     * @return the path text
     */
    public static String of(ResolvedPath resolved, CidEncoder enc) {
        StringBuilder b = new StringBuilder().append('/').append(resolved.path().namespace().prefix()).append('/')
                .append(enc.encode(resolved.cid()));
        resolved.remainder().forEach(s -> b.append('/').append(s));
        return b.toString();
    }

    /**
     * The encoder Kubo's {@code resolve} writes the result with: the argument's own when no
     * {@code --cid-base} is given and it names no {@code /ipns/} name, else the options'.
     *
     * @param given        the argument as given
     * @param cidBaseGiven whether {@code --cid-base} was given
     * @param options      the options' encoder (Kubo's {@code GetCidEncoder}); asked only when used
     */
    public static CidEncoder encoder(String given, boolean cidBaseGiven, Supplier<CidEncoder> options) {
        if (!cidBaseGiven && !given.startsWith("/ipns/")) {
            return CidEncoder.fromPath(given).orElseGet(options);
        }
        return options.get();
    }

    /** A path without segments: its root, whose block Kubo does not read to resolve it. */
    public static ResolvedPath unread(IpfsPath path) {
        return new ResolvedPath(path, path.root(), List.of(), new Link(path.root()));
    }
}
