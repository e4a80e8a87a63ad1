package io.p2pkit.ipfs.mfs;

import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.Repository;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of {@link MfsCrashTest}: writes files into a repository's MFS one after the
 * other and prints {@code wrote <i> <root>} after each write has returned. Arguments: the
 * repository, the index of the first file, how many.
 */
public final class MfsWriter {
    private MfsWriter() {
    }

    public static void main(String[] args) throws IOException {
        int first = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        try (Repository repo = Repository.open(Path.of(args[0]), OpenOptions.of(Codecs.standard()))) {
            Mfs mfs = repo.mfs();
            System.out.println("open");
            System.out.flush();
            for (int i = first; i < first + n; i++) {
                mfs.write(path(i), new ByteArrayInputStream(content(i)),
                        new Mfs.WriteOptions(0, -1, true, false, true, null, null));
                System.out.println("wrote " + i + " " + mfs.root());
                System.out.flush();
            }
        }
    }

    static String path(int i) {
        return "/dir" + (i % 7) + "/file-" + i;
    }

    static byte[] content(int i) {
        return ("file " + i + " ").repeat(1 + i % 50).getBytes(StandardCharsets.UTF_8);
    }
}
