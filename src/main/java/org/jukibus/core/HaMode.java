package org.jukibus.core;

/**
 * Which server of a primary/backup pair (代替機能, 第4の9(2)ア) a node process is ({@code jukibus.ha.mode}).
 * Both servers of a pair run the same node (same code, keys, home on shared storage, same store); the one that
 * holds the home's live lock runs it, the other waits (see {@link LiveLock}).
 */
public enum HaMode {
    /** Not part of a pair: the node starts at once and listens on both its endpoints. */
    NONE,
    /** The pair's primary server: listens on the directory's primary endpoint only. */
    PRIMARY,
    /** The pair's backup server: listens on the directory's backup endpoint only. */
    BACKUP;

    /** The broker acceptor this server does not open (the other server's endpoint), or null. */
    public String acceptorNotOpened() {
        return switch (this) {
            case NONE -> null;
            case PRIMARY -> "link-backup";
            case BACKUP -> "link-primary";
        };
    }
}
