package io.p2pkit.node.cli.model;

import io.p2pkit.node.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IScoped;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Range;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes the command model that picocli builds from the commands' annotations, so that a process
 * can build the same model without reading annotations ({@link CommandModelReader}). Run at build
 * time: {@code CommandModelWriter FILE}. It refuses (throws) rather than write a model that would
 * differ: a picocli feature the reader does not rebuild (an annotated method, a custom help
 * section, a parameter consumer…) is named in the exception.
 */
public final class CommandModelWriter {
    private CommandModelWriter() {
    }

    /** Writes the model of every command of {@code p2pkit} to {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: CommandModelWriter FILE");
        }
        Path file = Path.of(args[0]);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, write(Main.annotatedTree(Main.commands())));
    }

    /**
     * The model of {@code root}, a tree built by picocli from annotations and not yet configured.
     * The tree is left with variable interpolation off (the model carries the raw texts).
     */
    public static byte[] write(CommandLine root) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(CommandModelReader.MAGIC);
        command(out, root.getCommandSpec());
        out.flush();
        return bytes.toByteArray();
    }

    private static void command(DataOutputStream out, CommandSpec spec) throws IOException {
        spec.interpolateVariables(false); // the raw texts: the reader's model interpolates them as this one would
        Object user = spec.userObject();
        out.writeUTF(user.getClass().getName());
        out.writeUTF(spec.name());
        strings(out, spec.aliases());
        out.writeBoolean(spec.helpCommand());
        out.writeUTF(spec.scopeType().name());
        commandDefaults(spec);
        usage(out, spec.usageMessage());

        // the objects that hold options: the command and its mixins (fields set by picocli by now)
        Map<Object, Integer> owners = new IdentityHashMap<>();
        List<List<Field>> paths = new ArrayList<>();
        List<Field> specFields = new ArrayList<>();
        List<Integer> specOwners = new ArrayList<>();
        owners.put(user, -1);
        collect(user, List.of(), owners, paths, specFields, specOwners);
        out.writeShort(paths.size());
        for (List<Field> path : paths) {
            out.writeByte(path.size());
            for (Field f : path) {
                field(out, f);
            }
        }
        out.writeShort(specFields.size());
        for (int i = 0; i < specFields.size(); i++) {
            out.writeShort(specOwners.get(i));
            field(out, specFields.get(i));
        }

        List<ArgSpec> args = new ArrayList<>();
        for (ArgSpec arg : spec.args()) {
            if (!arg.inherited()) { // picocli copies an inherited option into each subcommand as it is added
                args.add(arg);
            }
        }
        out.writeShort(args.size());
        for (ArgSpec arg : args) {
            arg(out, arg, owners);
        }

        Set<CommandLine> subs = new LinkedHashSet<>(spec.subcommands().values()); // aliases map to the same one
        out.writeShort(subs.size());
        for (CommandLine sub : subs) {
            // a length in front of each subcommand, so the reader skips those the command line does not name
            ByteArrayOutputStream one = new ByteArrayOutputStream();
            DataOutputStream o = new DataOutputStream(one);
            command(o, sub.getCommandSpec());
            o.flush();
            out.writeUTF(sub.getCommandSpec().name());
            strings(out, sub.getCommandSpec().aliases());
            out.writeBoolean(sub.getCommandSpec().helpCommand());
            out.writeInt(one.size());
            one.writeTo(out);
        }
    }

    /** The command's settings the reader leaves at picocli's defaults must be at those defaults. */
    private static void commandDefaults(CommandSpec spec) {
        CommandSpec plain = CommandSpec.create();
        same(spec, "version", Arrays.asList(spec.version()), Arrays.asList(plain.version()));
        same(spec, "mixinStandardHelpOptions", spec.mixinStandardHelpOptions(), plain.mixinStandardHelpOptions());
        same(spec, "subcommandsRepeatable", spec.subcommandsRepeatable(), plain.subcommandsRepeatable());
        same(spec, "resourceBundleBaseName", spec.resourceBundleBaseName(), plain.resourceBundleBaseName());
        same(spec, "defaultValueProvider", spec.defaultValueProvider(), plain.defaultValueProvider());
        same(spec, "versionProvider", spec.versionProvider(), plain.versionProvider());
        same(spec, "exitCodeOnSuccess", spec.exitCodeOnSuccess(), plain.exitCodeOnSuccess());
        same(spec, "exitCodeOnUsageHelp", spec.exitCodeOnUsageHelp(), plain.exitCodeOnUsageHelp());
        same(spec, "exitCodeOnVersionHelp", spec.exitCodeOnVersionHelp(), plain.exitCodeOnVersionHelp());
        same(spec, "exitCodeOnInvalidInput", spec.exitCodeOnInvalidInput(), plain.exitCodeOnInvalidInput());
        same(spec, "exitCodeOnExecutionException", spec.exitCodeOnExecutionException(), plain.exitCodeOnExecutionException());
        same(spec, "argGroups", spec.argGroups().size(), 0);
        same(spec, "unmatchedArgsBindings", spec.unmatchedArgsBindings().size(), 0);
        same(spec, "preprocessor", spec.preprocessor().getClass(), plain.preprocessor().getClass());
        same(spec, "negatableOptionTransformer", spec.negatableOptionTransformer().getClass(),
                plain.negatableOptionTransformer().getClass());
        same(spec, "parser", parser(spec.parser()), parser(plain.parser()));
        UsageMessageSpec usage = spec.usageMessage();
        UsageMessageSpec plainUsage = plain.usageMessage();
        same(spec, "sectionKeys", usage.sectionKeys(), plainUsage.sectionKeys());
        same(spec, "sectionMap", classes(usage.sectionMap()), classes(plainUsage.sectionMap()));
        same(spec, "exitCodeList", usage.exitCodeList(), plainUsage.exitCodeList());
        same(spec, "exitCodeListHeading", usage.exitCodeListHeading(), plainUsage.exitCodeListHeading());
        same(spec, "width", usage.width(), plainUsage.width());
        same(spec, "autoWidth", usage.autoWidth(), plainUsage.autoWidth());
        same(spec, "longOptionsMaxWidth", usage.longOptionsMaxWidth(), plainUsage.longOptionsMaxWidth());
    }

    private static Map<String, String> classes(Map<String, ?> renderers) {
        Map<String, String> out = new java.util.TreeMap<>();
        renderers.forEach((k, v) -> out.put(k, v.getClass().getName()));
        return out;
    }

    private static String parser(CommandLine.Model.ParserSpec parser) {
        return parser.toString();
    }

    private static void same(CommandSpec spec, String what, Object actual, Object expected) {
        if (!Objects.equals(actual, expected)) {
            throw new IllegalStateException("command '" + spec.qualifiedName() + "': " + what + " is " + actual
                    + ", which the command model does not carry (CommandModelReader rebuilds it as " + expected + ")");
        }
    }

    private static void usage(DataOutputStream out, UsageMessageSpec u) throws IOException {
        nullable(out, u.headerHeading());
        strings(out, u.header());
        nullable(out, u.synopsisHeading());
        nullable(out, u.synopsisSubcommandLabel());
        out.writeDouble(u.synopsisAutoIndentThreshold());
        out.writeInt(u.synopsisIndent());
        out.writeBoolean(u.abbreviateSynopsis());
        strings(out, u.customSynopsis());
        nullable(out, u.descriptionHeading());
        strings(out, u.description());
        nullable(out, u.parameterListHeading());
        nullable(out, u.optionListHeading());
        out.writeBoolean(u.sortOptions());
        out.writeBoolean(u.sortSynopsis());
        out.writeChar(u.requiredOptionMarker());
        out.writeBoolean(u.showDefaultValues());
        out.writeBoolean(u.showAtFileInUsageHelp());
        out.writeBoolean(u.showEndOfOptionsDelimiterInUsageHelp());
        out.writeBoolean(u.hidden());
        nullable(out, u.commandListHeading());
        nullable(out, u.footerHeading());
        strings(out, u.footer());
        out.writeBoolean(u.adjustLineBreaksForWideCJKCharacters());
    }

    /** The fields of {@code holder}'s class and superclasses with {@code @Mixin} (recursively) or {@code @Spec}. */
    private static void collect(Object holder, List<Field> path, Map<Object, Integer> owners, List<List<Field>> paths,
                                List<Field> specFields, List<Integer> specOwners) {
        int holderIndex = owners.get(holder);
        for (Class<?> c = holder.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.isAnnotationPresent(CommandLine.Spec.class)) {
                    if (f.getAnnotation(CommandLine.Spec.class).value() != CommandLine.Spec.Target.SELF) {
                        throw new IllegalStateException(f + ": only @Spec of the command itself is carried by the command model");
                    }
                    specFields.add(f);
                    specOwners.add(holderIndex);
                }
                if (f.isAnnotationPresent(CommandLine.Mixin.class)) {
                    Object mixin = read(f, holder);
                    if (mixin == null || owners.containsKey(mixin)) {
                        throw new IllegalStateException(f + ": a mixin picocli did not set, or set twice");
                    }
                    List<Field> sub = new ArrayList<>(path);
                    sub.add(f);
                    owners.put(mixin, paths.size());
                    paths.add(sub);
                    collect(mixin, sub, owners, paths, specFields, specOwners);
                }
                for (Class<? extends java.lang.annotation.Annotation> a : List.of(CommandLine.ArgGroup.class,
                        CommandLine.Unmatched.class, CommandLine.ParentCommand.class)) {
                    if (f.isAnnotationPresent(a)) {
                        throw new IllegalStateException(f + ": @" + a.getSimpleName() + " is not carried by the command model");
                    }
                }
            }
        }
    }

    private static Object read(Field f, Object holder) {
        try {
            f.setAccessible(true);
            return f.get(holder);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void arg(DataOutputStream out, ArgSpec arg, Map<Object, Integer> owners) throws IOException {
        if (!(arg.userObject() instanceof Field field) || !(arg.getter() instanceof IScoped scoped)) {
            throw new IllegalStateException(arg + ": only annotated fields are carried by the command model, not "
                    + arg.userObject());
        }
        Object owner;
        try {
            owner = scoped.getScope().get();
        } catch (Exception e) {
            throw new IllegalStateException(arg + ": its object", e);
        }
        Integer ownerIndex = owners.get(owner);
        if (ownerIndex == null) {
            throw new IllegalStateException(arg + ": declared on an object that is neither the command nor its mixins");
        }
        out.writeBoolean(arg.isOption());
        out.writeShort(ownerIndex);
        field(out, field);
        if (arg instanceof OptionSpec o) {
            strings(out, o.names());
            out.writeInt(o.order());
            out.writeBoolean(o.help());
            out.writeBoolean(o.usageHelp());
            out.writeBoolean(o.versionHelp());
            out.writeBoolean(o.negatable());
            nullable(out, o.fallbackValue());
        } else {
            range(out, ((PositionalParamSpec) arg).index());
        }
        strings(out, arg.description());
        nullable(out, arg.descriptionKey());
        nullable(out, arg.paramLabel());
        out.writeBoolean(arg.hideParamSyntax());
        range(out, arg.arity());
        out.writeBoolean(arg.required());
        out.writeBoolean(arg.hidden());
        type(out, arg.type());
        out.writeByte(arg.auxiliaryTypes().length);
        for (Class<?> t : arg.auxiliaryTypes()) {
            type(out, t);
        }
        out.writeByte(arg.converters().length);
        for (CommandLine.ITypeConverter<?> c : arg.converters()) {
            out.writeUTF(c.getClass().getName());
        }
        nullable(out, arg.splitRegex());
        nullable(out, arg.splitRegexSynopsisLabel());
        nullable(out, arg.defaultValue());
        nullable(out, arg.mapFallbackValue());
        out.writeUTF(arg.showDefaultValue().name());
        out.writeUTF(arg.scopeType().name());
        out.writeBoolean(arg.interactive());
        out.writeBoolean(arg.echo());
        nullable(out, arg.prompt());
        if (arg.parameterConsumer() != null) {
            throw new IllegalStateException(arg + ": a parameter consumer is not carried by the command model");
        }
        if (!arg.preprocessor().getClass().getSimpleName().equals("NoOpParameterPreprocessor")) {
            throw new IllegalStateException(arg + ": a preprocessor is not carried by the command model");
        }
        if (arg.completionCandidates() != null && !arg.typeInfo().isEnum()) {
            throw new IllegalStateException(arg + ": completion candidates are not carried by the command model");
        }
    }

    private static void field(DataOutputStream out, Field f) throws IOException {
        out.writeUTF(f.getDeclaringClass().getName());
        out.writeUTF(f.getName());
    }

    private static void type(DataOutputStream out, Class<?> type) throws IOException {
        out.writeUTF(type.getName());
    }

    private static void range(DataOutputStream out, Range r) throws IOException {
        out.writeInt(r.min());
        out.writeInt(r.max());
        out.writeBoolean(r.isVariable());
        out.writeBoolean(r.isUnspecified());
        nullable(out, r.originalValue());
    }

    private static void strings(DataOutputStream out, String[] values) throws IOException {
        out.writeShort(values.length);
        for (String v : values) {
            out.writeUTF(v);
        }
    }

    private static void nullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }
}
