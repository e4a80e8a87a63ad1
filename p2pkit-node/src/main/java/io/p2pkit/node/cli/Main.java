package io.p2pkit.node.cli;

/** Entry point of the {@code p2pkit} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("p2pkit");
    }
}
