package io.p2pkit.node.cli.model;

import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Range;
import picocli.CommandLine.ScopeType;

/**
 * The settings an option and a positional parameter share, as the command model carries them.
 * picocli's builder of both is not public, so each kind of builder gets them through its own
 * {@code applyTo}.
 */
record ArgModel(FieldAccess access, String[] description, String descriptionKey, String paramLabel,
                boolean hideParamSyntax, Range arity, boolean required, boolean hidden, Class<?> type,
                Class<?>[] auxiliaryTypes, ITypeConverter<?>[] converters, String splitRegex,
                String splitRegexSynopsisLabel, String defaultValue, String mapFallbackValue,
                Visibility showDefaultValue, ScopeType scopeType, boolean interactive, boolean echo, String prompt) {

    OptionSpec.Builder applyTo(OptionSpec.Builder b) {
        b.description(description).descriptionKey(descriptionKey).paramLabel(paramLabel)
                .hideParamSyntax(hideParamSyntax).arity(arity).required(required).hidden(hidden).type(type)
                .auxiliaryTypes(auxiliaryTypes).converters(converters).splitRegex(splitRegex)
                .splitRegexSynopsisLabel(splitRegexSynopsisLabel).defaultValue(defaultValue)
                .showDefaultValue(showDefaultValue).scopeType(scopeType).interactive(interactive).echo(echo)
                .prompt(prompt)
                // as picocli does for an annotated field: reset to the field's first value before each parse
                .getter(access).setter(access).initialValue(access.get()).hasInitialValue(true)
                .userObject(access.field());
        if (mapFallbackValue != null) {
            b.mapFallbackValue(mapFallbackValue);
        }
        return b;
    }

    PositionalParamSpec.Builder applyTo(PositionalParamSpec.Builder b) {
        b.description(description).descriptionKey(descriptionKey).paramLabel(paramLabel)
                .hideParamSyntax(hideParamSyntax).arity(arity).required(required).hidden(hidden).type(type)
                .auxiliaryTypes(auxiliaryTypes).converters(converters).splitRegex(splitRegex)
                .splitRegexSynopsisLabel(splitRegexSynopsisLabel).defaultValue(defaultValue)
                .showDefaultValue(showDefaultValue).scopeType(scopeType).interactive(interactive).echo(echo)
                .prompt(prompt)
                .getter(access).setter(access).initialValue(access.get()).hasInitialValue(true)
                .userObject(access.field());
        if (mapFallbackValue != null) {
            b.mapFallbackValue(mapFallbackValue);
        }
        return b;
    }
}
