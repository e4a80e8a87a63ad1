package io.p2pkit.node.cli.model;

import io.p2pkit.node.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command model the build writes gives picocli the same model as the annotations do: every
 * command's help, every option's and parameter's settings (all of picocli's public getters), and
 * the same parse of the same command line into the same fields.
 */
class CommandModelTest {
    /**
     * Getters whose values are objects of one model only (bindings, owners) or the parse's results;
     * the lists of options, compared one by one; and the mixins and {@code @Spec} fields picocli
     * records, which it reads only to inject {@code @ParentCommand} and {@code @Spec(MIXEE)} (the
     * model refuses both) and for {@code getMixins()} (not used): the model sets their fields itself.
     */
    private static final Set<String> NOT_COMPARED = Set.of("args", "options", "positionalParameters", "requiredArgs", "mixins",
            "mixinAnnotatedElements", "specElements", "getter", "setter", "scope", "userObject", "command",
            "root", "group", "hashCode", "toString", "getClass", "toBuilder", "stringValues", "originalStringValues",
            "typedValues", "getValue", "parameterConsumer", "commandSpec", "annotatedElement", "messages");

    private static CommandLine fromModel(String... argv) throws IOException {
        byte[] model = CommandModelWriter.write(Main.annotatedTree(Main.commands()));
        return CommandModelReader.read(model, Main.commands(), List.of(argv));
    }

    @Test
    void everyCommandHasTheHelpAndTheSettingsItsAnnotationsGive() throws IOException {
        Map<String, CommandLine> annotated = walk(Main.annotatedTree(Main.commands()));
        Map<String, CommandLine> modelled = walk(fromModel());
        assertEquals(annotated.keySet(), modelled.keySet());
        assertTrue(annotated.size() > 150, "the whole tree: " + annotated.size());
        for (String name : annotated.keySet()) {
            CommandSpec a = annotated.get(name).getCommandSpec();
            CommandSpec m = modelled.get(name).getCommandSpec();
            assertEquals(usage(annotated.get(name)), usage(modelled.get(name)), name);
            assertEquals(a.userObject().getClass(), m.userObject().getClass(), name);
            assertArrayEquals(a.aliases(), m.aliases(), name);
            sameProperties(properties(a), properties(m), name);
            sameProperties(properties(a.usageMessage()), properties(m.usageMessage()), name);
            assertEquals(a.parser().toString(), m.parser().toString(), name);
            assertEquals(a.args().size(), m.args().size(), name);
            for (int i = 0; i < a.args().size(); i++) {
                sameProperties(properties(a.args().get(i)), properties(m.args().get(i)), name + " " + a.args().get(i));
                sameProperties(properties(a.args().get(i).typeInfo()), properties(m.args().get(i).typeInfo()),
                        name + " " + a.args().get(i));
            }
        }
    }

    @Test
    void aCommandLineSetsTheSameFieldsEitherWay() throws Exception {
        List<String[]> lines = List.of(
                new String[] {"add", "-r", "--cid-version=1", "--raw-leaves=false", "--chunker", "size-1024", "-Q", "a", "b"},
                new String[] {"cat", "--offset", "5", "--length", "7", "/ipfs/bafkqaaa"},
                new String[] {"daemon", "--role", "worker", "--listen", "/ip4/127.0.0.1/tcp/0", "--json"},
                new String[] {"pin", "add", "--recursive=false", "bafkqaaa"},
                new String[] {"dag", "get", "--output-codec", "dag-json", "bafkqaaa"},
                new String[] {"routing", "findprovs", "--count", "3", "--listen", "/ip4/127.0.0.1/tcp/0", "bafkqaaa"});
        for (String[] line : lines) {
            CommandLine.ParseResult a = Main.annotatedTree(Main.commands()).parseArgs(line);
            CommandLine.ParseResult m = fromModel(line).parseArgs(line);
            CommandLine.ParseResult aLeaf = leaf(a);
            CommandLine.ParseResult mLeaf = leaf(m);
            String what = String.join(" ", line);
            assertEquals(aLeaf.commandSpec().qualifiedName(), mLeaf.commandSpec().qualifiedName(), what);
            assertEquals(values(aLeaf.commandSpec()), values(mLeaf.commandSpec()), what);
        }
    }

