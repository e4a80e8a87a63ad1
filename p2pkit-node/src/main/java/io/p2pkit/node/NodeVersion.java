package io.p2pkit.node;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of p2pkit, filled in from the Maven project version at build time. */
public final class NodeVersion {
    private static final String VERSION = load();

    private NodeVersion() {
    }

    /** The version string, for example {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        // through the module: Class.getResourceAsStream asks the boot loader first, whose first
        // search of the JDK's modules costs a fresh process milliseconds of set-up
        try (InputStream in = NodeVersion.class.getModule().getResourceAsStream("io/p2pkit/node/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
