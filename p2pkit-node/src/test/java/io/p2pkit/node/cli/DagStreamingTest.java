package io.p2pkit.node.cli;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.car.CarWriter;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dag import} and {@code dag export} stream: a DAG three times the size of the heap goes in
 * and comes out again, byte for byte, in real p2pkit processes with {@code -Xmx32m}.
 */
class DagStreamingTest {
    private static final int BLOCKS = 384;
    private static final int BLOCK_SIZE = 256 * 1024; // 96 MiB in all

    @Test
    void aDagLargerThanTheHeapGoesInAndOut(@TempDir Path dir) throws Exception {
        Path car = dir.resolve("big.car");
        Cid root = writeCar(car);
        Path repo = dir.resolve("repo");
        assertEquals(0, CliRunner.run("init", "--repo-dir", repo.toString(), "--profile", "test").status());

        String imported = p2pkit(dir, "dag", "import", car.toString(), "--stats", "--repo-dir", repo.toString());
        assertEquals("Pinned root\t" + root + "\tsuccess\nImported " + (BLOCKS + 1) + " blocks", imported.substring(0,
                imported.indexOf(" blocks") + " blocks".length()));

        Path out = dir.resolve("out.car");
        p2pkit(dir, "dag", "export", root.toString(), "-o", out.toString(), "--repo-dir", repo.toString());
        assertEquals(sha256(car), sha256(out), "the export is the CAR imported, byte for byte");
    }

    /** Runs p2pkit in a JVM with a 32 MiB heap; returns its stdout. */
    private static String p2pkit(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx32m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(dir, "p2pkit", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "p2pkit " + String.join(" ", args) + " did not end");
        assertEquals(0, p.exitValue(), String.join(" ", args) + ": " + Files.readString(err));
        return out;
    }

    /** A root listing {@link #BLOCKS} random raw blocks, written without holding them. */
    private static Cid writeCar(Path file) throws IOException {
        List<Node> links = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(18);
        for (int i = 0; i < BLOCKS; i++) {
            links.add(new Link(Block.create(Multicodec.RAW, Multicodec.SHA2_256, bytes(random)).cid()));
        }
        Block root = Codecs.standard().encode(Multicodec.DAG_CBOR, MapNode.of("chunks", new ListNode(links)));
        random = new SplittableRandom(18);
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
             CarWriter w = CarWriter.create(os, List.of(root.cid()))) {
            w.write(root);
            for (int i = 0; i < BLOCKS; i++) {
                w.write(Block.of(((Link) links.get(i)).cid(), bytes(random)));
            }
        }
        return root.cid();
    }

    private static byte[] bytes(SplittableRandom random) {
        byte[] b = new byte[BLOCK_SIZE];
        random.nextBytes(b);
        return b;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
