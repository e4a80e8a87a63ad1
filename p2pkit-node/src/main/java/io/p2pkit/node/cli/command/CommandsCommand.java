package io.p2pkit.node.cli.command;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.Main;
import io.p2pkit.node.cli.content.CommandTree;
import io.p2pkit.node.cli.options.JsonOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit commands}: every command of this command line, as Kubo's {@code ipfs commands} lists its own. */
@Command(name = "commands", description = {
        "List every p2pkit command, as Kubo's 'ipfs commands'.",
        "",
        "One command a line ('p2pkit swarm peers'), sorted; with --flags also a line per option of each "
                + "('p2pkit add --chunker / p2pkit add -s'). A daemon's RPC API lists its own commands at "
                + "/api/v0/commands.",
        ""},
        footer = {"", "With --json: {\"Name\":\"p2pkit\",\"Subcommands\":[…],\"Options\":[{\"Names\":[…]}]}, Kubo's shape."})
public final class CommandsCommand extends CliCommand {
    @Option(names = {"-f", "--flags"}, description = "also list each command's options")
    private boolean flags;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() {
        // the whole tree: Main gives a command only itself when the command line names it
        CommandTree tree = tree("p2pkit", Main.commandLine(Main.commands(), console()));
        if (output.json()) {
            console().json(tree.json());
        } else {
            tree.lines(flags).forEach(console()::println);
        }
        return 0;
    }

    private static CommandTree tree(String name, CommandLine cl) {
        Map<CommandLine, Boolean> seen = new IdentityHashMap<>(); // an alias maps to the same command
        List<CommandTree> subs = new ArrayList<>();
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (seen.put(sub, true) == null && !sub.getCommandSpec().usageMessage().hidden()) {
                subs.add(tree(sub.getCommandName(), sub));
            }
        }
        List<List<String>> options = new ArrayList<>();
        for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
            if (!o.hidden()) {
                // Kubo's names: without dashes, the long one first
                options.add(java.util.Arrays.stream(o.names()).map(n -> n.replaceFirst("^-+", ""))
                        .sorted(Comparator.comparingInt(String::length).reversed()).toList());
            }
        }
        return new CommandTree(name, subs, options);
    }
}
