package io.p2pkit.node.cli.options;

import io.p2pkit.node.cli.DurationOption;
import io.p2pkit.node.cli.UsageException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/** Durations as Go and Kubo write them ({@code 250ms}, {@code 1s}, {@code 1h30m}) for picocli options. */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
        try {
            return DurationOption.parse("duration", text);
        } catch (UsageException e) {
            throw new TypeConversionException("'" + text + "' is not a duration (examples: 500ms, 1s, 2m, 1h30m)");
        }
    }
}
