package org.jukibus.bench;

import org.springframework.context.ConfigurableApplicationContext;

/** The two municipal nodes the benchmark drives: both in this JVM, or each in its own. */
interface Nodes extends AutoCloseable {

    /** Seconds each node took to start, sender and recipient. */
    double[] startSeconds();

    /** CPU used so far by the process running the node {@code code} (in this JVM: the whole JVM). */
    ProcessCpu cpu(String code);

    /** The id of the process running the node {@code code} (in this JVM: this JVM's). */
    long pid(String code);

    /** The node's Spring context, for the sections that reach into a node (raw broker, naive, fan-out). */
    ConfigurableApplicationContext context(String code);

    /** Whether {@link #context} is available (the nodes run in this JVM). */
    boolean inProcess();

    @Override
    void close();
}
