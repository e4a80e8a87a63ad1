package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multibase.Encoding;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The global {@code cid-base} and {@code upgrade-cidv0-in-output} options, command by command,
 * in JSON and with {@code enc=text}: which fields each writes with which of Kubo's encoders, and
 * where a base go-multibase does not know fails. Kubo 0.39 answers the same
 * ({@code CidBaseKuboInteropTest}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcCidBaseTest {
    private static final String BOUNDARY = "cidbase";
    @TempDir
    static Path dir;
    private static Node node;
    private static RpcTestClient rpc;
    /** The directory {a.txt, sub/{b.txt}} added with Kubo's defaults (CIDv0), its a.txt and sub. */
    private static Cid root;
    private static Cid a;
    private static Cid sub;

    @BeforeAll
    static void start() throws Exception {
        Repository.init(dir.resolve("repo"), RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty())
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(dir.resolve("repo"))).build());
        rpc = new RpcTestClient(node);
        String added = upload("add?quieter=true", tree()).body();
        root = Cid.parse(added.substring(added.lastIndexOf("\"Hash\":\"") + 8, added.lastIndexOf("\",\"Size\"")));
        sub = Cid.parse(field(rpc.post("resolve?arg=/ipfs/" + root + "/sub").body(), "Path").substring(6));
        a = Cid.parse(field(rpc.post("resolve?arg=/ipfs/" + root + "/a.txt").body(), "Path").substring(6));
    }

    @AfterAll
    static void stop() {
        rpc.close();
        node.close();
    }

    private static byte[] tree() {
        return multipart("application/x-directory", "tree", "", "application/octet-stream", "tree%2Fa.txt", "alpha\n",
                "application/x-directory", "tree%2Fsub", "", "application/octet-stream", "tree%2Fsub%2Fb.txt", "beta\n");
    }

    private static byte[] multipart(String... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < parts.length; i += 3) {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + parts[i + 1] + "\"\r\nContent-Type: " + parts[i] + "\r\n\r\n" + parts[i + 2] + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static HttpResponse<String> upload(String command, byte[] body) throws Exception {
        return rpc.send(command, "multipart/form-data; boundary=" + BOUNDARY, body);
    }

    private static String field(String json, String name) {
        int at = json.indexOf("\"" + name + "\":\"") + name.length() + 4;
        return json.substring(at, json.indexOf('"', at));
    }

    private static String b36(Cid cid) {
        return Multibase.encode(Encoding.BASE36, cid.toV1().bytes());
    }

    @Test
    void addAndLsWriteTheirHashesWithTheOptionsEncoder() throws Exception {
        String added = upload("add?cid-base=base36", tree()).body();
        assertTrue(added.contains("{\"Name\":\"tree/a.txt\",\"Hash\":\"" + b36(a) + "\",\"Size\":\"14\"}"), added);
        assertTrue(added.contains("\"Name\":\"tree\",\"Hash\":\"" + b36(root) + "\""), added);
        added = upload("add?cid-base=base36&upgrade-cidv0-in-output=false", tree()).body();
        assertTrue(added.contains("\"Hash\":\"" + root + "\""), "the upgrade turned off keeps CIDv0: " + added);
        String stdin = upload("add?upgrade-cidv0-in-output=true", multipart("application/octet-stream", "", "alpha\n"))
                .body();
        assertEquals("{\"Name\":\"" + a + "\",\"Hash\":\"" + a.toV1() + "\",\"Size\":\"14\"}\n", stdin,
                "a file without a name is named by its CID as it is, as Kubo");

        String ls = rpc.post("ls?arg=" + root + "&cid-base=base36").body();
        assertTrue(ls.startsWith("{\"Objects\":[{\"Hash\":\"" + root + "\",\"Links\":[{\"Name\":\"a.txt\",\"Hash\":\""
                + b36(a) + "\""), "the object keeps the argument, its links are encoded: " + ls);
    }

    @Test
    void pinCommandsWriteTheirCidsWithTheOptionsEncoder() throws Exception {
        assertEquals("{\"Pins\":[\"" + b36(sub) + "\"]}\n", rpc.post("pin/add?arg=" + sub + "&cid-base=base36").body());
        assertEquals("{\"Keys\":{\"" + sub.toV1() + "\":{\"Type\":\"recursive\",\"Name\":\"\"}}}\n",
                rpc.post("pin/ls?arg=" + sub + "&upgrade-cidv0-in-output=true").body());
        assertEquals("{\"Cid\":\"" + b36(sub) + "\",\"Type\":\"recursive\"}\n",
                rpc.post("pin/ls?arg=" + sub + "&stream=true&cid-base=k").body());
        assertEquals(b36(sub) + " recursive\n", rpc.post("pin/ls?arg=" + sub + "&cid-base=base36&encoding=text").body());
        assertEquals(sub.toV1() + "\n", rpc.post("pin/ls?arg=" + sub + "&stream=true&quiet=true&upgrade-cidv0-in-output=true"
                + "&encoding=text").body());
        assertEquals("updated " + b36(sub) + " to " + b36(sub) + "\n",
                rpc.post("pin/update?arg=" + sub + "&arg=" + sub + "&unpin=false&cid-base=base36&encoding=text").body());
        assertTrue(rpc.post("pin/verify?verbose=true&cid-base=base36").body()
                .contains("{\"Cid\":\"" + b36(sub) + "\",\"Ok\":true}"));
        assertEquals("unpinned " + b36(sub) + "\n", rpc.post("pin/rm?arg=" + sub + "&cid-base=base36&encoding=text").body());
        HttpResponse<String> bad = rpc.post("pin/ls?cid-base=base10");
        assertEquals(500, bad.statusCode());
        assertEquals("{\"Message\":\"unsupported multibase encoding: base10\",\"Code\":0,\"Type\":\"error\"}\n", bad.body());
    }

    @Test
    void refsAndResolveWriteTheirCidsLikeKubo() throws Exception {
        assertEquals(b36(root) + " -> " + b36(a) + "\n" + b36(root) + " -> " + b36(sub) + "\n",
                rpc.post("refs?arg=" + root + "&edges=true&cid-base=base36&encoding=text").body());
        assertEquals("{\"Path\":\"/ipfs/" + b36(sub) + "\"}\n",
                rpc.post("resolve?arg=/ipfs/" + root + "/sub&cid-base=base36").body());
        assertEquals("{\"Path\":\"/ipfs/" + b36(sub) + "\"}\n", rpc.post("resolve?arg=/ipfs/" + b36(root) + "/sub").body(),
                "without cid-base, the argument's own base");
        assertEquals("{\"Path\":\"/ipfs/" + b36(sub) + "\"}\n",
                rpc.post("resolve?arg=/ipfs/" + b36(root) + "/sub&upgrade-cidv0-in-output=false").body(),
                "the argument's encoder upgrades whatever the option says");
        assertEquals("{\"Path\":\"/ipfs/" + sub + "\"}\n",
                rpc.post("resolve?arg=/ipfs/" + root + "/sub&upgrade-cidv0-in-output=true").body());
        assertEquals("{\"Path\":\"/ipfs/" + sub.toV1() + "\"}\n",
                rpc.post("resolve?arg=/ipfs/" + b36(root) + "/sub&cid-base=base32").body());
        assertEquals(500, rpc.post("refs?arg=" + root + "&cid-base=nope").statusCode());
    }

    @Test
    void filesCommandsEncodeAFilesCidButNotADirectorysEntries() throws Exception {
        assertEquals(200, rpc.post("files/cp?arg=/ipfs/" + root + "&arg=/t").statusCode());
        assertEquals(b36(root) + "\n", rpc.post("files/stat?arg=/t&hash=true&cid-base=base36&encoding=text").body());
        assertEquals("{\"Cid\":\"" + root.toV1() + "\"}\n", rpc.post("files/flush?arg=/t&upgrade-cidv0-in-output=true").body());
        assertEquals("a.txt\t" + b36(a) + "\t6\n",
                rpc.post("files/ls?arg=/t/a.txt&long=true&cid-base=base36&encoding=text").body());
        assertEquals("a.txt\t" + a + "\t6\nsub/\t" + sub + "\t0\n",
                rpc.post("files/ls?arg=/t&long=true&cid-base=base36&encoding=text").body());
        assertEquals(500, rpc.post("files/ls?arg=/t&cid-base=nope").statusCode(), "refused for any listing, as Kubo");
    }

    @Test
    void theTextEncodersUseTheLowLevelEncoderAndFailInTheTrailer() throws Exception {
        assertEquals(sub.toString(), rpc.post("dag/resolve?arg=/ipfs/" + root + "/sub&cid-base=base36&encoding=text").body(),
                "a base alone keeps CIDv0 there");
        assertEquals(b36(sub), rpc.post("dag/resolve?arg=" + b36(root) + "/sub&encoding=text").body());
        assertEquals(sub.toV1().toString(), rpc.post("dag/resolve?arg=" + root + "/sub&upgrade-cidv0-in-output=true&cid-base=b"
                + "&encoding=text").body());
        assertEquals("{\"Cid\":{\"/\":\"" + sub + "\"},\"RemPath\":\"\"}\n",
                rpc.post("dag/resolve?arg=" + root + "/sub&cid-base=base36").body(), "JSON keeps the CID as it is");
        HttpResponse<String> json = rpc.post("dag/resolve?arg=" + root + "/sub&cid-base=nope");
        assertEquals(200, json.statusCode(), "only the text encoder asks for the base");

        String text = rpc.raw("dag/resolve?arg=" + root + "/sub&cid-base=nope&encoding=text");
        assertTrue(text.startsWith("HTTP/1.1 200 "), text);
        assertTrue(text.contains("X-Stream-Error: unsupported multibase encoding: nope"), text);
        String wantlist = rpc.raw("bitswap/wantlist?cid-base=nope&encoding=text");
        assertTrue(wantlist.contains("X-Stream-Error: unsupported multibase encoding: nope"), wantlist);
        String stat = rpc.post("bitswap/stat?encoding=text&human=true").body();
        assertTrue(stat.startsWith("bitswap status\n\tblocks received: "), stat);
        assertTrue(stat.contains("\tdata received: 0 B\n"), stat);

        String put = upload("dag/put?cid-base=base36&encoding=text",
                multipart("application/octet-stream", "", "{\"n\":1}")).body();
        assertTrue(put.matches("k[0-9a-z]+\n"), put);
    }
}
