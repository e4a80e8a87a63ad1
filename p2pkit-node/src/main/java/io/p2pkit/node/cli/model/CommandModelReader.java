package io.p2pkit.node.cli.model;

import picocli.CommandLine;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Range;
import picocli.CommandLine.ScopeType;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds {@code p2pkit}'s picocli model from what {@link CommandModelWriter} wrote at build time,
 * without reading a single annotation. Reading annotations is what makes picocli slow to start: the
 * JVM spins a proxy class for each annotation type and parses every annotation, interpreted, which
 * took about 70 ms of a fresh {@code p2pkit version}'s 150 (docs/PERFORMANCE.md). The options are
 * bound to the same fields of the same objects as picocli binds them.
 */
public final class CommandModelReader {
    /** The first string of a model; a model of another layout is not read. */
    static final String MAGIC = "p2pkit command model 1";

    /** Where the build puts the model of the {@code p2pkit} command. */
    public static final String RESOURCE = "commands.model";

    private static final Map<String, Class<?>> PRIMITIVES = Map.of("boolean", boolean.class, "byte", byte.class,
            "char", char.class, "short", short.class, "int", int.class, "long", long.class, "float", float.class,
            "double", double.class, "void", void.class);

    private final DataInputStream in;
    private final ClassLoader loader;

    private CommandModelReader(byte[] model, ClassLoader loader) {
        this.in = new DataInputStream(new ByteArrayInputStream(model));
        this.loader = loader;
    }

