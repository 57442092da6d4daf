package org.jukibus.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.settings.impl.HierarchicalObjectRepository;

/**
 * One redelivery policy for a node and its broker (issue 14 D): the node dead-letters an inbound message that keeps
 * failing, with its reason, at delivery attempt {@code jukibus.delivery.max-attempts} (routes/common/error-handling.yaml),
 * and a transiently failing one once its envelope is older than the outage window (flow.DeliveryFailures); the broker's
 * own move to its dead-letter address after {@code max-delivery-attempts} (broker.xml) carries no reason and is only
 * the last resort, for what never reaches the node's decision (a failure in the dead-letter branch itself), so it must
 * come later on every queue the node consumes: after more attempts than the node makes and, while a transient failure
 * waits by time, not before that time has passed at the broker's longest redelivery delay. broker.xml says 100000
 * (at 30 s, about 35 days). A node whose broker.xml or property says otherwise does not start.
 */
public final class RedeliveryPolicy {

    /** Slack for the broker's first, shorter redelivery delays and for a clock read a little later. */
    static final Duration MARGIN = Duration.ofDays(1);

    private RedeliveryPolicy() {
    }

    /**
     * Throws unless the broker of {@code server} moves a message later than the node on every queue: after more than
     * {@code nodeAttempts} attempts or, with {@code nodeAttempts} -1 (a transient failure waits by time), after more
     * than {@code unclassifiedAttempts} (the attempts at a failure nothing classifies, which are still counted) and not
     * before {@code longestWait} has passed.
     */
    public static void requireNodeFirst(ActiveMQServer server, int nodeAttempts, int unclassifiedAttempts, Duration longestWait) {
        List<String> wrong = violations(settingsByAddress(server.getConfiguration()), nodeAttempts, unclassifiedAttempts, longestWait);
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("the node dead-letters a message itself after " + (nodeAttempts < 0
                    ? unclassifiedAttempts + " attempts at an unclassified failure or after a transient failure waited up to "
                    + longestWait : nodeAttempts + " attempts") + " but the broker moves a"
                    + " message to its dead-letter address, without a reason, sooner on " + wrong
                    + ": set max-delivery-attempts in broker.xml to 100000 (or -1), above jukibus.delivery.max-attempts and"
                    + " jukibus.delivery.transient-max-attempts, and long enough at max-redelivery-delay to outlast"
                    + " jukibus.envelope.outage-window (see docs/operations.md)");
        }
    }

    /** The address settings in force for each address of the broker configuration (broker.xml's address-settings merged). */
    public static Map<String, AddressSettings> settingsByAddress(Configuration configuration) {
        HierarchicalObjectRepository<AddressSettings> repository =
                new HierarchicalObjectRepository<>(configuration.getWildcardConfiguration());
        configuration.getAddressSettings().forEach(repository::addMatch);
        Map<String, AddressSettings> byAddress = new TreeMap<>();
        for (CoreAddressConfiguration address : configuration.getAddressConfigurations()) {
            byAddress.put(address.getName(), repository.getMatch(address.getName()));
        }
        return byAddress;
    }

    /**
     * The addresses whose broker limit (-1: none) does not lie after the node's: at or below {@code nodeAttempts}, or,
     * with {@code nodeAttempts} -1, at or below {@code unclassifiedAttempts} or too few attempts at the broker's longest
     * redelivery delay to outlast {@code longestWait}; all of them if {@code nodeAttempts} is 0.
     */
    static List<String> violations(Map<String, AddressSettings> settings, int nodeAttempts, int unclassifiedAttempts,
                                   Duration longestWait) {
        List<String> wrong = new ArrayList<>();
        settings.forEach((address, setting) -> {
            long attempts = setting.getMaxDeliveryAttempts();
            boolean brokerFirst;
            if (nodeAttempts == 0) {
                brokerFirst = true;
            } else if (attempts < 0) {
                brokerFirst = false;
            } else if (nodeAttempts < 0) {
                brokerFirst = attempts <= unclassifiedAttempts
                        || attempts * setting.getMaxRedeliveryDelay() < longestWait.plus(MARGIN).toMillis();
            } else {
                brokerFirst = attempts <= nodeAttempts;
            }
            if (brokerFirst) {
                wrong.add(address + " (" + attempts + ")");
            }
        });
        return wrong;
    }
}
