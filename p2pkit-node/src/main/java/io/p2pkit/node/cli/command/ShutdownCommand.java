package io.p2pkit.node.cli.command;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code p2pkit shutdown}: stops the daemon running on the repository, as Kubo's {@code ipfs shutdown}. */
@Command(name = "shutdown", description = {
        "Stop the daemon running on the repository, as Kubo's 'ipfs shutdown'.",
        "",
        "Asks the daemon that holds the repository ($P2PKIT_HOME or --repo-dir) through its RPC API to stop, as "
                + "Ctrl-C stops it, and waits until it has exited (its api file is gone; at most 60 s). Prints "
                + "nothing. Without a running daemon: 'daemon not running', as Kubo.",
        ""},
        footer = {"", "With --json: nothing either."})
public final class ShutdownCommand extends CliCommand {
    /** How long the daemon may take to exit once asked. */
    private static final Duration EXIT = Duration.ofSeconds(60);

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        Path root = repo.root();
        DaemonApi api = DaemonApi.find(root).orElseThrow(() -> new CommandFailedException("daemon not running"));
        try (api; InputStream in = api.post("shutdown", List.of(), Map.of())) {
            in.readAllBytes();
        }
        // the daemon deletes its api file as it exits, after its repository is closed
        Path file = root.resolve(DaemonCommand.API_FILE);
        long deadline = System.nanoTime() + EXIT.toNanos();
        while (Files.exists(file)) {
            if (System.nanoTime() - deadline > 0) {
                throw new CommandFailedException("the daemon was asked to stop but has not exited within "
                        + EXIT.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
        return 0;
    }
}
