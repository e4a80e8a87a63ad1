package io.p2pkit.node.cli.command;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit mount}: asks the running daemon to mount /ipfs, /ipns and /mfs with FUSE, as Kubo's {@code ipfs mount}. */
@Command(name = "mount", description = {
        "Mount /ipfs, /ipns and /mfs on the file system with FUSE, as Kubo's 'ipfs mount'.",
        "",
        "The running daemon mounts three file systems: /ipfs (read-only: /ipfs/<cid>/<path>; the root cannot be "
                + "listed), /ipns (read-only: each key's directory and name, and any IPNS or DNSLink name as a link "
                + "into /ipfs) and /mfs (the node's MFS, as 'files' shows it, read and written). The directories "
                + "come from the options, else the config's Mounts.IPFS, Mounts.IPNS and Mounts.MFS (/ipfs, /ipns, "
                + "/mfs); each must exist. Needs Linux with FUSE: a daemon running as root mounts itself, any other "
                + "through fusermount3 (package fuse3). Mounting again first unmounts; the daemon unmounts as it stops. "
                + "'p2pkit daemon --mount' mounts at start.",
        ""},
        footer = {"", "Prints 'IPFS mounted at: …' for each; with --json Kubo's {\"IPFS\":…,\"IPNS\":…,\"MFS\":…,"
                + "\"FuseAllowOther\":…}."})
public final class MountCommand extends CliCommand {
    @Option(names = {"-f", "--ipfs-path"}, description = "where /ipfs is mounted")
    private String ipfsPath;

    @Option(names = {"-n", "--ipns-path"}, description = "where /ipns is mounted")
    private String ipnsPath;

    @Option(names = {"-m", "--mfs-path"}, description = "where /mfs is mounted")
    private String mfsPath;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption json;

    @Override
    protected int run() throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        put(options, "ipfs-path", ipfsPath);
        put(options, "ipns-path", ipnsPath);
        put(options, "mfs-path", mfsPath);
        options.put("encoding", json.json() ? "json" : "text");
        console().out().print(new String(DaemonApi.answerBytes(repo.root(), "mount", List.of(), options),
                StandardCharsets.UTF_8));
        console().out().flush();
        return 0;
    }

    /** A relative directory is made absolute here: the daemon would take it from its own working directory. */
    private static void put(Map<String, String> options, String name, String dir) {
        if (dir != null) {
            options.put(name, Path.of(dir).toAbsolutePath().normalize().toString());
        }
    }
}
