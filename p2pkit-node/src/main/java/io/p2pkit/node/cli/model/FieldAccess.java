package io.p2pkit.node.cli.model;

import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.IScope;
import picocli.CommandLine.Model.IScoped;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.PicocliException;

import java.lang.reflect.Field;

/** An option's field in the object that holds it, read and written as picocli's own binding does. */
record FieldAccess(Object holder, Field field) implements IGetter, ISetter, IScoped {
    @Override
    @SuppressWarnings("unchecked")
    public <T> T get() {
        try {
            return (T) field.get(holder);
        } catch (IllegalAccessException e) {
            throw new PicocliException("cannot read " + field, e);
        }
    }

    @Override
    public <T> T set(T value) {
        T previous = get();
        try {
            field.set(holder, value);
        } catch (IllegalAccessException e) {
            throw new PicocliException("cannot set " + field, e);
        }
        return previous;
    }

    @Override
    public IScope getScope() {
        return new IScope() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T get() {
                return (T) holder;
            }

            @Override
            public <T> T set(T value) {
                throw new UnsupportedOperationException("the object that holds an option is fixed");
            }
        };
    }
}
