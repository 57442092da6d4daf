package org.jukibus.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The name and meaning of an operation's parameter of a node's MBean ({@link DescribedMBean}): not p1, p2. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Param {
    /** The parameter's name, as the form in Hawtio's JMX tab labels its field. */
    String name();

    /** What to enter. */
    String value();
}
