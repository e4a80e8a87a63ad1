package io.p2pkit.core.security.noise;

import io.p2pkit.testing.TinyJson;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The raw Noise layer against the cacophony/snow vectors for Noise_XX_25519_ChaChaPoly_SHA256. */
class NoiseXXVectorTest {
    private static final HexFormat HEX = HexFormat.of();

    @SuppressWarnings("unchecked")
    static Stream<Map<String, Object>> vectors() {
        String json = new String(Vectors.bytes("mcginty-snow/extracted/noise_XX_25519_ChaChaPoly_SHA256.json"),
                StandardCharsets.UTF_8);
        List<Object> list = (List<Object>) ((Map<String, Object>) TinyJson.parse(json)).get("vectors");
        assertEquals(2, list.size(), "the file holds two XX vectors");
        return list.stream().map(v -> (Map<String, Object>) v);
    }

    @ParameterizedTest
    @MethodSource("vectors")
    @SuppressWarnings("unchecked")
    void everyMessageAndTheHandshakeHashMatch(Map<String, Object> v) throws Exception {
        assertEquals(NoiseXXHandshake.PROTOCOL_NAME, v.get("protocol_name"));
        NoiseXXHandshake init = new NoiseXXHandshake(true, hex(v, "init_prologue"),
                hex(v, "init_static"), hex(v, "init_ephemeral"));
        NoiseXXHandshake resp = new NoiseXXHandshake(false, hex(v, "resp_prologue"),
                hex(v, "resp_static"), hex(v, "resp_ephemeral"));
        List<Object> messages = (List<Object>) v.get("messages");
        assertTrue(messages.size() > 3, "vector carries transport messages too");
        for (int i = 0; i < messages.size(); i++) {
            Map<String, Object> m = (Map<String, Object>) messages.get(i);
            byte[] payload = hex(m, "payload");
            byte[] expected = hex(m, "ciphertext");
            // Messages alternate between the parties, in the handshake and after it.
            boolean fromInitiator = i % 2 == 0;
            NoiseXXHandshake sender = fromInitiator ? init : resp;
            NoiseXXHandshake receiver = fromInitiator ? resp : init;
            if (i < 3) {
                byte[] ciphertext = sender.writeMessage(payload);
                assertEquals(HEX.formatHex(expected), HEX.formatHex(ciphertext), "handshake message " + i);
                assertArrayEquals(payload, receiver.readMessage(ciphertext), "payload of message " + i);
            } else {
                byte[] ciphertext = sender.sendCipher().encryptWithAd(null, payload);
                assertEquals(HEX.formatHex(expected), HEX.formatHex(ciphertext), "transport message " + i);
                assertArrayEquals(payload, receiver.receiveCipher().decryptWithAd(null, ciphertext));
            }
            if (i == 2) {
                assertTrue(init.isComplete() && resp.isComplete());
                assertArrayEquals(init.handshakeHash(), resp.handshakeHash());
                if (v.containsKey("handshake_hash")) {
                    assertEquals(v.get("handshake_hash"), HEX.formatHex(init.handshakeHash()));
                }
                assertArrayEquals(init.localStaticPublicKey(), resp.remoteStaticPublicKey());
                assertArrayEquals(resp.localStaticPublicKey(), init.remoteStaticPublicKey());
            }
        }
    }

    private static byte[] hex(Map<String, Object> map, String key) {
        return HEX.parseHex((String) map.get(key));
    }
}