    @Test
    void onlyTheNamedCommandIsBuilt() throws IOException {
        assertEquals(List.of("version"), new ArrayList<>(fromModel("version").getSubcommands().keySet()));
        int all = Main.commands().size() + 1;
        assertEquals(all, new LinkedHashSet<>(fromModel().getSubcommands().values()).size());
        assertEquals(all, new LinkedHashSet<>(fromModel("no-such-command").getSubcommands().values()).size(),
                "an unknown command gets the suggestions from every command");
        assertEquals(all, new LinkedHashSet<>(fromModel("--help").getSubcommands().values()).size());
        assertEquals(all, new LinkedHashSet<>(fromModel("help").getSubcommands().values()).size(), "help CMD");
        assertEquals(all, new LinkedHashSet<>(fromModel("help", "cid").getSubcommands().values()).size());
        // deeper levels the same way: the path named, or all of a level the next word does not name
        CommandLine cid = fromModel("cid", "format", "-b", "base32", "bafkqaaa").getSubcommands().get("cid");
        assertEquals(List.of("format"), new ArrayList<>(cid.getSubcommands().keySet()));
        CommandLine whole = Main.annotatedTree(Main.commands()).getSubcommands().get("cid");
        assertEquals(whole.getSubcommands().keySet(), fromModel("cid").getSubcommands().get("cid").getSubcommands().keySet());
        assertEquals(whole.getSubcommands().keySet(),
                fromModel("cid", "--help").getSubcommands().get("cid").getSubcommands().keySet());
        assertEquals(whole.getSubcommands().keySet(),
                fromModel("cid", "no-such-subcommand").getSubcommands().get("cid").getSubcommands().keySet());
        CommandLine service = fromModel("pin", "remote", "service", "ls").getSubcommands().get("pin")
                .getSubcommands().get("remote").getSubcommands().get("service");
        assertEquals(List.of("ls"), new ArrayList<>(service.getSubcommands().keySet()));
        assertEquals(List.of("remote"), new ArrayList<>(fromModel("pin", "remote", "service", "ls")
                .getSubcommands().get("pin").getSubcommands().keySet()));
    }

    @Test
    void theBuildBundlesTheModelAndMainUsesIt() throws IOException {
        byte[] bundled = CommandModelReader.bundled();
        assertNotNull(bundled, "process-classes writes " + CommandModelReader.RESOURCE);
        assertArrayEquals(CommandModelWriter.write(Main.annotatedTree(Main.commands())), bundled,
                "the bundled model is that of these classes");
        // Main gives no command objects: the model makes the one named
        CommandLine cl = CommandModelReader.read(bundled, List.of(), List.of("cid"));
        assertEquals(io.p2pkit.node.cli.command.cid.CidCommand.class,
                cl.getSubcommands().get("cid").getCommandSpec().userObject().getClass());
        assertEquals(List.of("cid"), new ArrayList<>(cl.getSubcommands().keySet()));
    }

    @Test
    void aModelThatDoesNotFitTheClassesIsRefused() throws IOException {
        byte[] model = CommandModelWriter.write(Main.annotatedTree(Main.commands()));
        assertThrows(IOException.class, () -> CommandModelReader.read(Arrays.copyOf(model, model.length / 2),
                Main.commands(), null), "a truncated model");
        byte[] renamed = model.clone();
        String root = Main.class.getName() + "$Root";
        int at = indexOf(renamed, root.getBytes(StandardCharsets.UTF_8));
        renamed[at + root.length() - 1] = 'X'; // a class that does not exist
        IOException e = assertThrows(IOException.class, () -> CommandModelReader.read(renamed, Main.commands(), null));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        byte[] other = model.clone();
        other[3] = 'X';
        assertThrows(IOException.class, () -> CommandModelReader.read(other, Main.commands(), null), "another layout");
    }