    /** The model the build bundled beside this class, or null when there is none. */
    public static byte[] bundled() throws IOException {
        // through the module: Class.getResourceAsStream asks the boot loader first, whose first
        // search of the JDK's modules costs a fresh process several milliseconds of set-up
        String name = CommandModelReader.class.getPackageName().replace('.', '/') + "/" + RESOURCE;
        try (InputStream in = CommandModelReader.class.getModule().getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    /**
     * The root command of {@code model} with, at each level, only the subcommand that the next
     * word of {@code argv} names (by name or alias): {@code cid format …} builds the root, {@code cid}
     * and {@code format}. A level whose next word names none of its subcommands (an option, a
     * typo, none at all) gets all of them, and all of theirs; so does the root when the word is
     * {@code help} ({@code help CMD} needs them). Picocli takes a word that names a subcommand as
     * that subcommand, so the command line parses as it would against the whole tree. The root's
     * direct subcommands are the given objects when one of them has the class the model names, new
     * objects otherwise; deeper ones are made as picocli makes them (their class's no-argument
     * constructor).
     *
     * @throws IOException when the model does not fit the classes it names (another build's model)
     */
    public static CommandLine read(byte[] model, List<?> commands, List<String> argv) throws IOException {
        CommandModelReader reader = new CommandModelReader(model, CommandModelReader.class.getClassLoader());
        if (!MAGIC.equals(reader.in.readUTF())) {
            throw new IOException("not a command model of this layout");
        }
        try {
            return reader.command(commands, argv);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("the command model does not fit these classes: " + e, e);
        }
    }

    /** The command that follows in the model, with the subcommands {@code argv} asks for (null: all). */
    private CommandLine command(List<?> given, List<String> argv) throws IOException, ReflectiveOperationException {
        Class<?> type = type(in.readUTF());
        Object user = null;
        for (Object g : given) {
            if (g.getClass() == type) {
                user = g;
            }
        }
        if (user == null) {
            Constructor<?> c = type.getDeclaredConstructor();
            c.setAccessible(true);
            user = c.newInstance();
        }
        CommandSpec spec = CommandSpec.wrapWithoutInspection(user);
        spec.name(in.readUTF());
        spec.aliases(strings());
        spec.helpCommand(in.readBoolean());
        spec.scopeType(ScopeType.valueOf(in.readUTF()));
        usage(spec.usageMessage());

        int mixins = in.readShort();
        List<Object> owners = new ArrayList<>(mixins);
        for (int i = 0; i < mixins; i++) {
            int steps = in.readByte();
            Object holder = user;
            for (int s = 0; s < steps; s++) {
                Field f = field();
                Object value = f.get(holder);
                if (value == null) { // picocli makes a mixin that the field does not hold yet
                    Constructor<?> c = f.getType().getDeclaredConstructor();
                    c.setAccessible(true);
                    value = c.newInstance();
                    f.set(holder, value);
                }
                holder = value;
            }
            owners.add(holder);
        }
        int specFields = in.readShort();
        for (int i = 0; i < specFields; i++) {
            Object holder = owner(user, owners, in.readShort());
            field().set(holder, spec);
        }

        int args = in.readShort();
        for (int i = 0; i < args; i++) {
            boolean option = in.readBoolean();
            Object holder = owner(user, owners, in.readShort());
            FieldAccess access = new FieldAccess(holder, field());
            if (option) {
                OptionSpec.Builder b = OptionSpec.builder(strings());
                b.order(in.readInt());
                b.help(in.readBoolean());
                b.usageHelp(in.readBoolean());
                b.versionHelp(in.readBoolean());
                b.negatable(in.readBoolean());
                String fallback = nullable();
                if (fallback != null) {
                    b.fallbackValue(fallback);
                }
                spec.addOption(common(access).applyTo(b).build());
            } else {
                PositionalParamSpec.Builder b = PositionalParamSpec.builder();
                b.index(range());
                spec.addPositional(common(access).applyTo(b).build());
            }
        }

        CommandLine cl = new CommandLine(spec);
        int subs = in.readShort();
        String first = argv == null || argv.isEmpty() ? null : argv.get(0);
        boolean all = first == null || !names(subs, first);
        for (int i = 0; i < subs; i++) {
            String name = in.readUTF();
            String[] aliases = strings();
            boolean help = in.readBoolean();
            int length = in.readInt();
            if (all) {
                cl.addSubcommand(name, command(given, null));
            } else if (!help && named(first, name, aliases)) {
                cl.addSubcommand(name, command(given, argv.subList(1, argv.size())));
            } else {
                in.skipNBytes(length);
            }
        }
        return cl;
    }

    /**
     * Whether one of the {@code subs} subcommands that follow, other than help, is named
     * {@code first}; reads none of them.
     */
    private boolean names(int subs, String first) throws IOException {
        in.mark(Integer.MAX_VALUE);
        try {
            for (int i = 0; i < subs; i++) {
                String name = in.readUTF();
                String[] aliases = strings();
                boolean help = in.readBoolean();
                int length = in.readInt();
                if (!help && named(first, name, aliases)) { // "help CMD" needs every command
                    return true;
                }
                in.skipNBytes(length);
            }
            return false;
        } finally {
            in.reset();
        }
    }

    private static boolean named(String first, String name, String[] aliases) {
        if (first.equals(name)) {
            return true;
        }
        for (String a : aliases) {
            if (first.equals(a)) {
                return true;
            }
        }
        return false;
    }

    private static Object owner(Object user, List<Object> owners, int index) {
        return index < 0 ? user : owners.get(index);
    }

    /** What options and positional parameters have in common, read in the writer's order. */
    private ArgModel common(FieldAccess access) throws IOException, ReflectiveOperationException {
        String[] description = strings();
        String descriptionKey = nullable();
        String paramLabel = nullable();
        boolean hideParamSyntax = in.readBoolean();
        Range arity = range();
        boolean required = in.readBoolean();
        boolean hidden = in.readBoolean();
        Class<?> type = type(in.readUTF());
        Class<?>[] aux = new Class<?>[in.readByte()];
        for (int i = 0; i < aux.length; i++) {
            aux[i] = type(in.readUTF());
        }
        CommandLine.ITypeConverter<?>[] converters = new CommandLine.ITypeConverter<?>[in.readByte()];
        for (int i = 0; i < converters.length; i++) {
            Constructor<?> c = type(in.readUTF()).getDeclaredConstructor();
            c.setAccessible(true);
            converters[i] = (CommandLine.ITypeConverter<?>) c.newInstance();
        }
        return new ArgModel(access, description, descriptionKey, paramLabel, hideParamSyntax, arity, required, hidden,
                type, aux, converters, nullable(), nullable(), nullable(), nullable(),
                Visibility.valueOf(in.readUTF()), ScopeType.valueOf(in.readUTF()), in.readBoolean(), in.readBoolean(),
                nullable());
    }

    private void usage(UsageMessageSpec u) throws IOException {
        u.headerHeading(nullable());
        u.header(strings());
        u.synopsisHeading(nullable());
        u.synopsisSubcommandLabel(nullable());
        u.synopsisAutoIndentThreshold(in.readDouble());
        u.synopsisIndent(in.readInt());
        u.abbreviateSynopsis(in.readBoolean());
        u.customSynopsis(strings());
        u.descriptionHeading(nullable());
        u.description(strings());
        u.parameterListHeading(nullable());
        u.optionListHeading(nullable());
        u.sortOptions(in.readBoolean());
        u.sortSynopsis(in.readBoolean());
        u.requiredOptionMarker(in.readChar());
        u.showDefaultValues(in.readBoolean());
        u.showAtFileInUsageHelp(in.readBoolean());
        u.showEndOfOptionsDelimiterInUsageHelp(in.readBoolean());
        u.hidden(in.readBoolean());
        u.commandListHeading(nullable());
        u.footerHeading(nullable());
        u.footer(strings());
        u.adjustLineBreaksForWideCJKCharacters(in.readBoolean());
    }

    private Field field() throws IOException, ReflectiveOperationException {
        Field f = type(in.readUTF()).getDeclaredField(in.readUTF());
        f.setAccessible(true);
        return f;
    }

    private Class<?> type(String name) throws ClassNotFoundException {
        Class<?> primitive = PRIMITIVES.get(name);
        return primitive != null ? primitive : Class.forName(name, false, loader);
    }

    private Range range() throws IOException {
        int min = in.readInt();
        int max = in.readInt();
        boolean variable = in.readBoolean();
        boolean unspecified = in.readBoolean();
        return new Range(min, max, variable, unspecified, nullable());
    }

    private String[] strings() throws IOException {
        String[] values = new String[in.readShort()];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readUTF();
        }
        return values;
    }

    private String nullable() throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
