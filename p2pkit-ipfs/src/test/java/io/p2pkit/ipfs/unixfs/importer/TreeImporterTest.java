package io.p2pkit.ipfs.unixfs.importer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link TreeImporter}: a tree given entry by entry makes the DAG the same tree on disk makes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TreeImporterTest {
    private static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void entriesInUploadOrderGiveThePathImportersCids(@TempDir Path dir) throws Exception {
        Path d = Files.createDirectories(dir.resolve("d"));
        Files.writeString(d.resolve("a.txt"), "alpha");
        Files.createDirectories(d.resolve("implicit/deeper"));
        Files.writeString(d.resolve("implicit/deeper/b.txt"), "beta");
        Files.createSymbolicLink(d.resolve("link"), Path.of("a.txt"));
        Files.writeString(dir.resolve("top.txt"), "top");

        for (ImportOptions options : List.of(ImportOptions.UNIXFS_V0_2015, ImportOptions.UNIXFS_V1_2025)) {
            try (TreeImporter tree = new TreeImporter(options, BlockSink.NONE, ImportListener.NONE)) {
                tree.directory("d", null, null);
                tree.file("d/a.txt", text("alpha"), null, null);
                tree.file("d/implicit/deeper/b.txt", text("beta"), null, null); // its parents never come as parts
                tree.symlink("d/link", "a.txt", null);
                tree.file("top.txt", text("top"), null, null);
                List<TreeImporter.Root> roots = tree.finish();
                assertEquals(List.of("d", "top.txt"), roots.stream().map(TreeImporter.Root::name).toList());
                assertEquals(new Importer(options, BlockSink.NONE).importPath(d).root(), roots.get(0).result().root());
                assertEquals(new Importer(options, BlockSink.NONE).importPath(dir.resolve("top.txt")).root(),
                        roots.get(1).result().root());
            }
            ImportOptions wrap = options.toBuilder().wrapWithDirectory(true).build();
            try (TreeImporter tree = new TreeImporter(wrap, BlockSink.NONE, ImportListener.NONE)) {
                tree.directory("d", null, null);
                tree.file("d/a.txt", text("alpha"), null, null);
                tree.file("d/implicit/deeper/b.txt", text("beta"), null, null);
                tree.symlink("d/link", "a.txt", null);
                tree.file("top.txt", text("top"), null, null);
                List<TreeImporter.Root> roots = tree.finish();
                assertEquals(1, roots.size());
                assertEquals("", roots.getFirst().name());
                assertEquals(new Importer(options, BlockSink.NONE).importPaths(List.of(d, dir.resolve("top.txt"))).root(),
                        roots.getFirst().result().root());
            }
        }
    }

    @Test
    void entriesOutOfPlaceAreRefused() throws Exception {
        try (TreeImporter tree = new TreeImporter(ImportOptions.UNIXFS_V0_2015, BlockSink.NONE, ImportListener.NONE)) {
            tree.directory("d", null, null);
            tree.file("e.txt", text("e"), null, null);          // closes d
            IOException late = assertThrows(IOException.class, () -> tree.file("d/late.txt", text("x"), null, null));
            assertEquals("'d/late.txt' comes after its directory 'd' was finished", late.getMessage());
            assertThrows(IOException.class, () -> tree.file("e.txt", text("again"), null, null));
            assertThrows(IOException.class, () -> tree.file("../up", text("x"), null, null));
            assertThrows(IOException.class, () -> tree.file("", text("x"), null, null));
        }
        try (TreeImporter tree = new TreeImporter(ImportOptions.UNIXFS_V0_2015, BlockSink.NONE, ImportListener.NONE)) {
            tree.directory("d", null, null);
            tree.file("d/x", text("1"), null, null);
            assertThrows(IOException.class, () -> tree.file("d/x", text("2"), null, null));
        }
    }
}
