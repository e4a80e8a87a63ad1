package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link Importer#importPaths}: several arguments wrapped into one directory, as Kubo's {@code add -w a b}. */
class ImportPathsTest {
    @Test
    void theWrapperIsTheDirectoryHoldingTheArguments(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.txt"), "first");
        Path sub = Files.createDirectories(dir.resolve("sub"));
        Files.writeString(sub.resolve("inner"), "second");
        Path together = Files.createDirectories(dir.resolve("together"));
        Files.writeString(together.resolve("a.txt"), "first");
        Files.createDirectories(together.resolve("sub"));
        Files.writeString(together.resolve("sub").resolve("inner"), "second");

        for (ImportOptions options : List.of(ImportOptions.UNIXFS_V0_2015, ImportOptions.UNIXFS_V1_2025)) {
            MemoryBlockstore store = new MemoryBlockstore(new MemoryBlockstore.Limits(64 << 20, 10_000, false));
            List<String> seen = new ArrayList<>();
            ImportResult r = new Importer(options, BlockSink.of(store), new ImportListener() {
                @Override
                public void entryImported(String path, io.p2pkit.core.multiformats.Cid cid, long size) {
                    seen.add(path);
                }
            }).importPaths(List.of(sub, a));
            assertEquals(new Importer(options, BlockSink.NONE).importPath(together).root(), r.root(), options.profileName());
            assertEquals(List.of("sub/inner", "sub", "a.txt"), seen);
            assertEquals(2, r.files());
            assertEquals(2, r.directories());
            Exporter exporter = new Exporter(store);
            assertEquals("second", new String(exporter.read(exporter.lookup(exporter.lookup(r.root(), "sub").orElseThrow(),
                    "inner").orElseThrow()).readAllBytes()));
        }
    }

    @Test
    void twoArgumentsOfOneNameAreRefused(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(Files.createDirectories(dir.resolve("x")).resolve("same"), "1");
        Path b = Files.writeString(Files.createDirectories(dir.resolve("y")).resolve("same"), "2");
        Importer importer = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.NONE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> importer.importPaths(List.of(a, b)));
        assertEquals("directory entry \"same\" appears twice", e.getMessage());
    }
}
