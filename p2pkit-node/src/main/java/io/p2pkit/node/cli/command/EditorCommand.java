package io.p2pkit.node.cli.command;

import io.p2pkit.node.cli.CommandFailedException;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code $EDITOR} split into a program and its arguments as a POSIX shell splits words (what Kubo
 * does with shlex): blanks separate them, single quotes keep everything, double quotes keep all
 * but a backslash before {@code "}, {@code \}, {@code $} or {@code `}, and a backslash outside
 * quotes keeps the next character.
 */
final class EditorCommand {
    private EditorCommand() {
    }

    /**
     * @param editor the variable's value
     * @return the words, at least one
     * @throws CommandFailedException when a quote is left open, a backslash ends it or there is no word
     */
    static List<String> split(String editor) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < editor.length(); i++) {
            char c = editor.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            if (c == '\'') {
                int end = editor.indexOf('\'', i + 1);
                if (end < 0) {
                    throw unparsable("a single quote is not closed");
                }
                word.append(editor, i + 1, end);
                i = end;
            } else if (c == '"') {
                i = doubleQuoted(editor, i + 1, word);
            } else if (c == '\\') {
                if (++i == editor.length()) {
                    throw unparsable("it ends in a backslash");
                }
                word.append(editor.charAt(i));
            } else {
                word.append(c);
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw unparsable("it names no program");
        }
        return words;
    }

    /** Appends the text after an opening double quote; returns the closing quote's index. */
    private static int doubleQuoted(String s, int from, StringBuilder word) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                return i;
            }
            if (c == '\\' && i + 1 < s.length() && "\"\\$`".indexOf(s.charAt(i + 1)) >= 0) {
                c = s.charAt(++i);
            }
            word.append(c);
        }
        throw unparsable("a double quote is not closed");
    }

    private static CommandFailedException unparsable(String why) {
        return new CommandFailedException("cannot parse $EDITOR value: " + why);
    }
}
