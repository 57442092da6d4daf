package org.jukibus.flow;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Finds the handler of a flow; flows without one get the default (legacy outbox, no answers). */
public final class FlowHandlers {

    private static final FlowHandler DEFAULT = () -> List.of();

    private final Map<String, FlowHandler> byFlow = new HashMap<>();

    public FlowHandlers(List<FlowHandler> handlers) {
        for (FlowHandler handler : handlers) {
            for (String flow : handler.flows()) {
                FlowHandler earlier = byFlow.put(flow, handler);
                if (earlier != null) {
                    throw new IllegalStateException("two handlers for the " + flow + " flow: "
                            + earlier.getClass().getName() + " and " + handler.getClass().getName());
                }
            }
        }
    }

    public FlowHandler of(FlowDefinition flow) {
        return byFlow.getOrDefault(flow.name(), DEFAULT);
    }
}
