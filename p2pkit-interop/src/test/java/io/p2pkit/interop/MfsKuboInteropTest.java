package io.p2pkit.interop;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MFS ({@code ipfs files …}): Kubo's own {@code ipfs} command line runs the same operations
 * against a Kubo 0.39 daemon and, with {@code --api}, against a p2pkit daemon, and every output is
 * the same: CIDs ({@code stat --hash} of each file, directory and subtree), listings, bytes, stat
 * texts and error messages. Each case works in its own top-level directory.
 */
@InteropArea("MFS: Kubo's CLI against p2pkit")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MfsKuboInteropTest {
    @TempDir
    static Path dir;
    private static KuboDaemon kubo;
    private static KuboCli client;
    private static Node node;
    private static String api;

    @BeforeAll
    static void start() throws IOException {
        kubo = KuboDaemon.start(Toolchains.requireKubo(), "none");
        client = KuboCli.fresh(Toolchains.requireKubo());
        Path repo = dir.resolve("p2pkit-repo");
        Repository.init(repo, RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(repo)).build());
        api = HttpAddress.multiaddr(node.apiAddress().orElseThrow());
        Files.writeString(dir.resolve("hello.txt"), "hello\n");
        Files.writeString(dir.resolve("world.txt"), "world, a little longer\n");
        Files.write(dir.resolve("empty"), new byte[0]);
        byte[] big = new byte[700_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + i / 1000);
        }
        Files.write(dir.resolve("big.bin"), big);
    }

    @AfterAll
    static void stop() throws IOException {
        if (node != null) {
            node.close();
        }
        if (client != null) {
            client.delete();
        }
        if (kubo != null) {
            kubo.close();
        }
    }

    /** Runs the command on Kubo's daemon, then on p2pkit's, and asserts the same output (or error); returns it. */
    private static String same(String... args) {
        String fromKubo = kubo.cli().outcome(List.of(args));
        List<String> withApi = new ArrayList<>(List.of("--api", api));
        withApi.addAll(Arrays.asList(args));
        String fromP2pkit = client.outcome(withApi);
        assertEquals(fromKubo, fromP2pkit, "ipfs " + String.join(" ", args));
        return fromKubo;
    }

    private static String file(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void writeGivesKubosCidsAndReadGivesTheBytes() {
        same("files", "mkdir", "/w");
        same("files", "write", "--create", "/w/hello.txt", file("hello.txt"));
        same("files", "write", "--create", "/w/empty", file("empty"));
        same("files", "write", "--create", "--cid-version=1", "/w/big-v1.bin", file("big.bin"));
        same("files", "write", "--create", "--raw-leaves", "/w/big-raw.bin", file("big.bin"));
        same("files", "write", "-e", "-p", "--hash=sha2-512", "/w/deep/er/world.txt", file("world.txt"));
        same("files", "write", "--truncate", "/w/hello.txt", file("world.txt"));
        for (String f : List.of("/w/hello.txt", "/w/empty", "/w/big-v1.bin", "/w/big-raw.bin", "/w/deep/er/world.txt",
                "/w/deep", "/w")) {
            assertTrue(same("files", "stat", "--hash", f).matches("(Qm|bafy|bafk)\\w+\n"), f);
            same("files", "stat", f);
        }
        same("files", "stat", "--format=<type> <childs> <cumulsize>", "/w/big-v1.bin");
        same("files", "ls", "-l", "/w");
        same("files", "ls", "/w/deep/er/world.txt");
        same("files", "read", "/w/hello.txt");
        same("files", "read", "--offset=3", "--count=7", "/w/hello.txt");
        assertEquals(700_000, same("files", "read", "/w/big-v1.bin").length());
        same("files", "read", "--offset=99", "/w/hello.txt");
        same("files", "read", "/w/deep");
        same("files", "write", "/w/missing", file("hello.txt"));
    }

    @Test
    void mkdirMakesKubosDirectories() {
        same("files", "mkdir", "-p", "/m/a/b/c");
        same("files", "mkdir", "-p", "/m/a/b");
        same("files", "mkdir", "--cid-version=1", "/m/v1");
        same("files", "mkdir", "/m/v1/child");
        same("files", "mkdir", "/m/a");
        same("files", "mkdir", "/m/x/y");
        same("files", "mkdir", "/");
        same("files", "ls", "/m");
        same("files", "stat", "--hash", "/m/v1/child");
        same("files", "stat", "/m");
        same("files", "chcid", "--cid-version=1", "/m/a");
        same("files", "stat", "--hash", "/m");
    }

    @Test
    void cpBringsIpfsPathsIn() throws IOException {
        String cid = kubo.cli().run(List.of("add", "-Q", file("big.bin"))).strip();
        assertEquals(cid, client.run(List.of("--api", api, "add", "-Q", file("big.bin"))).strip());
        same("files", "mkdir", "/c");
        same("files", "cp", "/ipfs/" + cid, "/c/");
        same("files", "cp", "/ipfs/" + cid, "/c/named.bin");
        same("files", "cp", "-p", "/ipfs/" + cid, "/c/new/parents/x.bin");
        same("files", "cp", "/c/new", "/c/new-copy");
        same("files", "cp", "/ipfs/" + cid, "/c/named.bin");
        same("files", "cp", "/c/nope", "/c/other");
        same("files", "ls", "-l", "/c");
        same("files", "stat", "--hash", "/c");
    }

    @Test
    void mvAndRmAsKubo() {
        same("files", "mkdir", "-p", "/r/src/sub", "/r/dst");
        same("files", "write", "-e", "/r/src/one.txt", file("hello.txt"));
        same("files", "write", "-e", "/r/src/sub/two.txt", file("world.txt"));
        same("files", "mv", "/r/src/one.txt", "/r/dst/renamed.txt");
        same("files", "mv", "/r/src/sub", "/r/dst");
        same("files", "mv", "/r/nope", "/r/dst");
        same("files", "ls", "/r/dst");
        same("files", "stat", "--hash", "/r");
        same("files", "rm", "/r/dst/sub");
        same("files", "rm", "/r/nope", "/r/dst/renamed.txt");
        same("files", "rm", "-r", "/r/dst/sub");
        same("files", "rm", "--force", "/r/gone/deeper");
        same("files", "rm", "/");
        same("files", "ls", "/r/dst");
        same("files", "stat", "--hash", "/r");
    }

    @Test
    void flushAndStatWithLocal() {
        same("files", "mkdir", "/f");
        same("files", "write", "-e", "/f/a", file("hello.txt"));
        same("files", "flush", "/f");
        same("files", "stat", "--with-local", "/f");
        same("files", "stat", "--size", "/f/a");
        same("files", "stat", "--hash", "--size", "/f/a");
        same("files", "stat", "/f/nope");
        same("files", "stat", "relative");
    }

    /** Adds a file on both daemons and returns its CID (the same on both). */
    private static String added(String... args) throws IOException {
        List<String> add = new ArrayList<>(List.of("add", "-Q"));
        add.addAll(Arrays.asList(args));
        String cid = kubo.cli().run(add).strip();
        List<String> withApi = new ArrayList<>(List.of("--api", api));
        withApi.addAll(add);
        assertEquals(cid, client.run(withApi).strip());
        return cid;
    }

    /**
     * chmod and touch where Kubo 0.39 and boxo's fixed behaviour agree: directories, files of one
     * block (Kubo 0.39 drops the links of a larger file's root: p2pkit keeps them, as boxo 0.38 does).
     */
    @Test
    void chmodAndTouchAsKubo() throws IOException {
        same("files", "mkdir", "/p");
        same("files", "write", "-e", "/p/empty", file("empty"));
        same("files", "chmod", "0600", "/p/empty");
        same("files", "touch", "--mtime=1630937926", "--mtime-nsecs=5", "/p/empty");
        same("files", "stat", "/p/empty");
        same("--enc=json", "files", "stat", "/p/empty");
        same("files", "stat", "--format=<mode> <mode-octal> <mtime-secs> <mtime-nsecs>", "/p/empty");
        same("files", "cp", "/ipfs/" + added(file("hello.txt")), "/p/small");
        same("files", "chmod", "0755", "/p/small");
        same("files", "touch", "--mtime=1000", "/p/small");
        same("files", "read", "/p/small");
        same("files", "cp", "/ipfs/" + added("--cid-version=1", file("hello.txt")), "/p/raw");
        same("files", "chmod", "--", "-1", "/p/raw");
        same("files", "stat", "/p/raw");
        same("--enc=json", "files", "stat", "/p/raw");
        same("files", "read", "/p/raw");
        same("files", "mkdir", "/p/sub");
        same("files", "chmod", "1777", "/p/sub");
        same("files", "chmod", "0", "/p/sub");
        same("files", "touch", "--mtime=-5", "/p/sub");
        same("--enc=json", "files", "stat", "/p/sub");
        same("files", "chmod", "0755", "/p");
        same("files", "touch", "--mtime=100", "/p");
        same("files", "stat", "/p");
        same("--enc=json", "files", "stat", "/p");
        same("files", "ls", "-l", "/p");
        same("files", "stat", "--hash", "/p");
        same("files", "chmod", "999", "/p");
        same("files", "chmod", "abc", "/p");
        same("files", "chmod", "77777777777", "/p");
        same("files", "chmod", "0644", "/p/nope");
        same("files", "chmod", "0644", "relative");
        same("files", "touch", "/p/nope");
        same("files", "touch", "--mtime=5", "/p/empty/below");
    }

    /** files write at offsets inside, at and past the end (a gap of zeros), and the errors of bad offsets, counts and paths. */
    @Test
    void writeAtOffsetsAndBadArgumentsAsKubo() {
        same("files", "mkdir", "/o");
        same("files", "write", "-e", "/o/f", file("hello.txt"));
        same("files", "write", "--offset=3", "/o/f", file("world.txt"));
        same("files", "stat", "--hash", "/o/f");
        same("files", "write", "--offset=26", "/o/f", file("hello.txt"));
        same("files", "stat", "--hash", "/o/f");
        same("files", "write", "--offset=100000", "/o/f", file("hello.txt"));
        same("files", "stat", "/o/f");
        same("files", "read", "--offset=99990", "/o/f");
        same("files", "write", "--offset=2", "--count=3", "/o/f", file("world.txt"));
        same("files", "read", "--count=10", "/o/f");
        same("files", "write", "-e", "--offset=5", "/o/new", file("hello.txt"));
        same("files", "read", "/o/new");
        same("files", "write", "-e", "--flush=false", "/o//double", file("hello.txt"));
        same("files", "stat", "--hash", "/o");
        same("files", "write", "--offset=-1", "/o/f", file("hello.txt"));
        same("files", "write", "--count=-1", "/o/f", file("hello.txt"));
        same("files", "write", "-e", "/o", file("hello.txt"));
        same("files", "write", "-e", "/o/", file("hello.txt"));
        same("files", "write", "-e", "/o/f/below", file("hello.txt"));
        same("files", "write", "-e", "/", file("hello.txt"));
        same("files", "write", "-e", "o/relative", file("hello.txt"));
        same("files", "ls", "-l", "/o");
    }
}
