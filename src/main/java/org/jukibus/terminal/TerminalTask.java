package org.jukibus.terminal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a controller as one task of the counter terminal (端末機の業務). The task is served under
 * {@code /terminal/<id>} and needs the operator permission {@code terminal:<id>} (or {@code terminal:*}) for every
 * request: {@link TaskPermissions} checks it before the controller runs, and refuses (403, operation log entry
 * {@code PERMISSION_DENIED}) otherwise. The home page lists the tasks the operator holds.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface TerminalTask {

    /** The task's id: its path {@code /terminal/<id>} and its permission {@code terminal:<id>}; lower case and dashes. */
    String id();

    /** The task's name on the screens, in Japanese (e.g. 住民基本台帳カードの保有の確認). */
    String title();

    /** The section of the standard the task carries out (e.g. 第6の5(1)). */
    String section();

    /** Its place in the home page's list (smaller first). */
    int order() default 100;
}
