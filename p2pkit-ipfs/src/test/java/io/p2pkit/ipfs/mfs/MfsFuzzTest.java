package io.p2pkit.ipfs.mfs;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import io.p2pkit.ipfs.pin.GcLock;
import io.p2pkit.ipfs.unixfs.exporter.BlockNotFoundException;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.pb.Mtime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the MFS takes from RPC clients: any paths, options and data, and any block copied in by
 * CID (a DAG from elsewhere). Every operation either works or fails with an {@link MfsException}
 * (or the exporter's error for a block a copied-in node names that is not here); nothing else
 * escapes, and the tree stays readable.
 */
class MfsFuzzTest {
    private static Mfs fresh(MemoryBlockstore blocks, Path spool) throws IOException {
        AtomicReference<Cid> root = new AtomicReference<>();
        Mfs.RootStore store = new Mfs.RootStore() {
            @Override
            public Optional<Cid> load() {
                return Optional.ofNullable(root.get());
            }

            @Override
            public void save(Cid cid) {
                root.set(cid);
            }
        };
        return Mfs.open(blocks, blocks, new GcLock(), store, ImportOptions.builder().hamtThreshold(300).build(), spool);
    }

    /** A sequence of operations on fuzzed paths, with a fuzzed block copied in among them. */
    @FuzzTest(maxDuration = "90s") // a fuzzing session fits in the default 2-minute test timeout
    void operations(FuzzedDataProvider data) throws IOException {
        MemoryBlockstore blocks = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        Path spool = Files.createTempDirectory("p2pkit-mfs-fuzz");
        try {
            Mfs mfs = fresh(blocks, spool);
            for (int step = 0; step < 12 && data.remainingBytes() > 0; step++) {
                String path = data.consumeString(40);
                try {
                    switch (data.consumeInt(0, 10)) {
                        case 0 -> mfs.mkdir(path, data.consumeBoolean(), data.consumeBoolean() ? CidPrefix.of(1, null) : null);
                        case 1 -> mfs.write(path, new ByteArrayInputStream(data.consumeBytes(600)),
                                new Mfs.WriteOptions(data.consumeLong(0, 5000), data.consumeLong(-1, 700), data.consumeBoolean(),
                                        data.consumeBoolean(), data.consumeBoolean(), null, null));
                        case 2 -> mfs.remove(path, data.consumeBoolean(), data.consumeBoolean());
                        case 3 -> mfs.move(path, data.consumeString(40));
                        case 4 -> {
                            byte[] bytes = data.consumeBytes(300);
                            boolean pb = data.consumeBoolean();
                            Multihash mh = Multihash.digest(Multicodec.SHA2_256, bytes);
                            Cid cid = pb ? Cid.v0(mh) : Cid.v1(Multicodec.RAW, mh);
                            blocks.put(Block.of(cid, bytes));
                            mfs.copy(cid, path, data.consumeBoolean(), data.consumeBoolean(), null);
                        }
                        case 5 -> {
                            try (InputStream in = mfs.read(path, data.consumeLong(0, 100), data.consumeLong(-1, 100))) {
                                in.readAllBytes();
                            } catch (io.p2pkit.core.DecodeException malformed) {
                                // a file copied in whose blocks are not UnixFS: the read fails, the tree stays
                            }
                        }
                        case 6 -> mfs.list(path, data.consumeBoolean());
                        case 7 -> mfs.changeCid(path, CidPrefix.of(data.consumeInt(0, 1), null));
                        case 8 -> mfs.chmod(path, data.consumeInt());
                        case 9 -> mfs.touch(path, new Mtime(data.consumeLong(), data.consumeInt(0, 999_999_999)));
                        default -> mfs.stat(mfs.lookup(path));
                    }
                } catch (MfsException | BlockNotFoundException refused) {
                    // Kubo's answer for this path or node; a block a copied-in node links to is not here
                }
            }
            mfs.list("/", true);
        } finally {
            try (var files = Files.list(spool)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(spool);
        }
    }
}
