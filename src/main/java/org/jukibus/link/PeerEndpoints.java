package org.jukibus.link;

import java.util.List;
import java.util.Optional;

import org.jukibus.directory.Endpoint;

/** Where a peer's broker listens: its primary line first, then its backup line (予備の回線, 第3の3(2)). */
@FunctionalInterface
public interface PeerEndpoints {

    /** Endpoints, primary first; empty if the code is not in the directory. */
    Optional<List<Endpoint>> endpointsOf(String peerCode);
}
