package io.p2pkit.interop;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class of interop cases: each of its tests becomes one row of the interop matrix, under
 * the table named here.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(InteropRecorder.class)
public @interface InteropArea {
    /** @return the matrix table the cases go to, e.g. {@code "Connection over TCP"} */
    String value();
}
