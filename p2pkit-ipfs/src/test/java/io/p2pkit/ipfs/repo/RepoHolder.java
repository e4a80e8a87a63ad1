package io.p2pkit.ipfs.repo;

import io.p2pkit.ipfs.block.LinkReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A child process that opens a repository, says so, and keeps it open until its stdin ends. */
public final class RepoHolder {
    private RepoHolder() {
    }

    public static void main(String[] args) throws IOException {
        LinkReader none = block -> List.of();
        try (Repository repo = Repository.open(Path.of(args[0]), OpenOptions.of(none))) {
            System.out.println("open " + ProcessHandle.current().pid() + " with " + repo.stat().numObjects() + " blocks");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the repository until the parent closes our stdin or kills us
            }
        }
    }
}
