package io.p2pkit.testing.netns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A tiny echo of the caller's address, run inside a testbed namespace with
 * {@link NatTestbed#javaCommand}: the JVM's own sockets cannot enter another namespace, a process
 * started there can.
 *
 * <pre>
 * listen tcp|udp PORT               prints "listening PORT", then answers every connection
 *                                   (datagram) with "from IP:PORT" (the caller as seen here)
 * connect tcp|udp HOST PORT MILLIS [LOCALPORT]
 *                                   prints the answer and exits 0, or "failed: …" and exits 1
 * </pre>
 */
public final class NetnsProbe {
    private NetnsProbe() {
    }

    /** Runs the probe; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("listen")) {
            int port = Integer.parseInt(args[2]);
            if (args[1].equals("tcp")) {
                listenTcp(port);
            } else {
                listenUdp(port);
            }
        } else if ((args.length == 5 || args.length == 6) && args[0].equals("connect")) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(args[2]), Integer.parseInt(args[3]));
            int millis = Integer.parseInt(args[4]);
            InetSocketAddress from = new InetSocketAddress(args.length == 6 ? Integer.parseInt(args[5]) : 0);
            try {
                String answer = args[1].equals("tcp") ? connectTcp(from, to, millis) : connectUdp(from, to, millis);
                System.out.println(answer);
            } catch (IOException e) {
                System.out.println("failed: " + e);
                System.exit(1);
            }
        } else {
            System.err.println("usage: listen tcp|udp PORT | connect tcp|udp HOST PORT MILLIS [LOCALPORT]");
            System.exit(2);
        }
    }

    private static void listenTcp(int port) throws IOException {
        serveTcp(port);
        System.out.println("listening " + port);
        awaitForever();
    }

    private static void listenUdp(int port) throws IOException {
        serveUdp(port);
        System.out.println("listening " + port);
        awaitForever();
    }

    /**
     * Binds TCP {@code port} on all addresses and, on a virtual thread, answers every connection
     * with "from IP:PORT" (the caller as seen here). For other probes that need a listener behind a mapping.
     */
    public static void serveTcp(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(port));
        Thread.ofVirtual().name("probe tcp " + port).start(() -> {
            while (true) {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(("from " + hostPort((InetSocketAddress) s.getRemoteSocketAddress()) + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    System.out.println("probe: tcp " + port + ": " + e);
                }
            }
        });
    }

    /** As {@link #serveTcp} for UDP: every datagram is answered with "from IP:PORT". */
    public static void serveUdp(int port) throws IOException {
        DatagramSocket socket = new DatagramSocket(port);
        Thread.ofVirtual().name("probe udp " + port).start(() -> {
            byte[] buf = new byte[1500];
            while (true) {
                try {
                    DatagramPacket in = new DatagramPacket(buf, buf.length);
                    socket.receive(in);
                    byte[] answer = ("from " + hostPort((InetSocketAddress) in.getSocketAddress()))
                            .getBytes(StandardCharsets.UTF_8);
                    socket.send(new DatagramPacket(answer, answer.length, in.getSocketAddress()));
                } catch (IOException e) {
                    System.out.println("probe: udp " + port + ": " + e);
                }
            }
        });
    }

    /** Until the process is killed: the probes serve on their own threads. */
    private static void awaitForever() {
        try {
            new java.util.concurrent.CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String connectTcp(InetSocketAddress from, InetSocketAddress to, int millis) throws IOException {
        try (Socket s = new Socket()) {
            s.setReuseAddress(true);
            s.bind(from);
            s.connect(to, millis);
            s.setSoTimeout(millis);
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                throw new IOException("closed without an answer");
            }
            return line;
        }
    }

    private static String connectUdp(InetSocketAddress from, InetSocketAddress to, int millis) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(from)) {
            socket.setSoTimeout(millis);
            byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(hello, hello.length, to));
            byte[] buf = new byte[1500];
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            socket.receive(in);
            return new String(buf, 0, in.getLength(), StandardCharsets.UTF_8);
        }
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
