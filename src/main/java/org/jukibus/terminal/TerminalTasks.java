package org.jukibus.terminal;

import java.util.Comparator;
import java.util.List;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;

/** The terminal's tasks: every controller bean marked {@link TerminalTask}, in their {@link TerminalTask#order}. */
public final class TerminalTasks {

    private final ListableBeanFactory beans;
    private volatile List<TerminalTask> all;

    TerminalTasks(ListableBeanFactory beans) {
        this.beans = beans;
    }

    public List<TerminalTask> all() {
        if (all == null) { // the controllers are created after this
            all = beans.getBeansWithAnnotation(TerminalTask.class).values().stream()
                    .map(b -> AnnotatedElementUtils.findMergedAnnotation(b.getClass(), TerminalTask.class))
                    .sorted(Comparator.comparingInt(TerminalTask::order).thenComparing(TerminalTask::id)).toList();
        }
        return all;
    }

    /** The tasks {@code operator} may do. */
    public List<TerminalTask> of(TerminalOperator operator) {
        return all().stream().filter(t -> operator.mayDo(t.id())).toList();
    }
}
