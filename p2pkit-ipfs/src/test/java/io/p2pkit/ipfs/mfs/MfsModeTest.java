package io.p2pkit.ipfs.mfs;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.ipfs.unixfs.pb.Mtime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code files chmod} and {@code files touch}, and a file's mode and mtime through {@code files
 * write}: CIDs Kubo 0.39 gave for the same operations (offline, fresh repository) where its
 * behaviour and boxo's fixed one agree, and boxo's fixed behaviour (links and CID prefix kept)
 * where Kubo 0.39 drops a file's links.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MfsModeTest {
    @TempDir
    Path dir;

    private Repository open() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        return Repository.open(dir, OpenOptions.of(Codecs.standard()));
    }

    private static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Mfs.WriteOptions at(long offset, boolean create) {
        return new Mfs.WriteOptions(offset, -1, create, false, false, null, null);
    }

    private static String read(Mfs mfs, String path) throws Exception {
        try (InputStream in = mfs.read(path, 0, -1)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String hash(Mfs mfs, String path) throws Exception {
        return mfs.lookup(path).toString();
    }

    @Test
    void directoriesAndSingleBlockFilesGetKubosCids() throws Exception {
        try (Repository repo = open()) {
            Mfs mfs = repo.mfs();
            mfs.mkdir("/u", false, null);
            mfs.chmod("/u", 0755);
            assertEquals("QmRviohgafvCsbkiTgfQFipbuXJ6k1YtoiaQW4quttJPKu", hash(mfs, "/u"));
            mfs.touch("/u", new Mtime(100, 0));
            assertEquals("QmPXFsvFRG33etyUM5t94mcPZgwD3wA5BQfKPXDRQezZLE", hash(mfs, "/u"));
            mfs.chmod("/u", 0); // no mode left
            assertEquals("QmcehrZhbswC7NyxUoH4sSkcRwsdSdPXBZybfWG1gZqVTe", hash(mfs, "/u"));

            mfs.write("/u/empty", text(""), at(0, true));
            assertEquals("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH", hash(mfs, "/u/empty"));
            mfs.chmod("/u/empty", 0600);
            assertEquals("QmStXxkUej4evQ4RoH53Qa13Ak2Yev6VU41jdbNfPvForx", hash(mfs, "/u/empty"));
            mfs.touch("/u/empty", new Mtime(1630937926, 5));
            assertEquals("QmeUByKLSrsat2ndavzy1opEj52YUqCg8HWnAvbx34Fetj", hash(mfs, "/u/empty"));
            MfsStat s = mfs.stat(mfs.lookup("/u/empty"));
            assertEquals(0600, s.mode());
            assertEquals(new Mtime(1630937926, 5), s.mtime());

            Cid small = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(repo.blocks()))
                    .importStream(text("hello\n"), "").root(); // ipfs add: data in the root
            assertEquals("QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN", small.toString());
            mfs.copy(small, "/u/small", false, false, null);
            mfs.chmod("/u/small", 0600);
            mfs.touch("/u/small", new Mtime(1000, 0));
            assertEquals("QmXXd4g7geptS7hjnArYEzJL6puUx3vXooo5MiTB1q1J3D", hash(mfs, "/u/small"));

            Cid raw = new Importer(ImportOptions.UNIXFS_V1_2025, BlockSink.of(repo.blocks()))
                    .importStream(text("hello\n"), "").root(); // ipfs add --cid-version=1: one raw block
            assertEquals("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am", raw.toString());
            mfs.copy(raw, "/u/raw", false, false, null);
            mfs.chmod("/u/raw", 07777); // chmod -- -1
            assertEquals("QmXJAL4fmtu69AAjUsuvNDi1WXNe4LqiuAfAcJw2gwprVJ", hash(mfs, "/u/raw"));
            assertEquals("hello\n", read(mfs, "/u/raw"));

            mfs.chmod("/", 0644);
            assertEquals(0644, mfs.stat(mfs.root()).mode());
            assertEquals("file does not exist", assertThrows(MfsException.class, () -> mfs.chmod("/nope", 0644)).getMessage());
            assertEquals("file does not exist", assertThrows(MfsException.class,
                    () -> mfs.touch("/u/nope", new Mtime(1, 0))).getMessage());
            assertEquals("paths must start with a leading slash",
                    assertThrows(MfsException.class, () -> mfs.chmod("u", 0644)).getMessage());
        }
    }

    @Test
    void aFileKeepsItsLinksAndPrefix() throws Exception {
        try (Repository repo = open()) {
            Mfs mfs = repo.mfs();
            mfs.write("/h.txt", text("hello\n"), at(0, true)); // a root linking one leaf
            mfs.chmod("/h.txt", 0644); // Kubo 0.39 drops the link (QmRQKndFrRjmx58JHcbpSPYxnc5jzKcjwYXUFPieSHDb2A)
            assertEquals("hello\n", read(mfs, "/h.txt"));
            MfsStat s = mfs.stat(mfs.lookup("/h.txt"));
            assertEquals(1, s.blocks());
            assertEquals(0644, s.mode());
            mfs.mkdir("/v1", false, CidPrefix.of(1, null));
            mfs.chmod("/v1", 0700); // Kubo 0.39 writes it as CIDv0
            assertEquals(1, mfs.lookup("/v1").version());
            mfs.write("/v1/big", new ByteArrayInputStream(new byte[600_000]), at(0, true));
            mfs.touch("/v1/big", new Mtime(7, 0));
            Cid big = mfs.lookup("/v1/big");
            assertEquals(1, big.version());
            assertEquals(Multicodec.DAG_PB, big.codec());
            assertEquals(600_000, mfs.read("/v1/big", 0, -1).readAllBytes().length);
        }
    }

    @Test
    void writeKeepsTheModeAndMtime() throws Exception {
        try (Repository repo = open()) {
            Mfs mfs = repo.mfs();
            mfs.write("/f", text("hello\n"), at(0, true));
            mfs.chmod("/f", 0640);
            mfs.touch("/f", new Mtime(1000, 0));
            mfs.write("/f", text("HE"), at(0, false)); // in place: a root of leaves keeps its mtime, as boxo's
            assertEquals("HEllo\n", read(mfs, "/f"));
            MfsStat s = mfs.stat(mfs.lookup("/f"));
            assertEquals(0640, s.mode());
            assertEquals(new Mtime(1000, 0), s.mtime());
            byte[] big = new byte[3 << 20]; // over the write buffer: the file is written anew
            mfs.write("/f", new ByteArrayInputStream(big), at(2, false));
            s = mfs.stat(mfs.lookup("/f"));
            assertEquals(0640, s.mode());
            assertEquals(new Mtime(1000, 0), s.mtime());
            assertEquals(2 + big.length, s.size());

            mfs.write("/e", text(""), at(0, true)); // one block: its mtime becomes the time of the write
            mfs.touch("/e", new Mtime(1000, 0));
            Instant before = Instant.now().minusSeconds(1);
            mfs.write("/e", text("abc"), at(0, false));
            assertEquals("abc", read(mfs, "/e"));
            s = mfs.stat(mfs.lookup("/e"));
            assertNull(s.mode());
            assertTrue(!s.mtime().toInstant().isBefore(before), s.mtime().toString());
        }
    }

    @Test
    void anOffsetFarPastTheEndIsRefused() throws Exception {
        try (Repository repo = open()) {
            Mfs mfs = repo.mfs();
            mfs.write("/f", text("abc"), at(0, true));
            MfsException e = assertThrows(MfsException.class, () -> mfs.write("/f", text("x"), at(3 + Mfs.MAX_GAP + 1, false)));
            assertEquals("offset " + (3 + Mfs.MAX_GAP + 1) + " is more than 268435456 bytes past the end of the file (3 bytes)",
                    e.getMessage());
            assertEquals("abc", read(mfs, "/f"));
            mfs.write("/f", text("x"), at(10, false));
            assertEquals("abc\0\0\0\0\0\0\0x", read(mfs, "/f"));
        }
    }
}