    @Test
    void whatTheModelDoesNotCarryIsRefusedWhenItIsWritten() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CommandModelWriter.write(new CommandLine(new WithAnOptionOnAMethod())));
        assertTrue(e.getMessage().contains("annotated fields"), e.getMessage());
        e = assertThrows(IllegalStateException.class,
                () -> CommandModelWriter.write(new CommandLine(new WithAVersion())));
        assertTrue(e.getMessage().contains("version"), e.getMessage());
    }

    @Command(name = "m")
    static final class WithAnOptionOnAMethod implements Runnable {
        @Option(names = "--x")
        void x(int x) {
        }

        @Override
        public void run() {
        }
    }

    @Command(name = "v", version = "1.0")
    static final class WithAVersion implements Runnable {
        @Override
        public void run() {
        }
    }

    /** Equal maps, or a failure that names only the entries that differ. */
    private static void sameProperties(Map<String, String> expected, Map<String, String> actual, String what) {
        Map<String, String> differ = new TreeMap<>();
        for (String k : expected.keySet()) {
            if (!java.util.Objects.equals(expected.get(k), actual.get(k))) {
                differ.put(k, expected.get(k) + "  <>  " + actual.get(k));
            }
        }
        assertEquals(expected.keySet(), actual.keySet(), what);
        assertTrue(differ.isEmpty(), what + ": " + differ);
    }

    private static CommandLine.ParseResult leaf(CommandLine.ParseResult r) {
        while (r.hasSubcommand()) {
            r = r.subcommand();
        }
        return r;
    }

    /** Each option's and parameter's field value after the parse. */
    private static List<String> values(CommandSpec spec) {
        List<String> out = new ArrayList<>();
        for (ArgSpec arg : spec.args()) {
            Object v = arg.getValue();
            out.add((arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel()) + "="
                    + (v instanceof Object[] array ? Arrays.deepToString(array) : String.valueOf(v)));
        }
        return out;
    }

    private static int indexOf(byte[] data, byte[] what) {
        outer:
        for (int i = 0; i <= data.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    private static boolean identityText(Object v) {
        try {
            return v.getClass().getMethod("toString").getDeclaringClass() == Object.class;
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static String usage(CommandLine cl) {
        cl.setUsageHelpWidth(100);
        return cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    private static Map<String, CommandLine> walk(CommandLine root) {
        Map<String, CommandLine> out = new TreeMap<>();
        walk(root, out);
        return out;
    }

    private static void walk(CommandLine cl, Map<String, CommandLine> out) {
        out.put(cl.getCommandSpec().qualifiedName(), cl);
        for (CommandLine sub : new LinkedHashSet<>(cl.getSubcommands().values())) {
            walk(sub, out);
        }
    }

    /** Every public getter's value, as text: arrays by their elements, other objects of picocli by class. */
    private static Map<String, String> properties(Object o) {
        Map<String, String> out = new TreeMap<>();
        Method[] methods = o.getClass().getMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method m : methods) {
            if (m.getParameterCount() != 0 || m.getReturnType() == void.class || Modifier.isStatic(m.getModifiers())
                    || NOT_COMPARED.contains(m.getName()) || m.getReturnType() == CommandLine.class
                    || m.getReturnType() == CommandSpec.class || m.getReturnType().getName().contains("$Model$")
                    && !m.getReturnType().isEnum()) {
                continue;
            }
            Object v;
            try {
                v = m.invoke(o);
            } catch (ReflectiveOperationException | RuntimeException e) {
                v = "thrown " + e.getClass().getSimpleName();
            }
            out.put(m.getName(), text(v));
        }
        return out;
    }

    private static String text(Object v) {
        if (v instanceof Object[] array) {
            List<String> items = new ArrayList<>();
            for (Object item : array) {
                items.add(text(item));
            }
            return items.toString();
        }
        if (v instanceof CommandLine.Range r) {
            return r + " unspecified=" + r.isUnspecified() + " original=" + r.originalValue();
        }
        if (v instanceof Class<?> c) {
            return c.getName();
        }
        if (v instanceof Iterable<?> it && !(v instanceof java.util.Collection<?>)) {
            List<String> items = new ArrayList<>();
            it.forEach(x -> items.add(text(x)));
            return items.toString();
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, String> m = new TreeMap<>();
            map.forEach((k, x) -> m.put(String.valueOf(k), text(x)));
            return m.toString();
        }
        if (v != null && (v.getClass().getName().startsWith("picocli.") && !v.getClass().isEnum() || identityText(v))) {
            return v.getClass().getName(); // converters, renderers, providers: the same kind is the same
        }
        return String.valueOf(v);
    }
}
