package io.p2pkit.node.cli.options;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.config.IdentityFile;
import io.p2pkit.node.config.NodeHome;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code --identity FILE}: the key file holding the libp2p {@code PrivateKey} protobuf (the bytes
 * go-libp2p's {@code crypto.MarshalPrivateKey} and js-libp2p's {@code privateKeyToProtobuf}
 * write), created when missing. Commands that are the node ({@code id}, {@code daemon}) default to
 * the node's key file; commands that act once ({@code ping}, {@code routing}, {@code pubsub pub})
 * default to a new throw-away identity.
 */
public final class IdentityOption {
    @Option(names = "--identity", paramLabel = "FILE",
            description = "the identity key file (the libp2p PrivateKey protobuf, as go-libp2p and js-libp2p write "
                    + "it), created when missing (default: the node's key, identity.key in $P2PKIT_HOME, or in --repo-dir "
                    + "for daemon; a new throw-away key for the other commands)")
    private Path file;

    /** The given file, if any. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The given file, or the node's: {@code $P2PKIT_HOME/identity.key}. */
    public Path fileOrNodeKey() {
        return file != null ? file : NodeHome.identityFile();
    }

    /**
     * The key in the given file, else in {@code fallback}, created ({@code type}) and reported on
     * stderr when missing.
     */
    public PrivateKey keyOr(Path fallback, Console console, String command, KeyType type) throws IOException {
        return load(file != null ? file : fallback, console, command, type);
    }

    /** The key in the given file (created when missing), or else a new Ed25519 key used once. */
    public PrivateKey keyOrThrowAway(Console console, String command) throws IOException {
        return file != null ? load(file, console, command, KeyType.ED25519) : PrivateKey.generateEd25519();
    }

    private static PrivateKey load(Path path, Console console, String command, KeyType type) throws IOException {
        IdentityFile.Loaded id = IdentityFile.loadOrCreate(path, type);
        if (id.created()) {
            console.info("p2pkit " + command + ": created a new identity in " + path);
        }
        return id.key();
    }
}
