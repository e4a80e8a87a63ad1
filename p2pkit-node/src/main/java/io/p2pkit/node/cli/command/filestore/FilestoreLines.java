package io.p2pkit.node.cli.command.filestore;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.filestore.Filestore;
import io.p2pkit.ipfs.filestore.FilestoreEntry;
import io.p2pkit.ipfs.filestore.FilestoreStatus;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.NullNode;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.content.CidArgument;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.KuboJson;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code filestore ls} and {@code verify} share: the entries from the daemon or the
 * repository, printed as Kubo's CLI prints them.
 */
final class FilestoreLines {
    private FilestoreLines() {
    }

    /** A way to print one entry; returns an error to show on stderr, or null. */
    interface Printer {
        String print(FilestoreEntry e);
    }

    /**
     * Runs {@code filestore/<command>} through the daemon, or on the repository.
     *
     * @param verify    read the blocks back
     * @param removeBad verify --remove-bad-blocks
     */
    static void run(Console console, RepoOption repo, JsonOption output, String command, List<String> cids,
                    boolean fileOrder, boolean removeBad, Printer text) throws IOException {
        boolean verify = command.equals("verify");
        List<String> errors = new ArrayList<>();
        Printer printer = e -> {
            if (output.json()) {
                console.json(KuboJson.filestoreEntry(e));
                return null;
            }
            return text.print(e);
        };
        boolean daemon = DaemonApi.use(repo.root(), api -> {
            Map<String, String> options = new LinkedHashMap<>();
            if (fileOrder) {
                options.put("file-order", "true");
            }
            if (removeBad) {
                options.put("remove-bad-blocks", "true");
            }
            try (InputStream in = new BufferedInputStream(api.post("filestore/" + command, cids, options))) {
                for (MapNode m; (m = DaemonApi.nextObject(in)) != null; ) {
                    note(errors, printer.print(entry(m)));
                }
            }
        });
        if (!daemon) {
            try (Repository r = repo.open()) {
                Filestore fs = r.filestore().orElseThrow(() -> new CommandFailedException(Filestore.NOT_ENABLED));
                List<FilestoreEntry> entries = new ArrayList<>();
                if (cids.isEmpty()) {
                    entries.addAll(fs.all(verify, fileOrder));
                } else {
                    for (String arg : cids) {
                        try {
                            entries.add(fs.one(Cid.parse(CidArgument.rootOfUri(arg).orElse(arg)), true));
                        } catch (IllegalArgumentException e) {
                            entries.add(new FilestoreEntry(FilestoreStatus.OTHER_ERROR, arg + ": " + e.getMessage(),
                                    null, "", 0, 0));
                        }
                    }
                }
                for (FilestoreEntry e : entries) {
                    if (removeBad && e.status().removable() && e.key() != null) {
                        fs.deleteReference(e.key().multihash());
                    }
                    note(errors, printer.print(e));
                }
            }
        }
        for (String error : errors) {
            console.err().println(error);
        }
        if (!errors.isEmpty() && !verify) {
            throw new CommandFailedException("errors while displaying some entries");
        }
    }

    private static void note(List<String> errors, String error) {
        if (error != null) {
            errors.add(error);
        }
    }

    private static FilestoreEntry entry(MapNode m) {
        FilestoreStatus status;
        try {
            status = FilestoreStatus.of((int) DaemonApi.number(m, "Status"));
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException("the daemon's answer has a status p2pkit does not know: " + m, e);
        }
        Cid key = m.get("Key").isEmpty() || m.get("Key").get() instanceof NullNode ? null : DaemonApi.cid(m, "Key");
        return new FilestoreEntry(status, DaemonApi.text(m, "ErrorMsg"), key, DaemonApi.text(m, "FilePath"),
                DaemonApi.number(m, "Offset"), DaemonApi.number(m, "Size"));
    }

    /** boxo's FormatLong: {@code <cid> <size> <path> <offset>}, padded as Kubo pads them. */
    static String formatLong(FilestoreEntry e) {
        if (e.key() == null) {
            return "<corrupt key>";
        }
        if (e.filePath().isEmpty()) {
            return e.key().toString();
        }
        return String.format("%-50s %6d %s %d", e.key(), e.size(), e.filePath(), e.offset());
    }
}
