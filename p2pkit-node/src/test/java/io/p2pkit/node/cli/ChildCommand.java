package io.p2pkit.node.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One command line run by {@link Main#main} in a JVM of its own, for what only a whole process
 * shows (its exit, the classes it initialises): the output goes to a file, so that a child that
 * blocks cannot block the test, and the child is stopped at its deadline.
 *
 * @param status the exit status
 * @param output stdout and stderr together
 */
record ChildCommand(int status, String output) {
    private static final long DEADLINE_SECONDS = 60;

    /** Runs {@code args} with the test's class path and {@code jvmOptions}, writing in {@code dir}. */
    static ChildCommand run(Path dir, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        return run(dir, java.util.Map.of(), jvmOptions, args);
    }

    /** The same with {@code env} added to the child's environment. */
    static ChildCommand run(Path dir, java.util.Map<String, String> env, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path output = Files.createTempFile(dir, "child", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean ended = p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", args) + " did not end within " + DEADLINE_SECONDS + " s: "
                    + Files.readString(output));
        }
        return new ChildCommand(p.exitValue(), Files.readString(output));
    }
}
